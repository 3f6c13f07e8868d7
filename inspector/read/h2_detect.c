/* h2_detect.c — preface, HTTP/1.x head and frame-chain recognition
 * (h2_detect.h). */
#include "h2_detect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "h2/frame.h"

/* Flags RFC 9113 §6 defines per type. */
static uint8_t defined_flags(uint8_t type) {
  switch (type) {
  case H2_DATA:
    return H2_FLAG_END_STREAM | H2_FLAG_PADDED;
  case H2_HEADERS:
    return H2_FLAG_END_STREAM | H2_FLAG_END_HEADERS | H2_FLAG_PADDED | H2_FLAG_PRIORITY;
  case H2_SETTINGS:
  case H2_PING:
    return H2_FLAG_ACK;
  case H2_PUSH_PROMISE:
    return H2_FLAG_END_HEADERS | H2_FLAG_PADDED;
  case H2_CONTINUATION:
    return H2_FLAG_END_HEADERS;
  default:
    return 0;
  }
}

bool h2_detect_plausible_header(const uint8_t *p, uint32_t max_frame) {
  h2_frame_header hd;
  if (h2_frame_header_decode(p, H2_FRAME_HEADER_LEN, &hd, NULL) != H2_OK) return false;
  uint32_t len = hd.length, sid = hd.stream_id;
  uint8_t type = hd.type, flags = hd.flags;
  if (type > H2_CONTINUATION || (flags & ~defined_flags(type)) || hd.reserved || len > max_frame)
    return false;
  switch (type) {
  case H2_SETTINGS:
    return sid == 0 && len % 6 == 0 && (!(flags & H2_FLAG_ACK) || len == 0);
  case H2_PING:
    return sid == 0 && len == 8;
  case H2_GOAWAY:
    return sid == 0 && len >= 8;
  case H2_WINDOW_UPDATE:
    return len == 4;
  case H2_PRIORITY:
    return sid != 0 && len == 5;
  case H2_RST_STREAM:
    return sid != 0 && len == 4;
  case H2_HEADERS:
  case H2_CONTINUATION:
  case H2_PUSH_PROMISE:
    return sid != 0 && len > 0;
  default:
    return sid != 0; /* DATA */
  }
}

unsigned h2_detect_chain(const uint8_t *buf, size_t len, uint32_t max_frame, size_t *complete_end) {
  unsigned n = 0;
  size_t off = 0;
  *complete_end = 0;
  h2_frame_header hd;
  while (len - off >= H2_FRAME_HEADER_LEN &&
         h2_frame_header_decode(buf + off, len - off, &hd, NULL) == H2_OK &&
         h2_detect_plausible_header(buf + off, max_frame)) {
    size_t flen = H2_FRAME_HEADER_LEN + (size_t)hd.length;
    n++;
    if (len - off < flen) break; /* plausible but not whole yet */
    off += flen;
    *complete_end = off;
  }
  return n;
}

