/* follow_print.c — one stream's request and response as text or hex
 * (follow_print.h). */
#include "follow_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/error.h"

struct follow_view {
  uint32_t conn, stream, max;
  uint8_t *buf[2]; /* the first max bytes of each body (a fixed preview) */
  size_t len[2];
  bool no_memory[2]; /* the preview could not be kept: said where it would be */
};

follow_view *follow_new(uint32_t conn, uint32_t stream, uint32_t max) {
  follow_view *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->conn = conn;
  f->stream = stream;
  f->max = max;
  return f;
}

void follow_free(follow_view *f) {
  if (!f) return;
  free(f->buf[0]);
  free(f->buf[1]);
  free(f);
}

bool follow_parse(const char *s, uint32_t *conn, uint32_t *stream) {
  char *end;
  unsigned long c = strtoul(s, &end, 10);
  if (end == s || *end != ':' || c == 0 || c > UINT32_MAX) return false;
  const char *t = end + 1;
  unsigned long st = strtoul(t, &end, 10);
  if (end == t || *end || st > 0x7fffffff) return false;
  *conn = (uint32_t)c;
  *stream = (uint32_t)st;
  return true;
}

static unsigned fo_open(void *user, const exchange *x, int side, void **state) {
  follow_view *f = user;
  *state = NULL;
  if (x->conn != f->conn || x->stream != f->stream) return 0;
  f->len[side] = 0;
  return BODY_WANT_DECODED;
}

static void fo_chunk(void *user, void *state, const exchange *x, int side, bool decoded,
                     const uint8_t *p, size_t n, uint64_t offset) {
  follow_view *f = user;
  (void)state, (void)x, (void)decoded, (void)offset;
  if (f->len[side] >= f->max) return;
  if (!f->buf[side]) {
    f->buf[side] = malloc(f->max);
    if (!f->buf[side]) {
      f->no_memory[side] = true;
      return;
    }
  }
  size_t k = n < f->max - f->len[side] ? n : f->max - f->len[side];
  memcpy(f->buf[side] + f->len[side], p, k);
  f->len[side] += k;
}

static void fo_end(void *user, void *state, const exchange *x, int side) {
  (void)user, (void)state, (void)x, (void)side;
}

body_consumer follow_consumer(follow_view *f) {
  return (body_consumer){.open = fo_open, .chunk = fo_chunk, .end = fo_end, .user = f};
}

/* Text: valid UTF-8 (RFC 3629 §4) with no control bytes but HT, LF, FF,
 * CR; a sequence cut off by the preview's end is allowed. */
static bool is_text(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = p[i];
    if (b < 0x80) {
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f) return false;
      i++;
      continue;
    }
    size_t len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (!len || (b >= 0xf5)) return false;
    for (size_t k = 1; k < len; k++) {
      if (i + k >= n) return true; /* cut off by the preview */
      if ((p[i + k] & 0xc0) != 0x80) return false;
    }
    uint32_t cp = len == 2   ? (uint32_t)(b & 0x1f) << 6 | (p[i + 1] & 0x3f)
                  : len == 3 ? (uint32_t)(b & 0x0f) << 12 | (uint32_t)(p[i + 1] & 0x3f) << 6 |
                                   (p[i + 2] & 0x3f)
                             : (uint32_t)(b & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3f) << 12 |
                                   (uint32_t)(p[i + 2] & 0x3f) << 6 | (p[i + 3] & 0x3f);
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
      return false;
    i += len;
  }
  return true;
}

static void hex_dump(out_buf *o, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t off = 0; off < n; off += 16) {
    const uint8_t *row = p + off; /* 16 bytes a line, the last one shorter */
    size_t len = n - off < 16 ? n - off : 16;
    char line[96];
    int k = snprintf(line, sizeof line, "%08zx  ", off);
    for (size_t i = 0; i < 16; i++) {
      if (i < len) {
        line[k++] = digits[row[i] >> 4];
        line[k++] = digits[row[i] & 15];
      } else {
        line[k++] = ' ';
        line[k++] = ' ';
      }
      line[k++] = ' ';
      if (i == 7) line[k++] = ' ';
    }
    line[k++] = ' ';
    line[k++] = '|';
    for (size_t i = 0; i < len; i++)
      line[k++] = row[i] >= 0x20 && row[i] < 0x7f ? (char)row[i] : '.';
    line[k++] = '|';
    line[k++] = '\n';
    out_write(o, line, (size_t)k);
  }
}

static void print_fields(out_buf *o, const packed_fields *pf, char mark) {
  size_t pos = 0, nl, vl;
  const char *n, *v;
  while (packed_next(pf, &pos, &n, &nl, &v, &vl)) {
    out_putc(o, mark);
    out_putc(o, ' ');
    for (size_t i = 0; i < nl; i++)
      out_putc(o, (unsigned char)n[i] >= 0x20 && (unsigned char)n[i] < 0x7f ? n[i] : '?');
    out_puts(o, ": ");
    for (size_t i = 0; i < vl; i++)
      out_putc(o, (unsigned char)v[i] >= 0x20 && (unsigned char)v[i] < 0x7f ? v[i] : '?');
    out_putc(o, '\n');
  }
}

static void print_body(follow_view *f, out_buf *o, const exchange *x, int side) {
  const exchange_body *b = &x->body[side];
  char line[200];
  snprintf(line, sizeof line, "-- %s body: %llu bytes on the wire, %llu decoded%s%s%s\n",
           side == EXCHANGE_REQUEST ? "request" : "response", (unsigned long long)b->wire,
           (unsigned long long)b->decoded, b->state != BODY_OK ? " (" : "",
           b->state != BODY_OK ? body_state_name((enum body_state)b->state) : "",
           b->state != BODY_OK ? ")" : "");
  out_puts(o, line);
  size_t n = f->len[side];
  if (f->no_memory[side]) out_puts(o, "-- (the body could not be kept: out of memory)\n");
  if (!n) return;
  if (is_text(f->buf[side], n)) {
    out_write(o, f->buf[side], n);
    if (f->buf[side][n - 1] != '\n') out_putc(o, '\n');
  } else {
    hex_dump(o, f->buf[side], n);
  }
  if (b->decoded > n) {
    snprintf(line, sizeof line, "-- (%llu more bytes; --data-max shows more)\n",
             (unsigned long long)(b->decoded - n));
    out_puts(o, line);
  }
}

bool follow_print(follow_view *f, out_buf *o, const exchange *x) {
  if (x->conn != f->conn || x->stream != f->stream) return false;
  char line[160];
  snprintf(line, sizeof line, "== connection %u stream %u%s%s\n", x->conn, x->stream,
           x->pushed ? " (pushed)" : "", x->incomplete ? " (incomplete)" : "");
  out_puts(o, line);
  print_fields(o, &x->request, '>');
  print_body(f, o, x, EXCHANGE_REQUEST);
  print_fields(o, &x->response, '<');
  print_body(f, o, x, EXCHANGE_RESPONSE);
  if (x->trailers.count) {
    out_puts(o, "-- trailers\n");
    print_fields(o, &x->trailers, '<');
  }
  if (x->reset) {
    const char *en = h2_error_code_name(x->reset_code);
    snprintf(line, sizeof line, "-- reset by the %s: %s\n", x->reset_by == 0 ? "client" : "server",
             en ? en : "UNKNOWN");
    out_puts(o, line);
  }
  f->len[0] = f->len[1] = 0;
  f->no_memory[0] = f->no_memory[1] = false;
  return true;
}
