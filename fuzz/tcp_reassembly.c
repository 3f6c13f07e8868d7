/* tcp_reassembly.c — fuzz target for one TCP direction's reassembler
 * (inspector/tcp_reassembly.h): an input-chosen list of segments (reordered,
 * overlapping, retransmitted, cut by the snap length, before the start,
 * around the 2^32 sequence wrap, with FINs) and ACKs, cut from one original
 * byte stream, then a flush.
 *
 * Input: u32 first sequence number, u16 out-of-order byte limit, u8 segment
 * limit, u8 pattern salt, then operations of 6 bytes each:
 *   u8 op, u16 offset, u16 length, u8 captured.
 *   op & 3 == 3: ACK of `offset`; otherwise a segment at stream offset
 *   `offset` (minus 256 when op & 4: before the start), `length` % 1600
 *   bytes, FIN when op & 8, the snap length keeps only `captured` * 8 bytes
 *   when op & 16, and the bytes are altered (a conflicting retransmission)
 *   when op & 32.
 *
 * Oracles:
 * - data and gaps are contiguous from offset 0 and add up to the
 *   reassembler's next offset;
 * - every delivered byte is the original byte at its offset (or, for offsets
 *   an altered segment covered, the altered byte): the reassembled bytes
 *   equal the original where segments cover it;
 * - no byte a fully captured segment brought while it was still ahead of
 *   the stream is reported as a gap, unless the out-of-order limit forced it;
 * - the out-of-order buffer stays within its limits;
 * - after the flush with a FIN seen, the stream ends exactly at the FIN.
 *
 * Triage: with H2_FUZZ_PCAP=out.pcap in the environment, the input is also
 * written as a capture (raw IPv4, a handshake from 10.0.0.1:40000 to
 * 10.0.0.2:8080 at the input's sequence numbers, every segment as a client
 * packet and every ACK as a server packet) that `h2scope read out.pcap`
 * reassembles the same way:
 *   H2_FUZZ_PCAP=f.pcap build/<dir>/fuzz/replay_tcp_reassembly crash-file */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "tcp_reassembly.h"

enum { MAX_OFFSET = 65536 + 1600, MAX_SEGMENT = 1600 };

typedef struct oracle {
  uint64_t next;       /* where the next data or gap must start */
  uint8_t salt;
  bool altered_seen;   /* an altered segment was sent */
  uint8_t covered[MAX_OFFSET]; /* 1: a captured segment brought this byte while ahead */
  uint8_t altered[MAX_OFFSET]; /* 1: some altered segment covered this offset */
} oracle;

static oracle o;

static uint8_t original_byte(uint64_t offset) {
  return (uint8_t)(offset * 131u + (offset >> 8) * 7u + o.salt);
}

static uint8_t altered_byte(uint64_t offset) {
  return (uint8_t)(original_byte(offset) ^ 0x5a);
}

static void on_data(void *ctx, uint64_t offset, const uint8_t *data, size_t len) {
  (void)ctx;
  FUZZ_CHECK(offset == o.next, "data at %llu, expected %llu", (unsigned long long)offset,
             (unsigned long long)o.next);
  FUZZ_CHECK(len > 0, "empty data callback");
  for (size_t i = 0; i < len; i++) {
    uint64_t at = offset + i;
    FUZZ_CHECK(at < MAX_OFFSET, "data beyond anything sent: %llu", (unsigned long long)at);
    bool ok = data[i] == original_byte(at) || (o.altered[at] && data[i] == altered_byte(at));
    FUZZ_CHECK(ok, "byte at %llu is %02x, sent %02x", (unsigned long long)at, data[i],
               original_byte(at));
  }
  o.next += len;
}

static bool limit_hit;

