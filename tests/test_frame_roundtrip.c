/* test_frame_roundtrip.c — every frame type encoded, decoded back to equal
 * fields and re-encoded to identical bytes (with and without padding and
 * priority, unknown types and flags, R bits, unknown settings kept), plus
 * byte-exact checks of hand-written frames against hex laid out from the RFC
 * 9113 §4.1/§6 figures, and the name tables. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"

/* "00 00 08 06 ..." → bytes; spaces and '|' ignored. Returns the length. */
static size_t hex(const char *s, uint8_t *out, size_t cap) {
  size_t n = 0;
  int hi = -1;
  for (; *s; s++) {
    int v;
    if (*s >= '0' && *s <= '9')
      v = *s - '0';
    else if (*s >= 'a' && *s <= 'f')
      v = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'F')
      v = *s - 'A' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      ck_assert_uint_lt(n, cap);
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  ck_assert_int_eq(hi, -1);
  return n;
}

static void assert_span_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  ck_assert_uint_eq(alen, blen);
  if (alen) ck_assert_int_eq(memcmp(a, b, alen), 0);
}

static void assert_priority_eq(const h2_priority *a, const h2_priority *b) {
  ck_assert_uint_eq(a->dependency, b->dependency);
  ck_assert_uint_eq(a->exclusive, b->exclusive);
  ck_assert_uint_eq(a->weight, b->weight);
}

/* Field-by-field equality of an encoded frame `want` and its decoding `got`
 * (hd.length of `want` is not compared: the encoder computes it). */
static void assert_frame_eq(const h2_frame *want, const h2_frame *got) {
  ck_assert_uint_eq(got->hd.type, want->hd.type);
  ck_assert_uint_eq(got->hd.flags, want->hd.flags);
  ck_assert_uint_eq(got->hd.reserved, want->hd.reserved ? 1 : 0);
  ck_assert_uint_eq(got->hd.stream_id, want->hd.stream_id);
  ck_assert_uint_eq(got->hd.length, h2_frame_encoded_size(want) - H2_FRAME_HEADER_LEN);
  uint8_t t = want->hd.type;
  bool padded = (t == H2_DATA || t == H2_HEADERS || t == H2_PUSH_PROMISE) &&
                (want->hd.flags & H2_FLAG_PADDED);
  if (padded) {
    ck_assert_uint_eq(got->pad_length, want->pad_length);
    ck_assert_ptr_nonnull(got->padding);
    for (unsigned i = 0; i < want->pad_length; i++) {
      uint8_t expected = want->padding ? want->padding[i] : 0;
      ck_assert_uint_eq(got->padding[i], expected);
    }
  } else {
    ck_assert_uint_eq(got->pad_length, 0);
    ck_assert_ptr_null(got->padding);
  }
  switch (t) {
  case H2_DATA:
    assert_span_eq(got->u.data.data, got->u.data.len, want->u.data.data, want->u.data.len);
    break;
  case H2_HEADERS:
    if (want->hd.flags & H2_FLAG_PRIORITY)
      assert_priority_eq(&got->u.headers.priority, &want->u.headers.priority);
    assert_span_eq(got->u.headers.fragment, got->u.headers.fragment_len, want->u.headers.fragment,
                   want->u.headers.fragment_len);
    break;
  case H2_PRIORITY:
    assert_priority_eq(&got->u.priority, &want->u.priority);
    break;
  case H2_RST_STREAM:
    ck_assert_uint_eq(got->u.rst_stream.error_code, want->u.rst_stream.error_code);
    break;
  case H2_SETTINGS:
    ck_assert_uint_eq(got->u.settings.count, want->u.settings.count);
    for (uint32_t i = 0; i < want->u.settings.count; i++) {
      h2_setting a = h2_settings_at(got, i), b = h2_settings_at(want, i);
      ck_assert_uint_eq(a.id, b.id);
      ck_assert_uint_eq(a.value, b.value);
    }
    break;
  case H2_PUSH_PROMISE:
    ck_assert_uint_eq(got->u.push_promise.promised_stream_id,
                      want->u.push_promise.promised_stream_id);
    ck_assert_uint_eq(got->u.push_promise.promised_reserved,
                      want->u.push_promise.promised_reserved ? 1 : 0);
    assert_span_eq(got->u.push_promise.fragment, got->u.push_promise.fragment_len,
                   want->u.push_promise.fragment, want->u.push_promise.fragment_len);
    break;
  case H2_PING:
    ck_assert_int_eq(memcmp(got->u.ping.opaque, want->u.ping.opaque, 8), 0);
    break;
  case H2_GOAWAY:
    ck_assert_uint_eq(got->u.goaway.last_stream_id, want->u.goaway.last_stream_id);
    ck_assert_uint_eq(got->u.goaway.last_reserved, want->u.goaway.last_reserved ? 1 : 0);
    ck_assert_uint_eq(got->u.goaway.error_code, want->u.goaway.error_code);
    assert_span_eq(got->u.goaway.debug, got->u.goaway.debug_len, want->u.goaway.debug,
                   want->u.goaway.debug_len);
    break;
  case H2_WINDOW_UPDATE:
    ck_assert_uint_eq(got->u.window_update.increment, want->u.window_update.increment);
    ck_assert_uint_eq(got->u.window_update.reserved, want->u.window_update.reserved ? 1 : 0);
    break;
  case H2_CONTINUATION:
    assert_span_eq(got->u.continuation.fragment, got->u.continuation.fragment_len,
                   want->u.continuation.fragment, want->u.continuation.fragment_len);
    break;
  default:
    assert_span_eq(got->u.unknown.payload, got->u.unknown.len, want->u.unknown.payload,
                   want->u.unknown.len);
    break;
  }
}

