/* fuzz_frame.c — lines of the check language taken apart and put back
 * together (fuzz_frame.h). */
#include "fuzz_frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/cursor.h"
#include "h2/frame.h"

bool fuzz_line_split(const char *line, fuzz_line *l) {
  memset(l, 0, sizeof *l);
  if (!strncmp(line, "LOOP ", 5)) {
    char *end = NULL;
    l->loops = strtoul(line + 5, &end, 10);
    l->step = strtoul(end, &end, 10);
    if (!end || *end != ':' || l->loops < 1) return false;
    line = end + 1;
  }
  for (;;) {
    while (*line == ' ')
      line++;
    const char *amp = strchr(line, '&');
    size_t n = amp ? (size_t)(amp - line) : strlen(line);
    while (n && line[n - 1] == ' ')
      n--;
    if (l->n == FUZZ_PARTS_MAX || n > FUZZ_LINE_MAX || n == 0) return false;
    memcpy(l->parts[l->n], line, n);
    l->parts[l->n][n] = 0;
    l->n++;
    if (!amp) return true;
    line = amp + 1;
  }
}

bool fuzz_line_join(const fuzz_line *l, char *out, size_t cap) {
  size_t off = 0;
  int k = 0;
  if (l->loops) k = snprintf(out, cap, "LOOP %lu %lu: ", l->loops, l->step);
  if (k < 0 || (size_t)k >= cap) return false;
  off = (size_t)k;
  for (size_t i = 0; i < l->n; i++) {
    k = snprintf(out + off, cap - off, "%s%s", i ? " & " : "", l->parts[i]);
    if (k < 0 || (size_t)k >= cap - off) return false;
    off += (size_t)k;
  }
  return off > 0 && off <= FUZZ_LINE_MAX;
}

/* Removes "name:N" tokens from text (in place) and returns the last N; dflt
 * when there is none. */
static long take_token(char *text, const char *name, long dflt) {
  size_t nl = strlen(name);
  long v = dflt;
  char *p = text;
  while ((p = strstr(p, name)) != NULL) {
    if (p != text && p[-1] != ' ') {
      p += nl;
      continue;
    }
    char *end = NULL;
    v = strtol(p + nl, &end, 10);
    memmove(p, end, strlen(end) + 1);
  }
  return v;
}

bool fuzz_frame_parse(const check_build_ctx *ctx, const char *part, fuzz_frame *f) {
  char text[FUZZ_LINE_MAX + 1];
  if (strlen(part) > FUZZ_LINE_MAX) return false;
  snprintf(text, sizeof text, "%s", part);
  memset(f, 0, sizeof *f);
  f->forced_len = take_token(text, "len:", -1);
  f->repeat = (unsigned)take_token(text, "repeat:", 1);
  f->split = (unsigned)take_token(text, "split:", 0);
  f->raw = !strncmp(text, "RAW", 3) && (text[3] == ' ' || text[3] == 0);
  h2_buf b;
  h2_buf_init(&b, H2_FRAME_HEADER_LEN + FUZZ_PAYLOAD_MAX);
  char err[160];
  bool ok = check_build_line(ctx, text, &b, err, sizeof err) && !b.failed;
  if (ok && f->raw) {
    f->len = b.len;
    memcpy(f->payload, b.p, b.len);
  } else if (ok) {
    h2_frame_header hd;
    ok = b.len >= H2_FRAME_HEADER_LEN && h2_frame_header_decode(b.p, b.len, &hd, NULL) == H2_OK;
    if (ok) {
      f->type = hd.type;
      f->flags = hd.flags;
      /* the R bit is kept: check_build writes the 32 bits given */
      h2_cursor sc = h2_cursor_make(b.p + 5, 4);
      h2_cursor_get_u32(&sc, &f->stream);
      f->len = b.len - H2_FRAME_HEADER_LEN;
      memcpy(f->payload, b.p + H2_FRAME_HEADER_LEN, f->len);
    }
  }
  h2_buf_free(&b);
  if (f->repeat < 1) f->repeat = 1;
  return ok;
}

static const char *flag_text(uint8_t type, uint8_t flags, char *buf, size_t cap) {
  if (flags == 0) return "-";
  if (flags & ~(H2_FLAG_END_STREAM | H2_FLAG_END_HEADERS | H2_FLAG_PADDED | H2_FLAG_PRIORITY)) {
    snprintf(buf, cap, "0x%02x", flags);
    return buf;
  }
  bool ack = type == H2_SETTINGS || type == H2_PING;
  snprintf(buf, cap, "%s%s%s%s", flags & H2_FLAG_END_STREAM ? (ack ? "|ACK" : "|END_STREAM") : "",
           flags & H2_FLAG_END_HEADERS ? "|END_HEADERS" : "",
           flags & H2_FLAG_PADDED ? "|PADDED" : "", flags & H2_FLAG_PRIORITY ? "|PRIORITY" : "");
  return buf + 1;
}

bool fuzz_frame_print(const fuzz_frame *f, char *out, size_t cap) {
  int k;
  if (f->raw) {
    k = snprintf(out, cap, "RAW");
  } else {
    char fl[64];
    const char *name = h2_frame_type_name(f->type);
    char num[8];
    if (!name || f->type > H2_CONTINUATION) {
      snprintf(num, sizeof num, "0x%02x", f->type);
      name = num;
    }
    k = snprintf(out, cap, "%s %s %u", name, flag_text(f->type, f->flags, fl, sizeof fl),
                 f->stream);
  }
  if (k < 0 || (size_t)k >= cap) return false;
  size_t off = (size_t)k;
  if (f->len) {
    if (off + 5 + 2 * f->len >= cap) return false;
    memcpy(out + off, " hex:", 5);
    off += 5;
    static const char digits[] = "0123456789abcdef";
    h2_cursor pc = h2_cursor_make(f->payload, f->len);
    char *w = out + off;
    for (uint8_t v; h2_cursor_get_u8(&pc, &v); w += 2) {
      w[0] = digits[v >> 4];
      w[1] = digits[v & 15];
    }
    *w = 0;
    off = (size_t)(w - out);
  } else if (f->raw) {
    return false; /* a RAW line needs bytes */
  }
  k = 0;
  if (f->forced_len >= 0) k = snprintf(out + off, cap - off, " len:%ld", f->forced_len);
  if (k < 0 || (size_t)k >= cap - off) return false;
  off += (size_t)k;
  k = 0;
  if (f->repeat > 1) k = snprintf(out + off, cap - off, " repeat:%u", f->repeat);
  if (k < 0 || (size_t)k >= cap - off) return false;
  off += (size_t)k;
  k = 0;
  if (f->split) k = snprintf(out + off, cap - off, " split:%u", f->split);
  if (k < 0 || (size_t)k >= cap - off) return false;
  return true;
}
