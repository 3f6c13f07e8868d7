/* test_grpc_reader.c — gRPC messages and protobuf decoding (talk/grpc_reader,
 * talk/protobuf_*): vectors made with protoc from tests/grpc/probe.proto,
 * decoded raw (equal to `protoc --decode_raw`) and typed through the
 * descriptor set protoc makes at build time (equal to `protoc --decode`);
 * gRPC framing split at every byte boundary, zero-length, truncated and
 * oversize messages, compressed ones (gzip, deflate, corrupt, a bomb),
 * malformed protobuf (bad varint, length past the end, wire types 3, 4, 6,
 * 7, field 0), nesting past the depth limit, grpc-message percent-decoding. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "grpc_print.h"
#include "grpc_reader.h"
#include "protobuf_raw.h"
#include "protobuf_schema.h"

/* protoc --encode=h2scope.probe.Request tests/grpc/probe.proto */
static const uint8_t request[] = {
    0x08, 0x96, 0x01, 0x12, 0x06, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x1a, 0x03, 0x00, 0x01,
    0xff, 0x20, 0x02, 0x2a, 0x04, 0x01, 0x02, 0xac, 0x02, 0x32, 0x01, 0x61, 0x32, 0x02, 0x62,
    0x63, 0x3a, 0x0f, 0x08, 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x12,
    0x02, 0x69, 0x6e, 0x42, 0x05, 0x0a, 0x01, 0x6b, 0x10, 0x07, 0x48, 0x05, 0x50, 0xff, 0x8f,
    0xdf, 0xc0, 0x4a, 0x5d, 0x00, 0x00, 0xc0, 0x3f, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x40, 0x68, 0x01, 0x75, 0x00, 0x28, 0x6b, 0xee, 0x79, 0x14, 0x1a, 0x99, 0xbe, 0x1c,
    0x00, 0x00, 0x00, 0x85, 0x01, 0xfe, 0xff, 0xff, 0xff, 0x88, 0x01, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x92, 0x01, 0x02, 0x08, 0x01, 0x92, 0x01, 0x07, 0x08,
    0x02, 0x12, 0x03, 0x74, 0x77, 0x6f, 0x98, 0x01, 0x07, 0x98, 0x01, 0x08};
/* protoc --encode=h2scope.probe.Reply */
static const uint8_t reply[] = {0x0a, 0x02, 0x68, 0x69, 0x10, 0x03, 0x1a,
                                0x02, 0x01, 0x02, 0x22, 0x02, 0x08, 0x09};
/* protoc --decode_raw < request */
static const char request_raw[] = "1: 150\n"
                                  "2: \"h\\303\\251llo\"\n"
                                  "3: \"\\000\\001\\377\"\n"
                                  "4: 2\n"
                                  "5: \"\\001\\002\\254\\002\"\n"
                                  "6: \"a\"\n"
                                  "6: \"bc\"\n"
                                  "7 {\n"
                                  "  1: 18446744073709551611\n"
                                  "  2: \"in\"\n"
                                  "}\n"
                                  "8 {\n"
                                  "  1: \"k\"\n"
                                  "  2: 7\n"
                                  "}\n"
                                  "9: 5\n"
                                  "10: 19999999999\n"
                                  "11: 0x3fc00000\n"
                                  "12: 0x4002000000000000\n"
                                  "13: 1\n"
                                  "14: 0xee6b2800\n"
                                  "15: 0x0000001cbe991a14\n"
                                  "16: 0xfffffffe\n"
                                  "17: 18446744073709551615\n"
                                  "18 {\n"
                                  "  1: 1\n"
                                  "}\n"
                                  "18 {\n"
                                  "  1: 2\n"
                                  "  2: \"two\"\n"
                                  "}\n"
                                  "19: 7\n"
                                  "19: 8\n";