/* encode → decode → equal → re-encode → identical bytes. Returns the size. */
static size_t roundtrip(const h2_frame *f, uint8_t *wire, size_t cap) {
  size_t n = 0, n2 = 0, consumed = 0;
  h2_error err;
  h2_frame got;
  uint8_t again[512];
  ck_assert_int_eq(h2_frame_encode(f, wire, cap, &n, &err), H2_OK);
  ck_assert_uint_eq(n, h2_frame_encoded_size(f));
  h2_frame_decode_options opts = {H2_MAX_FRAME_SIZE_LIMIT, H2_SENDER_UNKNOWN};
  ck_assert_int_eq(h2_frame_decode(wire, n, &opts, &got, &consumed, &err), H2_OK);
  ck_assert_uint_eq(consumed, n);
  assert_frame_eq(f, &got);
  ck_assert_uint_le(n, sizeof again);
  ck_assert_int_eq(h2_frame_encode(&got, again, sizeof again, &n2, &err), H2_OK);
  ck_assert_uint_eq(n2, n);
  ck_assert_int_eq(memcmp(again, wire, n), 0);
  return n;
}

static const uint8_t frag[] = {0x82, 0x86, 0x84, 0x41, 0x0f, 'w', 'w', 'w'};
static const uint8_t pad_bytes[] = {0, 0, 0, 7, 0, 0xff, 0, 0, 0, 0};

static h2_frame frame_of(uint8_t type, uint8_t flags, uint32_t stream_id) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = type;
  f.hd.flags = flags;
  f.hd.stream_id = stream_id;
  return f;
}

START_TEST(data_frames) {
  uint8_t wire[256];
  h2_frame f = frame_of(H2_DATA, 0, 1);
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9); /* empty DATA */
  f.u.data.data = frag;
  f.u.data.len = sizeof frag;
  f.hd.flags = H2_FLAG_END_STREAM;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 8);
  f.hd.flags = H2_FLAG_END_STREAM | H2_FLAG_PADDED;
  f.pad_length = 10;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 1 + 8 + 10);
  ck_assert_uint_eq(wire[9], 10);
  for (int i = 0; i < 10; i++)
    ck_assert_uint_eq(wire[18 + i], 0); /* zeros when NULL */
  f.padding = pad_bytes; /* copied as given (non-zero padding kept for round trips) */
  roundtrip(&f, wire, sizeof wire);
  ck_assert_int_eq(memcmp(wire + 18, pad_bytes, 10), 0);
  f.pad_length = 0; /* PADDED with a zero Pad Length: one extra octet (§6.2 note) */
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 1 + 8);
}
END_TEST

