/* test_cli_output.c — the inspector's output pieces: JSON string escaping
 * (every byte class, invalid UTF-8 → \u00XX), hex reading, number
 * formatting, and the stream decoder's independence from chunking (every
 * sample decoded whole and one byte at a time prints the same JSON). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame_print.h"
#include "hex_read.h"
#include "json_write.h"
#include "out_buf.h"
#include "stream_decoder.h"
#include "vectors.h"

/* Renders into a temporary file and returns its text (caller frees). */
static out_buf out;
static FILE *sink;
static void begin(void) {
  sink = tmpfile();
  ck_assert_ptr_nonnull(sink);
  out_init(&out, fileno(sink));
}
static char *end(void) {
  out_flush(&out);
  off_t n = lseek(fileno(sink), 0, SEEK_END);
  char *s = malloc((size_t)n + 1);
  ck_assert_int_eq(pread(fileno(sink), s, (size_t)n, 0), n);
  s[n] = '\0';
  fclose(sink);
  return s;
}

static void expect_json(const char *in, size_t n, const char *want) {
  begin();
  json_str(&out, in, n);
  char *got = end();
  ck_assert_str_eq(got, want);
  free(got);
}

START_TEST(json_escaping) {
  expect_json("plain", 5, "\"plain\"");
  expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
  expect_json("\n\r\t\x01\x1f\x7f", 6, "\"\\n\\r\\t\\u0001\\u001f\\u007f\"");
  expect_json("\0x", 2, "\"\\u0000x\"");
  expect_json("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");             /* valid 2-byte */
  expect_json("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");           /* valid 3-byte (euro) */
  expect_json("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");   /* valid 4-byte */
  expect_json("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");             /* overlong '/' */
  expect_json("\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"");  /* overlong 3-byte */
  expect_json("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");  /* surrogate D800 */
  expect_json("\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\""); /* > U+10FFFF */
  expect_json("\xc3", 1, "\"\\u00c3\"");                        /* truncated */
  expect_json("\x80x", 2, "\"\\u0080x\"");                      /* stray continuation */
  expect_json("\xff\xfe", 2, "\"\\u00ff\\u00fe\"");
}
END_TEST

START_TEST(numbers_and_hex) {
  begin();
  out_u64(&out, 0);
  out_putc(&out, ' ');
  out_u64(&out, UINT64_MAX);
  out_putc(&out, ' ');
  out_i64(&out, -42);
  out_putc(&out, ' ');
  out_fixed(&out, 1.5, 6);
  out_putc(&out, ' ');
  out_fixed(&out, 1732521600.25, 6);
  out_putc(&out, ' ');
  out_hex_u32(&out, 0x2d);
  out_putc(&out, ' ');
  out_u64_pad(&out, 7, 4);
  char *got = end();
  ck_assert_str_eq(got, "0 18446744073709551615 -42 1.500000 1732521600.250000 0x2d    7");
  free(got);
  uint8_t bin[8];
  size_t bad = 0;
  ck_assert_int_eq(hex_decode("0a 1B\n ff", 9, bin, sizeof bin, &bad), 3);
  ck_assert_mem_eq(bin, "\x0a\x1b\xff", 3);
  ck_assert_int_eq(hex_decode("0a1", 3, bin, sizeof bin, &bad), -1);
  ck_assert_uint_eq(bad, 3);
  ck_assert_int_eq(hex_decode("0g", 2, bin, sizeof bin, &bad), -1);
  ck_assert_uint_eq(bad, 1);
  ck_assert_int_eq(hex_decode("000000", 6, bin, 2, &bad), -2);
}
END_TEST

static print_options json_opts = {.json = true};
static void on_frame(void *user, const decoded_frame *d) {
  frame_print(user, &json_opts, NULL, d);
}
static void on_event(void *user, const char *ev, uint64_t off, const char *msg) {
  event_print(user, &json_opts, NULL, ev, off, msg, NULL);
}

static char *decode_chunked(const uint8_t *data, size_t len, size_t chunk) {
  begin();
  stream_decoder_config cfg = {0};
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = &out};
  stream_decoder *sd = stream_decoder_new(&cfg, &cb);
  ck_assert_ptr_nonnull(sd);
  for (size_t i = 0; i < len; i += chunk)
    stream_decoder_feed(sd, data + i, len - i < chunk ? len - i : chunk);
  stream_decoder_finish(sd);
  stream_decoder_free(sd);
  return end();
}

START_TEST(chunking_does_not_matter) {
  const char *dir = H2_SOURCE_DIR "/corpus/samples";
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  struct dirent *e;
  int files = 0;
  while ((e = readdir(d)) != NULL) {
    if (!strstr(e->d_name, ".bin"))
      continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len;
    uint8_t *data = (uint8_t *)vectors_read_file(path, &len);
    ck_assert_ptr_nonnull(data);
    char *whole = decode_chunked(data, len, len ? len : 1);
    static const size_t chunks[] = {1, 2, 7, 9, 100};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
      char *part = decode_chunked(data, len, chunks[c]);
      ck_assert_msg(strcmp(whole, part) == 0, "%s differs with %zu-byte chunks", e->d_name,
                    chunks[c]);
      free(part);
    }
    /* Every prefix decodes without crashing and reports truncation. */
    for (size_t cut = 0; cut < len && cut < 400; cut += 3)
      free(decode_chunked(data, cut, 5));
    free(whole);
    free(data);
    files++;
  }
  closedir(d);
  ck_assert_int_ge(files, 10);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cli_output");
  TCase *t = tcase_create("output");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, json_escaping);
  tcase_add_test(t, numbers_and_hex);
  tcase_add_test(t, chunking_does_not_matter);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