/* protoc --decode=h2scope.probe.Request tests/grpc/probe.proto < request */
static const char request_typed[] = "id: 150\n"
                                    "name: \"h\\303\\251llo\"\n"
                                    "blob: \"\\000\\001\\377\"\n"
                                    "kind: KIND_B\n"
                                    "packed: 1\n"
                                    "packed: 2\n"
                                    "packed: 300\n"
                                    "tags: \"a\"\n"
                                    "tags: \"bc\"\n"
                                    "inner {\n"
                                    "  x: -5\n"
                                    "  label: \"in\"\n"
                                    "}\n"
                                    "counts {\n"
                                    "  key: \"k\"\n"
                                    "  value: 7\n"
                                    "}\n"
                                    "delta: -3\n"
                                    "big_delta: -10000000000\n"
                                    "ratio: 1.5\n"
                                    "precise: 2.25\n"
                                    "flag: true\n"
                                    "f32: 4000000000\n"
                                    "f64: 123456789012\n"
                                    "sf32: -2\n"
                                    "u64: 18446744073709551615\n"
                                    "inners {\n"
                                    "  x: 1\n"
                                    "}\n"
                                    "inners {\n"
                                    "  x: 2\n"
                                    "  label: \"two\"\n"
                                    "}\n"
                                    "unpacked: 7\n"
                                    "unpacked: 8\n";
/* protoc --decode_raw < reply */
static const char reply_raw[] = "1 {\n"
                                "  13: 105\n"
                                "}\n"
                                "2: 3\n"
                                "3: \"\\001\\002\"\n"
                                "4 {\n"
                                "  1: 9\n"
                                "}\n";

/* Reply {text: "hi" seq: 3 values: [1, 2] inner {x: 9}}, gzip (RFC 1952) and zlib (RFC 1950) */
static const char reply_gzip_hex[] =
    "1f8b0800d537166b02ffe362cac81460966262645262e2e004000924f60b0e000000";
static const char reply_zlib_hex[] = "789ce362cac81460966262645262e2e004000c670145";

static size_t unhex(const char *h, uint8_t *out) {
  size_t n = strlen(h) / 2;
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    ck_assert_int_eq(sscanf(h + 2 * i, "%2x", &v), 1);
    out[i] = (uint8_t)v;
  }
  return n;
}

/* Renders through an out_buf on a temporary file; returns the text (caller frees). */
typedef struct capture_out {
  FILE *f;
  out_buf o;
} capture_out;

static void cap_open(capture_out *c) {
  c->f = tmpfile();
  ck_assert_ptr_nonnull(c->f);
  out_init(&c->o, fileno(c->f));
}

static char *cap_text(capture_out *c) {
  out_flush(&c->o);
  long n = ftell(c->f);
  ck_assert_int_ge(n, 0);
  char *s = calloc(1, (size_t)n + 1);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(pread(fileno(c->f), s, (size_t)n, 0), n);
  fclose(c->f);
  return s;
}

static pb_limits limits(void) {
  return (pb_limits){.max_depth = PB_DEFAULT_MAX_DEPTH, .max_items = PB_DEFAULT_MAX_ITEMS};
}

static char *fields_text(const pb_items *d) {
  capture_out c;
  cap_open(&c);
  grpc_print_fields_text(&c.o, d, 0);
  return cap_text(&c);
}

START_TEST(raw_equals_protoc_decode_raw) {
  pb_limits l = limits();
  pb_items d;
  pb_items_init(&d, &l);
  ck_assert(pb_raw_decode(&d, request, sizeof request, 0));
  char *t = fields_text(&d);
  ck_assert_str_eq(t, request_raw);
  free(t);
  pb_items_reset(&d);
  ck_assert(pb_raw_decode(&d, reply, sizeof reply, 0));
  t = fields_text(&d);
  ck_assert_str_eq(t, reply_raw);
  free(t);
  pb_items_reset(&d);
}
END_TEST

static pb_schema *probe_schema(void) {
  char err[256] = "";
  pb_schema *s = pb_schema_load(PROBE_DESCRIPTORS, err, sizeof err);
  ck_assert_msg(s != NULL, "%s", err);
  return s;
}

