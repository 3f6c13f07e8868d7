/* test_lint_sarif.c — the SARIF 2.1.0 writer (inspector/render/sarif_write.h) on
 * its own, as `read --lint` and `check` use it: rules declared once (again
 * ignored), results before and after their rule, rules only named by a
 * result, escaping of hostile strings, an empty log, and open errors. The
 * whole documents are compared byte for byte. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_write.h"
#include "run_suite.h"
#include "sarif_write.h"

static char doc[65536];

static const char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  doc[n] = '\0';
  fclose(f);
  return doc;
}

#define HEAD                                                                                       \
  "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": "          \
  "\"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n          "         \
  "\"name\": \"h2scope\",\n          \"informationUri\": "                                         \
  "\"https://github.com/h2scope/h2scope\",\n          \"version\": \"9.9\",\n          "           \
  "\"rules\": "

START_TEST(empty_log) {
  char path[512];
  pw_temp_path("empty.sarif", path, sizeof path);
  sarif_writer *w = sarif_open(path, "9.9");
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(sarif_close(w), 0);
  ck_assert_str_eq(slurp(path), HEAD "[]\n        }\n      },\n      \"artifacts\": [],\n"
                                     "      \"results\": []\n    }\n  ]\n}\n");
}
END_TEST

START_TEST(rules_and_results) {
  char path[512];
  pw_temp_path("full.sarif", path, sizeof path);
  sarif_writer *w = sarif_open(path, "9.9");
  ck_assert_ptr_nonnull(w);
  sarif_rule(w, "rapid-reset", "streams reset before a response", "CVE-2023-44487");
  sarif_rule(w, "rapid-reset", "ignored: declared twice", "x");
  sarif_result(w, "rapid-reset", "error", "100 resets \"fast\"\n", "cap.pcap", "conn 1",
               &(sarif_props){.pkt_first = 3, .pkt_last = 4});
  /* a rule only a result names; packets unknown: no property bag */
  sarif_result(w, "made-up", "note", NULL, NULL, NULL, &(sarif_props){.pkt_first = 5, .file = 2});
  sarif_result(w, "rapid-reset", "warning", "m", "other.pcap", NULL,
               &(sarif_props){.pkt_first = 7, .pkt_last = 7, .file = 2});
  ck_assert_int_eq(sarif_close(w), 0);
  ck_assert_str_eq(
      slurp(path), HEAD
      "[\n            {\"id\":\"rapid-reset\",\"shortDescription\":{\"text\":\"streams "
      "reset before a response\"},\"fullDescription\":{\"text\":\"streams reset before a "
      "response (CVE-2023-44487)\"},\"properties\":{\"section\":\"CVE-2023-44487\"}},\n"
      "            {\"id\":\"made-up\",\"shortDescription\":{\"text\":\"made-up\"}}\n"
      "          ]\n        }\n      },\n      \"artifacts\": [{\"location\":{\"uri\":"
      "\"cap.pcap\"}}],\n      \"results\": [\n        {\"ruleId\":\"rapid-reset\","
      "\"ruleIndex\":0,\"level\":\"error\",\"message\":{\"text\":\"100 resets \\\"fast\\\"\\n\"},"
      "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"cap.pcap\","
      "\"index\":0}},\"message\":{\"text\":\"conn 1\"}}],\"properties\":{\"pkt\":[3,4]}},\n"
      "        {\"ruleId\":\"made-up\","
      "\"ruleIndex\":1,\"level\":\"note\",\"message\":{\"text\":\"made-up\"}},\n        "
      "{\"ruleId\":\"rapid-reset\",\"ruleIndex\":0,\"level\":\"warning\",\"message\":{\"text\":"
      "\"m\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":"
      "\"other.pcap\"}}}],\"properties\":{\"pkt\":7,\"file\":2}}\n      ]\n    }\n  ]\n}\n");
}
END_TEST

/* Finding counts (also of findings not written as results) go to the run's
 * properties, in rule order; a count for an undeclared rule declares it. */
START_TEST(finding_counts) {
  char path[512];
  pw_temp_path("counts.sarif", path, sizeof path);
  sarif_writer *w = sarif_open(path, "9.9");
  ck_assert_ptr_nonnull(w);
  sarif_rule(w, "a", "rule a", NULL);
  sarif_rule(w, "b", "rule b", NULL);
  sarif_result(w, "b", "error", "m", NULL, NULL, NULL);
  sarif_count(w, "b", 3000);
  sarif_count(w, "c", 1);
  sarif_count(w, "a", 0); /* nothing */
  sarif_count(w, "b", 2);
  ck_assert_int_eq(sarif_close(w), 0);
  ck_assert_str_eq(
      slurp(path),
      HEAD "[\n            {\"id\":\"a\",\"shortDescription\":{\"text\":\"rule a\"}},\n"
           "            {\"id\":\"b\",\"shortDescription\":{\"text\":\"rule b\"}},\n"
           "            {\"id\":\"c\",\"shortDescription\":{\"text\":\"c\"}}\n"
           "          ]\n        }\n      },\n      \"artifacts\": [],\n      \"results\": [\n"
           "        {\"ruleId\":\"b\",\"ruleIndex\":1,\"level\":\"error\",\"message\":{\"text\":"
           "\"m\"}}\n      ],\n      \"properties\": {\"findingCounts\": {\"b\":3002,\"c\":1}}\n"
           "    }\n  ]\n}\n");
}
END_TEST

START_TEST(many_results_stream_through) {
  char path[512];
  pw_temp_path("many.sarif", path, sizeof path);
  sarif_writer *w = sarif_open(path, "1");
  ck_assert_ptr_nonnull(w);
  for (int i = 0; i < 20000; i++)
    sarif_result(w, i % 2 ? "a" : "b", "error", "message", "f.pcap", "somewhere", NULL);
  ck_assert_int_eq(sarif_close(w), 0);
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  size_t results = 0, c;
  char buf[8192];
  const char *needle = "{\"ruleId\":";
  size_t match = 0;
  while ((c = fread(buf, 1, sizeof buf, f)) > 0)
    for (size_t i = 0; i < c; i++) {
      match = buf[i] == needle[match] ? match + 1 : (buf[i] == needle[0] ? 1 : 0);
      if (match == strlen(needle)) {
        results++;
        match = 0;
      }
    }
  fclose(f);
  ck_assert_uint_eq(results, 20000);
}
END_TEST

START_TEST(open_error) {
  errno = 0;
  ck_assert_ptr_null(sarif_open("/nonexistent-dir/x.sarif", "1"));
  ck_assert_int_eq(errno, ENOENT);
  ck_assert_int_eq(sarif_close(NULL), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("lint_sarif");
  TCase *tc = tcase_create("sarif");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, empty_log);
  tcase_add_test(tc, rules_and_results);
  tcase_add_test(tc, finding_counts);
  tcase_add_test(tc, many_results_stream_through);
  tcase_add_test(tc, open_error);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
