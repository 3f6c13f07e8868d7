/* test_report_write.c — the HTML report writer (inspector/render/report_write.h)
 * on its own, as `read --html` drives it: the page's fixed parts around one
 * data block; a decoded value holding "</script>" or "<!--" cannot end the
 * block (every '<' of the data is \u003c); frames past max_frames become
 * per-millisecond bins whose counts add up; decoded fields only for the
 * first max_details frames; HPACK table sizes only where they change; the
 * totals line; more connections than the writer's slot table; exchanges
 * listed up to their limit; --redact in the decoded fields; open errors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_write.h"
#include "report_assets.h"
#include "report_write.h"
#include "run_suite.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(s);
  ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  if (len) *len = (size_t)n;
  return s;
}

/* The data block of a page: between the data element's start tag and the
 * first "</script" after it (where an HTML parser ends it). */
static char *data_block(const char *page) {
  const char *tag = "<script type=\"text/plain\" id=\"h2-data\">";
  const char *a = strstr(page, tag);
  ck_assert_ptr_nonnull(a);
  a += strlen(tag);
  const char *b = strstr(a, "</script");
  ck_assert_ptr_nonnull(b);
  char *d = strndup(a, (size_t)(b - a));
  ck_assert_ptr_nonnull(d);
  return d;
}