START_TEST(typed_equals_protoc_decode) {
  pb_schema *s = probe_schema();
  const pb_type *t = pb_schema_method(s, "/h2scope.probe.Probe/Unary", 26, false);
  ck_assert_ptr_nonnull(t);
  ck_assert_str_eq(pb_type_name(t), "h2scope.probe.Request");
  ck_assert_ptr_eq(pb_schema_method(s, "/h2scope.probe.Probe/Unary", 26, true),
                   pb_schema_type(s, ".h2scope.probe.Reply"));
  ck_assert_ptr_null(pb_schema_method(s, "/h2scope.probe.Probe/Nope", 25, false));
  pb_limits l = limits();
  pb_items d;
  pb_items_init(&d, &l);
  ck_assert(pb_typed_decode(&d, t, request, sizeof request, 0));
  char *text = fields_text(&d);
  ck_assert_str_eq(text, request_typed);
  free(text);
  /* the values themselves: zigzag, float, enum name, negative int32 */
  bool seen_delta = false, seen_ratio = false, seen_kind = false;
  for (size_t i = 0; i < d.n; i++) {
    const pb_item *it = &d.items[i];
    if (it->name && !strcmp(it->name, "delta")) seen_delta = it->kind == PB_INT && it->v.i == -3;
    if (it->name && !strcmp(it->name, "ratio")) seen_ratio = it->kind == PB_FLOAT && it->v.d == 1.5;
    if (it->name && !strcmp(it->name, "kind"))
      seen_kind = it->kind == PB_ENUM && it->enum_value && !strcmp(it->enum_value, "KIND_B");
  }
  ck_assert(seen_delta && seen_ratio && seen_kind);
  pb_items_reset(&d);
  /* a message whose wire types do not fit the type is not one of its kind */
  static const uint8_t wrong[] = {0x0d, 1, 2, 3, 4}; /* field 1 (int32) as fixed32 */
  ck_assert(!pb_typed_decode(&d, t, wrong, sizeof wrong, 0));
  pb_items_reset(&d);
  pb_schema_free(s);
}
END_TEST

START_TEST(schema_rejects_garbage) {
  char err[256] = "";
  static const uint8_t junk[] = {0xff, 0xff, 0xff};
  ck_assert_ptr_null(pb_schema_from_bytes(junk, sizeof junk, err, sizeof err));
  ck_assert(strstr(err, "FileDescriptorSet") != NULL);
  ck_assert_ptr_null(pb_schema_load("/nonexistent/x.pb", err, sizeof err));
  ck_assert(strstr(err, "/nonexistent/x.pb") != NULL);
}
END_TEST

/* ---- the gRPC reader ---- */

typedef struct seen {
  int messages, statuses, notes;
  char text[8192]; /* every record, one line each, fields in decode_raw text */
  size_t len;
} seen;

static void add(seen *s, const char *p, size_t n) {
  ck_assert_uint_lt(s->len + n, sizeof s->text);
  memcpy(s->text + s->len, p, n);
  s->len += n;
  s->text[s->len] = 0;
}

static void on_record(void *ctx, const grpc_record *r) {
  seen *s = ctx;
  char line[512];
  if (r->kind == GRPC_MESSAGE) {
    s->messages++;
    snprintf(line, sizeof line, "message %llu len=%u c=%d n=%zu%s%s\n",
             (unsigned long long)r->index, r->length, r->compressed, r->n, r->note ? " note: " : "",
             r->note ? r->note : "");
    add(s, line, strlen(line));
    if (r->fields) {
      char *t = fields_text(r->fields);
      add(s, t, strlen(t));
      free(t);
    }
  } else if (r->kind == GRPC_STATUS) {
    s->statuses++;
    snprintf(line, sizeof line, "status %u [%.*s]\n", r->status, (int)r->message_len,
             r->message ? r->message : "");
    add(s, line, strlen(line));
  } else {
    s->notes++;
    snprintf(line, sizeof line, "note: %s\n", r->note);
    add(s, line, strlen(line));
  }
}

static grpc_reader *reader(seen *s, const grpc_limits *l, const char *encoding) {
  memset(s, 0, sizeof *s);
  h2_header h[2] = {
      {.name = "content-type", .name_len = 12, .value = "application/grpc", .value_len = 16}};
  size_t n = 1;
  if (encoding) {
    h[1] = (h2_header){
        .name = "grpc-encoding", .name_len = 13, .value = encoding, .value_len = strlen(encoding)};
    n = 2;
  }
  grpc_reader *r = grpc_reader_new(l, NULL, 1, 1, GRPC_RESPONSE, NULL, 0, h, n, on_record, s);
  ck_assert_ptr_nonnull(r);
  return r;
}

