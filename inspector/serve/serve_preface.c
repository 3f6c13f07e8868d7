/* serve_preface.c — sniffing an h2c client's first bytes (preface, HTTP/1.1
 * request or garbage) and parsing an HTTP/1.1 Upgrade: h2c request. */
#include "serve_preface.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "h2/cursor.h"
#include "h2/frame.h"
#include "h2_detect.h"

/* RFC 9110 §5.6.2: tchar. */
static bool is_tchar(uint8_t ch) {
  if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) return true;
  return ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* RFC 9112 §3: request-line = method SP request-target SP HTTP-version CRLF.
 * Checks the bytes seen so far: false as soon as they cannot begin an
 * HTTP/1.0 or HTTP/1.1 request line (a prefix is fine); *line_end is set
 * past the CRLF once the whole line is there. */
static bool request_line_ok(const uint8_t *p, size_t n, size_t *line_end) {
  static const char *const versions[] = {"HTTP/1.1\r\n", "HTTP/1.0\r\n"};
  h2_cursor c = h2_cursor_make(p, n);
  uint8_t ch = 0;
  size_t method = 0, target = 0;
  *line_end = 0;
  while (h2_cursor_peek_u8(&c, &ch) && is_tchar(ch) && h2_cursor_skip(&c, 1))
    method++;
  if (!h2_cursor_get_u8(&c, &ch)) return method <= 15;
  if (method == 0 || method > 15 || ch != ' ') return false;
  while (h2_cursor_peek_u8(&c, &ch) && ch > 0x20 && ch < 0x7f && h2_cursor_skip(&c, 1))
    target++;
  if (!h2_cursor_get_u8(&c, &ch)) return true;
  if (target == 0 || ch != ' ') return false;
  size_t rest = c.left < 10 ? c.left : 10;
  const uint8_t *v = NULL;
  if (!h2_cursor_get_bytes(&c, rest, &v)) return false;
  bool ok = false;
  for (size_t i = 0; i < 2; i++)
    ok = ok || memcmp(v, versions[i], rest) == 0;
  if (ok && rest == 10) *line_end = n - c.left;
  return ok;
}

int serve_sniff(const uint8_t *p, size_t n, size_t *head_len) {
  *head_len = 0;
  size_t cmp = n < H2_PREFACE_LEN ? n : H2_PREFACE_LEN;
  if (memcmp(p, H2_PREFACE, cmp) == 0)
    return n < H2_PREFACE_LEN ? SERVE_SNIFF_MORE : SERVE_SNIFF_PREFACE;
  /* §3.4: anything else that is not HTTP/1.x (e.g. "PRI * HTTP/2.0" with a
   * wrong tail, or an HTTP/2.0 request line) is an invalid preface. */
  size_t line_end;
  if (!request_line_ok(p, n, &line_end)) return SERVE_SNIFF_INVALID;
  for (size_t i = line_end >= 2 ? line_end - 2 : 0; line_end && i + 4 <= n; i++)
    if (!memcmp(p + i, "\r\n\r\n", 4)) {
      *head_len = i + 4;
      return SERVE_SNIFF_HTTP1;
    }
  return n >= SERVE_HEAD_MAX ? SERVE_SNIFF_TOO_LONG : SERVE_SNIFF_MORE;
}

/* One field's value in the head (names case-insensitive), trimmed. */
static const char *field_value(const char *head, size_t len, const char *name, size_t *vlen) {
  size_t nl = strlen(name);
  const char *end = head + len;
  const char *line = memchr(head, '\n', len);
  while (line && ++line < end) {
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    if (!eol) break;
    if ((size_t)(eol - line) > nl && !strncasecmp(line, name, nl) && line[nl] == ':') {
      const char *v = line + nl + 1, *ve = eol;
      while (v < ve && (*v == ' ' || *v == '\t'))
        v++;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
        ve--;
      *vlen = (size_t)(ve - v);
      return v;
    }
    line = eol;
  }
  return NULL;
}

int serve_upgrade_parse(const char *head, size_t len, serve_upgrade *u) {
  memset(u, 0, sizeof *u);
  const char *sp = memchr(head, ' ', len);
  if (!sp || (size_t)(sp - head) >= sizeof u->method) return 400;
  memcpy(u->method, head, (size_t)(sp - head));
  u->target = sp + 1;
  const char *sp2 = memchr(u->target, ' ', len - (size_t)(u->target - head));
  if (!sp2) return 400;
  u->target_len = (size_t)(sp2 - u->target);
  size_t ul = 0, sl = 0;
  const char *up = field_value(head, len, "upgrade", &ul);
  const char *set = field_value(head, len, "http2-settings", &sl);
  if (!up || ul != 3 || strncasecmp(up, "h2c", 3) || !set) return 505;
  long sn = base64url_decode(set, sl, u->settings, sizeof u->settings);
  if (sn < 0 || sn % 6) return 400;
  u->settings_len = (size_t)sn;
  return 0;
}
