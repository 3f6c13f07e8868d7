/* test_tcp_reassembly.c — TCP reassembly and connection tracking: the
 * reassembler alone (exact data/gap sequences, 64-bit offsets, randomized
 * streams) and the capture engine fed with synthetic packets (handshake,
 * roles, reordering, retransmission, overlaps, gaps, wrap-around, FIN/RST,
 * limits, idle timeout, keep-alives, TFO, truncation, 4-tuple reuse). */
#include <check.h>

#include "run_suite.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_engine.h"
#include "capture_recorder.h"
#include "pcap_write.h"
#include "tcp_reassembly.h"

/* ---- the reassembler alone ---------------------------------------------- */

typedef struct sink_log {
  char text[4096];
  uint8_t *data;
  size_t len, cap;
  uint64_t expect; /* next offset */
  int errors;
  uint64_t data_calls;
  bool keep_data;
  char pkts[256]; /* the packet number of each data call */
} sink_log;

static void log_line(sink_log *l, char kind, uint64_t a, uint64_t b) {
  size_t n = strlen(l->text);
  snprintf(l->text + n, sizeof l->text - n, "%c%" PRIu64 "+%" PRIu64 " ", kind, a, b);
}

static void sl_data(void *ctx, uint64_t offset, const uint8_t *data, size_t len, uint64_t pkt) {
  sink_log *l = ctx;
  if (offset != l->expect || len == 0) l->errors++;
  l->expect = offset + len;
  l->data_calls++;
  size_t np = strlen(l->pkts);
  snprintf(l->pkts + np, sizeof l->pkts - np, "%" PRIu64 " ", pkt);
  if (!l->keep_data) return;
  if (l->len + len > l->cap) {
    l->cap = (l->len + len) * 2;
    l->data = realloc(l->data, l->cap);
  }
  memcpy(l->data + l->len, data, len);
  l->len += len;
  log_line(l, 'D', offset, len);
}

static void sl_gap(void *ctx, uint64_t offset, uint64_t len) {
  sink_log *l = ctx;
  if (offset != l->expect || len == 0) l->errors++;
  l->expect = offset + len;
  log_line(l, 'G', offset, len);
}

static void sl_notice(void *ctx, const char *kind, const char *message) {
  sink_log *l = ctx;
  (void)message;
  size_t n = strlen(l->text);
  snprintf(l->text + n, sizeof l->text - n, "N:%s ", kind);
}

typedef struct rfix {
  tcp_reassembler r;
  sink_log log;
  tcp_reassembly_limits limits;
  tcp_reassembly_counters counters;
  tcp_stream_sink sink;
} rfix;

static void rfix_init(rfix *f, uint32_t first_seq) {
  memset(f, 0, sizeof *f);
  f->log.keep_data = true;
  f->limits.max_ooo_bytes = 1u << 22;
  f->limits.max_ooo_segments = 4096;
  tcp_reassembler_init(&f->r);
  tcp_reassembler_start(&f->r, first_seq);
  tcp_stream_sink s = {&f->log, sl_data, sl_gap, sl_notice, &f->limits, &f->counters, 0};
  f->sink = s;
}

static void rfix_seg(rfix *f, uint32_t seq, const char *text) {
  size_t n = strlen(text);
  tcp_reassembler_segment(&f->r, seq, (const uint8_t *)text, n, n, false, &f->sink);
}

static void rfix_done(rfix *f) {
  tcp_reassembler_free(&f->r);
  free(f->log.data);
}

static void assert_data(rfix *f, const char *expect) {
  ck_assert_uint_eq(f->log.len, strlen(expect));
  ck_assert(memcmp(f->log.data, expect, f->log.len) == 0);
  ck_assert_int_eq(f->log.errors, 0);
}

START_TEST(reasm_in_order_and_reordered) {
  rfix f;
  rfix_init(&f, 100);
  rfix_seg(&f, 100, "abc");
  rfix_seg(&f, 109, "jkl"); /* out of order */
  rfix_seg(&f, 106, "ghi"); /* out of order, before it */
  rfix_seg(&f, 103, "def"); /* fills the hole */
  assert_data(&f, "abcdefghijkl");
  ck_assert_str_eq(f.log.text, "D0+3 D3+3 D6+3 D9+3 ");
  ck_assert_uint_eq(f.r.ooo_segments, 0);
  ck_assert_uint_eq(f.r.ooo_bytes, 0);
  rfix_done(&f);
}
END_TEST

/* Bytes delivered in order carry the packet they came from; buffered
 * out-of-order segments keep their own number until they are delivered. */
