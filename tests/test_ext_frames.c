/* test_ext_frames.c — the extension frame payloads of codec/src/ext_frames.c
 * (ALTSVC RFC 7838 §4, ORIGIN RFC 8336 §2.1, PRIORITY_UPDATE RFC 9218 §7.1)
 * and the priority field parser of codec/src/priority_field.c (RFC 9218 §4,
 * RFC 8941 Dictionaries): valid payloads (the RFCs' examples where they have
 * them), every boundary the decoders check, and encoder/decoder round trips
 * through the frame codec. */
#include <check.h>

#include "run_suite.h"
#include <string.h>

#include "h2/ext_frames.h"
#include "h2/frame.h"

static h2_frame ext_frame(uint8_t type, uint32_t stream, const uint8_t *payload, size_t len) {
  h2_frame f;
  memset(&f, 0, sizeof f);
  f.hd.type = type;
  f.hd.stream_id = stream;
  f.hd.length = (uint32_t)len;
  f.u.unknown.payload = payload;
  f.u.unknown.len = (uint32_t)len;
  return f;
}

/* Encodes f with the frame codec and decodes it back (the extension type
 * travels opaque through h2_frame_decode). */
static h2_frame roundtrip(const h2_frame *f, uint8_t *wire, size_t cap) {
  size_t n = 0, used = 0;
  h2_error err;
  ck_assert_int_eq(h2_frame_encode(f, wire, cap, &n, &err), H2_OK);
  h2_frame back;
  ck_assert_int_eq(h2_frame_decode(wire, n, NULL, &back, &used, &err), H2_OK);
  ck_assert_uint_eq(used, n);
  return back;
}

START_TEST(names) {
  ck_assert_str_eq(h2_ext_frame_type_name(0xa), "ALTSVC");
  ck_assert_str_eq(h2_ext_frame_type_name(0xc), "ORIGIN");
  ck_assert_str_eq(h2_ext_frame_type_name(0x10), "PRIORITY_UPDATE");
  ck_assert_ptr_null(h2_ext_frame_type_name(0xb));
  ck_assert_ptr_null(h2_ext_frame_type_name(H2_DATA));
}
END_TEST

/* RFC 7838 §4's figure: origin on stream 0, value h2="alt.example.com:443". */
START_TEST(altsvc_stream0_example) {
  const char *origin = "https://example.com", *value = "h2=\"alt.example.com:443\"; ma=3600";
  uint8_t payload[128], wire[256];
  h2_altsvc in = {(const uint8_t *)origin, (uint32_t)strlen(origin), (const uint8_t *)value,
                  (uint32_t)strlen(value)};
  size_t n = h2_altsvc_encode(&in, payload, sizeof payload);
  ck_assert_uint_eq(n, 2 + strlen(origin) + strlen(value));
  ck_assert_uint_eq(payload[0], 0);
  ck_assert_uint_eq(payload[1], strlen(origin));
  h2_frame f = ext_frame(H2_ALTSVC, 0, payload, n);
  h2_frame back = roundtrip(&f, wire, sizeof wire);
  h2_altsvc a;
  h2_ext_problem why;
  ck_assert_int_eq(h2_altsvc_decode(&back, &a, &why), H2_EXT_OK);
  ck_assert_uint_eq(a.origin_len, strlen(origin));
  ck_assert(!memcmp(a.origin, origin, a.origin_len));
  ck_assert_uint_eq(a.value_len, strlen(value));
  ck_assert(!memcmp(a.value, value, a.value_len));
}
END_TEST

START_TEST(altsvc_stream_rules) {
  uint8_t p[64];
  h2_altsvc in = {NULL, 0, (const uint8_t *)"h2=\":443\"", 9};
  size_t n = h2_altsvc_encode(&in, p, sizeof p);
  h2_altsvc a;
  h2_ext_problem why;
  /* On a stream: no origin is right (the stream's origin applies). */
  h2_frame f = ext_frame(H2_ALTSVC, 3, p, n);
  ck_assert_int_eq(h2_altsvc_decode(&f, &a, &why), H2_EXT_OK);
  ck_assert_uint_eq(a.value_len, 9);
  /* On stream 0 the origin is required. */
  f = ext_frame(H2_ALTSVC, 0, p, n);
  ck_assert_int_eq(h2_altsvc_decode(&f, &a, &why), H2_EXT_IGNORE);
  ck_assert_str_eq(why.rule, "altsvc-invalid");
  ck_assert_str_eq(why.section, "RFC 7838 §4");
  ck_assert_ptr_nonnull(strstr(why.message, "stream 0"));
  /* On a stream an origin is not allowed. */
  h2_altsvc with = {(const uint8_t *)"https://a.example", 17, (const uint8_t *)"clear", 5};
  n = h2_altsvc_encode(&with, p, sizeof p);
  f = ext_frame(H2_ALTSVC, 5, p, n);
  ck_assert_int_eq(h2_altsvc_decode(&f, &a, &why), H2_EXT_IGNORE);
  ck_assert_ptr_nonnull(strstr(why.message, "other than 0"));
}
END_TEST