START_TEST(headers_frames) {
  uint8_t wire[256];
  h2_frame f = frame_of(H2_HEADERS, H2_FLAG_END_HEADERS, 3);
  f.u.headers.fragment = frag;
  f.u.headers.fragment_len = sizeof frag;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 8);
  f.hd.flags |= H2_FLAG_PRIORITY;
  f.u.headers.priority = (h2_priority){.dependency = 0x7fffffff, .exclusive = 1, .weight = 255};
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 5 + 8);
  f.hd.flags |= H2_FLAG_PADDED | H2_FLAG_END_STREAM;
  f.pad_length = 3;
  f.padding = pad_bytes + 3;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 1 + 5 + 8 + 3);
  f.hd.flags = H2_FLAG_PADDED; /* no priority, no END_HEADERS, empty fragment */
  f.u.headers.fragment_len = 0;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 1 + 3);
}
END_TEST

START_TEST(priority_rst_ping_window_update) {
  uint8_t wire[64];
  h2_frame f = frame_of(H2_PRIORITY, 0, 5);
  f.u.priority = (h2_priority){.dependency = 3, .exclusive = 0, .weight = 15};
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 14);
  f.u.priority.exclusive = 1;
  roundtrip(&f, wire, sizeof wire);

  f = frame_of(H2_RST_STREAM, 0, 7);
  f.u.rst_stream.error_code = 0xdeadbeef; /* unknown codes travel as they are (§7) */
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 13);

  f = frame_of(H2_PING, H2_FLAG_ACK, 0);
  memcpy(f.u.ping.opaque, "\x01\x02\x03\x04\xfa\xfb\xfc\xfd", 8);
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 17);

  f = frame_of(H2_WINDOW_UPDATE, 0, 0);
  f.u.window_update.increment = H2_MAX_WINDOW_SIZE;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 13);
  f.hd.stream_id = 9;
  f.u.window_update.increment = 1;
  f.u.window_update.reserved = 1;
  roundtrip(&f, wire, sizeof wire);
  ck_assert_uint_eq(wire[9], 0x80);
}
END_TEST

START_TEST(settings_frames) {
  uint8_t wire[128], raw[60];
  h2_setting s[] = {{H2_SETTINGS_HEADER_TABLE_SIZE, 0},
                    {H2_SETTINGS_ENABLE_PUSH, 1},
                    {H2_SETTINGS_MAX_CONCURRENT_STREAMS, 0xffffffff},
                    {H2_SETTINGS_INITIAL_WINDOW_SIZE, H2_MAX_WINDOW_SIZE},
                    {H2_SETTINGS_MAX_FRAME_SIZE, H2_MAX_FRAME_SIZE_LIMIT},
                    {H2_SETTINGS_MAX_HEADER_LIST_SIZE, 8192},
                    {H2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1},
                    {H2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
                    {0xabcd, 0x12345678}, /* unknown ids are kept (§6.5.2 ignore ≠ drop) */
                    {0x0, 77}};
  ck_assert_uint_eq(h2_settings_pack(s, 10, raw, sizeof raw), 60);
  ck_assert_uint_eq(h2_settings_pack(s, 10, raw, 59), 0);
  h2_frame f = frame_of(H2_SETTINGS, 0, 0);
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9); /* empty SETTINGS */
  f.u.settings.raw = raw;
  f.u.settings.count = 10;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 69);
  h2_frame got;
  size_t used;
  ck_assert_int_eq(h2_frame_decode(wire, 69, NULL, &got, &used, NULL), H2_OK);
  ck_assert_uint_eq(h2_settings_at(&got, 8).id, 0xabcd);
  ck_assert_uint_eq(h2_settings_at(&got, 8).value, 0x12345678);
  ck_assert_uint_eq(h2_settings_at(&got, 10).id, 0); /* past the end: zero entry */
  f = frame_of(H2_SETTINGS, H2_FLAG_ACK, 0);
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9);
}
END_TEST