START_TEST(reasm_packet_numbers) {
  rfix f;
  rfix_init(&f, 100);
  f.sink.pkt = 4;
  rfix_seg(&f, 100, "abc");
  f.sink.pkt = 5;
  rfix_seg(&f, 109, "jkl"); /* buffered */
  f.sink.pkt = 7;
  rfix_seg(&f, 106, "ghi"); /* buffered */
  f.sink.pkt = 9;
  rfix_seg(&f, 103, "def"); /* fills the hole: delivered with 7 and 5 behind it */
  assert_data(&f, "abcdefghijkl");
  ck_assert_str_eq(f.log.pkts, "4 9 7 5 ");
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_retransmission) {
  rfix f;
  rfix_init(&f, 0);
  rfix_seg(&f, 0, "hello");
  rfix_seg(&f, 0, "hello");
  rfix_seg(&f, 3, "lo wor"); /* 2 old bytes, 4 new */
  rfix_seg(&f, 9, "ld");
  rfix_seg(&f, 9, "ld");
  assert_data(&f, "hello world");
  ck_assert_uint_eq(f.counters.retransmitted_bytes, 5 + 2 + 2);
  ck_assert_uint_eq(f.counters.overlap_conflicts, 0);
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_overlap_first_copy_wins) {
  rfix f;
  rfix_init(&f, 1000);
  rfix_seg(&f, 1005, "XXXXXabcde"); /* [5,15) buffered first */
  rfix_seg(&f, 1000, "0123456789"); /* [0,10): 5..9 differ */
  assert_data(&f, "01234XXXXXabcde");
  ck_assert_str_eq(f.log.text, "D0+5 N:overlap-conflict D5+10 ");
  ck_assert_uint_eq(f.counters.overlap_conflicts, 1);
  ck_assert_uint_eq(f.counters.retransmitted_bytes, 5);
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_overlap_complete_and_spanning) {
  rfix f;
  rfix_init(&f, 0);
  rfix_seg(&f, 5, "fgh");          /* [5,8) */
  rfix_seg(&f, 12, "mn");          /* [12,14) */
  rfix_seg(&f, 3, "defghijklmno"); /* [3,15) covers both: pieces 3-5, 8-12, 14-15 */
  ck_assert_uint_eq(f.r.ooo_segments, 5);
  ck_assert_uint_eq(f.r.ooo_bytes, 12);
  rfix_seg(&f, 6, "g"); /* completely inside a buffered segment */
  rfix_seg(&f, 0, "abc");
  assert_data(&f, "abcdefghijklmno");
  ck_assert_uint_eq(f.counters.overlap_conflicts, 0);
  ck_assert_uint_eq(f.counters.retransmitted_bytes, 3 + 2 + 1);
  /* a conflicting copy of already delivered data cannot be compared: ignored */
  rfix_seg(&f, 0, "ZZZ");
  assert_data(&f, "abcdefghijklmno");
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_gap_on_flush) {
  rfix f;
  rfix_init(&f, 0);
  rfix_seg(&f, 0, "aaaaa");
  rfix_seg(&f, 10, "ccccc");
  rfix_seg(&f, 20, "eeeee");
  tcp_reassembler_flush(&f.r, &f.sink);
  ck_assert_str_eq(f.log.text, "D0+5 G5+5 D10+5 G15+5 D20+5 ");
  ck_assert_uint_eq(f.counters.gaps, 2);
  ck_assert_uint_eq(f.counters.gap_bytes, 10);
  ck_assert_uint_eq(f.r.next, 25);
  /* delivery continues after the gap */
  rfix_seg(&f, 25, "f");
  ck_assert_str_eq(f.log.text, "D0+5 G5+5 D10+5 G15+5 D20+5 D25+1 ");
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_fin_hole_and_ack) {
  rfix f;
  rfix_init(&f, 0);
  rfix_seg(&f, 0, "abc");
  /* FIN at 10 with data [6,10): hole [3,6) */
  tcp_reassembler_segment(&f.r, 6, (const uint8_t *)"ghij", 4, 4, true, &f.sink);
  ck_assert(f.r.fin_seen);
  ck_assert(!f.r.finished);
  /* the peer acknowledges up to 4: only [3,4) is known lost */
  tcp_reassembler_ack(&f.r, 4, &f.sink);
  ck_assert_str_eq(f.log.text, "D0+3 G3+1 ");
  /* the peer acknowledges the FIN (11): the rest of the hole is lost */
  tcp_reassembler_ack(&f.r, 11, &f.sink);
  ck_assert_str_eq(f.log.text, "D0+3 G3+1 G4+2 D6+4 ");
  ck_assert(f.r.finished);
  /* data after the FIN is ignored */
  rfix_seg(&f, 10, "zz");
  ck_assert_str_eq(f.log.text, "D0+3 G3+1 G4+2 D6+4 N:data-after-fin ");
  ck_assert_uint_eq(f.counters.ignored_bytes, 2);
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_ack_without_hole_is_ignored) {
  rfix f;
  rfix_init(&f, 0);
  rfix_seg(&f, 0, "abc");
  /* acknowledged but never captured, nothing buffered behind it: wait (the
   * data may still show up), report only at flush time if ever */
  tcp_reassembler_ack(&f.r, 10, &f.sink);
  ck_assert_str_eq(f.log.text, "D0+3 ");
  rfix_seg(&f, 3, "def");
  assert_data(&f, "abcdef");
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_wraparound) {
  rfix f;
  uint32_t isn1 = 0xfffffff0u; /* first byte 16 before 2^32 */
  rfix_init(&f, isn1);
  rfix_seg(&f, isn1 + 20, "UVWXY");      /* after the wrap, ooo */
  rfix_seg(&f, isn1 + 10, "KLMNOPQRST"); /* crosses 2^32 */
  rfix_seg(&f, isn1, "ABCDEFGHIJ");
  rfix_seg(&f, isn1 + 25, "Z");
  assert_data(&f, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  ck_assert_uint_eq(f.r.next, 26);
  ck_assert_int_eq(tcp_reassembler_offset_of(&f.r, 0), 16);
  ck_assert_int_eq(tcp_reassembler_offset_of(&f.r, isn1 - 1), -1);
  rfix_done(&f);
}
END_TEST

/* More than 2^32 bytes through one direction: offsets stay 64-bit and
 * sequence numbers wrap twice. */
START_TEST(reasm_offsets_beyond_4gib) {
  rfix f;
  rfix_init(&f, 0x80000000u);
  f.log.keep_data = false;
  static uint8_t chunk[65536];
  uint64_t total = (1ull << 32) * 2 + 12345;
  uint32_t seq = 0x80000000u;
  uint64_t sent = 0;
  while (sent < total) {
    size_t n = total - sent < sizeof chunk ? (size_t)(total - sent) : sizeof chunk;
    tcp_reassembler_segment(&f.r, seq, chunk, n, n, false, &f.sink);
    seq += (uint32_t)n;
    sent += n;
  }
  ck_assert_uint_eq(f.r.next, total);
  ck_assert_uint_eq(f.log.expect, total);
  ck_assert_int_eq(f.log.errors, 0);
  /* one reordered pair at the end still lands right */
  tcp_reassembler_segment(&f.r, seq + 10, chunk, 10, 10, false, &f.sink);
  tcp_reassembler_segment(&f.r, seq, chunk, 10, 10, false, &f.sink);
  ck_assert_uint_eq(f.r.next, total + 20);
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_limit_bytes) {
  rfix f;
  rfix_init(&f, 0);
  f.limits.max_ooo_bytes = 10;
  rfix_seg(&f, 5, "fghij");  /* hole [0,5) */
  rfix_seg(&f, 15, "pqrst"); /* hole [10,15); 10 bytes buffered */
  rfix_seg(&f, 25, "z");     /* over: the first hole gives way, [5,10) delivered; fits now */
  ck_assert_str_eq(f.log.text, "N:limit-ooo-bytes G0+5 D5+5 ");
  ck_assert_uint_eq(f.r.ooo_bytes, 6);
  rfix_seg(&f, 30, "0123456789abc"); /* larger than the limit: everything gives way */
  ck_assert_str_eq(f.log.text, "N:limit-ooo-bytes G0+5 D5+5 G10+5 D15+5 G20+5 D25+1 G26+4 D30+13 ");
  ck_assert_uint_eq(f.counters.ooo_limit_hits, 4);
  ck_assert_uint_eq(f.r.ooo_bytes, 0);
  ck_assert_int_eq(f.log.errors, 0);
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_limit_segments) {
  rfix f;
  rfix_init(&f, 0);
  f.limits.max_ooo_segments = 2;
  rfix_seg(&f, 2, "c");
  rfix_seg(&f, 4, "e");
  rfix_seg(&f, 6, "g");
  ck_assert_str_eq(f.log.text, "N:limit-ooo-bytes G0+2 D2+1 ");
  ck_assert_uint_eq(f.r.ooo_segments, 2);
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_keepalive_and_before_start) {
  rfix f;
  rfix_init(&f, 500);
  rfix_seg(&f, 500, "abc");
  ck_assert(tcp_reassembler_segment(&f.r, 502, (const uint8_t *)"X", 1, 1, false, &f.sink));
  ck_assert_uint_eq(f.counters.keepalives, 1);
  ck_assert_uint_eq(f.counters.overlap_conflicts, 0);
  rfix_seg(&f, 490, "0123456789abc"); /* 10 bytes before the start, 3 old */
  ck_assert_str_eq(f.log.text, "D0+3 N:data-before-start ");
  ck_assert_uint_eq(f.counters.ignored_bytes, 10);
  assert_data(&f, "abc");
  rfix_done(&f);
}
END_TEST

START_TEST(reasm_truncated_payload) {
  rfix f;
  rfix_init(&f, 0);
  /* 10-byte segment of which 4 were captured, in order: the tail is a gap */
  tcp_reassembler_segment(&f.r, 0, (const uint8_t *)"abcd", 4, 10, false, &f.sink);
  ck_assert_str_eq(f.log.text, "D0+4 G4+6 ");
  /* out of order and truncated: the captured part waits, the tail is a hole */
  tcp_reassembler_segment(&f.r, 20, (const uint8_t *)"uv", 2, 5, false, &f.sink);
  rfix_seg(&f, 10, "klmnopqrst");
  rfix_seg(&f, 25, "z");
  tcp_reassembler_flush(&f.r, &f.sink);
  ck_assert_str_eq(f.log.text, "D0+4 G4+6 D10+10 D20+2 G22+3 D25+1 ");
  rfix_done(&f);
}
END_TEST

/* Deterministic PRNG (xorshift64*) for the randomized tests. */
static uint64_t rng_next(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ull;
}

static size_t rng_below(uint64_t *s, size_t n) {
  return (size_t)(rng_next(s) % n);
}

typedef struct piece {
  size_t off, len;
} piece;

/* A stream cut into segments, plus duplicates and overlapping ranges, all
 * shuffled: must come out exactly as it went in. */
static void run_random_stream(uint64_t seed, size_t stream_len, bool with_limit) {
  uint64_t s = seed;
  uint8_t *stream = malloc(stream_len);
  for (size_t i = 0; i < stream_len; i++)
    stream[i] = (uint8_t)rng_next(&s);
  size_t cap = stream_len / 8 + 64, n = 0;
  piece *pieces = malloc(cap * sizeof *pieces);
  for (size_t off = 0; off < stream_len;) {
    size_t len = 1 + rng_below(&s, 1500);
    if (off + len > stream_len) len = stream_len - off;
    pieces[n++] = (piece){off, len};
    off += len;
  }
  size_t base = n;
  for (size_t i = 0; i < base / 3 && n < cap; i++)
    pieces[n++] = pieces[rng_below(&s, base)];
  for (size_t i = 0; i < base / 3 && n < cap; i++) {
    size_t off = rng_below(&s, stream_len);
    size_t len = 1 + rng_below(&s, 3000);
    if (off + len > stream_len) len = stream_len - off;
    pieces[n++] = (piece){off, len};
  }
  /* Shuffle within windows of 64, so the disorder is realistic and the
   * out-of-order buffer stays under its limit. */
  for (size_t i = 0; i < n; i++) {
    size_t w = i + rng_below(&s, 64);
    if (w >= n) w = n - 1;
    piece t = pieces[i];
    pieces[i] = pieces[w];
    pieces[w] = t;
  }
  rfix f;
  uint32_t isn = (uint32_t)rng_next(&s);
  if (seed & 1) isn = 0xffffffffu - (uint32_t)rng_below(&s, 100000); /* wraps */
  rfix_init(&f, isn);
  if (with_limit) f.limits.max_ooo_bytes = 1u << 22;
  for (size_t i = 0; i < n; i++)
    tcp_reassembler_segment(&f.r, isn + (uint32_t)pieces[i].off, stream + pieces[i].off,
                            pieces[i].len, pieces[i].len, false, &f.sink);
  tcp_reassembler_flush(&f.r, &f.sink);
  ck_assert_int_eq(f.log.errors, 0);
  ck_assert_uint_eq(f.counters.gaps, 0);
  ck_assert_uint_eq(f.counters.overlap_conflicts, 0);
  ck_assert_uint_eq(f.log.len, stream_len);
  ck_assert(memcmp(f.log.data, stream, stream_len) == 0);
  ck_assert_uint_eq(f.r.ooo_segments, 0);
  rfix_done(&f);
  free(pieces);
  free(stream);
}

START_TEST(reasm_randomized) {
  for (uint64_t seed = 1; seed <= 24; seed++)
    run_random_stream(seed * 0x9e3779b97f4a7c15ull, 300000, true);
}
END_TEST

/* ---- the engine fed with packets ---------------------------------------- */

typedef struct efix {
  recorder rec;
  flow_consumer consumer;
  capture_stats stats;
  capture_engine engine;
  pw_packet tmpl; /* client → server */
  double ts;
} efix;

static void efix_init(efix *x, const capture_limits *limits) {
  memset(x, 0, sizeof *x);
  rec_init(&x->rec);
  x->consumer = rec_consumer(&x->rec);
  ck_assert(capture_engine_init(&x->engine, limits, &x->consumer, &x->stats));
  x->tmpl.linktype = PW_LINK_RAW;
  x->tmpl.ip_version = 4;
  x->tmpl.src = "10.0.0.1";
  x->tmpl.dst = "10.0.0.2";
  x->tmpl.sport = 40000;
  x->tmpl.dport = 80;
  x->ts = 1000.0;
}

/* One packet from side 0 (client) or 1 (server) of the template. */
static void efix_pkt(efix *x, int side, uint32_t seq, uint32_t ack, uint8_t flags,
                     const char *payload) {
  pw_packet p = x->tmpl;
  if (side) {
    p.src = x->tmpl.dst;
    p.dst = x->tmpl.src;
    p.sport = x->tmpl.dport;
    p.dport = x->tmpl.sport;
  }
  p.seq = seq;
  p.ack = ack;
  p.flags = flags;
  p.payload = (const uint8_t *)payload;
  p.payload_len = payload ? strlen(payload) : 0;
  uint8_t buf[2048];
  size_t n = pw_build(&p, buf, sizeof buf);
  ck_assert_uint_gt(n, 0);
  capture_engine_packet(&x->engine, p.linktype, buf, n, n, x->ts);
  x->ts += 0.001;
}

static void efix_finish(efix *x) {
  capture_engine_finish(&x->engine);
  capture_engine_free(&x->engine);
}

static void efix_done(efix *x) {
  ck_assert_int_eq(x->rec.errors, 0);
  ck_assert_int_eq(x->rec.open_flows, 0);
  rec_free(&x->rec);
}

static void assert_text(efix *x, uint32_t id, int dir, const char *expect) {
  char *t = rec_text(&x->rec, id, dir);
  ck_assert_str_eq(t, expect);
  free(t);
}

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

START_TEST(engine_handshake_data_fin) {
  efix x;
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 1, 5000, 1001, SYN | ACK, NULL);
  efix_pkt(&x, 0, 1001, 5001, ACK, NULL);
  efix_pkt(&x, 0, 1001, 5001, PSH | ACK, "hello ");
  efix_pkt(&x, 0, 1007, 5001, PSH | ACK, "world");
  efix_pkt(&x, 1, 5001, 1012, PSH | ACK, "HTTP");
  efix_pkt(&x, 0, 1012, 5005, FIN | ACK, NULL);
  efix_pkt(&x, 1, 5005, 1013, FIN | ACK, NULL);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\nclose 1 fin 11/4\n");
  efix_pkt(&x, 0, 1013, 5006, ACK, NULL); /* final ACK: absorbed by the tombstone */
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\nclose 1 fin 11/4\n");
  assert_text(&x, 1, FLOW_DIR_C2S, "hello world");
  assert_text(&x, 1, FLOW_DIR_S2C, "HTTP");
  ck_assert_uint_eq(x.stats.packets, 9);
  ck_assert_uint_eq(x.stats.tcp_segments, 9);
  ck_assert_uint_eq(x.stats.tcp_payload_bytes, 15);
  ck_assert_uint_eq(x.stats.connections, 1);
  ck_assert_uint_eq(x.stats.gaps, 0);
  efix_done(&x);
}
END_TEST

