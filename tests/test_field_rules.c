/* test_field_rules.c — h2/field_rules.h, the one implementation of RFC 9113
 * §8.2/§8.3/§8.1.1 that the session and read share: each rule with the
 * catalogue id and detail it reports, every violation of a list (read) or
 * only the first (the session), indexed fields not scanned again, unknown
 * fields, and the facts learnt on the way. */
#include <check.h>

#include "run_suite.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "h2/field_rules.h"

#define F(n, v)                                                                                    \
  { n, sizeof n - 1, v, sizeof v - 1, 0 }

typedef struct seen {
  char got[512];
  size_t n;
} seen;

static bool collect(void *user, const h2_field_violation *v) {
  seen *s = user;
  size_t len = strlen(s->got);
  snprintf(s->got + len, sizeof s->got - len, "%s%s/%s", len ? " " : "", v->rule, v->detail);
  s->n++;
  return true;
}

static const char *check(int kind, const h2_header *h, size_t n, h2_field_facts *facts) {
  static seen s;
  memset(&s, 0, sizeof s);
  size_t count = h2_fields_check(kind, h, NULL, n, facts, collect, &s);
  ck_assert_uint_eq(count, s.n);
  return s.got;
}

START_TEST(valid_request_and_facts) {
  h2_header h[] = {F(":method", "HEAD"), F(":scheme", "https"),     F(":path", "/a"),
                   F(":authority", "x"), F("content-length", "12"), F("te", "trailers")};
  h2_field_facts f;
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, h, 6, &f), "");
  ck_assert(f.is_head && !f.is_connect && !f.has_protocol);
  ck_assert_int_eq(f.content_length, 12);
  ck_assert_uint_eq(f.unknown, 0);
}
END_TEST

START_TEST(names_and_values) {
  h2_header h[] = {F(":status", "200"), F("X-Up", "1"),  F("a b", "1"), F("a:b", "1"),
                   F("v", " lead"),     F("w", "nul\r"), F("", "empty")};
  ck_assert_str_eq(check(H2_FIELDS_RESPONSE, h, 7, NULL),
                   "field-invalid/bad-field-name field-invalid/bad-field-name "
                   "field-invalid/bad-field-name field-invalid/bad-field-value "
                   "field-invalid/bad-field-value field-invalid/bad-field-name");
}
END_TEST

START_TEST(pseudo_headers) {
  h2_header order[] = {F(":method", "GET"), F("x", "1"), F(":path", "/"), F(":scheme", "http")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, order, 4, NULL), /* one per field */
                   "pseudo-header-invalid/pseudo-header-after-regular "
                   "pseudo-header-invalid/pseudo-header-after-regular");
  h2_header dup[] = {F(":method", "GET"), F(":method", "GET"), F(":path", "/"),
                     F(":scheme", "http"), F(":foo", "1")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, dup, 5, NULL),
                   "pseudo-header-invalid/duplicate-pseudo-header "
                   "pseudo-header-invalid/unknown-pseudo-header");
  h2_header missing[] = {F(":method", "GET"), F(":path", "/")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, missing, 2, NULL),
                   "pseudo-header-invalid/missing-pseudo-header");
  h2_header empty_path[] = {F(":method", "GET"), F(":scheme", "http"), F(":path", "")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, empty_path, 3, NULL),
                   "pseudo-header-invalid/empty-path");
  h2_header connect[] = {F(":method", "CONNECT"), F(":authority", "h:443")};
  h2_field_facts f;
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, connect, 2, &f), "");
  ck_assert(f.is_connect);
  h2_header bad_connect[] = {F(":method", "CONNECT"), F(":authority", "h"), F(":path", "/")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, bad_connect, 3, NULL),
                   "pseudo-header-invalid/bad-connect-request");
  /* RFC 8441 §4: :protocol only with CONNECT, which then has :scheme and :path */
  h2_header ws[] = {F(":method", "CONNECT"), F(":protocol", "websocket"), F(":scheme", "https"),
                    F(":path", "/chat"), F(":authority", "h")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, ws, 5, &f), "");
  ck_assert(f.has_protocol);
  h2_header ws_no_path[] = {F(":method", "CONNECT"), F(":protocol", "websocket"),
                            F(":scheme", "https"), F(":authority", "h")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, ws_no_path, 4, NULL),
                   "extended-connect-invalid/extended-connect-without-path");
  h2_header stray[] = {F(":method", "GET"), F(":protocol", "websocket"), F(":scheme", "https"),
                       F(":path", "/")};
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, stray, 4, NULL),
                   "extended-connect-invalid/protocol-without-connect");
  h2_header resp[] = {F(":status", "20x"), F(":path", "/")};
  ck_assert_str_eq(check(H2_FIELDS_RESPONSE, resp, 2, NULL),
                   "pseudo-header-invalid/unknown-pseudo-header "
                   "pseudo-header-invalid/bad-status");
  h2_header trailers[] = {F("x", "1"), F(":status", "200")};
  ck_assert_str_eq(check(H2_FIELDS_TRAILERS, trailers, 2, NULL),
                   "pseudo-header-invalid/pseudo-header-after-regular "
                   "pseudo-header-invalid/pseudo-header-in-trailers");
  h2_header info[] = {F(":status", "103")};
  ck_assert_str_eq(check(H2_FIELDS_RESPONSE, info, 1, &f), "");
  ck_assert(f.informational);
  ck_assert_int_eq(f.status, 103);
}
END_TEST

