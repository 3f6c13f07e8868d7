/* test_frame_random.c — fixed-seed randomized frames. Random bytes shaped like
 * frames (random types, flags, lengths, payloads, truncations): the decoder
 * never reads out of bounds (exact-size heap copies under ASan), its results
 * are self-consistent, and every frame it accepts re-encodes byte for byte.
 * Random valid frame structs: encode → decode → same fields → same bytes. */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"

static uint64_t rng_state;

static uint64_t rnd(void) {
  /* splitmix64: small, fixed-seed, good enough for test inputs */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint32_t below(uint32_t n) {
  return (uint32_t)(rnd() % n);
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static uint32_t random_stream_id(void) {
  switch (below(6)) {
  case 0:
    return 0;
  case 1:
    return 1;
  case 2:
    return 2 + below(8);
  case 3:
    return 0x80000000u | below(4); /* R bit set */
  case 4:
    return 0x7fffffffu;
  default:
    return (uint32_t)rnd();
  }
}

/* Fills payload with bytes that are often structurally plausible for type. */
static void random_payload(uint8_t type, uint8_t *p, uint32_t len) {
  for (uint32_t i = 0; i < len; i++)
    p[i] = (uint8_t)rnd();
  if (len == 0) return;
  switch (below(3) ? type : 0xff) {
  case H2_SETTINGS:
    for (uint32_t i = 0; i + 6 <= len; i += 6) {
      p[i] = 0;
      p[i + 1] = (uint8_t)below(11);
      if (below(2)) put32(p + i + 2, below(3) ? below(2) : 16384 + below(100));
    }
    break;
  case H2_DATA:
  case H2_HEADERS:
  case H2_PUSH_PROMISE:
    p[0] = (uint8_t)below(len + 2); /* pad length around the limit */
    if (type == H2_PUSH_PROMISE && len >= 5) put32(p + 1, below(8));
    break;
  case H2_WINDOW_UPDATE:
    if (len >= 4 && below(2)) put32(p, below(3) ? below(3) : 0x80000000u);
    break;
  default:
    break;
  }
}

static uint32_t random_length(void) {
  switch (below(10)) {
  case 0:
    return 0;
  case 1:
    return 4 + below(2);
  case 2:
    return 8;
  case 3:
    return 6 * below(5);
  case 4:
    return 16384 + below(2) - 1; /* around the default max */
  case 5:
    return 200 + below(400);
  default:
    return below(40);
  }
}

/* Checks one decode result against the invariants of h2_frame_decode. */
static int check_one(const uint8_t *buf, size_t avail, uint32_t length, uint32_t max,
                     const h2_frame_decode_options *opts) {
  h2_frame f;
  h2_error err;
  size_t used = 777;
  memset(&err, 0, sizeof err);
  h2_status st = h2_frame_decode(buf, avail, opts, &f, &used, &err);
  size_t full = 9 + (size_t)length;
  if (st == H2_NEED_MORE) {
    ck_assert_uint_eq(used, 0);
    ck_assert_uint_lt(avail, full);
    if (avail >= 3 && length <= max)
      ck_assert_uint_eq(err.need, full - avail);
    else
      ck_assert_uint_eq(err.need, 9 - avail);
    return 0;
  }
  ck_assert_uint_ge(avail, 9);
  ck_assert_uint_eq(f.hd.length, length);
  if (st == H2_E_FRAME_TOO_LARGE) {
    ck_assert_uint_gt(length, max);
    ck_assert_uint_eq(used, 0);
    return 0;
  }
  ck_assert_uint_le(length, max);
  ck_assert_uint_eq(used, full);
  if (st == H2_OK) {
    /* Accepted → re-encodes to the same bytes. */
    uint8_t *again = malloc(full);
    size_t n = 0;
    h2_error e2;
    ck_assert_uint_eq(h2_frame_encoded_size(&f), full);
    ck_assert_int_eq(h2_frame_encode(&f, again, full, &n, &e2), H2_OK);
    ck_assert_uint_eq(n, full);
    ck_assert_int_eq(memcmp(again, buf, full), 0);
    free(again);
    return 1;
  }
  /* A rejection: fully described. */
  ck_assert_int_eq(err.status, st);
  ck_assert_int_gt(st, H2_E_NO_MEMORY);
  ck_assert_uint_eq(err.code, h2_status_code(st));
  ck_assert(err.scope == H2_SCOPE_STREAM || err.scope == H2_SCOPE_CONNECTION);
  ck_assert_ptr_nonnull(err.section);
  ck_assert_uint_lt(err.offset, full > 9 ? full : 9);
  if (err.scope == H2_SCOPE_STREAM) {
    ck_assert_uint_ne(f.hd.stream_id, 0);
    ck_assert_uint_eq(err.stream_id, f.hd.stream_id);
  } else {
    ck_assert_uint_eq(err.stream_id, 0);
  }
  return 0;
}

START_TEST(random_bytes_decode) {
  rng_state = 0x68327363u; /* fixed seed */
  static const uint32_t maxes[] = {0, 16, 100, 16384, H2_MAX_FRAME_SIZE_LIMIT};
  int accepted = 0, rejected_types[16] = {0};
  const int rounds = 60000;
  for (int i = 0; i < rounds; i++) {
    uint32_t length = random_length();
    uint8_t type = below(4) ? (uint8_t)below(10) : (uint8_t)(10 + below(246));
    uint8_t flags = below(2)
                        ? (uint8_t)rnd()
                        : (uint8_t)(below(2) * 0x08 | below(2) * 0x20 | below(2) * 0x04 | below(2));
    uint32_t sid = random_stream_id();
    h2_frame_decode_options opts = {maxes[below(5)], (uint8_t)below(3)};
    uint32_t max = opts.max_frame_size ? opts.max_frame_size : 16384;

    size_t full = 9 + (size_t)length;
    uint8_t *frame = malloc(full);
    h2_frame_header_write(frame, length, type, flags, sid);
    random_payload(type, frame + 9, length);

    /* Decode the complete frame, then a random truncation, each from an
     * exact-size allocation. */
    uint8_t *copy = malloc(full);
    memcpy(copy, frame, full);
    int ok = check_one(copy, full, length, max, &opts);
    accepted += ok;
    if (!ok) rejected_types[type < 10 ? type : 10]++;
    free(copy);
    size_t cut = below((uint32_t)full);
    copy = malloc(cut ? cut : 1);
    memcpy(copy, frame, cut);
    ck_assert_int_eq(check_one(copy, cut, length, max, &opts), 0);
    free(copy);
    free(frame);
  }
  /* The generator must exercise both sides. */
  ck_assert_int_gt(accepted, rounds / 5);
  for (int t = 0; t <= 10; t++)
    ck_assert_int_gt(rejected_types[t], 10);
}
END_TEST

/* A random frame the encoder must accept. Byte spans point into pool. */
static h2_frame random_valid_frame(const uint8_t *pool, size_t pool_len, uint8_t *settings_raw) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = below(5) ? (uint8_t)below(10) : (uint8_t)(10 + below(246));
  f.hd.flags = (uint8_t)rnd();
  f.hd.reserved = (uint8_t)below(2);
  f.hd.stream_id = 1 + below(0x7ffffffe);
  if (below(2)) f.hd.stream_id = 1 + below(20);
  uint32_t span = below(3) ? below(50) : below((uint32_t)pool_len);
  const uint8_t *bytes = pool + below((uint32_t)(pool_len - span));
  f.pad_length = (uint8_t)rnd();
  f.padding = below(2) ? pool : NULL;
  switch (f.hd.type) {
  case H2_DATA:
    f.u.data.data = bytes;
    f.u.data.len = span;
    break;
  case H2_HEADERS:
    f.u.headers.fragment = bytes;
    f.u.headers.fragment_len = span;
    f.u.headers.priority.dependency = below(0x7fffffff);
    if (f.u.headers.priority.dependency == f.hd.stream_id) f.u.headers.priority.dependency = 0;
    f.u.headers.priority.exclusive = (uint8_t)below(2);
    f.u.headers.priority.weight = (uint8_t)rnd();
    break;
  case H2_PRIORITY:
    f.u.priority.dependency = f.hd.stream_id + 1 + below(5);
    f.u.priority.dependency &= H2_STREAM_ID_MASK;
    f.u.priority.exclusive = (uint8_t)below(2);
    f.u.priority.weight = (uint8_t)rnd();
    break;
  case H2_RST_STREAM:
    f.u.rst_stream.error_code = (uint32_t)rnd();
    break;
  case H2_SETTINGS: {
    f.hd.stream_id = 0;
    if (f.hd.flags & H2_FLAG_ACK) break;
    h2_setting s[8];
    uint32_t n = below(9);
    for (uint32_t i = 0; i < n; i++) {
      s[i].id = (uint16_t)(below(2) ? below(10) : rnd());
      s[i].value = (uint32_t)rnd();
      if (s[i].id == 2 || s[i].id == 8 || s[i].id == 9) s[i].value &= 1;
      if (s[i].id == 4) s[i].value &= H2_MAX_WINDOW_SIZE;
      if (s[i].id == 5) s[i].value = 16384 + below(H2_MAX_FRAME_SIZE_LIMIT - 16384);
    }
    ck_assert_uint_eq(h2_settings_pack(s, n, settings_raw, 48), 6 * n);
    f.u.settings.raw = settings_raw;
    f.u.settings.count = n;
    break;
  }
  case H2_PUSH_PROMISE:
    f.u.push_promise.promised_stream_id = 2 * (1 + below(0x3ffffffe));
    f.u.push_promise.promised_reserved = (uint8_t)below(2);
    f.u.push_promise.fragment = bytes;
    f.u.push_promise.fragment_len = span;
    break;
  case H2_PING:
    f.hd.stream_id = 0;
    for (int i = 0; i < 8; i++)
      f.u.ping.opaque[i] = (uint8_t)rnd();
    break;
  case H2_GOAWAY:
    f.hd.stream_id = 0;
    f.u.goaway.last_stream_id = below(0x80000000u);
    f.u.goaway.last_reserved = (uint8_t)below(2);
    f.u.goaway.error_code = (uint32_t)rnd();
    f.u.goaway.debug = bytes;
    f.u.goaway.debug_len = span;
    break;
  case H2_WINDOW_UPDATE:
    f.hd.stream_id = below(3) ? f.hd.stream_id : 0;
    f.u.window_update.increment = 1 + below(H2_MAX_WINDOW_SIZE);
    f.u.window_update.reserved = (uint8_t)below(2);
    break;
  case H2_CONTINUATION:
    f.u.continuation.fragment = bytes;
    f.u.continuation.fragment_len = span;
    break;
  default:
    f.hd.stream_id = below(2) ? 0 : f.hd.stream_id;
    f.u.unknown.payload = bytes;
    f.u.unknown.len = span;
    break;
  }
  return f;
}

START_TEST(random_valid_frames_roundtrip) {
  rng_state = 0x2f726e64u;
  static uint8_t pool[70000];
  for (size_t i = 0; i < sizeof pool; i++)
    pool[i] = (uint8_t)rnd();
  uint8_t settings_raw[48];
  h2_frame_decode_options opts = {H2_MAX_FRAME_SIZE_LIMIT, H2_SENDER_UNKNOWN};
  for (int i = 0; i < 30000; i++) {
    h2_frame f = random_valid_frame(pool, sizeof pool, settings_raw);
    size_t size = h2_frame_encoded_size(&f), n = 0, used = 0, n2 = 0;
    uint8_t *wire = malloc(size), *again = malloc(size);
    h2_error err;
    ck_assert_int_eq(h2_frame_encode(&f, wire, size, &n, &err), H2_OK);
    ck_assert_uint_eq(n, size);
    /* One byte short: refused, nothing written past the end (ASan). */
    ck_assert_int_eq(h2_frame_encode(&f, wire, size - 1, &n2, &err), H2_E_BUFFER_TOO_SMALL);
    h2_frame got;
    ck_assert_int_eq(h2_frame_decode(wire, size, &opts, &got, &used, &err), H2_OK);
    ck_assert_uint_eq(used, size);
    ck_assert_uint_eq(got.hd.type, f.hd.type);
    ck_assert_uint_eq(got.hd.flags, f.hd.flags);
    ck_assert_uint_eq(got.hd.reserved, f.hd.reserved);
    ck_assert_uint_eq(got.hd.stream_id, f.hd.stream_id);
    ck_assert_uint_eq(got.hd.length, size - 9);
    switch (f.hd.type) {
    case H2_DATA:
      ck_assert_uint_eq(got.u.data.len, f.u.data.len);
      break;
    case H2_HEADERS:
      ck_assert_uint_eq(got.u.headers.fragment_len, f.u.headers.fragment_len);
      if (f.hd.flags & H2_FLAG_PRIORITY)
        ck_assert_uint_eq(got.u.headers.priority.dependency, f.u.headers.priority.dependency);
      break;
    case H2_SETTINGS:
      ck_assert_uint_eq(got.u.settings.count, f.u.settings.count);
      break;
    case H2_PUSH_PROMISE:
      ck_assert_uint_eq(got.u.push_promise.promised_stream_id, f.u.push_promise.promised_stream_id);
      ck_assert_uint_eq(got.u.push_promise.fragment_len, f.u.push_promise.fragment_len);
      break;
    case H2_GOAWAY:
      ck_assert_uint_eq(got.u.goaway.last_stream_id, f.u.goaway.last_stream_id);
      ck_assert_uint_eq(got.u.goaway.debug_len, f.u.goaway.debug_len);
      break;
    case H2_WINDOW_UPDATE:
      ck_assert_uint_eq(got.u.window_update.increment, f.u.window_update.increment);
      break;
    default:
      break;
    }
    if ((f.hd.type == H2_DATA || f.hd.type == H2_HEADERS || f.hd.type == H2_PUSH_PROMISE) &&
        (f.hd.flags & H2_FLAG_PADDED))
      ck_assert_uint_eq(got.pad_length, f.pad_length);
    ck_assert_int_eq(h2_frame_encode(&got, again, size, &n2, &err), H2_OK);
    ck_assert_int_eq(memcmp(again, wire, size), 0);
    free(wire);
    free(again);
  }
}
END_TEST

/* Many valid frames back to back, decoded in one pass. */
START_TEST(random_stream_of_frames) {
  rng_state = 0x73747265u;
  static uint8_t pool[4096];
  for (size_t i = 0; i < sizeof pool; i++)
    pool[i] = (uint8_t)rnd();
  uint8_t settings_raw[48];
  uint8_t *stream = malloc(1 << 20);
  size_t len = 0, count = 0;
  while (count < 2000) {
    h2_frame f = random_valid_frame(pool, sizeof pool, settings_raw);
    size_t n = 0;
    if (h2_frame_encoded_size(&f) > 16384 + 9) continue;
    ck_assert_int_eq(h2_frame_encode(&f, stream + len, (1 << 20) - len, &n, NULL), H2_OK);
    len += n;
    count++;
  }
  size_t pos = 0, frames = 0;
  while (pos < len) {
    h2_frame f;
    h2_error err;
    size_t used = 0;
    ck_assert_int_eq(h2_frame_decode(stream + pos, len - pos, NULL, &f, &used, &err), H2_OK);
    pos += used;
    frames++;
  }
  ck_assert_uint_eq(pos, len);
  ck_assert_uint_eq(frames, count);
  free(stream);
}
END_TEST

static Suite *random_suite(void) {
  Suite *s = suite_create("frame_random");
  TCase *tc = tcase_create("random");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, random_bytes_decode);
  tcase_add_test(tc, random_valid_frames_roundtrip);
  tcase_add_test(tc, random_stream_of_frames);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(random_suite());
}