START_TEST(engine_reorder_retransmit_bytes_log) {
  efix x;
  efix_init(&x, NULL);
  x.rec.log_bytes = true;
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 1, 5000, 1001, SYN | ACK, NULL);
  efix_pkt(&x, 0, 1011, 5001, ACK, "CCCCC");
  efix_pkt(&x, 0, 1001, 5001, ACK, "AAAAA");
  efix_pkt(&x, 0, 1001, 5001, ACK, "AAAAA"); /* retransmission */
  efix_pkt(&x, 0, 1006, 5001, ACK, "BBBBB");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "bytes 1 c2s 0+5\n"
                              "bytes 1 c2s 5+5\n"
                              "bytes 1 c2s 10+5\n"
                              "close 1 end 15/0\n");
  assert_text(&x, 1, FLOW_DIR_C2S, "AAAAABBBBBCCCCC");
  ck_assert_uint_eq(x.stats.retransmitted_bytes, 5);
  efix_done(&x);
}
END_TEST

START_TEST(engine_gap_at_end_and_by_ack) {
  efix x;
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 1, 5000, 1001, SYN | ACK, NULL);
  efix_pkt(&x, 0, 1001, 5001, ACK, "aaaaa");
  efix_pkt(&x, 0, 1011, 5001, ACK, "ccccc"); /* [5,10) never captured */
  efix_pkt(&x, 1, 5001, 1006, ACK, "x");     /* server has only seen up to 5 so far */
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "gap 1 c2s 5+5\n"
                              "close 1 end 10/1\n");
  assert_text(&x, 1, FLOW_DIR_C2S, "aaaaaccccc");
  ck_assert_uint_eq(x.stats.gaps, 1);
  ck_assert_uint_eq(x.stats.gap_bytes, 5);
  efix_done(&x);

  /* Same, but the server acknowledges past the hole: reported at once. */
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 1, 5000, 1001, SYN | ACK, NULL);
  efix_pkt(&x, 0, 1001, 5001, ACK, "aaaaa");
  efix_pkt(&x, 0, 1011, 5001, ACK, "ccccc");
  efix_pkt(&x, 1, 5001, 1016, ACK, "x");
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "gap 1 c2s 5+5\n");
  efix_pkt(&x, 0, 1016, 5002, ACK, "d");
  efix_finish(&x);
  assert_text(&x, 1, FLOW_DIR_C2S, "aaaaacccccd");
  efix_done(&x);
}
END_TEST