static void on_gap(void *ctx, uint64_t offset, uint64_t len) {
  (void)ctx;
  FUZZ_CHECK(offset == o.next, "gap at %llu, expected %llu", (unsigned long long)offset,
             (unsigned long long)o.next);
  FUZZ_CHECK(len > 0, "empty gap");
  if (!limit_hit) {
    for (uint64_t at = offset; at < offset + len && at < MAX_OFFSET; at++)
      FUZZ_CHECK(!o.covered[at], "captured byte at %llu reported as a gap",
                 (unsigned long long)at);
  }
  o.next += len;
}

static void on_notice(void *ctx, const char *kind, const char *message) {
  (void)ctx;
  fuzz_log("notice %s: %s\n", kind, message);
  if (strcmp(kind, "limit-ooo-bytes") == 0) limit_hit = true;
}

/* ---- Triage: the input as a pcap file ---- */

static FILE *pcap_out;

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v);
}

/* One raw IPv4/TCP packet (RFC 791, RFC 9293 §3.1): `captured` of `len`
 * payload bytes are written, like a snap length cut. */
static void pcap_packet(bool from_client, uint32_t seq, uint32_t ack, uint8_t flags,
                        const uint8_t *payload, size_t captured, size_t len) {
  static uint32_t ticks;
  uint8_t h[40] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6};
  put16(h + 2, (uint32_t)(40 + len));
  put32(h + 12, from_client ? 0x0a000001 : 0x0a000002);
  put32(h + 16, from_client ? 0x0a000002 : 0x0a000001);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (uint32_t)(h[i] << 8 | h[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  put16(h + 10, ~sum & 0xffff);
  put16(h + 20, from_client ? 40000 : 8080);
  put16(h + 22, from_client ? 8080 : 40000);
  put32(h + 24, seq);
  put32(h + 28, ack);
  h[32] = 0x50;
  h[33] = flags;
  put16(h + 34, 65535);
  uint8_t rec[16];
  ticks++;
  put32(rec, ticks / 1000); /* pcap record header, big-endian like the file header */
  put32(rec + 4, (ticks % 1000) * 1000);
  put32(rec + 8, (uint32_t)(40 + captured));
  put32(rec + 12, (uint32_t)(40 + len));
  fwrite(rec, 1, sizeof rec, pcap_out);
  fwrite(h, 1, sizeof h, pcap_out);
  if (captured) fwrite(payload, 1, captured, pcap_out);
}

static void pcap_begin(uint32_t isn) {
  const char *path = getenv("H2_FUZZ_PCAP");
  if (!path || !*path) return;
  pcap_out = fopen(path, "wb");
  FUZZ_CHECK(pcap_out != NULL, "cannot write %s", path);
  /* Classic pcap header, big-endian magic: version 2.4, snap length 65535,
   * LINKTYPE_RAW (101). */
  uint8_t g[24] = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4};
  put32(g + 16, 65535);
  put32(g + 20, 101);
  fwrite(g, 1, sizeof g, pcap_out);
  pcap_packet(true, isn - 1, 0, 0x02, NULL, 0, 0);     /* SYN */
  pcap_packet(false, 0, isn, 0x12, NULL, 0, 0);        /* SYN-ACK */
  pcap_packet(true, isn, 1, 0x10, NULL, 0, 0);         /* ACK */
}

