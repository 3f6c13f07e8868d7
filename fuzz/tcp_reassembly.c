/* tcp_reassembly.c — fuzz target for one TCP direction's reassembler
 * (inspector/capture/tcp_reassembly.h): an input-chosen list of segments (reordered,
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

#include "fuzz_pcap.h"
#include "fuzz_support.h"
#include "tcp_reassembly.h"

enum { MAX_OFFSET = 65536 + 1600, MAX_SEGMENT = 1600 };

typedef struct oracle {
  uint64_t next; /* where the next data or gap must start */
  uint8_t salt;
  bool altered_seen;           /* an altered segment was sent */
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

static void on_data(void *ctx, uint64_t offset, const uint8_t *data, size_t len, uint64_t pkt) {
  (void)pkt;
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
      FUZZ_CHECK(!o.covered[at], "captured byte at %llu reported as a gap", (unsigned long long)at);
  }
  o.next += len;
}

static void on_notice(void *ctx, const char *kind, const char *message) {
  (void)ctx;
  fuzz_log("notice %s: %s\n", kind, message);
  if (strcmp(kind, "limit-ooo-bytes") == 0) limit_hit = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_reader in = fuzz_reader_make(data, size);
  memset(&o, 0, sizeof o);
  limit_hit = false;
  uint32_t isn = fuzz_u32(&in);
  tcp_reassembly_limits limits = {.max_ooo_bytes = fuzz_u16(&in), .max_ooo_segments = fuzz_u8(&in)};
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
  fuzz_pcap_begin(isn - 1, 0);
  static uint8_t segment[MAX_SEGMENT];
  while (in.left >= 6) {
    uint8_t op = fuzz_u8(&in);
    uint16_t offset16 = fuzz_u16(&in);
    uint16_t length16 = fuzz_u16(&in);
    uint8_t captured8 = fuzz_u8(&in);
    if ((op & 3) == 3) {
      fuzz_log("ack %u (next %llu)\n", offset16, (unsigned long long)r.next);
      tcp_reassembler_ack(&r, isn + offset16, &sink);
      fuzz_pcap_packet(false, 1, isn + offset16, FUZZ_TCP_ACK, NULL, 0, 0);
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
    fuzz_pcap_packet(true, isn + (uint32_t)offset, 1,
                     (uint8_t)(FUZZ_TCP_PSH | FUZZ_TCP_ACK | (fin ? FUZZ_TCP_FIN : 0)), segment,
                     captured, len);
    for (size_t i = 0; i < captured; i++) {
      int64_t at = offset + (int64_t)i;
      if (at >= 0 && (uint64_t)at >= before_next && (uint64_t)at < fin_limit &&
          (!r.fin_seen || (uint64_t)at < r.fin_offset))
        o.covered[at] = 1;
    }
    FUZZ_CHECK(r.ooo_bytes <= limits.max_ooo_bytes, "%u buffered bytes over the limit %u",
               r.ooo_bytes, limits.max_ooo_bytes);
    FUZZ_CHECK(r.ooo_segments <= limits.max_ooo_segments, "%u buffered segments over the limit %u",
               r.ooo_segments, limits.max_ooo_segments);
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
  fuzz_pcap_end();
  return 0;
}