START_TEST(engine_wraparound_isn) {
  efix x;
  efix_init(&x, NULL);
  uint32_t isn = 0xfffffffau;
  efix_pkt(&x, 0, isn, 0, SYN, NULL);
  efix_pkt(&x, 1, 7, isn + 1, SYN | ACK, NULL);
  efix_pkt(&x, 0, isn + 9, 8, ACK, "9abcdefgh"); /* seq wraps inside */
  efix_pkt(&x, 0, isn + 1, 8, ACK, "12345678");
  efix_pkt(&x, 0, isn + 18, 8, FIN | ACK, "!");
  efix_pkt(&x, 1, 8, isn + 20, FIN | ACK, NULL);
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\nclose 1 fin 18/0\n");
  assert_text(&x, 1, FLOW_DIR_C2S, "123456789abcdefgh!");
  efix_done(&x);
}
END_TEST

START_TEST(engine_missing_syn_roles) {
  efix x;
  efix_init(&x, NULL);
  /* mid-stream: the server speaks first; the higher port is the client */
  efix_pkt(&x, 1, 777777, 123456, PSH | ACK, "response");
  efix_pkt(&x, 0, 123456, 777785, PSH | ACK, "request");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80\nclose 1 end 7/8\n");
  assert_text(&x, 1, FLOW_DIR_C2S, "request");
  assert_text(&x, 1, FLOW_DIR_S2C, "response");
  efix_done(&x);

  /* equal ports: the lower address is the client */
  efix_init(&x, NULL);
  x.tmpl.src = "10.0.0.9";
  x.tmpl.dst = "10.0.0.10";
  x.tmpl.sport = 5000;
  x.tmpl.dport = 5000;
  efix_pkt(&x, 0, 1, 1, ACK, "x");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.10:5000 10.0.0.9:5000\nclose 1 end 0/1\n");
  efix_done(&x);

  /* SYN missed, SYN-ACK seen: its receiver is the client, whatever the
   * ports; its ACK number names the client's first byte */
  efix_init(&x, NULL);
  x.tmpl.sport = 80;
  x.tmpl.dport = 50000;
  efix_pkt(&x, 1, 9000, 2001, SYN | ACK, NULL);
  efix_pkt(&x, 0, 2004, 9001, ACK, "def"); /* the first 3 bytes were missed */
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:80 10.0.0.2:50000 syn\n"
                              "gap 1 c2s 0+3\n"
                              "close 1 end 3/0\n");
  efix_done(&x);
}
END_TEST