static void pcap_end(void) {
  if (!pcap_out) return;
  fclose(pcap_out);
  pcap_out = NULL;
  fuzz_log("wrote %s\n", getenv("H2_FUZZ_PCAP"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_reader in = fuzz_reader_make(data, size);
  memset(&o, 0, sizeof o);
  limit_hit = false;
  uint32_t isn = fuzz_u32(&in);
  tcp_reassembly_limits limits = {.max_ooo_bytes = fuzz_u16(&in),
                                  .max_ooo_segments = fuzz_u8(&in)};
  o.salt = fuzz_u8(&in);
  tcp_reassembly_counters counters = {0};
  tcp_stream_sink sink = {.on_data = on_data,
                          .on_gap = on_gap,
                          .on_notice = on_notice,
                          .limits = &limits,
                          .counters = &counters};
  tcp_reassembler r;
  tcp_reassembler_init(&r);
  tcp_reassembler_start(&r, isn);
  pcap_begin(isn);
  static uint8_t segment[MAX_SEGMENT];
  while (in.left >= 6) {
    uint8_t op = fuzz_u8(&in);
    uint16_t offset16 = fuzz_u16(&in);
    uint16_t length16 = fuzz_u16(&in);
    uint8_t captured8 = fuzz_u8(&in);
    if ((op & 3) == 3) {
      fuzz_log("ack %u (next %llu)\n", offset16, (unsigned long long)r.next);
      tcp_reassembler_ack(&r, isn + offset16, &sink);
      if (pcap_out) pcap_packet(false, 1, isn + offset16, 0x10, NULL, 0, 0);
      continue;
    }
    int64_t offset = (int64_t)offset16 - ((op & 4) ? 256 : 0);
    size_t len = length16 % MAX_SEGMENT;
    size_t captured = (op & 16) && captured8 * 8u < len ? captured8 * 8u : len;
    bool fin = (op & 8) != 0, altered = (op & 32) != 0;
    for (size_t i = 0; i < captured; i++) {
      int64_t at = offset + (int64_t)i;
      uint64_t pos = at < 0 ? 0 : (uint64_t)at; /* bytes before the start are ignored anyway */
      segment[i] = altered ? altered_byte(pos) : original_byte(pos);
      if (altered && at >= 0) o.altered[at] = 1;
    }
    fuzz_log("segment at %lld len %zu captured %zu%s%s (next %llu)\n", (long long)offset, len,
             captured, fin ? " FIN" : "", altered ? " altered" : "", (unsigned long long)r.next);
    /* Which bytes this segment brings that the stream has not passed yet:
     * decided before the call (a keep-alive lookalike at next-1 is behind). */
    uint64_t before_next = r.next;
    uint64_t fin_limit = r.fin_seen ? r.fin_offset : UINT64_MAX;
    tcp_reassembler_segment(&r, isn + (uint32_t)offset, segment, captured, len, fin, &sink);
    if (pcap_out)
      pcap_packet(true, isn + (uint32_t)offset, 1, (uint8_t)(0x18 | (fin ? 0x01 : 0)), segment,
                  captured, len);
    for (size_t i = 0; i < captured; i++) {
      int64_t at = offset + (int64_t)i;
      if (at >= 0 && (uint64_t)at >= before_next && (uint64_t)at < fin_limit &&
          (!r.fin_seen || (uint64_t)at < r.fin_offset))
        o.covered[at] = 1;
    }
    FUZZ_CHECK(r.ooo_bytes <= limits.max_ooo_bytes, "%u buffered bytes over the limit %u",
               r.ooo_bytes, limits.max_ooo_bytes);
    FUZZ_CHECK(r.ooo_segments <= limits.max_ooo_segments,
               "%u buffered segments over the limit %u", r.ooo_segments,
               limits.max_ooo_segments);
    FUZZ_CHECK(o.next == r.next, "callbacks reached %llu, reassembler %llu",
               (unsigned long long)o.next, (unsigned long long)r.next);
  }
  tcp_reassembler_flush(&r, &sink);
  FUZZ_CHECK(o.next == r.next, "after flush: callbacks reached %llu, reassembler %llu",
             (unsigned long long)o.next, (unsigned long long)r.next);
  FUZZ_CHECK(r.ooo_head == NULL && r.ooo_bytes == 0, "buffered data left after the flush");
  if (r.fin_seen)
    FUZZ_CHECK(r.next >= r.fin_offset, "flush stopped at %llu before the FIN at %llu",
               (unsigned long long)r.next, (unsigned long long)r.fin_offset);
  tcp_reassembler_free(&r);
  pcap_end();
  return 0;
}