static unsigned count_lines(const char *data, const char *prefix) {
  unsigned n = 0;
  size_t k = strlen(prefix);
  for (const char *p = data; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
    if (!strncmp(p, prefix, k)) n++;
  return n;
}

static frame_meta meta(uint32_t conn, int dir, double ts) {
  return (frame_meta){
      .conn = conn, .ts = ts, .src = "10.0.0.1:1", .dst = "10.0.0.2:80", .dir = dir};
}

static decoded_frame data_frame(uint32_t stream, uint32_t len) {
  decoded_frame d = {0};
  d.frame.hd = (h2_frame_header){.length = len, .type = H2_DATA, .stream_id = stream};
  return d;
}

static decoded_frame headers_frame(uint32_t stream, const h2_header *h, size_t n, uint32_t table) {
  decoded_frame d = {0};
  d.frame.hd = (h2_frame_header){
      .length = 20, .type = H2_HEADERS, .flags = H2_FLAG_END_HEADERS, .stream_id = stream};
  d.block_complete = true;
  d.headers = h;
  d.header_count = n;
  d.table_size = table;
  return d;
}

static report_writer *open_report(const char *name, uint64_t max_frames, uint64_t max_details,
                                  char *path, size_t cap) {
  pw_temp_path(name, path, cap);
  report_options ro = {.max_frames = max_frames, .max_details = max_details, .title = "t.pcap"};
  char err[256];
  report_writer *w = report_open(path, &ro, err, sizeof err);
  ck_assert_ptr_nonnull(w);
  report_start(w, 100.0);
  frame_meta m = meta(1, 0, 100.0);
  report_conn_open(w, &m, 100.0);
  return w;
}

START_TEST(page_around_one_data_block) {
  char path[512];
  report_writer *w = open_report("page.html", 0, 10, path, sizeof path);
  ck_assert_int_eq(report_close(w), 0);
  size_t len;
  char *page = slurp(path, &len);
  ck_assert_uint_gt(len, report_asset_head_len + report_asset_tail_len);
  ck_assert_mem_eq(page, report_asset_head, report_asset_head_len);
  ck_assert_mem_eq(page + len - report_asset_tail_len, report_asset_tail, report_asset_tail_len);
  ck_assert_ptr_nonnull(strstr(page, "Content-Security-Policy"));
  ck_assert_ptr_nonnull(strstr(page, "default-src 'none'"));
  ck_assert_ptr_nonnull(strstr(page, "script-src 'sha256-"));
  ck_assert_ptr_null(strstr(page, "script-src 'unsafe-inline'"));
  ck_assert_ptr_null(strstr(page, "http://"));
  ck_assert_ptr_null(strstr(page, "https://"));
  char *d = data_block(page);
  ck_assert_uint_eq(count_lines(d, "R {\"v\":1,\"title\":\"t.pcap\""), 1);
  ck_assert_uint_eq(count_lines(d, "B 100.000000"), 1);
  ck_assert_uint_eq(count_lines(d, "C {\"conn\":1,\"t\":0,"), 1);
  ck_assert_uint_eq(count_lines(d, "A {\"frames\":0,"), 1);
  free(d);
  free(page);
}
END_TEST

START_TEST(hostile_values_stay_in_the_block) {
  char path[512];
  report_writer *w = open_report("hostile.html", 0, 10, path, sizeof path);
  static const char evil[] = "/</script><script>alert(1)</script><!--";
  h2_header h[] = {{":method", 7, "GET", 3, 0}, {":path", 5, evil, sizeof evil - 1, 0}};
  decoded_frame d = headers_frame(1, h, 2, 60);
  frame_meta m = meta(1, 0, 100.5);
  report_frame(w, &m, 7, &d);
  report_event(w, &m, "gap", 0, "lost </script> <b>", NULL);
  ck_assert_int_eq(report_close(w), 0);
  size_t len;
  char *page = slurp(path, &len);
  char *block = data_block(page);
  ck_assert_ptr_null(strchr(block, '<'));
  ck_assert_ptr_nonnull(
      strstr(block, "\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u003c!--"));
  ck_assert_ptr_nonnull(strstr(block, "\nF 1 0 1 1 4 20 500000 7 0 0\n"));
  ck_assert_ptr_nonnull(strstr(block, "\nT 1 0 500000 60\n"));
  /* The block ends at the page's own </script>, in the tail. */
  const char *end = strstr(page, block) + strlen(block);
  ck_assert_uint_ge((size_t)(end - page), len - report_asset_tail_len);
  free(block);
  free(page);
}
END_TEST

START_TEST(frames_past_the_limit_are_binned) {
  char path[512];
  report_writer *w = open_report("bins.html", 3, 1, path, sizeof path);
  /* 10 frames, 0.4 ms apart: 3 drawn, 7 in bins of 1 ms. */
  for (int i = 0; i < 10; i++) {
    decoded_frame d = data_frame(1, 100);
    frame_meta m = meta(1, 1, 100.0 + i * 0.0004);
    report_frame(w, &m, 0, &d);
  }
  ck_assert_int_eq(report_close(w), 0);
  char *page = slurp(path, NULL);
  char *d = data_block(page);
  ck_assert_uint_eq(count_lines(d, "F "), 3);
  ck_assert_uint_eq(count_lines(d, "J "), 1);
  /* frames 3..9 at 1.2 .. 3.6 ms: bins 1 ms (3, 4), 2 ms (5, 6, 7), 3 ms (8, 9) */
  ck_assert_ptr_nonnull(strstr(d, "\nG 1 1000 2 200\nG 1 2000 3 300\nG 1 3000 2 200\n"));
  ck_assert_ptr_nonnull(strstr(d, "\"frames\":10,\"frame_bytes\":1000,"));
  ck_assert_ptr_nonnull(strstr(d, "\"frames_drawn\":3,\"frames_not_drawn\":7,"));
  free(d);
  free(page);
}
END_TEST

START_TEST(table_size_only_where_it_changes) {
  char path[512];
  report_writer *w = open_report("table.html", 0, 0, path, sizeof path);
  h2_header req[] = {{":method", 7, "GET", 3, 0}};
  h2_header resp[] = {{":status", 7, "503", 3, 0}};
  static const uint32_t sizes[] = {60, 60, 120, 120, 120, 60};
  for (int i = 0; i < 6; i++) {
    decoded_frame d = headers_frame((uint32_t)(2 * i + 1), req, 1, sizes[i]);
    frame_meta m = meta(1, 0, 100.0 + i);
    report_frame(w, &m, 0, &d);
    decoded_frame r = headers_frame((uint32_t)(2 * i + 1), resp, 1, 30);
    frame_meta mr = meta(1, 1, 100.0 + i);
    report_frame(w, &mr, 0, &r);
  }
  ck_assert_int_eq(report_close(w), 0);
  char *page = slurp(path, NULL);
  char *d = data_block(page);
  ck_assert_uint_eq(count_lines(d, "T 1 0 "), 3);
  ck_assert_uint_eq(count_lines(d, "T 1 1 "), 1);
  ck_assert_uint_eq(count_lines(d, "J "), 0);
  ck_assert_ptr_nonnull(strstr(d, "\"requests\":6,\"status\":{\"other\":0,\"1xx\":0,\"2xx\":0,"
                                  "\"3xx\":0,\"4xx\":0,\"5xx\":6}"));
  free(d);
  free(page);
}
END_TEST

START_TEST(more_connections_than_slots) {
  char path[512];
  report_writer *w = open_report("conns.html", 1, 0, path, sizeof path);
  /* Connections 1..3000 interleaved, two frames each, all past the limit
   * but the first: every frame is in exactly one bin line. */
  uint64_t frames = 0;
  for (int round = 0; round < 2; round++)
    for (uint32_t c = 1; c <= 3 * REPORT_CONN_SLOTS; c++) {
      decoded_frame d = data_frame(1, 1);
      frame_meta m = meta(c, 0, 100.0 + round * 0.01);
      report_frame(w, &m, 0, &d);
      frames++;
    }
  ck_assert_int_eq(report_close(w), 0);
  char *page = slurp(path, NULL);
  char *d = data_block(page);
  uint64_t binned = 0;
  for (const char *p = strstr(d, "\nG "); p; p = strstr(p + 1, "\nG ")) {
    unsigned conn, frames_in;
    long long t, bytes;
    ck_assert_int_eq(sscanf(p + 3, "%u %lld %u %lld", &conn, &t, &frames_in, &bytes), 4);
    binned += frames_in;
  }
  ck_assert_uint_eq(binned, frames - 1);
  free(d);
  free(page);
}
END_TEST

START_TEST(exchanges_listed_then_counted) {
  char path[512];
  report_writer *w = open_report("exchanges.html", 0, 0, path, sizeof path);
  for (int i = 0; i < REPORT_MAX_EXCHANGES + 5; i++) {
    out_buf *o = report_exchange_out(w);
    if (i < REPORT_MAX_EXCHANGES) {
      ck_assert_ptr_nonnull(o);
      out_puts(o, "{\"v\":1,\"exchange\":{\"conn\":1,\"path\":\"/<x>\"}}\n");
    } else {
      ck_assert_ptr_null(o);
    }
  }
  ck_assert_int_eq(report_close(w), 0);
  char *page = slurp(path, NULL);
  char *d = data_block(page);
  ck_assert_uint_eq(count_lines(d, "X {\"v\":1,\"exchange\":{\"conn\":1,\"path\":\"/\\u003cx>\"}}"),
                    REPORT_MAX_EXCHANGES);
  ck_assert_ptr_nonnull(strstr(d, "\"exchanges\":20005,\"exchanges_listed\":20000}"));
  free(d);
  free(page);
}
END_TEST

START_TEST(redacted_details) {
  char path[512];
  pw_temp_path("redact.html", path, sizeof path);
  report_options ro = {.max_details = 10, .redact = true};
  char err[256];
  report_writer *w = report_open(path, &ro, err, sizeof err);
  ck_assert_ptr_nonnull(w);
  report_start(w, 100.0);
  h2_header h[] = {{":method", 7, "GET", 3, 0}, {"authorization", 13, "Basic c2VjcmV0", 14, 0}};
  decoded_frame d = headers_frame(1, h, 2, 60);
  frame_meta m = meta(1, 0, 100.0);
  report_frame(w, &m, 0, &d);
  ck_assert_int_eq(report_close(w), 0);
  char *page = slurp(path, NULL);
  ck_assert_ptr_null(strstr(page, "c2VjcmV0"));
  ck_assert_ptr_nonnull(strstr(page, "[\"authorization\",\"[redacted]\"]"));
  free(page);
}
END_TEST

START_TEST(open_error) {
  report_options ro = {0};
  char err[256] = "";
  ck_assert_ptr_null(report_open("/nonexistent-dir/r.html", &ro, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "cannot create /nonexistent-dir/r.html"));
}
END_TEST

int main(void) {
  Suite *s = suite_create("report_write");
  TCase *tc = tcase_create("report");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, page_around_one_data_block);
  tcase_add_test(tc, hostile_values_stay_in_the_block);
  tcase_add_test(tc, frames_past_the_limit_are_binned);
  tcase_add_test(tc, table_size_only_where_it_changes);
  tcase_add_test(tc, more_connections_than_slots);
  tcase_add_test(tc, exchanges_listed_then_counted);
  tcase_add_test(tc, redacted_details);
  tcase_add_test(tc, open_error);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