/* The roles as data (flow_events.h): with the handshake, direction 0 is the
 * side that opened the connection; without it, direction 0 is a guess (the
 * higher port) marked unknown. Either way the numbering stays as it is
 * whoever speaks first: a layer above that finds the guess wrong keeps its
 * own mapping. */
START_TEST(engine_roles_as_data) {
  efix x;
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 1, 5000, 1001, SYN | ACK, NULL);
  efix_pkt(&x, 1, 5001, 1001, ACK, "srv"); /* the server speaks first */
  efix_pkt(&x, 0, 1001, 5004, ACK, "cli");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\nclose 1 end 3/3\n");
  ck_assert_int_eq(x.rec.opener[1], FLOW_DIR_C2S);
  assert_text(&x, 1, FLOW_DIR_C2S, "cli");
  assert_text(&x, 1, FLOW_DIR_S2C, "srv");
  efix_done(&x);

  /* The SYN was lost and the server speaks first: the guess (the higher
   * port) is right, and said to be a guess. */
  efix_init(&x, NULL);
  efix_pkt(&x, 1, 5001, 1001, ACK, "srv");
  efix_pkt(&x, 0, 1001, 5004, ACK, "cli");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80\nclose 1 end 3/3\n");
  ck_assert_int_eq(x.rec.opener[1], FLOW_DIR_UNKNOWN);
  assert_text(&x, 1, FLOW_DIR_C2S, "cli");
  assert_text(&x, 1, FLOW_DIR_S2C, "srv");
  efix_done(&x);

  /* The guess is wrong (the client has the lower port): the capture keeps
   * it, marked unknown; the client's bytes stay in direction 1. */
  efix_init(&x, NULL);
  x.tmpl.sport = 80;
  x.tmpl.dport = 40000;
  efix_pkt(&x, 1, 5001, 1001, ACK, "srv");
  efix_pkt(&x, 0, 1001, 5004, ACK, "PRI ");
  efix_pkt(&x, 1, 5004, 1005, ACK, "ack");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.2:40000 10.0.0.1:80\nclose 1 end 6/4\n");
  ck_assert_int_eq(x.rec.opener[1], FLOW_DIR_UNKNOWN);
  assert_text(&x, 1, FLOW_DIR_C2S, "srvack");
  assert_text(&x, 1, FLOW_DIR_S2C, "PRI ");
  efix_done(&x);
}
END_TEST

