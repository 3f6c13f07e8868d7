/* ext_frames.c — fuzz target: the extension frame payload decoders of
 * codec/src/ext_frames.c (ALTSVC RFC 7838 §4, ORIGIN RFC 8336 §2.1,
 * PRIORITY_UPDATE RFC 9218 §7.1) on arbitrary payloads, with oracles:
 *  1. every span a decoder returns lies inside the payload and the spans
 *     account for every payload octet of a frame that decoded;
 *  2. a payload that decoded re-encodes (h2_*_encode) to the same octets;
 *  3. the verdicts follow the stream rules (ALTSVC origin iff stream 0,
 *     ORIGIN only on 0, PRIORITY_UPDATE on 0 for a non-zero stream).
 * Input: byte 0: bits 0-1 the type (0 ALTSVC, 1 ORIGIN, 2/3 PRIORITY_UPDATE),
 * bit 2 the frame is on stream 1 instead of 0; the rest is the payload. */
#include <string.h>

#include "fuzz_support.h"
#include "h2/ext_frames.h"

static bool inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len) {
  return n == 0 || (p >= base && p + n <= base + len);
}

static void altsvc(const h2_frame *f, const uint8_t *p, size_t len) {
  h2_altsvc a;
  h2_ext_problem why;
  h2_ext_result r = h2_altsvc_decode(f, &a, &why);
  if (len < 2 || (size_t)((p[0] << 8) | p[1]) + 2 > len) {
    FUZZ_CHECK(r == H2_EXT_IGNORE, "malformed ALTSVC accepted");
    return;
  }
  FUZZ_CHECK(inside(a.origin, a.origin_len, p, len) && inside(a.value, a.value_len, p, len),
             "ALTSVC span outside the payload");
  FUZZ_CHECK(2 + (size_t)a.origin_len + a.value_len == len, "ALTSVC spans miss octets");
  bool want = f->hd.stream_id == 0 ? a.origin_len > 0 : a.origin_len == 0;
  FUZZ_CHECK((r == H2_EXT_OK) == want, "ALTSVC verdict %d against the stream rule", r);
  static uint8_t again[70000];
  size_t n = h2_altsvc_encode(&a, again, sizeof again);
  FUZZ_CHECK(n == len && !memcmp(again, p, len), "ALTSVC does not re-encode to its octets");
}

static void origin(const h2_frame *f, const uint8_t *p, size_t len) {
  h2_origin_iter it;
  h2_ext_problem why;
  h2_ext_result r = h2_origin_begin(f, &it, &why);
  FUZZ_CHECK((r == H2_EXT_OK) == (f->hd.stream_id == 0), "ORIGIN stream rule");
  static uint8_t again[70000];
  size_t used = 0, entries = 0;
  bool bad = false;
  const uint8_t *o;
  size_t n;
  int k;
  while ((k = h2_origin_next(&it, &o, &n, &why)) != 0) {
    FUZZ_CHECK(entries++ < len, "ORIGIN iterator does not end");
    if (k < 0) {
      bad = true;
      continue;
    }
    FUZZ_CHECK(inside(o, n, p, len), "ORIGIN entry outside the payload");
    used += h2_origin_entry_encode((const char *)o, n, again + used, sizeof again - used);
  }
  if (!bad)
    FUZZ_CHECK(used == len && (len == 0 || !memcmp(again, p, len)), "ORIGIN entries miss octets");
}

static void priority_update(const h2_frame *f, const uint8_t *p, size_t len) {
  h2_priority_update u;
  h2_ext_problem why;
  h2_ext_result r = h2_priority_update_decode(f, &u, &why);
  if (len < 4) {
    FUZZ_CHECK(r == H2_EXT_ERROR && why.error_code == H2_FRAME_SIZE_ERROR, "short PU accepted");
    return;
  }
  bool want = f->hd.stream_id == 0 && u.stream_id != 0;
  FUZZ_CHECK((r == H2_EXT_OK) == want, "PRIORITY_UPDATE verdict %d", r);
  FUZZ_CHECK(inside(u.value, u.value_len, p, len) && u.value_len + 4 == len, "PU value span");
  static uint8_t again[70000];
  size_t n = h2_priority_update_encode(u.stream_id, (const char *)u.value, u.value_len, again,
                                       sizeof again);
  again[0] |= (uint8_t)(u.reserved << 7);
  FUZZ_CHECK(n == len && !memcmp(again, p, len), "PU does not re-encode to its octets");
  h2_priority_field pf;
  h2_priority_field_parse((const char *)u.value, u.value_len, &pf, NULL);
  FUZZ_CHECK(pf.urgency <= 7, "urgency %u", pf.urgency);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  uint8_t sel = data[0];
  const uint8_t *p = size > 1 ? data + 1 : NULL;
  size_t len = size - 1;
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.stream_id = (sel & 4) ? 1 : 0;
  f.hd.length = (uint32_t)len;
  f.u.unknown.payload = p;
  f.u.unknown.len = (uint32_t)len;
  switch (sel & 3) {
  case 0:
    f.hd.type = H2_ALTSVC;
    altsvc(&f, p, len);
    break;
  case 1:
    f.hd.type = H2_ORIGIN;
    origin(&f, p, len);
    break;
  default:
    f.hd.type = H2_PRIORITY_UPDATE;
    priority_update(&f, p, len);
    break;
  }
  return 0;
}
