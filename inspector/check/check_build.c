/* check_build.c — builds the wire bytes of one line of a check case (the
 * frame language of check_build.h). */
#include "check_build.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"

/* The largest zeros:N / lit:*N (the send buffer's limit stops it earlier). */
#define FILL_MAX (16u << 20)

/* A whole token of decimal digits with a value up to max: "12x", "" and
 * "str:..." are mistakes in a case, not 0. */
static bool number(const char *s, unsigned long long max, unsigned long long *v) {
  size_t n = strlen(s);
  if (n == 0 || n > 19 || strspn(s, "0123456789") != n) return false;
  *v = strtoull(s, NULL, 10);
  return *v <= max;
}

/* An unsigned number token of `width` octets, big-endian; false when the
 * token is no such number (a buffer that is full is noted in b->failed). */
static bool put_number(h2_buf *b, const char *s, unsigned width) {
  unsigned long long v;
  if (!number(s, width == 4 ? 0xffffffffull : (1ull << (8 * width)) - 1, &v)) return false;
  h2_buf_put_be(b, v, width);
  return true;
}

static bool put_hex(h2_buf *b, const char *hex) {
  size_t n = strlen(hex);
  if (n % 2) return false;
  for (size_t i = 0; i < n; i += 2) {
    if (!isxdigit((unsigned char)hex[i]) || !isxdigit((unsigned char)hex[i + 1])) return false;
    char two[3] = {hex[i], hex[i + 1], 0};
    uint8_t c = (uint8_t)strtoul(two, NULL, 16);
    h2_buf_put(b, &c, 1);
  }
  return true;
}

/* RFC 7541 §5.1 integer with a 7-bit prefix (string lengths, H = 0). */
static void put_len7(h2_buf *b, size_t v) {
  if (v < 127) {
    h2_buf_put_be(b, v, 1);
    return;
  }
  h2_buf_put_be(b, 127, 1);
  v -= 127;
  while (v >= 128) {
    h2_buf_put_be(b, (v & 0x7f) | 0x80, 1);
    v >>= 7;
  }
  h2_buf_put_be(b, v, 1);
}

/* Literal field without indexing, new name (RFC 7541 §6.2.2). */
static void put_literal(h2_buf *b, const char *name, size_t nl, const char *value, size_t vl) {
  h2_buf_put_be(b, 0, 1);
  put_len7(b, nl);
  h2_buf_put(b, name, nl);
  put_len7(b, vl);
  h2_buf_put(b, value, vl);
}

static bool put_fields(h2_buf *b, const char *spec) {
  while (*spec) {
    const char *end = strchr(spec, ',');
    if (!end) end = spec + strlen(spec);
    if (end == spec) return false;
    const char *eq = memchr(spec + 1, '=', (size_t)(end - spec - 1));
    if (!eq) return false;
    /* "\n" in a value is written as the two characters \ n in the tables */
    char value[8192];
    size_t vl = 0;
    if (eq[1] == '*') { /* "*N": N octets 'a' */
      vl = strtoul(eq + 2, NULL, 10);
      if (vl > sizeof value) return false;
      memset(value, 'a', vl);
    }
    for (const char *p = eq + 1; p < end && vl < sizeof value && eq[1] != '*'; p++) {
      if (p[0] == '\\' && p + 1 < end && p[1] == 'n') {
        value[vl++] = '\n';
        p++;
      } else {
        value[vl++] = *p;
      }
    }
    put_literal(b, spec, (size_t)(eq - spec), value, vl);
    spec = *end ? end + 1 : end;
  }
  return true;
}

static void put_request(h2_buf *b, const check_build_ctx *ctx, const char *method,
                        const char *path) {
  const char *auth = ctx && ctx->authority ? ctx->authority : "localhost";
  put_literal(b, ":method", 7, method, strlen(method));
  put_literal(b, ":scheme", 7, "http", 4);
  put_literal(b, ":path", 5, path, strlen(path));
  put_literal(b, ":authority", 10, auth, strlen(auth));
}