START_TEST(engine_fin_out_of_order) {
  efix x;
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 1, 5000, 1001, SYN | ACK, NULL);
  efix_pkt(&x, 0, 1006, 5001, FIN | ACK, "world"); /* FIN before the first data */
  efix_pkt(&x, 1, 5001, 1001, FIN | ACK, "bye");
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n");
  efix_pkt(&x, 0, 1001, 5005, ACK, "hello");
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\nclose 1 fin 10/3\n");
  efix_finish(&x);
  assert_text(&x, 1, FLOW_DIR_C2S, "helloworld");
  efix_done(&x);
}
END_TEST

START_TEST(engine_rst_and_after) {
  efix x;
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 1, 5000, 1001, SYN | ACK, NULL);
  efix_pkt(&x, 0, 1001, 5001, ACK, "aaaaa");
  efix_pkt(&x, 0, 1011, 5001, ACK, "ccccc"); /* hole [5,10) */
  efix_pkt(&x, 1, 5001, 0, RST, NULL);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "gap 1 c2s 5+5\n"
                              "close 1 rst 10/0\n");
  efix_pkt(&x, 0, 1006, 5001, ACK, "bbbbb"); /* old bytes: a retransmission */
  efix_pkt(&x, 0, 1016, 5001, ACK, "ddddd"); /* new bytes after the close */
  efix_pkt(&x, 0, 1021, 5001, ACK, "eeeee"); /* reported once */
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "gap 1 c2s 5+5\n"
                              "close 1 rst 10/0\n"
                              "notice 0 data-after-close\n");
  /* a new SYN on the same 4-tuple is a new connection */
  efix_pkt(&x, 0, 90000, 0, SYN, NULL);
  efix_pkt(&x, 0, 90001, 0, ACK, "new");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "gap 1 c2s 5+5\n"
                              "close 1 rst 10/0\n"
                              "notice 0 data-after-close\n"
                              "open 2 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "close 2 end 3/0\n");
  ck_assert_uint_eq(x.stats.ignored_bytes, 10);
  ck_assert_uint_eq(x.stats.retransmitted_bytes, 5);
  efix_done(&x);
}
END_TEST

START_TEST(engine_port_reuse) {
  efix x;
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 0, 1001, 0, ACK, "first");
  efix_pkt(&x, 0, 1000, 0, SYN, NULL); /* retransmitted SYN: same connection */
  efix_pkt(&x, 0, 777, 0, SYN, NULL);  /* new ISN: the tuple was reused */
  efix_pkt(&x, 0, 778, 0, ACK, "second");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "close 1 reused 5/0\n"
                              "open 2 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "close 2 end 6/0\n");
  efix_done(&x);
}
END_TEST

START_TEST(engine_ooo_limit) {
  capture_limits l;
  capture_limits_default(&l);
  l.max_ooo_bytes = 10;
  efix x;
  efix_init(&x, &l);
  efix_pkt(&x, 0, 1000, 0, SYN, NULL);
  efix_pkt(&x, 0, 1006, 0, ACK, "bbbbb"); /* hole [0,5) */
  efix_pkt(&x, 0, 1016, 0, ACK, "ddddd"); /* hole [10,15) */
  efix_pkt(&x, 0, 1026, 0, ACK, "f");     /* 11 bytes: limit */
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "notice 1 limit-ooo-bytes\n"
                              "gap 1 c2s 0+5\n"
                              "gap 1 c2s 10+5\n"
                              "gap 1 c2s 20+5\n"
                              "close 1 end 11/0\n");
  assert_text(&x, 1, FLOW_DIR_C2S, "bbbbbdddddf");
  ck_assert_uint_eq(x.stats.ooo_limit_hits, 1);
  efix_done(&x);
}
END_TEST

