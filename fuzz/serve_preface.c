/* serve_preface.c — fuzz target for what `serve` makes of an h2c client's
 * first bytes (inspector/serve/serve_preface.h): the input is those bytes.
 * Oracles: the verdict on a prefix never contradicts the verdict on the
 * whole (an invalid prefix stays invalid; a preface or a complete HTTP/1.x
 * head found in a prefix is found, with the same length, in the whole); a
 * preface verdict means the 24 magic bytes; an HTTP/1.x head ends with an
 * empty line and its request line with an HTTP/1.0 or 1.1 version; parsing
 * that head as an Upgrade request answers 0, 400 or 505 with a target inside
 * the head and a whole number of 6-byte settings. */
#include <string.h>

#include "fuzz_support.h"
#include "h2/frame.h"
#include "serve_preface.h"

static void check_head(const uint8_t *data, size_t head_len) {
  FUZZ_CHECK(head_len >= 4 && !memcmp(data + head_len - 4, "\r\n\r\n", 4), "head end");
  const uint8_t *eol = memchr(data, '\n', head_len);
  FUZZ_CHECK(eol && eol - data >= 10, "request line");
  FUZZ_CHECK(!memcmp(eol - 9, "HTTP/1.1\r", 9) || !memcmp(eol - 9, "HTTP/1.0\r", 9), "version");
  serve_upgrade u;
  int st = serve_upgrade_parse((const char *)data, head_len, &u);
  FUZZ_CHECK(st == 0 || st == 400 || st == 505, "upgrade status %d", st);
  if (st) return;
  FUZZ_CHECK(u.method[0] && strlen(u.method) < sizeof u.method, "method");
  FUZZ_CHECK(u.target >= (const char *)data &&
                 u.target + u.target_len <= (const char *)data + head_len,
             "target outside the head");
  FUZZ_CHECK(u.settings_len % 6 == 0 && u.settings_len <= sizeof u.settings, "settings length");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 2 * SERVE_HEAD_MAX) return 0;
  size_t whole_len;
  int whole = serve_sniff(data, size, &whole_len);
  if (whole == SERVE_SNIFF_PREFACE)
    FUZZ_CHECK(size >= H2_PREFACE_LEN && !memcmp(data, H2_PREFACE, H2_PREFACE_LEN), "preface");
  if (whole == SERVE_SNIFF_HTTP1) check_head(data, whole_len);
  /* every prefix up to 512 bytes, then every 61st */
  for (size_t k = 0; k < size; k += k < 512 ? 1 : 61) {
    size_t len;
    int part = serve_sniff(data, k, &len);
    if (part == SERVE_SNIFF_INVALID || part == SERVE_SNIFF_PREFACE)
      FUZZ_CHECK(whole == part, "prefix %zu: %d, whole: %d", k, part, whole);
    if (part == SERVE_SNIFF_HTTP1)
      FUZZ_CHECK(whole == part && whole_len == len, "prefix %zu: head %zu, whole %d/%zu", k, len,
                 whole, whole_len);
  }
  return 0;
}
