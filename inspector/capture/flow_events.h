/* flow_events.h — the seam between capture handling (pcap → link → IP → TCP
 * reassembly → flow table) and the HTTP/2 layer of the inspector. The capture
 * side calls a flow_consumer with in-order bytes per direction, gaps and
 * closes, and the secrets a capture file carries; the consumer never sees
 * packets. */
#ifndef H2SCOPE_FLOW_EVENTS_H
#define H2SCOPE_FLOW_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The capture's numbering of the two directions, and what it knows of the
 * roles, as data: with syn_seen, direction 0 is the side that opened the TCP
 * connection (sent the SYN, or received the SYN-ACK); without it, direction
 * 0 is a guess (the side with the higher port, ties by address) and
 * capture_flow_opener() says FLOW_DIR_UNKNOWN. The numbering is fixed once
 * bytes have flowed: a layer above that learns the roles from the bytes (the
 * TLS ClientHello, the HTTP/2 preface) keeps its own mapping onto these
 * directions and hands its decision up to its own consumers; nothing above
 * renumbers the capture's directions. (Before the first bytes the capture
 * may number them again, when a late SYN shows who opened the connection;
 * the endpoints then change in place.) */
enum { FLOW_DIR_UNKNOWN = -1, FLOW_DIR_C2S = 0, FLOW_DIR_S2C = 1 };

enum flow_close_reason {
  FLOW_CLOSE_FIN = 1, /* both directions finished */
  FLOW_CLOSE_RST = 2,
  FLOW_CLOSE_IDLE = 3,    /* idle timeout in capture time */
  FLOW_CLOSE_EVICTED = 4, /* connection table full */
  FLOW_CLOSE_END = 5,     /* end of capture */
  FLOW_CLOSE_REUSED = 6,  /* a new SYN reused the 4-tuple before a FIN/RST was seen */
};

typedef struct capture_flow {
  uint32_t id;          /* 1-based, in order of first packet */
  char endpoint[2][64]; /* "ip:port" of side 0 and side 1 ("[v6]:port" for IPv6) */
  uint16_t port[2];
  bool syn_seen;     /* the handshake was captured */
  uint64_t bytes[2]; /* in-order payload bytes delivered per direction */
  /* During on_bytes: the capture packets its bytes came from, numbered from
   * 1 as Wireshark numbers them in their file (every packet of the file
   * counts; live: since the capture started); decrypted TLS: the packets of
   * the record that carried them. 0: not known. pkt_file: the 1-based file
   * when several files are read as one, else 0. */
  uint64_t pkt_first, pkt_last;
  uint32_t pkt_file;
  /* One slot per layer of the consumer chain, so no layer keeps a table of
   * flows of its own: `filter` belongs to a filter consumer between the
   * capture and the final consumer (tls/ keeps its per-connection state
   * there), `user` to the final consumer (read/, replay/). Each owner frees
   * what it put there by the end of its on_close; the capture side clears
   * both after on_close. (A detached copy carries the filter's pointer as it
   * was: only the filter, which never sees the copy, may use it.) */
  void *filter;
  void *user;
} capture_flow;

/* The direction that opened the TCP connection (FLOW_DIR_C2S when its
 * handshake was captured), or FLOW_DIR_UNKNOWN. */
static inline int capture_flow_opener(const capture_flow *f) {
  return f->syn_seen ? FLOW_DIR_C2S : FLOW_DIR_UNKNOWN;
}

typedef struct flow_consumer {
  void *user;
  /* A new TCP connection (first packet seen). */
  void (*on_open)(void *user, capture_flow *f, double ts);
  /* In-order payload of direction dir, starting at stream offset `offset`
   * (bytes of that direction delivered before, gaps included). `data` is only
   * valid during the call: the consumer copies what it must keep. */
  void (*on_bytes)(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                   size_t len, double ts);
  /* `len` bytes at `offset` of direction dir were never captured (a hole that
   * did not fill, or bytes before the first captured segment of a connection
   * joined mid-way are NOT reported: offset 0 is the first captured byte). */
  void (*on_gap)(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len, double ts);
  /* The connection ended; f is freed after this call. */
  void (*on_close)(void *user, capture_flow *f, int reason, double ts);
  /* Something the user must hear about that is not tied to bytes: a limit
   * hit, an unsupported link type, a truncated packet... f may be NULL. `kind`
   * is a stable identifier ("limit-connections", "unsupported-linktype"). */
  void (*on_notice)(void *user, capture_flow *f, const char *kind, const char *message, double ts);
  /* Secrets the capture file carries for a layer above (a pcapng Decryption
   * Secrets Block, pcapng_secrets.h): `type` is the secrets type
   * (PCAPNG_SECRETS_TLS_KEY_LOG, "TLSK": NSS key log text, for tls/), `data`
   * valid only during the call. Each comes before every packet that follows
   * its block in the file; ts is the latest capture time seen. Optional. */
  void (*on_secrets)(void *user, uint32_t type, const uint8_t *data, size_t len, double ts);
} flow_consumer;

#endif