START_TEST(altsvc_malformed) {
  h2_altsvc a;
  h2_ext_problem why;
  h2_frame f = ext_frame(H2_ALTSVC, 0, NULL, 0); /* empty payload */
  ck_assert_int_eq(h2_altsvc_decode(&f, &a, &why), H2_EXT_IGNORE);
  ck_assert_ptr_nonnull(strstr(why.message, "shorter"));
  const uint8_t one[1] = {0};
  f = ext_frame(H2_ALTSVC, 0, one, 1);
  ck_assert_int_eq(h2_altsvc_decode(&f, &a, &why), H2_EXT_IGNORE);
  /* Origin-Len 10 with 4 octets after it. */
  const uint8_t past[6] = {0, 10, 'h', 't', 't', 'p'};
  f = ext_frame(H2_ALTSVC, 0, past, sizeof past);
  ck_assert_int_eq(h2_altsvc_decode(&f, &a, &why), H2_EXT_IGNORE);
  ck_assert_ptr_nonnull(strstr(why.message, "past the end"));
  /* Origin-Len exactly the rest: empty field value is fine (clear is a value). */
  const uint8_t exact[6] = {0, 4, 'h', 't', 't', 'p'};
  f = ext_frame(H2_ALTSVC, 0, exact, sizeof exact);
  ck_assert_int_eq(h2_altsvc_decode(&f, &a, &why), H2_EXT_OK);
  ck_assert_uint_eq(a.value_len, 0);
  /* Encoder limits. */
  uint8_t small[4];
  h2_altsvc big = {(const uint8_t *)"https://x", 9, NULL, 0};
  ck_assert_uint_eq(h2_altsvc_encode(&big, small, sizeof small), 0);
}
END_TEST

START_TEST(origin_entries) {
  const char *o1 = "https://example.com", *o2 = "https://www.example.org:8443";
  uint8_t p[128], wire[256];
  size_t n = h2_origin_entry_encode(o1, strlen(o1), p, sizeof p);
  n += h2_origin_entry_encode(o2, strlen(o2), p + n, sizeof p - n);
  ck_assert_uint_eq(n, 4 + strlen(o1) + strlen(o2));
  h2_frame f = ext_frame(H2_ORIGIN, 0, p, n);
  h2_frame back = roundtrip(&f, wire, sizeof wire);
  h2_origin_iter it;
  h2_ext_problem why;
  ck_assert_int_eq(h2_origin_begin(&back, &it, &why), H2_EXT_OK);
  const uint8_t *o;
  size_t len;
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), 1);
  ck_assert_uint_eq(len, strlen(o1));
  ck_assert(!memcmp(o, o1, len));
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), 1);
  ck_assert(!memcmp(o, o2, strlen(o2)));
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), 0);
  /* An empty ORIGIN frame is a valid (empty) set. */
  f = ext_frame(H2_ORIGIN, 0, NULL, 0);
  ck_assert_int_eq(h2_origin_begin(&f, &it, &why), H2_EXT_OK);
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), 0);
}
END_TEST

START_TEST(origin_rules) {
  uint8_t p[64];
  size_t n = h2_origin_entry_encode("https://a.example", 17, p, sizeof p);
  h2_origin_iter it;
  h2_ext_problem why;
  const uint8_t *o;
  size_t len;
  /* Only on stream 0; elsewhere ignored. */
  h2_frame f = ext_frame(H2_ORIGIN, 1, p, n);
  ck_assert_int_eq(h2_origin_begin(&f, &it, &why), H2_EXT_IGNORE);
  ck_assert_str_eq(why.rule, "origin-invalid");
  ck_assert_str_eq(why.section, "RFC 8336 §2.1");
  /* An entry whose length goes past the payload. */
  p[1] = 40;
  f = ext_frame(H2_ORIGIN, 0, p, n);
  ck_assert_int_eq(h2_origin_begin(&f, &it, &why), H2_EXT_OK);
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), -1);
  ck_assert_uint_eq(why.offset, 0);
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), 0);
  /* A lone octet: the Origin-Len itself is cut off, at offset 19. */
  p[1] = 17;
  p[n] = 0;
  f = ext_frame(H2_ORIGIN, 0, p, n + 1);
  h2_origin_begin(&f, &it, &why);
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), 1);
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), -1);
  ck_assert_uint_eq(why.offset, 19);
  /* An empty entry. */
  const uint8_t empty[2] = {0, 0};
  f = ext_frame(H2_ORIGIN, 0, empty, 2);
  h2_origin_begin(&f, &it, &why);
  ck_assert_int_eq(h2_origin_next(&it, &o, &len, &why), -1);
  ck_assert_ptr_nonnull(strstr(why.message, "empty"));
}
END_TEST