/* [flag][len BE32][msg] */
static size_t frame_msg(uint8_t *out, uint8_t flag, const uint8_t *m, size_t n) {
  out[0] = flag;
  out[1] = (uint8_t)(n >> 24);
  out[2] = (uint8_t)(n >> 16);
  out[3] = (uint8_t)(n >> 8);
  out[4] = (uint8_t)n;
  memcpy(out + 5, m, n);
  return n + 5;
}

START_TEST(split_at_every_byte_boundary) {
  grpc_limits l;
  grpc_limits_default(&l);
  uint8_t wire[512];
  size_t n = frame_msg(wire, 0, reply, sizeof reply);
  n += frame_msg(wire + n, 0, (const uint8_t *)"", 0); /* zero-length */
  n += frame_msg(wire + n, 0, request, sizeof request);
  seen whole;
  grpc_reader *r = reader(&whole, &l, NULL);
  grpc_reader_feed(r, wire, n);
  grpc_reader_end(r);
  grpc_reader_free(r);
  ck_assert_int_eq(whole.messages, 3);
  ck_assert_int_eq(whole.notes, 0);
  ck_assert(strstr(whole.text, "message 1 len=0 c=0 n=0\nmessage 2") != NULL);
  ck_assert(strstr(whole.text, reply_raw) != NULL);
  ck_assert(strstr(whole.text, request_raw) != NULL);
  for (size_t cut = 0; cut <= n; cut++) {
    for (size_t cut2 = cut; cut2 <= n; cut2 += 7) {
      seen s;
      r = reader(&s, &l, NULL);
      grpc_reader_feed(r, wire, cut);
      grpc_reader_feed(r, wire + cut, cut2 - cut);
      grpc_reader_feed(r, wire + cut2, n - cut2);
      grpc_reader_end(r);
      grpc_reader_free(r);
      ck_assert_str_eq(s.text, whole.text);
    }
  }
  /* one byte per feed */
  seen s;
  r = reader(&s, &l, NULL);
  for (size_t i = 0; i < n; i++)
    grpc_reader_feed(r, wire + i, 1);
  grpc_reader_end(r);
  grpc_reader_free(r);
  ck_assert_str_eq(s.text, whole.text);
}
END_TEST

START_TEST(truncated_stream) {
  grpc_limits l;
  grpc_limits_default(&l);
  uint8_t wire[64];
  size_t n = frame_msg(wire, 0, reply, sizeof reply);
  seen s;
  grpc_reader *r = reader(&s, &l, NULL);
  grpc_reader_feed(r, wire, n - 3);
  grpc_reader_end(r);
  grpc_reader_free(r);
  ck_assert_int_eq(s.messages, 0);
  ck_assert_str_eq(s.text, "note: stream ends inside message 0: 11 of 14 bytes\n");
  r = reader(&s, &l, NULL);
  grpc_reader_feed(r, wire, 3);
  grpc_reader_end(r);
  grpc_reader_free(r);
  ck_assert_str_eq(s.text, "note: stream ends inside a message prefix (3 of 5 bytes)\n");
}
END_TEST

START_TEST(oversize_length_skips_the_rest) {
  grpc_limits l;
  grpc_limits_default(&l);
  l.max_message = 100;
  uint8_t wire[64] = {0, 0, 0, 0, 101};
  size_t n = 5 + 20;
  n += frame_msg(wire + n, 0, reply, sizeof reply);
  seen s;
  grpc_reader *r = reader(&s, &l, NULL);
  grpc_reader_feed(r, wire, n);
  grpc_reader_end(r);
  grpc_reader_free(r);
  ck_assert_int_eq(s.messages, 0);
  ck_assert_str_eq(s.text,
                   "note: message 0 of 101 bytes exceeds the limit of 100: rest of the stream "
                   "skipped\nnote: 39 bytes skipped after the limit\n");
  /* a Compressed-Flag that is neither 0 nor 1 is not gRPC */
  uint8_t bad[] = {2, 0, 0, 0, 0};
  r = reader(&s, &l, NULL);
  grpc_reader_feed(r, bad, sizeof bad);
  grpc_reader_end(r);
  grpc_reader_free(r);
  ck_assert(strstr(s.text, "Compressed-Flag 2 is neither 0 nor 1") != NULL);
}
END_TEST