START_TEST(push_promise_goaway_continuation) {
  uint8_t wire[256];
  h2_frame f = frame_of(H2_PUSH_PROMISE, H2_FLAG_END_HEADERS, 1);
  f.u.push_promise.promised_stream_id = 2;
  f.u.push_promise.fragment = frag;
  f.u.push_promise.fragment_len = sizeof frag;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 4 + 8);
  f.hd.flags = H2_FLAG_PADDED;
  f.pad_length = 5;
  f.padding = pad_bytes;
  f.u.push_promise.promised_reserved = 1;
  f.u.push_promise.promised_stream_id = 0x7ffffffe;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9 + 1 + 4 + 8 + 5);
  ck_assert_uint_eq(wire[10], 0xff);

  f = frame_of(H2_GOAWAY, 0, 0);
  f.u.goaway.last_stream_id = 0x7fffffff;
  f.u.goaway.last_reserved = 1;
  f.u.goaway.error_code = H2_ENHANCE_YOUR_CALM;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 17);
  f.u.goaway.debug = (const uint8_t *)"too many resets";
  f.u.goaway.debug_len = 15;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 17 + 15);

  f = frame_of(H2_CONTINUATION, 0, 3);
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9);
  f.hd.flags = H2_FLAG_END_HEADERS;
  f.u.continuation.fragment = frag;
  f.u.continuation.fragment_len = 3;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 12);
}
END_TEST

/* §5.5 extension types are opaque; §4.1 unknown flags and the R bit are kept. */
START_TEST(unknown_types_flags_reserved) {
  uint8_t wire[256];
  h2_frame f = frame_of(0x42, 0xff, 0);
  f.hd.reserved = 1;
  f.u.unknown.payload = frag;
  f.u.unknown.len = sizeof frag;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 17);
  ck_assert_uint_eq(wire[5], 0x80);
  f = frame_of(0xff, 0, 0x12345);
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9);

  /* Undefined flags on defined types: kept in hd.flags, otherwise ignored.
   * 0x20 (PRIORITY) on DATA means nothing; 0x08 on SETTINGS is not PADDED. */
  f = frame_of(H2_DATA, 0xf6 & (uint8_t)~H2_FLAG_PADDED, 1);
  f.hd.reserved = 1;
  f.u.data.data = frag;
  f.u.data.len = 4;
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 13);
  f = frame_of(H2_SETTINGS, 0xfe, 0);
  ck_assert_uint_eq(roundtrip(&f, wire, sizeof wire), 9);
  f = frame_of(H2_PING, 0xff, 0);
  roundtrip(&f, wire, sizeof wire);
  f = frame_of(H2_WINDOW_UPDATE, 0xff, 1);
  f.hd.reserved = 1;
  f.u.window_update.increment = 10;
  roundtrip(&f, wire, sizeof wire);
  f = frame_of(H2_RST_STREAM, 0xff, 0x7fffffff);
  f.hd.reserved = 1;
  roundtrip(&f, wire, sizeof wire);
  ck_assert_int_eq(memcmp(wire + 5, "\xff\xff\xff\xff", 4), 0);
}
END_TEST

/* Decodes `hexs`, checks it is one valid frame and that encode writes it back.
 * The frame stays valid until the next call. */