static bool parse_flags(const char *s, uint8_t *out) {
  if (!strcmp(s, "-")) {
    *out = 0;
    return true;
  }
  if (isdigit((unsigned char)s[0])) {
    *out = (uint8_t)strtoul(s, NULL, 0);
    return true;
  }
  uint8_t f = 0;
  char tmp[128];
  snprintf(tmp, sizeof tmp, "%s", s);
  for (char *save = NULL, *t = strtok_r(tmp, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
    if (!strcmp(t, "END_STREAM") || !strcmp(t, "ACK"))
      f |= H2_FLAG_END_STREAM;
    else if (!strcmp(t, "END_HEADERS"))
      f |= H2_FLAG_END_HEADERS;
    else if (!strcmp(t, "PADDED"))
      f |= H2_FLAG_PADDED;
    else if (!strcmp(t, "PRIORITY"))
      f |= H2_FLAG_PRIORITY;
    else
      return false;
  }
  *out = f;
  return true;
}

enum { TOKEN_OK, TOKEN_BAD, TOKEN_OTHER };

/* A payload token of a line (check_build.h) into payload: TOKEN_OTHER when
 * it is none (len:, repeat: or unknown). */
static int put_payload_token(h2_buf *payload, const check_build_ctx *ctx, const char *path,
                             char *tok) {
  bool ok = true;
  unsigned long long num = 0;
  if (!strncmp(tok, "hex:", 4))
    ok = put_hex(payload, tok + 4);
  else if (!strncmp(tok, "u8:", 3))
    ok = put_number(payload, tok + 3, 1);
  else if (!strncmp(tok, "u16:", 4))
    ok = put_number(payload, tok + 4, 2);
  else if (!strncmp(tok, "u24:", 4))
    ok = put_number(payload, tok + 4, 3);
  else if (!strncmp(tok, "u32:", 4))
    ok = put_number(payload, tok + 4, 4);
  else if (!strncmp(tok, "zeros:", 6)) {
    ok = number(tok + 6, FILL_MAX, &num);
    if (ok && num) h2_buf_fill(payload, 0, (size_t)num);
  } else if (!strncmp(tok, "str:", 4))
    h2_buf_put(payload, tok + 4, strlen(tok + 4));
  else if (!strcmp(tok, "req"))
    put_request(payload, ctx, "GET", path);
  else if (!strcmp(tok, "post"))
    put_request(payload, ctx, "POST", path);
  else if (!strcmp(tok, "hold"))
    put_request(payload, ctx, "GET", "/hold");
  else if (!strncmp(tok, "lit:", 4)) { /* a string literal (§5.2), H = 0 */
    const char *v = tok + 4;
    size_t n = strlen(v);
    if (v[0] == '*') {
      ok = number(v + 1, FILL_MAX, &num);
      n = ok ? (size_t)num : 0;
    }
    put_len7(payload, n);
    if (v[0] == '*' && n)
      h2_buf_fill(payload, 'a', n);
    else
      h2_buf_put(payload, v, n);
  } else if (!strncmp(tok, "rep:", 4)) { /* rep:N:HEX */
    char *colon = strchr(tok + 4, ':');
    if (colon) *colon = 0;
    ok = colon && number(tok + 4, 100000, &num);
    if (colon) *colon = ':';
    unsigned long n = ok ? (unsigned long)num : 0;
    for (unsigned long i = 0; ok && i < n && !payload->failed; i++)
      ok = put_hex(payload, colon + 1);
  } else if (!strcmp(tok, "resp"))
    put_literal(payload, ":status", 7, "200", 3);
  else if (!strncmp(tok, "fields:", 7))
    ok = put_fields(payload, tok + 7);
  else
    return TOKEN_OTHER;
  return ok ? TOKEN_OK : TOKEN_BAD;
}

/* One frame (repeat:N times) into out; payload is the scratch for it. */
static bool build_frame(const check_build_ctx *ctx, const char *line_in, uint32_t sid_add,
                        h2_buf *out, h2_buf *payload, char *err, size_t errcap) {
  char line[4096];
  if (strlen(line_in) >= sizeof line) {
    snprintf(err, errcap, "line too long");
    return false;
  }
  snprintf(line, sizeof line, "%s", line_in);
  char *save = NULL;
  char *type_s = strtok_r(line, " ", &save);
  if (!type_s) {
    snprintf(err, errcap, "empty line");
    return false;
  }
  long forced_len = -1;
  unsigned long repeat = 1;
  bool raw = !strcmp(type_s, "RAW");
  uint8_t type = 0, flags = 0;
  uint32_t sid = 0;
  if (!raw) {
    int t = isdigit((unsigned char)type_s[0]) ? (int)strtol(type_s, NULL, 0)
                                              : h2_frame_type_from_name(type_s);
    if (t < 0 || t > 255) {
      snprintf(err, errcap, "unknown frame type '%s'", type_s);
      return false;
    }
    type = (uint8_t)t;
    const char *fl = strtok_r(NULL, " ", &save);
    if (!fl || !parse_flags(fl, &flags)) {
      snprintf(err, errcap, "bad flags '%s'", fl ? fl : "");
      return false;
    }
    const char *sid_s = strtok_r(NULL, " ", &save);
    unsigned long long sid_v = 0;
    if (!sid_s || !number(sid_s, 0xffffffff, &sid_v)) {
      snprintf(err, errcap, "bad stream id");
      return false;
    }
    sid = (uint32_t)sid_v;
    if (sid == 1 && ctx && ctx->stream1) sid = ctx->stream1;
    if (sid) sid += sid_add;
  }
  const char *path = ctx && ctx->path ? ctx->path : "/";
  for (char *tok = strtok_r(NULL, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    bool ok = true;
    unsigned long long num = 0;
    int put = put_payload_token(payload, ctx, path, tok);
    if (put != TOKEN_OTHER)
      ok = put == TOKEN_OK;
    else if (!strncmp(tok, "len:", 4)) {
      ok = number(tok + 4, 0xffffff, &num);
      forced_len = (long)num;
    } else if (!strncmp(tok, "repeat:", 7)) {
      ok = number(tok + 7, 100000, &num) && num >= 1;
      repeat = (unsigned long)num;
    } else if (!strncmp(tok, "split:", 6)) { /* how the line is sent: check_run.c */
      ok = number(tok + 6, 0xffffff, &num) && num >= 1;
    } else
      ok = false;
    if (!ok) {
      snprintf(err, errcap, "bad payload token '%s'", tok);
      return false;
    }
  }
  if (payload->failed) {
    snprintf(err, errcap, payload->no_memory ? "out of memory" : "payload too large");
    return false;
  }
  for (unsigned long r = 0; r < repeat; r++) {
    if (!raw) {
      uint8_t hd[H2_FRAME_HEADER_LEN];
      h2_frame_header_write(hd, forced_len >= 0 ? (uint32_t)forced_len : (uint32_t)payload->len,
                            type, flags, sid);
      h2_buf_put(out, hd, sizeof hd);
    }
    h2_buf_put(out, payload->p, payload->len);
  }
  if (out->failed) {
    snprintf(err, errcap,
             out->no_memory ? "out of memory" : "frames too large for the send buffer");
    return false;
  }
  return true;
}

bool check_build_line(const check_build_ctx *ctx, const char *line, h2_buf *out, char *err,
                      size_t errcap) {
  unsigned long loops = 1, step = 0;
  if (!strncmp(line, "LOOP ", 5)) { /* "LOOP N STEP: frame & frame ..." */
    char *end = NULL;
    loops = strtoul(line + 5, &end, 10);
    step = strtoul(end, &end, 10);
    if (!end || *end != ':' || loops < 1 || loops > 100000 || step > 0x7fffffffUL) {
      snprintf(err, errcap, "bad LOOP prefix");
      return false;
    }
    line = end + 1;
  }
  /* the payload scratch is per call: cases run on several threads at once */
  h2_buf payload;
  h2_buf_init(&payload, 1u << 17);
  bool ok = true;
  for (unsigned long i = 0; ok && i < loops; i++) {
    const char *p = line;
    for (;;) {
      while (*p == ' ')
        p++;
      const char *amp = strchr(p, '&');
      char one[4096];
      size_t n = amp ? (size_t)(amp - p) : strlen(p);
      if (n >= sizeof one) {
        snprintf(err, errcap, "frame too long");
        ok = false;
        break;
      }
      memcpy(one, p, n);
      one[n] = 0;
      h2_buf_reset(&payload);
      ok = build_frame(ctx, one, (uint32_t)(i * step), out, &payload, err, errcap);
      if (!ok || !amp) break;
      p = amp + 1;
    }
  }
  h2_buf_free(&payload);
  return ok;
}

bool check_frames_line(const char *frames, size_t index, char *buf, size_t cap) {
  const char *p = frames;
  for (size_t i = 0; i < index; i++) {
    p = strchr(p, ';');
    if (!p) return false;
    p++;
  }
  while (*p == ' ')
    p++;
  const char *end = strchr(p, ';');
  size_t n = end ? (size_t)(end - p) : strlen(p);
  while (n && p[n - 1] == ' ')
    n--;
  if (n == 0 && !end && index > 0) return false;
  if (n == 0) return false;
  if (n >= cap) n = cap - 1;
  memcpy(buf, p, n);
  buf[n] = 0;
  return true;
}

bool check_line_opens_block(const uint8_t *frame, size_t n) {
  if (n < H2_FRAME_HEADER_LEN) return false;
  uint8_t type = frame[3], flags = frame[4];
  return (type == H2_HEADERS || type == H2_PUSH_PROMISE || type == H2_CONTINUATION) &&
         !(flags & H2_FLAG_END_HEADERS);
}
