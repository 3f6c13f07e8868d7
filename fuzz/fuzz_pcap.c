/* fuzz_pcap.c — writes a target's input as a pcap for triage (fuzz_pcap.h):
 * classic pcap (big-endian magic, LINKTYPE_RAW), IPv4 (RFC 791) with a
 * correct header checksum, TCP (RFC 9293 §3.1) without options and with a
 * zero checksum (h2scope does not verify it). */
#include "fuzz_pcap.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz_support.h"

static FILE *pcap_out;
static const char *pcap_path;
static uint32_t ticks;

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v);
}

bool fuzz_pcap_active(void) {
  return pcap_out != NULL;
}

void fuzz_pcap_packet(bool from_client, uint32_t seq, uint32_t ack, uint8_t flags,
                      const uint8_t *payload, size_t captured, size_t len) {
  if (!pcap_out) return;
  if (len > 65535 - 40) len = 65535 - 40;
  if (captured > len) captured = len;
  uint8_t h[40] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6};
  put16(h + 2, (uint32_t)(40 + len));
  put32(h + 12, from_client ? 0x0a000001 : 0x0a000002);
  put32(h + 16, from_client ? 0x0a000002 : 0x0a000001);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2)
    sum += (uint32_t)(h[i] << 8 | h[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  put16(h + 10, ~sum & 0xffff);
  put16(h + 20, from_client ? 40000 : 8080);
  put16(h + 22, from_client ? 8080 : 40000);
  put32(h + 24, seq);
  put32(h + 28, ack);
  h[32] = 0x50; /* data offset: 5 words */
  h[33] = flags;
  put16(h + 34, 65535);
  uint8_t rec[16]; /* record header: one millisecond per packet */
  ticks++;
  put32(rec, ticks / 1000);
  put32(rec + 4, (ticks % 1000) * 1000);
  put32(rec + 8, (uint32_t)(40 + captured));
  put32(rec + 12, (uint32_t)(40 + len));
  fwrite(rec, 1, sizeof rec, pcap_out);
  fwrite(h, 1, sizeof h, pcap_out);
  if (captured) fwrite(payload, 1, captured, pcap_out);
  fflush(pcap_out); /* a broken invariant aborts: what was written must be on disk */
}

bool fuzz_pcap_begin(uint32_t client_isn, uint32_t server_isn) {
  pcap_path = getenv("H2_FUZZ_PCAP");
  if (!pcap_path || !*pcap_path) return false;
  if (pcap_out) fclose(pcap_out);
  pcap_out = fopen(pcap_path, "wb");
  FUZZ_CHECK(pcap_out != NULL, "cannot write %s", pcap_path);
  ticks = 0;
  /* Version 2.4, snap length 65535, LINKTYPE_RAW (101). */
  uint8_t g[24] = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4};
  put32(g + 16, 65535);
  put32(g + 20, 101);
  fwrite(g, 1, sizeof g, pcap_out);
  fuzz_pcap_packet(true, client_isn, 0, FUZZ_TCP_SYN, NULL, 0, 0);
  fuzz_pcap_packet(false, server_isn, client_isn + 1, FUZZ_TCP_SYN | FUZZ_TCP_ACK, NULL, 0, 0);
  fuzz_pcap_packet(true, client_isn + 1, server_isn + 1, FUZZ_TCP_ACK, NULL, 0, 0);
  return true;
}

void fuzz_pcap_end(void) {
  if (!pcap_out) return;
  fclose(pcap_out);
  pcap_out = NULL;
  fuzz_log("wrote %s\n", pcap_path);
}