START_TEST(engine_connection_limit_eviction) {
  capture_limits l;
  capture_limits_default(&l);
  l.max_connections = 2;
  efix x;
  efix_init(&x, &l);
  efix_pkt(&x, 0, 1, 0, ACK, "one");
  x.tmpl.sport = 40001;
  efix_pkt(&x, 0, 1, 0, ACK, "two");
  x.tmpl.sport = 40000;
  efix_pkt(&x, 0, 4, 0, ACK, "ONE"); /* flow 1 active again: flow 2 is now oldest */
  x.tmpl.sport = 40002;
  efix_pkt(&x, 0, 1, 0, ACK, "three");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80\n"
                              "open 2 10.0.0.1:40001 10.0.0.2:80\n"
                              "notice 2 limit-connections\n"
                              "close 2 evicted 3/0\n"
                              "open 3 10.0.0.1:40002 10.0.0.2:80\n"
                              "close 1 end 6/0\n"
                              "close 3 end 5/0\n");
  ck_assert_uint_eq(x.stats.connections_evicted, 1);
  ck_assert_uint_eq(x.stats.connections, 3);
  efix_done(&x);
}
END_TEST

START_TEST(engine_idle_timeout) {
  capture_limits l;
  capture_limits_default(&l);
  l.idle_timeout = 10;
  efix x;
  efix_init(&x, &l);
  x.ts = 0;
  efix_pkt(&x, 0, 1, 0, ACK, "a"); /* t = 0 */
  x.ts = 5;
  x.tmpl.sport = 40001;
  efix_pkt(&x, 0, 1, 0, ACK, "b"); /* t = 5 */
  x.ts = 10.5;
  efix_pkt(&x, 0, 2, 0, ACK, "c"); /* flow 1 idle for 10.5 s */
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80\n"
                              "open 2 10.0.0.1:40001 10.0.0.2:80\n"
                              "close 1 idle 1/0\n");
  capture_engine_tick(&x.engine, 20.6); /* flow 2 idle too */
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80\n"
                              "open 2 10.0.0.1:40001 10.0.0.2:80\n"
                              "close 1 idle 1/0\n"
                              "close 2 idle 2/0\n");
  x.ts = 21;
  x.tmpl.sport = 40000;
  efix_pkt(&x, 0, 2, 0, ACK, "later"); /* a new flow, mid-stream */
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80\n"
                              "open 2 10.0.0.1:40001 10.0.0.2:80\n"
                              "close 1 idle 1/0\n"
                              "close 2 idle 2/0\n"
                              "open 3 10.0.0.1:40000 10.0.0.2:80\n"
                              "close 3 end 5/0\n");
  ck_assert_uint_eq(x.stats.connections_idle, 2);
  efix_done(&x);
}
END_TEST

START_TEST(engine_keepalive_tfo_truncated) {
  efix x;
  efix_init(&x, NULL);
  efix_pkt(&x, 0, 1000, 0, SYN, "GET "); /* TCP Fast Open: data in the SYN */
  efix_pkt(&x, 1, 5000, 1005, SYN | ACK, NULL);
  efix_pkt(&x, 0, 1005, 5001, ACK, "/x");
  efix_pkt(&x, 0, 1006, 5001, ACK, "x"); /* keep-alive: one byte before RCV.NXT */
  /* a truncated segment: 8 bytes, 3 captured */
  pw_packet p = x.tmpl;
  p.seq = 1007;
  p.ack = 5001;
  p.flags = ACK;
  p.payload = (const uint8_t *)"abcdefgh";
  p.payload_len = 8;
  uint8_t buf[256];
  size_t n = pw_build(&p, buf, sizeof buf);
  capture_engine_packet(&x.engine, p.linktype, buf, n - 5, n, x.ts);
  efix_pkt(&x, 0, 1015, 5001, ACK, "!");
  efix_finish(&x);
  ck_assert_str_eq(x.rec.log, "open 1 10.0.0.1:40000 10.0.0.2:80 syn\n"
                              "notice 0 truncated-packet\n"
                              "gap 1 c2s 9+5\n"
                              "close 1 end 10/0\n");
  assert_text(&x, 1, FLOW_DIR_C2S, "GET /xabc!");
  ck_assert_uint_eq(x.stats.keepalives, 1);
  ck_assert_uint_eq(x.stats.truncated, 1);
  efix_done(&x);
}
END_TEST