START_TEST(priority_update_valid) {
  uint8_t p[64], wire[128];
  size_t n = h2_priority_update_encode(5, "u=0, i", 6, p, sizeof p);
  ck_assert_uint_eq(n, 10);
  h2_frame f = ext_frame(H2_PRIORITY_UPDATE, 0, p, n);
  h2_frame back = roundtrip(&f, wire, sizeof wire);
  h2_priority_update u;
  h2_ext_problem why;
  ck_assert_int_eq(h2_priority_update_decode(&back, &u, &why), H2_EXT_OK);
  ck_assert_uint_eq(u.stream_id, 5);
  ck_assert_uint_eq(u.reserved, 0);
  ck_assert_uint_eq(u.value_len, 6);
  h2_priority_field pf;
  ck_assert_int_eq(h2_priority_field_parse((const char *)u.value, u.value_len, &pf, &why),
                   H2_EXT_OK);
  ck_assert_uint_eq(pf.urgency, 0);
  ck_assert(pf.incremental);
  /* R bit kept apart from the id. */
  p[0] |= 0x80;
  f = ext_frame(H2_PRIORITY_UPDATE, 0, p, n);
  ck_assert_int_eq(h2_priority_update_decode(&f, &u, &why), H2_EXT_OK);
  ck_assert_uint_eq(u.reserved, 1);
  ck_assert_uint_eq(u.stream_id, 5);
  /* An empty Priority Field Value is allowed (the defaults). */
  n = h2_priority_update_encode(7, "", 0, p, sizeof p);
  f = ext_frame(H2_PRIORITY_UPDATE, 0, p, n);
  ck_assert_int_eq(h2_priority_update_decode(&f, &u, &why), H2_EXT_OK);
  ck_assert_uint_eq(u.value_len, 0);
}
END_TEST

START_TEST(priority_update_errors) {
  uint8_t p[16];
  h2_priority_update u;
  h2_ext_problem why;
  size_t n = h2_priority_update_encode(1, "u=1", 3, p, sizeof p);
  /* Not on stream 0: PROTOCOL_ERROR. */
  h2_frame f = ext_frame(H2_PRIORITY_UPDATE, 1, p, n);
  ck_assert_int_eq(h2_priority_update_decode(&f, &u, &why), H2_EXT_ERROR);
  ck_assert_uint_eq(why.error_code, H2_PROTOCOL_ERROR);
  ck_assert_str_eq(why.section, "RFC 9218 §7.1");
  ck_assert_str_eq(why.rule, "priority-update-invalid");
  /* Prioritized stream 0: PROTOCOL_ERROR. */
  n = h2_priority_update_encode(0, "u=1", 3, p, sizeof p);
  f = ext_frame(H2_PRIORITY_UPDATE, 0, p, n);
  ck_assert_int_eq(h2_priority_update_decode(&f, &u, &why), H2_EXT_ERROR);
  ck_assert_uint_eq(why.error_code, H2_PROTOCOL_ERROR);
  ck_assert_ptr_nonnull(strstr(why.message, "of 0"));
  /* Shorter than 4 octets: FRAME_SIZE_ERROR. */
  f = ext_frame(H2_PRIORITY_UPDATE, 0, p, 3);
  ck_assert_int_eq(h2_priority_update_decode(&f, &u, &why), H2_EXT_ERROR);
  ck_assert_uint_eq(why.error_code, H2_FRAME_SIZE_ERROR);
  ck_assert_uint_eq(h2_priority_update_encode(1, "u=1", 3, p, 6), 0);
}
END_TEST

static h2_ext_result prio(const char *s, h2_priority_field *pf, h2_ext_problem *why) {
  return h2_priority_field_parse(s, strlen(s), pf, why);
}

