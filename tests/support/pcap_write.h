/* pcap_write.h — test-only builder of synthetic captures: packets (Ethernet
 * with VLAN tags, Linux cooked v1/v2, BSD loopback, raw IP; IPv4 with options
 * or IPv6 with extension headers; TCP with options) and writers of classic
 * pcap and pcapng files, plus a small "conversation" helper that tracks
 * sequence numbers so a test can write a TCP exchange in a few lines. */
#ifndef H2SCOPE_TEST_PCAP_WRITE_H
#define H2SCOPE_TEST_PCAP_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Link types (the numbers in pcap files, LINKTYPE_*). */
enum {
  PW_LINK_NULL = 0,       /* BSD loopback, AF in host order (see null_big_endian) */
  PW_LINK_ETHERNET = 1,
  PW_LINK_RAW = 101,      /* raw IPv4/IPv6 (LINKTYPE_RAW) */
  PW_LINK_LOOP = 108,     /* OpenBSD loopback, AF in network order */
  PW_LINK_SLL = 113,      /* Linux cooked v1 */
  PW_LINK_IPV4 = 228,
  PW_LINK_IPV6 = 229,
  PW_LINK_SLL2 = 276,     /* Linux cooked v2 */
};

/* IPv6 extension headers to put in front of TCP, in this order. */
enum {
  PW_EXT_HOPOPTS = 1 << 0,
  PW_EXT_ROUTING = 1 << 1,
  PW_EXT_FRAGMENT = 1 << 2, /* an atomic fragment unless frag_offset/more_fragments */
  PW_EXT_DSTOPTS = 1 << 3,
  PW_EXT_AH = 1 << 4,
};

typedef struct pw_packet {
  int linktype;             /* PW_LINK_* */
  int vlan_tags;            /* Ethernet/SLL/SLL2: number of tags (0..4); the first is 802.1ad
                               when there are two or more */
  bool null_big_endian;     /* PW_LINK_NULL: write the AF in big-endian */
  int ip_version;           /* 4 or 6 (0 → 4) */
  const char *src, *dst;    /* addresses as text */
  uint16_t sport, dport;
  uint32_t seq, ack;
  uint8_t flags;            /* TCP flags (FIN 1, SYN 2, RST 4, PSH 8, ACK 16) */
  uint16_t window;          /* 0 → 65535 */
  const uint8_t *payload;
  size_t payload_len;
  bool ip_options;          /* IPv4: 8 bytes of options (NOP..., EOL) */
  bool tcp_options;         /* MSS, SACK-permitted, timestamps, NOP, window scale */
  int ipv6_ext;             /* PW_EXT_* bits */
  uint16_t frag_offset;     /* in 8-byte units: IPv4 fragment / IPv6 fragment header */
  bool more_fragments;
  int ip_proto;             /* 0 → TCP; other: no TCP header, payload follows IP */
  uint16_t ethertype;       /* non-zero: this link protocol instead of IP (payload follows) */
} pw_packet;

/* Builds the packet into out; returns its length, or 0 if cap is too small. */
size_t pw_build(const pw_packet *p, uint8_t *out, size_t cap);

/* A capture file being written. */
typedef struct pw_file {
  FILE *f;
  bool pcapng;
} pw_file;

/* Classic pcap (microsecond timestamps, host byte order). */
bool pw_open_pcap(pw_file *w, const char *path, int linktype, uint32_t snaplen);
/* pcapng: SHB, one IDB (microsecond resolution), then EPBs. */
bool pw_open_pcapng(pw_file *w, const char *path, int linktype, uint32_t snaplen);
/* One record: caplen bytes of data, orig_len on the wire (0 → caplen). */
bool pw_write(pw_file *w, double ts, const uint8_t *data, size_t caplen, size_t orig_len);
bool pw_close(pw_file *w);

/* Builds p and writes it, cut to snaplen bytes if snaplen is non-zero. */
bool pw_write_packet(pw_file *w, double ts, const pw_packet *p, size_t snaplen);

/* A fresh temporary directory (created once per process, removed at exit
 * together with its files) and a path inside it. */
const char *pw_tempdir(void);
/* Writes tempdir/name into buf and returns buf. */
char *pw_temp_path(const char *name, char *buf, size_t cap);

/* A TCP conversation between a client and a server: keeps the sequence
 * numbers, so tests write exchanges without arithmetic. */
typedef struct pw_conv {
  pw_file *file;
  pw_packet tmpl;     /* link type, IP version, addresses, ports of the client side */
  uint32_t isn[2];      /* 0 = client, 1 = server */
  uint32_t next_seq[2];
  double ts;
  double ts_step;     /* added after every packet (0 → 0.001) */
} pw_conv;

/* tmpl describes the client → server packets (src = client). */
void pw_conv_init(pw_conv *c, pw_file *file, const pw_packet *tmpl, uint32_t client_isn,
                  uint32_t server_isn, double start_ts);
/* SYN, SYN-ACK, ACK. */
bool pw_conv_handshake(pw_conv *c);
/* Data from side (0 client, 1 server) at the current sequence number,
 * advancing it; extra_flags (e.g. FIN) are ORed to PSH|ACK. */
bool pw_conv_send(pw_conv *c, int side, const void *data, size_t len, uint8_t extra_flags);
/* A segment at an explicit sequence offset (relative to ISN + 1), not advancing. */
bool pw_conv_send_at(pw_conv *c, int side, uint32_t rel_offset, const void *data, size_t len,
                     uint8_t flags);
/* FIN from side (consumes one sequence number), then the other side's ACK. */
bool pw_conv_fin(pw_conv *c, int side);
/* A packet with arbitrary flags and no payload at the current sequence number. */
bool pw_conv_flags(pw_conv *c, int side, uint8_t flags);

#endif