START_TEST(shared_budget_of_unfinished_messages) {
  grpc_limits l;
  grpc_limits_default(&l);
  size_t held = 0;
  l.max_buffered = 100;
  l.held = &held;
  static const uint8_t big[] = {0, 0, 0, 0, 80, 0x08}, small[] = {0, 0, 0, 0, 30, 0x08};
  seen a, b;
  grpc_reader *ra = reader(&a, &l, NULL);
  grpc_reader_feed(ra, big, sizeof big); /* 80 held, 1 byte of them in */
  ck_assert_uint_eq(held, 80);
  grpc_reader *rb = reader(&b, &l, NULL);
  grpc_reader_feed(rb, small, sizeof small); /* 80 + 30 > 100 */
  ck_assert_msg(strstr(b.text, "would pass the 100 bytes held") != NULL, "%s", b.text);
  grpc_reader_free(rb);
  grpc_reader_free(ra); /* gives its 80 back */
  ck_assert_uint_eq(held, 0);
  rb = reader(&b, &l, NULL);
  grpc_reader_feed(rb, small, sizeof small);
  ck_assert_uint_eq(held, 30);
  ck_assert_int_eq(b.notes, 0);
  grpc_reader_free(rb);
  ck_assert_uint_eq(held, 0);
}
END_TEST

START_TEST(compressed_messages) {
  grpc_limits l;
  grpc_limits_default(&l);
  uint8_t z[128], wire[256];
  const char *encodings[] = {"gzip", "deflate"};
  const char *hexes[] = {reply_gzip_hex, reply_zlib_hex};
  for (int k = 0; k < 2; k++) {
    size_t zn = unhex(hexes[k], z);
    size_t n = frame_msg(wire, 1, z, zn);
    seen s;
    grpc_reader *r = reader(&s, &l, encodings[k]);
    grpc_reader_feed(r, wire, n);
    grpc_reader_end(r);
    grpc_reader_free(r);
    ck_assert_int_eq(s.messages, 1);
    ck_assert_msg(strstr(s.text, "c=1 n=14\n") != NULL, "%s", s.text);
    ck_assert(strstr(s.text, reply_raw) != NULL);
    /* corrupt: a byte of the deflate data changed; cut short */
    z[12] ^= 0x55;
    n = frame_msg(wire, 1, z, zn);
    r = reader(&s, &l, encodings[k]);
    grpc_reader_feed(r, wire, n);
    grpc_reader_end(r);
    grpc_reader_free(r);
    ck_assert_int_eq(s.messages, 1);
    ck_assert_msg(strstr(s.text, "note: ") != NULL, "%s", s.text);
    z[12] ^= 0x55;
    n = frame_msg(wire, 1, z, zn - 6);
    r = reader(&s, &l, encodings[k]);
    grpc_reader_feed(r, wire, n);
    grpc_reader_end(r);
    grpc_reader_free(r);
    ck_assert_msg(strstr(s.text, "note: ") != NULL, "%s", s.text);
  }
  /* an encoding h2scope does not decode, and a compressed flag without one */
  size_t n = frame_msg(wire, 1, (const uint8_t *)"xyz", 3);
  seen s;
  grpc_reader *r = reader(&s, &l, "snappy");
  grpc_reader_feed(r, wire, n);
  grpc_reader_free(r);
  ck_assert(strstr(s.text, "grpc-encoding snappy is not supported") != NULL);
  r = reader(&s, &l, NULL);
  grpc_reader_feed(r, wire, n);
  grpc_reader_free(r);
  ck_assert(strstr(s.text, "compressed flag set without a grpc-encoding") != NULL);
}
END_TEST