START_TEST(connection_fields_and_length) {
  h2_header h[] = {F(":status", "200"),       F("connection", "close"), F("te", "gzip"),
                   F("content-length", "1x"), F("content-length", "5"), F("content-length", "6")};
  h2_field_facts f;
  ck_assert_str_eq(check(H2_FIELDS_RESPONSE, h, 6, &f),
                   "connection-specific-field/connection-specific-field "
                   "connection-specific-field/te-not-trailers "
                   "content-length-mismatch/bad-content-length "
                   "content-length-mismatch/bad-content-length");
  ck_assert_int_eq(f.content_length, 5);
}
END_TEST

static bool stop_at_first(void *user, const h2_field_violation *v) {
  *(const char **)user = v->detail;
  return false;
}

START_TEST(first_only_indexed_and_unknown) {
  h2_header h[] = {F(":status", "200"), F("Bad", "1"), F("connection", "x")};
  const char *first = NULL;
  ck_assert_uint_eq(h2_fields_check(H2_FIELDS_RESPONSE, h, NULL, 3, NULL, stop_at_first, &first),
                    1);
  ck_assert_str_eq(first, "bad-field-name");
  /* an indexed field's octets were checked when it was inserted */
  h2_hpack_field_info infos[3] = {{0}};
  infos[1].rep = H2_HPACK_INDEXED;
  first = NULL;
  h2_fields_check(H2_FIELDS_RESPONSE, h, infos, 3, NULL, stop_at_first, &first);
  ck_assert_str_eq(first, "connection-specific-field");
  /* a field the decoder could not resolve: no "missing" verdicts */
  h2_header u[] = {{NULL, 0, NULL, 0, 0}, F(":path", "/")};
  h2_field_facts f;
  ck_assert_str_eq(check(H2_FIELDS_REQUEST, u, 2, &f), "");
  ck_assert_uint_eq(f.unknown, 1);
  ck_assert_str_eq(check(H2_FIELDS_RESPONSE, u, 1, &f), "");
}
END_TEST

static Suite *field_rules_suite(void) {
  Suite *s = suite_create("field_rules");
  TCase *tc = tcase_create("rules");
  tcase_add_test(tc, valid_request_and_facts);
  tcase_add_test(tc, names_and_values);
  tcase_add_test(tc, pseudo_headers);
  tcase_add_test(tc, connection_fields_and_length);
  tcase_add_test(tc, first_only_indexed_and_unknown);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return run_suite(field_rules_suite());
}