/* RFC 9218 §4 examples and defaults. */
START_TEST(priority_field_valid) {
  h2_priority_field pf;
  h2_ext_problem why;
  ck_assert_int_eq(prio("u=5, i", &pf, &why), H2_EXT_OK);
  ck_assert_uint_eq(pf.urgency, 5);
  ck_assert(pf.incremental && pf.urgency_set && pf.incremental_set);
  ck_assert_int_eq(prio("", &pf, &why), H2_EXT_OK); /* defaults */
  ck_assert_uint_eq(pf.urgency, 3);
  ck_assert(!pf.incremental && !pf.urgency_set && !pf.incremental_set);
  ck_assert_int_eq(prio("i=?0", &pf, &why), H2_EXT_OK);
  ck_assert(!pf.incremental && pf.incremental_set);
  ck_assert_int_eq(prio("  u=0,i=?1  ", &pf, &why), H2_EXT_OK);
  ck_assert_uint_eq(pf.urgency, 0);
  ck_assert(pf.incremental);
  /* Unknown members of every type are skipped. */
  ck_assert_int_eq(prio("foo=\"a \\\"b\\\"\", u=7, bar=(1 2.5 tok);x=:YWJj:, "
                        "z=-12;q, *k=?1, i",
                        &pf, &why),
                   H2_EXT_OK);
  ck_assert_uint_eq(pf.urgency, 7);
  ck_assert(pf.incremental);
  /* Parameters on u and i are allowed and ignored; the last key wins. */
  ck_assert_int_eq(prio("u=1;a=2, u=6", &pf, &why), H2_EXT_OK);
  ck_assert_uint_eq(pf.urgency, 6);
  ck_assert_int_eq(prio("u=2,\ti", &pf, &why), H2_EXT_OK);
  ck_assert(pf.incremental);
}
END_TEST

START_TEST(priority_field_members_ignored) {
  h2_priority_field pf;
  h2_ext_problem why;
  /* Out of range or wrong type: that member is ignored, the rest applies. */
  ck_assert_int_eq(prio("u=8, i", &pf, &why), H2_EXT_IGNORE);
  ck_assert_uint_eq(pf.urgency, 3);
  ck_assert(!pf.urgency_set);
  ck_assert(pf.incremental);
  ck_assert_str_eq(why.rule, "priority-field-invalid");
  ck_assert_str_eq(why.section, "RFC 9218 §4");
  ck_assert_int_eq(prio("u=-1", &pf, &why), H2_EXT_IGNORE);
  ck_assert_int_eq(prio("u=1.5", &pf, &why), H2_EXT_IGNORE);
  ck_assert_int_eq(prio("u=\"1\"", &pf, &why), H2_EXT_IGNORE);
  ck_assert_int_eq(prio("u=2, i=1", &pf, &why), H2_EXT_IGNORE);
  ck_assert_uint_eq(pf.urgency, 2);
  ck_assert(!pf.incremental && !pf.incremental_set);
  ck_assert_ptr_nonnull(strstr(why.message, "Boolean"));
  ck_assert_uint_eq(why.offset, 5);
}
END_TEST

START_TEST(priority_field_invalid_dictionary) {
  static const char *const bad[] = {
      "u=1,",               /* trailing comma */
      ",u=1",               /* leading comma */
      "U=1",                /* keys are lowercase */
      "u=1 i",              /* no comma */
      "u=",                 /* no value */
      "u=1;",               /* parameter without key */
      "x=\"open",           /* unterminated string */
      "x=\"a\\b\"",         /* bad escape */
      "x=:abc",             /* unterminated byte sequence */
      "x=?2",               /* not a boolean */
      "x=(1 2",             /* unterminated inner list */
      "x=1.",               /* decimal without fraction */
      "x=1.2345",           /* too many fraction digits */
      "x=1234567890123456", /* 16 digits */
      "x=@1",               /* not an RFC 8941 item */
      "u=1,,i",             /* empty member */
  };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    h2_priority_field pf;
    h2_ext_problem why = {0};
    ck_assert_msg(prio(bad[k], &pf, &why) == H2_EXT_IGNORE, "accepted: %s", bad[k]);
    ck_assert_str_eq(why.section, "RFC 8941 §4.2");
    /* The whole field is ignored: defaults. */
    ck_assert_uint_eq(pf.urgency, 3);
    ck_assert(!pf.incremental);
  }
  h2_priority_field pf;
  ck_assert_int_eq(prio("u=1 i", &pf, NULL), H2_EXT_IGNORE); /* why may be NULL */
  /* Length is honoured: no NUL needed. */
  ck_assert_int_eq(h2_priority_field_parse("u=4XXXX", 3, &pf, NULL), H2_EXT_OK);
  ck_assert_uint_eq(pf.urgency, 4);
}
END_TEST

static Suite *ext_suite(void) {
  Suite *s = suite_create("ext_frames");
  TCase *tc = tcase_create("decode");
  tcase_add_test(tc, names);
  tcase_add_test(tc, altsvc_stream0_example);
  tcase_add_test(tc, altsvc_stream_rules);
  tcase_add_test(tc, altsvc_malformed);
  tcase_add_test(tc, origin_entries);
  tcase_add_test(tc, origin_rules);
  tcase_add_test(tc, priority_update_valid);
  tcase_add_test(tc, priority_update_errors);
  tcase_add_test(tc, priority_field_valid);
  tcase_add_test(tc, priority_field_members_ignored);
  tcase_add_test(tc, priority_field_invalid_dictionary);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(ext_suite());
}
