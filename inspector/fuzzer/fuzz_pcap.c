/* fuzz_pcap.c — a transcript as a pcap file (fuzz_pcap.h): Ethernet II,
 * IPv4 (RFC 791) and TCP (RFC 9293) headers with their checksums. */
#include "fuzz_pcap.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "h2/cursor.h"

#define SEG_MAX 1400u
#define HDRS (14u + 20u + 20u)
#define BASE_TIME 1700000000.0 /* a fixed clock: the same input writes the same file */

typedef struct side {
  uint32_t ip;
  uint16_t port;
  uint32_t seq;
} side;

typedef struct writer {
  pcap_dumper_t *d;
  side s[2]; /* 0 client, 1 server */
  uint16_t ip_id;
} writer;

static void be16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v) {
  be16(p, (uint16_t)(v >> 16));
  be16(p + 2, (uint16_t)v);
}

/* The ones' complement sum of RFC 1071 over n octets (an odd last one as
 * the high half of a word). */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc) {
  h2_cursor c = h2_cursor_make(p, n);
  uint16_t w;
  while (h2_cursor_get_u16(&c, &w))
    acc += w;
  uint8_t last;
  if (h2_cursor_get_u8(&c, &last)) acc += (uint32_t)last * 256u;
  return acc;
}

static uint16_t fold(uint32_t acc) {
  while (acc >> 16)
    acc = (acc & 0xffff) + (acc >> 16);
  return (uint16_t)~acc;
}

enum { FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10 };

static void packet(writer *w, int dir, uint8_t flags, const uint8_t *data, size_t n, double ts) {
  uint8_t pkt[HDRS + SEG_MAX];
  memset(pkt, 0, HDRS);
  side *from = &w->s[dir], *to = &w->s[!dir];
  /* Ethernet: locally administered addresses, IPv4 */
  memcpy(pkt, dir ? "\x02\x00\x00\x00\x00\x01" : "\x02\x00\x00\x00\x00\x02", 6);
  memcpy(pkt + 6, dir ? "\x02\x00\x00\x00\x00\x02" : "\x02\x00\x00\x00\x00\x01", 6);
  be16(pkt + 12, 0x0800);
  uint8_t *ip = pkt + 14, *tcp = ip + 20;
  ip[0] = 0x45;
  be16(ip + 2, (uint16_t)(40 + n));
  be16(ip + 4, w->ip_id++);
  be16(ip + 6, 0x4000); /* DF */
  ip[8] = 64;
  ip[9] = 6;
  be32(ip + 12, from->ip);
  be32(ip + 16, to->ip);
  be16(ip + 10, fold(sum16(ip, 20, 0)));
  be16(tcp, from->port);
  be16(tcp + 2, to->port);
  be32(tcp + 4, from->seq);
  be32(tcp + 8, (flags & ACK) ? to->seq : 0);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  be16(tcp + 14, 65535);
  if (n) memcpy(tcp + 20, data, n);
  uint8_t pseudo[12];
  memcpy(pseudo, ip + 12, 8);
  pseudo[8] = 0;
  pseudo[9] = 6;
  be16(pseudo + 10, (uint16_t)(20 + n));
  be16(tcp + 16, fold(sum16(tcp, 20 + n, sum16(pseudo, 12, 0))));
  from->seq += (uint32_t)n + ((flags & (SYN | FIN)) ? 1 : 0);
  struct pcap_pkthdr h;
  double t = BASE_TIME + ts;
  h.ts.tv_sec = (long)t;
  h.ts.tv_usec = (long)((t - (double)(long)t) * 1e6);
  h.caplen = h.len = (bpf_u_int32)(HDRS + n);
  pcap_dump((u_char *)w->d, &h, pkt);
}

bool fuzz_pcap_write(const char *path, const fuzz_transcript *t, uint16_t server_port, char *err,
                     size_t cap) {
  pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
  if (!p) {
    snprintf(err, cap, "pcap_open_dead failed");
    return false;
  }
  writer w = {.s = {{0x7f000001, 40000, 1000}, {0x7f000002, server_port, 5000}}};
  w.d = pcap_dump_open(p, path);
  if (!w.d) {
    snprintf(err, cap, "%s", pcap_geterr(p));
    pcap_close(p);
    return false;
  }
  packet(&w, 0, SYN, NULL, 0, 0);
  packet(&w, 1, SYN | ACK, NULL, 0, 0);
  packet(&w, 0, ACK, NULL, 0, 0);
  double ts = 0;
  for (size_t i = 0; i < t->n; i++) {
    const fuzz_chunk *c = &t->chunks[i];
    ts = c->ts;
    for (size_t off = 0; off < c->len; off += SEG_MAX) {
      size_t n = c->len - off < SEG_MAX ? c->len - off : SEG_MAX;
      packet(&w, c->dir, PSH | ACK, t->bytes.p + c->off + off, n, ts);
    }
  }
  packet(&w, 0, FIN | ACK, NULL, 0, ts);
  packet(&w, 1, FIN | ACK, NULL, 0, ts);
  packet(&w, 0, ACK, NULL, 0, ts);
  bool ok = pcap_dump_flush(w.d) == 0;
  pcap_dump_close(w.d);
  pcap_close(p);
  if (!ok) snprintf(err, cap, "%s: write failed", path);
  return ok;
}