START_TEST(compression_bomb) {
  grpc_limits l;
  grpc_limits_default(&l);
  size_t big = 2u << 20;
  uint8_t *zeros = calloc(1, big);
  uLongf zn = compressBound(big);
  uint8_t *z = malloc(zn);
  uint8_t *wire = malloc(zn + 5);
  ck_assert(zeros && z && wire);
  ck_assert_int_eq(compress2(z, &zn, zeros, big, 9), Z_OK);
  size_t n = frame_msg(wire, 1, z, zn);
  /* 2 MiB from ~2 KiB: past a ratio of 100 */
  l.max_ratio = 100;
  seen s;
  grpc_reader *r = reader(&s, &l, "deflate");
  grpc_reader_feed(r, wire, n);
  grpc_reader_free(r);
  ck_assert_msg(strstr(s.text, "decompression ratio above the limit") != NULL, "%s", s.text);
  /* and past the size limit when the ratio allows it */
  l.max_ratio = 100000;
  l.max_message = 1u << 20;
  r = reader(&s, &l, "deflate");
  grpc_reader_feed(r, wire, n);
  grpc_reader_free(r);
  ck_assert_msg(strstr(s.text, "larger than the message size limit") != NULL, "%s", s.text);
  free(zeros);
  free(z);
  free(wire);
}
END_TEST

START_TEST(malformed_protobuf) {
  static const struct {
    const char *why;
    uint8_t b[16];
    size_t n;
  } bad[] = {
      {"varint of 11 bytes",
       {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
       12},
      {"varint cut short", {0x08, 0xff}, 2},
      {"length past the end", {0x12, 0x05, 'a', 'b'}, 4},
      {"wire type 3 (start group)", {0x0b, 0x08, 0x01, 0x0c}, 4},
      {"wire type 4 (end group)", {0x0c}, 1},
      {"wire type 6", {0x0e, 0x01}, 2},
      {"wire type 7", {0x0f, 0x01}, 2},
      {"field number 0", {0x00, 0x01}, 2},
      {"fixed64 cut short", {0x09, 1, 2, 3}, 4},
  };
  grpc_limits l;
  grpc_limits_default(&l);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pb_limits pl = limits();
    pb_items d;
    pb_items_init(&d, &pl);
    ck_assert_msg(!pb_raw_decode(&d, bad[i].b, bad[i].n, 0), "%s decoded", bad[i].why);
    ck_assert_uint_eq(d.n, 0);
    pb_items_reset(&d);
    uint8_t wire[32];
    size_t n = frame_msg(wire, 0, bad[i].b, bad[i].n);
    seen s;
    grpc_reader *r = reader(&s, &l, NULL);
    grpc_reader_feed(r, wire, n);
    grpc_reader_free(r);
    ck_assert_msg(strstr(s.text, "note: not a protobuf message") != NULL, "%s: %s", bad[i].why,
                  s.text);
  }
  /* a length-delimited field that is no message stays a string */
  static const uint8_t str[] = {0x12, 0x02, 0x0c, 0x0c};
  pb_limits pl = limits();
  pb_items d;
  pb_items_init(&d, &pl);
  ck_assert(pb_raw_decode(&d, str, sizeof str, 0));
  char *t = fields_text(&d);
  ck_assert_str_eq(t, "2: \"\\014\\014\"\n");
  free(t);
  pb_items_reset(&d);
}
END_TEST

/* Node{child: Node{child: ...}} `levels` deep, built inside out. */
static size_t nested(uint8_t *buf, size_t cap, int levels) {
  size_t n = 2;
  size_t at = cap - 2;
  buf[at] = 0x10; /* v: 1 */
  buf[at + 1] = 0x01;
  for (int i = 0; i < levels; i++) {
    size_t len = n;
    uint8_t pre[6];
    size_t k = 0;
    pre[k++] = 0x0a;
    do {
      pre[k++] = (uint8_t)((len & 0x7f) | (len > 0x7f ? 0x80 : 0));
      len >>= 7;
    } while (len);
    at -= k;
    memcpy(buf + at, pre, k);
    n += k;
  }
  memmove(buf, buf + at, n);
  return n;
}