static bool is_token_char(uint8_t c) {
  return isalnum(c) || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* "GET /x HTTP/1.1" or "HTTP/1.1 200 OK": does the start look like HTTP/1.x? */
static int looks_http1(const uint8_t *buf, size_t len) {
  static const char resp[] = "HTTP/1.";
  size_t n = len < 7 ? len : 7;
  if (memcmp(buf, resp, n) == 0) return len < 7 ? 0 : 1;
  size_t i = 0;
  while (i < len && i < 16 && is_token_char(buf[i]) && isupper(buf[i]))
    i++;
  if (i == len && i < 16) return 0;
  return i > 0 && i < len && buf[i] == ' ' ? 1 : -1;
}

detect_result h2_detect(const uint8_t *buf, size_t len, bool final, unsigned min_chain,
                        size_t *offset) {
  *offset = 0;
  if (len == 0) return final ? DETECT_NO : DETECT_NEED_MORE;
  size_t n = len < H2_PREFACE_LEN ? len : H2_PREFACE_LEN;
  if (memcmp(buf, H2_PREFACE, n) == 0)
    return n == H2_PREFACE_LEN ? DETECT_PREFACE : (final ? DETECT_NO : DETECT_NEED_MORE);
  int h1 = looks_http1(buf, len);
  if (h1 > 0) return DETECT_HTTP1;
  if (h1 == 0 && !final) return DETECT_NEED_MORE;
  /* Mid-stream: the first offset where min_chain plausible frames follow
   * each other (or the data ends inside the last of a shorter chain). */
  for (size_t off = 0; off + H2_FRAME_HEADER_LEN <= len; off++) {
    size_t end;
    unsigned chain = h2_detect_chain(buf + off, len - off, H2_DEFAULT_MAX_FRAME_SIZE, &end);
    if (chain >= min_chain) {
      *offset = off;
      return DETECT_FRAMES;
    }
    if (chain > 0 && off + end == len && !final)
      return DETECT_NEED_MORE; /* a chain that may still grow */
    if (chain > 0 && chain + 1 >= min_chain && off + end < len && len - (off + end) < 9 && !final)
      return DETECT_NEED_MORE;
  }
  return final ? DETECT_NO : (len < 4096 ? DETECT_NEED_MORE : DETECT_NO);
}

/* ---- HTTP/1.x ---- */

static bool ieq(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  if (alen != blen) return false;
  for (size_t i = 0; i < alen; i++)
    if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return false;
  return true;
}

/* Does the comma-separated token list contain `token`? */
static bool list_has(const char *v, size_t len, const char *token) {
  size_t i = 0;
  while (i < len) {
    while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
      i++;
    size_t start = i;
    while (i < len && v[i] != ',')
      i++;
    size_t end = i;
    while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
      end--;
    if (ieq(v + start, end - start, token)) return true;
  }
  return false;
}

int http1_parse_head(const uint8_t *buf, size_t len, http1_head *h) {
  memset(h, 0, sizeof *h);
  int h1 = looks_http1(buf, len);
  if (h1 < 0) return -1;
  const char *s = (const char *)buf;
  const char *end = NULL;
  for (size_t i = 0; i + 3 < len; i++)
    if (s[i] == '\r' && s[i + 1] == '\n' && s[i + 2] == '\r' && s[i + 3] == '\n') {
      end = s + i + 4;
      break;
    }
  if (!end) return len > 65536 ? -1 : 0;
  h->head_len = (size_t)(end - s);
  const char *line_end = memchr(s, '\r', h->head_len);
  if (!line_end) return -1;
  if (h1 > 0 && memcmp(s, "HTTP/1.", 7) == 0) {
    if (line_end - s < 12) return -1;
    h->status = atoi(s + 9);
  } else {
    h->is_request = true;
    const char *sp = memchr(s, ' ', (size_t)(line_end - s));
    if (!sp || (size_t)(sp - s) >= sizeof h->method) return -1;
    memcpy(h->method, s, (size_t)(sp - s));
    const char *sp2 = memchr(sp + 1, ' ', (size_t)(line_end - sp - 1));
    if (!sp2) return -1;
    size_t tlen = (size_t)(sp2 - sp - 1);
    if (tlen >= sizeof h->target) tlen = sizeof h->target - 1;
    memcpy(h->target, sp + 1, tlen);
  }
  const char *p = line_end + 2;
  while (p < end - 2) {
    const char *eol = memchr(p, '\r', (size_t)(end - p));
    if (!eol) break;
    const char *colon = memchr(p, ':', (size_t)(eol - p));
    if (colon) {
      const char *v = colon + 1;
      while (v < eol && (*v == ' ' || *v == '\t'))
        v++;
      const char *ve = eol;
      while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
        ve--;
      size_t nlen = (size_t)(colon - p), vlen = (size_t)(ve - v);
      if (ieq(p, nlen, "upgrade") && list_has(v, vlen, "h2c")) h->upgrade_h2c = true;
      if (ieq(p, nlen, "http2-settings")) {
        h->has_http2_settings = true;
        size_t k = vlen < sizeof h->http2_settings - 1 ? vlen : sizeof h->http2_settings - 1;
        memcpy(h->http2_settings, v, k);
      }
      if (ieq(p, nlen, "content-length")) h->content_length = strtoull(v, NULL, 10);
      if (h->field_count < 64) {
        h->fields[h->field_count].name = p;
        h->fields[h->field_count].name_len = nlen;
        h->fields[h->field_count].value = v;
        h->fields[h->field_count].value_len = vlen;
        h->field_count++;
      }
    }
    p = eol + 2;
  }
  return 1;
}

long base64url_decode(const char *in, size_t len, uint8_t *out, size_t cap) {
  const char *eq = memchr(in, '=', len); /* padding is optional; it ends the data */
  if (eq) len = (size_t)(eq - in);
  size_t n = 0;
  /* OpenSSL decodes standard base64 four characters at a time; the
   * URL-safe alphabet maps onto it ('-' for '+', '_' for '/'), and a short
   * last group is padded. A lone last character carries no whole byte. */
  for (size_t i = 0; i + 1 < len; i += 4) {
    size_t k = len - i < 4 ? len - i : 4;
    unsigned char quad[4] = {'=', '=', '=', '='};
    for (size_t j = 0; j < sizeof quad && j < k; j++)
      quad[j] = in[i + j] == '-' ? '+' : in[i + j] == '_' ? '/' : (unsigned char)in[i + j];
    unsigned char bytes[3];
    if (EVP_DecodeBlock(bytes, quad, 4) != 3) return -1;
    size_t got = k - 1; /* 4 characters: 3 bytes, 3: 2, 2: 1 */
    if (got > cap - n) return -1;
    memcpy(out + n, bytes, got);
    n += got;
  }
  return (long)n;
}