static void check_exact(const char *hexs, h2_frame *got) {
  static uint8_t in[128]; /* *got points into it after return */
  uint8_t out[128];
  size_t n = hex(hexs, in, sizeof in), used = 0, written = 0;
  h2_error err;
  ck_assert_int_eq(h2_frame_decode(in, n, NULL, got, &used, &err), H2_OK);
  ck_assert_uint_eq(used, n);
  ck_assert_int_eq(h2_frame_encode(got, out, sizeof out, &written, &err), H2_OK);
  ck_assert_uint_eq(written, n);
  ck_assert_int_eq(memcmp(in, out, n), 0);
}

/* Hex written by hand from the figures of RFC 9113 §4.1 and §6. */
START_TEST(hand_written_ping) {
  h2_frame f;
  /* §6.7: Length 8, Type 6, ACK, stream 0, Opaque Data (64). */
  check_exact("000008 06 01 00000000 | 0102030405060708", &f);
  ck_assert_uint_eq(f.hd.length, 8);
  ck_assert_uint_eq(f.hd.type, H2_PING);
  ck_assert_uint_eq(f.hd.flags, H2_FLAG_ACK);
  ck_assert_int_eq(memcmp(f.u.ping.opaque, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), 0);
  /* Built from fields: identical bytes. */
  uint8_t out[32], want[32];
  size_t n = 0;
  h2_frame p = frame_of(H2_PING, H2_FLAG_ACK, 0);
  memcpy(p.u.ping.opaque, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  ck_assert_int_eq(h2_frame_encode(&p, out, sizeof out, &n, NULL), H2_OK);
  ck_assert_uint_eq(n, hex("000008 06 01 00000000 0102030405060708", want, sizeof want));
  ck_assert_int_eq(memcmp(out, want, n), 0);
}
END_TEST

START_TEST(hand_written_settings) {
  h2_frame f;
  /* §6.5.1: three (Identifier (16), Value (32)) entries, length 18. */
  check_exact("000012 04 00 00000000 | 0003 00000064 | 0004 0000ffff | 0005 00004000", &f);
  ck_assert_uint_eq(f.hd.length, 18);
  ck_assert_uint_eq(f.u.settings.count, 3);
  ck_assert_uint_eq(h2_settings_at(&f, 0).id, H2_SETTINGS_MAX_CONCURRENT_STREAMS);
  ck_assert_uint_eq(h2_settings_at(&f, 0).value, 100);
  ck_assert_uint_eq(h2_settings_at(&f, 1).id, H2_SETTINGS_INITIAL_WINDOW_SIZE);
  ck_assert_uint_eq(h2_settings_at(&f, 1).value, 65535);
  ck_assert_uint_eq(h2_settings_at(&f, 2).id, H2_SETTINGS_MAX_FRAME_SIZE);
  ck_assert_uint_eq(h2_settings_at(&f, 2).value, 16384);

  uint8_t raw[18], out[32], want[32];
  h2_setting s[] = {{3, 100}, {4, 65535}, {5, 16384}};
  size_t n = 0;
  ck_assert_uint_eq(h2_settings_pack(s, 3, raw, sizeof raw), 18);
  h2_frame b = frame_of(H2_SETTINGS, 0, 0);
  b.u.settings.raw = raw;
  b.u.settings.count = 3;
  ck_assert_int_eq(h2_frame_encode(&b, out, sizeof out, &n, NULL), H2_OK);
  ck_assert_uint_eq(
      n, hex("000012 04 00 00000000 0003 00000064 0004 0000ffff 0005 00004000", want, 32));
  ck_assert_int_eq(memcmp(out, want, n), 0);
}
END_TEST

START_TEST(hand_written_goaway) {
  h2_frame f;
  /* §6.8: R + Last-Stream-ID (31), Error Code (32), Additional Debug Data. */
  check_exact("00000d 07 00 00000000 | 00000005 | 00000001 | 68656c6c6f", &f);
  ck_assert_uint_eq(f.u.goaway.last_stream_id, 5);
  ck_assert_uint_eq(f.u.goaway.error_code, H2_PROTOCOL_ERROR);
  ck_assert_uint_eq(f.u.goaway.debug_len, 5);
  ck_assert_int_eq(memcmp(f.u.goaway.debug, "hello", 5), 0);

  uint8_t out[32], want[32];
  size_t n = 0;
  h2_frame g = frame_of(H2_GOAWAY, 0, 0);
  g.u.goaway.last_stream_id = 5;
  g.u.goaway.error_code = H2_PROTOCOL_ERROR;
  g.u.goaway.debug = (const uint8_t *)"hello";
  g.u.goaway.debug_len = 5;
  ck_assert_int_eq(h2_frame_encode(&g, out, sizeof out, &n, NULL), H2_OK);
  ck_assert_uint_eq(n, hex("00000d 07 00 00000000 00000005 00000001 68656c6c6f", want, 32));
  ck_assert_int_eq(memcmp(out, want, n), 0);
}
END_TEST

START_TEST(hand_written_headers_padded_priority) {
  h2_frame f;
  /* §6.2: flags PRIORITY|PADDED|END_HEADERS|END_STREAM = 0x2d; Pad Length 2,
   * E=1 + dependency 1, weight 15, fragment 82 84, two pad octets. */
  check_exact("00000a 01 2d 00000003 | 02 | 80000001 0f | 8284 | 0000", &f);
  ck_assert_uint_eq(f.hd.stream_id, 3);
  ck_assert_uint_eq(f.pad_length, 2);
  ck_assert_uint_eq(f.u.headers.priority.exclusive, 1);
  ck_assert_uint_eq(f.u.headers.priority.dependency, 1);
  ck_assert_uint_eq(f.u.headers.priority.weight, 15);
  ck_assert_uint_eq(f.u.headers.fragment_len, 2);
  ck_assert_uint_eq(f.u.headers.fragment[0], 0x82);
  ck_assert_uint_eq(f.u.headers.fragment[1], 0x84);
}
END_TEST

START_TEST(hand_written_misc) {
  h2_frame f;
  /* §6.9 WINDOW_UPDATE with R set on the header and on the increment. */
  check_exact("000004 08 00 80000001 | 80000400", &f);
  ck_assert_uint_eq(f.hd.reserved, 1);
  ck_assert_uint_eq(f.hd.stream_id, 1);
  ck_assert_uint_eq(f.u.window_update.reserved, 1);
  ck_assert_uint_eq(f.u.window_update.increment, 1024);
  /* §6.4 RST_STREAM CANCEL on stream 0x7fffffff. */
  check_exact("000004 03 00 7fffffff | 00000008", &f);
  ck_assert_uint_eq(f.u.rst_stream.error_code, H2_CANCEL);
  /* §6.6 PUSH_PROMISE, padded, promised stream 2. */
  check_exact("000008 05 0c 00000001 | 01 | 00000002 | 8287 | 00", &f);
  ck_assert_uint_eq(f.u.push_promise.promised_stream_id, 2);
  ck_assert_uint_eq(f.u.push_promise.fragment_len, 2);
  ck_assert_uint_eq(f.pad_length, 1);
  /* §6.1 DATA padded: Pad Length 3, "hi", 3 octets. */
  check_exact("000006 00 09 00000001 | 03 | 6869 | 000000", &f);
  ck_assert_uint_eq(f.u.data.len, 2);
  ck_assert_int_eq(memcmp(f.u.data.data, "hi", 2), 0);
  /* §5.5 an extension frame: type 0xb, flags 0x80. */
  check_exact("000003 0b 80 00000000 | 616263", &f);
  ck_assert_uint_eq(f.u.unknown.len, 3);
  ck_assert_ptr_null(h2_frame_type_name(f.hd.type));
}
END_TEST

/* The unchecked writers write exactly what they are told. */
START_TEST(raw_writers) {
  uint8_t out[32], want[32];
  h2_frame_header_write(out, 0x123456, 0x7, 0xab, 0x80000003);
  ck_assert_uint_eq(hex("123456 07 ab 80000003", want, sizeof want), 9);
  ck_assert_int_eq(memcmp(out, want, 9), 0);
  /* Length field need not match the payload. */
  ck_assert_uint_eq(
      h2_frame_write_raw(out, sizeof out, 7, H2_PING, 0, 1, (const uint8_t *)"abc", 3), 12);
  ck_assert_uint_eq(hex("000007 06 00 00000001 616263", want, sizeof want), 12);
  ck_assert_int_eq(memcmp(out, want, 12), 0);
  ck_assert_uint_eq(h2_frame_write_raw(out, 11, 0, 0, 0, 0, NULL, 3), 0);
  ck_assert_uint_eq(h2_frame_write_raw(out, 12, 3, 0, 0, 0, NULL, 3), 12);
  ck_assert_int_eq(memcmp(out + 9, "\0\0\0", 3), 0);
}
END_TEST

START_TEST(buffer_too_small) {
  uint8_t out[16];
  size_t n = 99;
  h2_error err;
  h2_frame f = frame_of(H2_PING, 0, 0);
  ck_assert_int_eq(h2_frame_encode(&f, out, 16, &n, &err), H2_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(n, 0);
  ck_assert_uint_eq(err.need, 1);
}
END_TEST

START_TEST(preface) {
  h2_error err;
  const uint8_t *p = (const uint8_t *)H2_PREFACE "\x00\x00\x00\x04";
  ck_assert_int_eq(h2_preface_check(p, 28, &err), H2_OK);
  ck_assert_int_eq(h2_preface_check(p, 24, &err), H2_OK);
  ck_assert_int_eq(h2_preface_check(p, 10, &err), H2_NEED_MORE);
  ck_assert_uint_eq(err.need, 14);
  ck_assert_int_eq(h2_preface_check(p, 0, &err), H2_NEED_MORE);
  ck_assert_uint_eq(err.need, 24);
  ck_assert_int_eq(h2_preface_check((const uint8_t *)"PRI * HTTP/1.1", 14, &err), H2_E_BAD_PREFACE);
  ck_assert_uint_eq(err.offset, 11);
  ck_assert_uint_eq(err.code, H2_PROTOCOL_ERROR);
  ck_assert_uint_eq(err.scope, H2_SCOPE_CONNECTION);
  ck_assert_str_eq(err.section, "RFC 9113 §3.4");
  ck_assert_int_eq(h2_preface_check((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &err),
                   H2_E_BAD_PREFACE);
  ck_assert_uint_eq(err.offset, 0);
}
END_TEST

START_TEST(type_names) {
  static const char *const names[] = {"DATA",          "HEADERS",      "PRIORITY", "RST_STREAM",
                                      "SETTINGS",      "PUSH_PROMISE", "PING",     "GOAWAY",
                                      "WINDOW_UPDATE", "CONTINUATION"};
  for (int t = 0; t < 10; t++) {
    ck_assert_str_eq(h2_frame_type_name((uint8_t)t), names[t]);
    ck_assert_int_eq(h2_frame_type_from_name(names[t]), t);
  }
  ck_assert_int_eq(h2_frame_type_from_name("window_update"), H2_WINDOW_UPDATE);
  ck_assert_int_eq(h2_frame_type_from_name("Goaway"), H2_GOAWAY);
  ck_assert_int_eq(h2_frame_type_from_name("ALTSVC"), -1);
  ck_assert_int_eq(h2_frame_type_from_name(""), -1);
  ck_assert_int_eq(h2_frame_type_from_name(NULL), -1);
  ck_assert_ptr_null(h2_frame_type_name(10));
  ck_assert_ptr_null(h2_frame_type_name(255));

  ck_assert_str_eq(h2_settings_name(1), "SETTINGS_HEADER_TABLE_SIZE");
  ck_assert_str_eq(h2_settings_name(2), "SETTINGS_ENABLE_PUSH");
  ck_assert_str_eq(h2_settings_name(3), "SETTINGS_MAX_CONCURRENT_STREAMS");
  ck_assert_str_eq(h2_settings_name(4), "SETTINGS_INITIAL_WINDOW_SIZE");
  ck_assert_str_eq(h2_settings_name(5), "SETTINGS_MAX_FRAME_SIZE");
  ck_assert_str_eq(h2_settings_name(6), "SETTINGS_MAX_HEADER_LIST_SIZE");
  ck_assert_str_eq(h2_settings_name(8), "SETTINGS_ENABLE_CONNECT_PROTOCOL");
  ck_assert_str_eq(h2_settings_name(9), "SETTINGS_NO_RFC7540_PRIORITIES");
  ck_assert_ptr_null(h2_settings_name(0));
  ck_assert_ptr_null(h2_settings_name(7));
  ck_assert_ptr_null(h2_settings_name(10));
  ck_assert_ptr_null(h2_settings_name(0xffff));
}
END_TEST

START_TEST(flag_strings) {
  char buf[64];
  ck_assert_str_eq(h2_frame_flags_str(H2_DATA, 0x09, buf, sizeof buf), "END_STREAM|PADDED");
  ck_assert_str_eq(h2_frame_flags_str(H2_HEADERS, 0x2d, buf, sizeof buf),
                   "END_STREAM|END_HEADERS|PADDED|PRIORITY");
  ck_assert_str_eq(h2_frame_flags_str(H2_HEADERS, 0xff, buf, sizeof buf),
                   "END_STREAM|END_HEADERS|PADDED|PRIORITY|0xd2");
  ck_assert_str_eq(h2_frame_flags_str(H2_SETTINGS, 0x01, buf, sizeof buf), "ACK");
  ck_assert_str_eq(h2_frame_flags_str(H2_PING, 0x41, buf, sizeof buf), "ACK|0x40");
  ck_assert_str_eq(h2_frame_flags_str(H2_PUSH_PROMISE, 0x0c, buf, sizeof buf),
                   "END_HEADERS|PADDED");
  ck_assert_str_eq(h2_frame_flags_str(H2_CONTINUATION, 0x05, buf, sizeof buf), "END_HEADERS|0x01");
  ck_assert_str_eq(h2_frame_flags_str(H2_PRIORITY, 0x20, buf, sizeof buf), "0x20");
  ck_assert_str_eq(h2_frame_flags_str(H2_GOAWAY, 0, buf, sizeof buf), "");
  ck_assert_str_eq(h2_frame_flags_str(0x42, 0x81, buf, sizeof buf), "0x81");
  /* Truncated but terminated. */
  ck_assert_str_eq(h2_frame_flags_str(H2_DATA, 0x09, buf, 6), "END_S");
  ck_assert_str_eq(h2_frame_flags_str(H2_DATA, 0x09, buf, 1), "");
}
END_TEST

static Suite *roundtrip_suite(void) {
  Suite *s = suite_create("frame_roundtrip");
  TCase *tc = tcase_create("roundtrip");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, data_frames);
  tcase_add_test(tc, headers_frames);
  tcase_add_test(tc, priority_rst_ping_window_update);
  tcase_add_test(tc, settings_frames);
  tcase_add_test(tc, push_promise_goaway_continuation);
  tcase_add_test(tc, unknown_types_flags_reserved);
  tcase_add_test(tc, hand_written_ping);
  tcase_add_test(tc, hand_written_settings);
  tcase_add_test(tc, hand_written_goaway);
  tcase_add_test(tc, hand_written_headers_padded_priority);
  tcase_add_test(tc, hand_written_misc);
  tcase_add_test(tc, raw_writers);
  tcase_add_test(tc, buffer_too_small);
  tcase_add_test(tc, preface);
  tcase_add_test(tc, type_names);
  tcase_add_test(tc, flag_strings);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(roundtrip_suite());
}