START_TEST(engine_randomized_two_directions) {
  uint64_t s = 42;
  enum { LEN = 60000 };
  static uint8_t stream[2][LEN];
  for (int d = 0; d < 2; d++)
    for (size_t i = 0; i < LEN; i++)
      stream[d][i] = (uint8_t)rng_next(&s);
  efix x;
  efix_init(&x, NULL);
  uint32_t isn[2] = {0xfffff000u, 0x12345678u};
  efix_pkt(&x, 0, isn[0], 0, SYN, NULL);
  efix_pkt(&x, 1, isn[1], isn[0] + 1, SYN | ACK, NULL);
  /* segments of both directions, with duplicates, shuffled in windows */
  enum { MAXP = 400 };
  piece pieces[MAXP];
  int side_of[MAXP];
  size_t n = 0;
  for (int d = 0; d < 2; d++) {
    for (size_t off = 0; off < LEN && n < MAXP - 20;) {
      size_t len = 1 + rng_below(&s, 1400);
      if (off + len > LEN) len = LEN - off;
      side_of[n] = d;
      pieces[n++] = (piece){off, len};
      if (rng_below(&s, 5) == 0 && n < MAXP) {
        side_of[n] = d;
        pieces[n++] = (piece){off, len};
      }
      off += len;
    }
  }
  for (size_t i = 0; i < n; i++) {
    size_t w = i + rng_below(&s, 16);
    if (w >= n) w = n - 1;
    piece t = pieces[i];
    int ts = side_of[i];
    pieces[i] = pieces[w];
    side_of[i] = side_of[w];
    pieces[w] = t;
    side_of[w] = ts;
  }
  for (size_t i = 0; i < n; i++) {
    int d = side_of[i];
    pw_packet p = x.tmpl;
    if (d) {
      p.src = x.tmpl.dst;
      p.dst = x.tmpl.src;
      p.sport = x.tmpl.dport;
      p.dport = x.tmpl.sport;
    }
    p.seq = isn[d] + 1 + (uint32_t)pieces[i].off;
    p.flags = PSH; /* no ACK: no acknowledgment-driven gaps */
    p.payload = stream[d] + pieces[i].off;
    p.payload_len = pieces[i].len;
    uint8_t buf[2048];
    size_t len = pw_build(&p, buf, sizeof buf);
    ck_assert_uint_gt(len, 0);
    capture_engine_packet(&x.engine, p.linktype, buf, len, len, x.ts);
  }
  efix_finish(&x);
  ck_assert_uint_eq(x.stats.gaps, 0);
  for (int d = 0; d < 2; d++) {
    rec_stream *rs = &x.rec.stream[1][d];
    ck_assert_uint_eq(rs->len, LEN);
    ck_assert(memcmp(rs->data, stream[d], LEN) == 0);
  }
  efix_done(&x);
}
END_TEST

/* Memory stays flat: thousands of short connections come and go. */
START_TEST(engine_many_connections_flat) {
  efix x;
  capture_limits l;
  capture_limits_default(&l);
  l.idle_timeout = 5;
  efix_init(&x, &l);
  x.rec.log_notices = false;
  for (int i = 0; i < 20000; i++) {
    x.tmpl.sport = (uint16_t)(1024 + i % 60000);
    x.tmpl.src = (i / 60000) ? "10.0.0.3" : "10.0.0.1";
    efix_pkt(&x, 0, 100, 0, SYN, NULL);
    efix_pkt(&x, 1, 200, 101, SYN | ACK, NULL);
    efix_pkt(&x, 0, 101, 201, ACK | PSH, "req");
    efix_pkt(&x, 1, 201, 104, ACK | PSH | FIN, "resp");
    efix_pkt(&x, 0, 104, 206, ACK | FIN, NULL);
    efix_pkt(&x, 1, 206, 105, ACK, NULL);
    if (x.rec.log_len > 100000) x.rec.log_len = 0, x.rec.log[0] = '\0';
    x.ts += 0.01;
  }
  /* live flows and tombstones both stay bounded by time, not by count */
  ck_assert_uint_eq(x.engine.table.live.count, 0);
  ck_assert_uint_lt(x.engine.table.closed.count, 700);
  ck_assert_uint_le(x.engine.table.capacity, 4096);
  efix_finish(&x);
  ck_assert_uint_eq(x.stats.connections, 20000);
  efix_done(&x);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("tcp_reassembly");
  TCase *r = tcase_create("reassembler");
  tcase_set_timeout(r, 120);
  tcase_add_test(r, reasm_in_order_and_reordered);
  tcase_add_test(r, reasm_packet_numbers);
  tcase_add_test(r, reasm_retransmission);
  tcase_add_test(r, reasm_overlap_first_copy_wins);
  tcase_add_test(r, reasm_overlap_complete_and_spanning);
  tcase_add_test(r, reasm_gap_on_flush);
  tcase_add_test(r, reasm_fin_hole_and_ack);
  tcase_add_test(r, reasm_ack_without_hole_is_ignored);
  tcase_add_test(r, reasm_wraparound);
  tcase_add_test(r, reasm_offsets_beyond_4gib);
  tcase_add_test(r, reasm_limit_bytes);
  tcase_add_test(r, reasm_limit_segments);
  tcase_add_test(r, reasm_keepalive_and_before_start);
  tcase_add_test(r, reasm_truncated_payload);
  tcase_add_test(r, reasm_randomized);
  suite_add_tcase(s, r);
  TCase *e = tcase_create("engine");
  tcase_set_timeout(e, 120);
  tcase_add_test(e, engine_handshake_data_fin);
  tcase_add_test(e, engine_reorder_retransmit_bytes_log);
  tcase_add_test(e, engine_gap_at_end_and_by_ack);
  tcase_add_test(e, engine_wraparound_isn);
  tcase_add_test(e, engine_missing_syn_roles);
  tcase_add_test(e, engine_roles_as_data);
  tcase_add_test(e, engine_fin_out_of_order);
  tcase_add_test(e, engine_rst_and_after);
  tcase_add_test(e, engine_port_reuse);
  tcase_add_test(e, engine_ooo_limit);
  tcase_add_test(e, engine_connection_limit_eviction);
  tcase_add_test(e, engine_idle_timeout);
  tcase_add_test(e, engine_keepalive_tfo_truncated);
  tcase_add_test(e, engine_randomized_two_directions);
  tcase_add_test(e, engine_many_connections_flat);
  suite_add_tcase(s, e);
  return s;
}

int main(void) {
  return run_suite(suite());
}