START_TEST(deep_nesting_is_bounded) {
  size_t cap = 1u << 20;
  uint8_t *buf = malloc(cap);
  ck_assert_ptr_nonnull(buf);
  size_t n = nested(buf, cap, 20000);
  pb_limits l = {.max_depth = 8, .max_items = 1000};
  pb_items d;
  pb_items_init(&d, &l);
  ck_assert(pb_raw_decode(&d, buf, n, 0));
  ck_assert(d.depth_capped);
  unsigned deepest = 0;
  for (size_t i = 0; i < d.n; i++)
    if (d.items[i].depth > deepest) deepest = d.items[i].depth;
  ck_assert_uint_lt(deepest, 8);
  pb_items_reset(&d);
  pb_schema *s = probe_schema();
  const pb_type *node = pb_schema_type(s, "h2scope.probe.Node");
  ck_assert_ptr_nonnull(node);
  ck_assert(pb_typed_decode(&d, node, buf, n, 0));
  ck_assert(d.depth_capped);
  pb_items_reset(&d);
  /* the item limit */
  l = (pb_limits){.max_depth = 64, .max_items = 5};
  pb_items_init(&d, &l);
  ck_assert(pb_raw_decode(&d, request, sizeof request, 0));
  ck_assert(d.items_dropped);
  ck_assert_uint_le(d.n, 5);
  pb_items_reset(&d);
  pb_schema_free(s);
  free(buf);
}
END_TEST

START_TEST(status_and_percent_decoding) {
  char out[64];
  size_t n = grpc_percent_decode("a%20b%zz%4", 10, out);
  ck_assert_int_eq((int)n, 8);
  ck_assert(memcmp(out, "a b%zz%4", 8) == 0);
  grpc_limits l;
  grpc_limits_default(&l);
  seen s;
  grpc_reader *r = reader(&s, &l, NULL);
  h2_header t[2] = {
      {.name = "grpc-status", .name_len = 11, .value = "5", .value_len = 1},
      {.name = "grpc-message", .name_len = 12, .value = "no%20such%E2%82%AC", .value_len = 18}};
  grpc_reader_trailers(r, t, 2);
  grpc_reader_free(r);
  ck_assert_str_eq(s.text, "status 5 [no such\xe2\x82\xac]\n");
  ck_assert(grpc_is_content_type("application/grpc", 16));
  ck_assert(grpc_is_content_type("application/grpc+proto", 22));
  ck_assert(!grpc_is_content_type("application/grpc-web", 20));
  ck_assert(!grpc_is_content_type("application/json", 16));
}
END_TEST

START_TEST(typed_reader_by_method) {
  pb_schema *schema = probe_schema();
  grpc_limits l;
  grpc_limits_default(&l);
  uint8_t wire[512];
  size_t n = frame_msg(wire, 0, request, sizeof request);
  seen s;
  memset(&s, 0, sizeof s);
  const char *path = "/h2scope.probe.Probe/Bidi";
  grpc_reader *r =
      grpc_reader_new(&l, schema, 1, 3, GRPC_REQUEST, path, strlen(path), NULL, 0, on_record, &s);
  grpc_reader_feed(r, wire, n);
  grpc_reader_end(r);
  grpc_reader_free(r);
  ck_assert(strstr(s.text, request_typed) != NULL);
  /* a response that is not a Reply falls back to raw with a note */
  memset(&s, 0, sizeof s);
  r = grpc_reader_new(&l, schema, 1, 3, GRPC_RESPONSE, path, strlen(path), NULL, 0, on_record, &s);
  grpc_reader_feed(r, wire, n);
  grpc_reader_free(r);
  ck_assert_msg(strstr(s.text, "note: not a h2scope.probe.Reply message") != NULL, "%s", s.text);
  ck_assert(strstr(s.text, request_raw) != NULL);
  pb_schema_free(schema);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("grpc_reader");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, raw_equals_protoc_decode_raw);
  tcase_add_test(tc, typed_equals_protoc_decode);
  tcase_add_test(tc, schema_rejects_garbage);
  tcase_add_test(tc, split_at_every_byte_boundary);
  tcase_add_test(tc, truncated_stream);
  tcase_add_test(tc, oversize_length_skips_the_rest);
  tcase_add_test(tc, shared_budget_of_unfinished_messages);
  tcase_add_test(tc, compressed_messages);
  tcase_add_test(tc, compression_bomb);
  tcase_add_test(tc, malformed_protobuf);
  tcase_add_test(tc, deep_nesting_is_bounded);
  tcase_add_test(tc, status_and_percent_decoding);
  tcase_add_test(tc, typed_reader_by_method);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(suite());
}
