/* body_decode.c — streaming Content-Encoding decoding through zlib,
 * libbrotli and libzstd (body_decode.h). */
#include "body_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

enum coding { CODING_GZIP, CODING_DEFLATE, CODING_BR, CODING_ZSTD };

/* zstd frames may ask for a window up to 2^31; 2^24 (16 MiB, what
 * `zstd -19` uses at most without --long) bounds the memory of one body. */
enum { ZSTD_WINDOW_LOG_MAX = 24 };

typedef struct stage {
  enum coding coding;
  bool started;   /* the library state is initialised */
  bool ended;     /* the encoded stream ended (trailing bytes are ignored) */
  bool raw;       /* deflate: raw RFC 1951 data, not zlib-wrapped */
  uint8_t held;   /* deflate: the first byte, until the second tells the format */
  bool have_held;
  z_stream z;
  BrotliDecoderState *br;
  ZSTD_DStream *zs;
  uint8_t out[BODY_CHUNK];
} stage;

struct body_decoder {
  enum body_state state;
  body_limits lim;
  uint64_t wire, decoded;
  int nstages;
  stage *st[BODY_MAX_CODINGS];
  char message[160];
};

const char *body_state_name(enum body_state s) {
  switch (s) {
  case BODY_OK:
    return "ok";
  case BODY_UNKNOWN_CODING:
    return "unknown-coding";
  case BODY_ERROR:
    return "decode-error";
  case BODY_TOO_LARGE:
    return "body-too-large";
  case BODY_BOMB:
    return "body-bomb";
  }
  return "ok";
}

static void fail(body_decoder *d, enum body_state s, const char *what) {
  if (d->state != BODY_OK) return;
  d->state = s;
  snprintf(d->message, sizeof d->message, "%s", what);
}

/* Codings are tokens (RFC 9110 §8.4.1), case-insensitive; "x-gzip" is gzip
 * (§8.4.1.3). */
static int coding_of(const char *s, size_t n) {
  static const struct {
    const char *name;
    enum coding c;
  } names[] = {{"gzip", CODING_GZIP},       {"x-gzip", CODING_GZIP}, {"deflate", CODING_DEFLATE},
               {"br", CODING_BR},           {"zstd", CODING_ZSTD}};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strlen(names[i].name) == n && !strncasecmp(names[i].name, s, n)) return (int)names[i].c;
  return -1;
}

body_decoder *body_decoder_new(const char *coding, size_t len, const body_limits *lim) {
  body_decoder *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->lim = *lim;
  int codings[16];
  int n = 0;
  size_t i = 0;
  while (coding && i < len) {
    while (i < len && (coding[i] == ' ' || coding[i] == '\t' || coding[i] == ',')) i++;
    size_t start = i;
    while (i < len && coding[i] != ',' && coding[i] != ' ' && coding[i] != '\t') i++;
    if (i == start) break;
    if (i - start == 8 && !strncasecmp(coding + start, "identity", 8)) continue;
    int c = coding_of(coding + start, i - start);
    if (c < 0 || n == (int)(sizeof codings / sizeof *codings)) {
      snprintf(d->message, sizeof d->message, "unknown content-coding '%.*s': kept as it is",
               (int)(i - start > 40 ? 40 : i - start), coding + start);
      d->state = BODY_UNKNOWN_CODING;
      return d;
    }
    codings[n++] = c;
  }
  if (n > BODY_MAX_CODINGS) {
    snprintf(d->message, sizeof d->message, "%d content-codings (at most %d are decoded)", n,
             BODY_MAX_CODINGS);
    d->state = BODY_UNKNOWN_CODING;
    return d;
  }
  /* The last coding applied is undone first (RFC 9110 §8.4). */
  for (int k = 0; k < n; k++) {
    stage *s = calloc(1, sizeof *s);
    if (!s) {
      body_decoder_free(d);
      return NULL;
    }
    s->coding = (enum coding)codings[n - 1 - k];
    d->st[d->nstages++] = s;
  }
  return d;
}

void body_decoder_free(body_decoder *d) {
  if (!d) return;
  for (int k = 0; k < d->nstages; k++) {
    stage *s = d->st[k];
    if (s->started) {
      if (s->coding == CODING_GZIP || s->coding == CODING_DEFLATE) inflateEnd(&s->z);
      if (s->br) BrotliDecoderDestroyInstance(s->br);
      if (s->zs) ZSTD_freeDStream(s->zs);
    }
    free(s);
  }
  free(d);
}

/* The last stage's output: counted, limited and handed out. */
static void emit(body_decoder *d, const uint8_t *p, size_t n, body_out_fn out, void *user) {
  if (d->lim.max_decoded && d->decoded + n > d->lim.max_decoded) {
    size_t room = (size_t)(d->lim.max_decoded - d->decoded);
    if (room) out(user, p, room, d->decoded);
    d->decoded += room;
    char m[160];
    snprintf(m, sizeof m, "decoded body larger than %llu bytes (--max-body): decoding stopped",
             (unsigned long long)d->lim.max_decoded);
    fail(d, BODY_TOO_LARGE, m);
    return;
  }
  if (n) out(user, p, n, d->decoded);
  d->decoded += n;
  if (d->lim.max_ratio && d->decoded > BODY_RATIO_FLOOR &&
      d->decoded / (d->wire ? d->wire : 1) >= d->lim.max_ratio) {
    char m[160];
    snprintf(m, sizeof m,
             "%llu wire bytes decoded to %llu (ratio over %u, --max-body-ratio): decoding stopped",
             (unsigned long long)d->wire, (unsigned long long)d->decoded, d->lim.max_ratio);
    fail(d, BODY_BOMB, m);
  }
}

static bool stage_start(body_decoder *d, stage *s) {
  int rc = Z_OK;
  switch (s->coding) {
  case CODING_GZIP:
    rc = inflateInit2(&s->z, 15 + 16); /* gzip wrapper only (RFC 1952) */
    break;
  case CODING_DEFLATE:
    rc = inflateInit2(&s->z, s->raw ? -15 : 15);
    break;
  case CODING_BR:
    s->br = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (!s->br) rc = Z_MEM_ERROR;
    break;
  case CODING_ZSTD:
    s->zs = ZSTD_createDStream();
    if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs)) ||
        ZSTD_isError(ZSTD_DCtx_setParameter(s->zs, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX))) {
      if (s->zs) ZSTD_freeDStream(s->zs);
      s->zs = NULL;
      rc = Z_MEM_ERROR;
    }
    break;
  }
  if (rc != Z_OK) {
    fail(d, BODY_ERROR, "out of memory for the decoder");
    return false;
  }
  s->started = true;
  return true;
}

static void push(body_decoder *d, int k, const uint8_t *in, size_t n, body_out_fn out,
                 void *user);

static void stage_error(body_decoder *d, stage *s, const char *why) {
  static const char *const names[] = {"gzip", "deflate", "br", "zstd"};
  char m[160];
  snprintf(m, sizeof m, "corrupt %s data: %s", names[s->coding], why ? why : "invalid");
  fail(d, BODY_ERROR, m);
}

static void run_zlib(body_decoder *d, int k, stage *s, const uint8_t *in, size_t n,
                     body_out_fn out, void *user) {
  s->z.next_in = (Bytef *)(uintptr_t)in;
  s->z.avail_in = (uInt)n;
  while (d->state == BODY_OK && !s->ended) {
    s->z.next_out = s->out;
    s->z.avail_out = BODY_CHUNK;
    int rc = inflate(&s->z, Z_NO_FLUSH);
    size_t got = BODY_CHUNK - s->z.avail_out;
    if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
      stage_error(d, s, s->z.msg);
      return;
    }
    if (got) push(d, k + 1, s->out, got, out, user);
    if (rc == Z_STREAM_END) {
      /* gzip: a body may be several members (RFC 1952 §2.2). */
      if (s->coding == CODING_GZIP && s->z.avail_in) {
        inflateReset(&s->z);
        continue;
      }
      s->ended = true;
      return;
    }
    /* All input taken and room left: zlib wants more input. */
    if (s->z.avail_in == 0 && s->z.avail_out != 0) return;
    if (rc == Z_BUF_ERROR && got == 0) return;
  }
}

static void run_br(body_decoder *d, int k, stage *s, const uint8_t *in, size_t n, body_out_fn out,
                   void *user) {
  size_t avail_in = n;
  const uint8_t *next_in = in;
  while (d->state == BODY_OK && !s->ended) {
    size_t avail_out = BODY_CHUNK;
    uint8_t *next_out = s->out;
    BrotliDecoderResult r =
        BrotliDecoderDecompressStream(s->br, &avail_in, &next_in, &avail_out, &next_out, NULL);
    size_t got = BODY_CHUNK - avail_out;
    if (r == BROTLI_DECODER_RESULT_ERROR) {
      stage_error(d, s, BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s->br)));
      return;
    }
    if (got) push(d, k + 1, s->out, got, out, user);
    if (r == BROTLI_DECODER_RESULT_SUCCESS) s->ended = true;
    if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return;
  }
}

static void run_zstd(body_decoder *d, int k, stage *s, const uint8_t *in, size_t n,
                     body_out_fn out, void *user) {
  ZSTD_inBuffer ib = {in, n, 0};
  while (d->state == BODY_OK) {
    ZSTD_outBuffer ob = {s->out, BODY_CHUNK, 0};
    size_t rc = ZSTD_decompressStream(s->zs, &ob, &ib);
    if (ZSTD_isError(rc)) {
      stage_error(d, s, ZSTD_getErrorName(rc));
      return;
    }
    if (ob.pos) push(d, k + 1, s->out, ob.pos, out, user);
    s->ended = rc == 0; /* a frame is complete; another may follow */
    if (ib.pos == ib.size && ob.pos < ob.size) return;
  }
}

/* Deflate: "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2), but
 * some servers send raw deflate, which browsers accept; the two bytes of a
 * zlib header (RFC 1950 §2.2: CM 8, CINFO <= 7, FCHECK) tell them apart. */
static bool deflate_choose(body_decoder *d, int k, stage *s, const uint8_t **in, size_t *n,
                           body_out_fn out, void *user) {
  if (s->started) return true;
  if (!s->have_held) {
    if (*n == 0) return false;
    s->held = (*in)[0];
    s->have_held = true;
    (*in)++;
    (*n)--;
  }
  if (*n == 0) return false;
  unsigned b0 = s->held, b1 = (*in)[0];
  s->raw = !((b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0);
  if (!stage_start(d, s)) return false;
  uint8_t first = s->held;
  run_zlib(d, k, s, &first, 1, out, user);
  return d->state == BODY_OK;
}

static void push(body_decoder *d, int k, const uint8_t *in, size_t n, body_out_fn out,
                 void *user) {
  if (d->state != BODY_OK) return;
  if (k == d->nstages) {
    emit(d, in, n, out, user);
    return;
  }
  stage *s = d->st[k];
  if (s->ended) return; /* bytes after the end of the encoded data */
  if (s->coding == CODING_DEFLATE) {
    if (!deflate_choose(d, k, s, &in, &n, out, user)) return;
  } else if (!s->started && !stage_start(d, s)) {
    return;
  }
  switch (s->coding) {
  case CODING_GZIP:
  case CODING_DEFLATE:
    run_zlib(d, k, s, in, n, out, user);
    break;
  case CODING_BR:
    run_br(d, k, s, in, n, out, user);
    break;
  case CODING_ZSTD:
    run_zstd(d, k, s, in, n, out, user);
    break;
  }
}

void body_decoder_feed(body_decoder *d, const uint8_t *in, size_t n, body_out_fn out, void *user) {
  d->wire += n;
  if (d->state == BODY_UNKNOWN_CODING) {
    if (n) out(user, in, n, d->decoded);
    d->decoded += n;
    return;
  }
  push(d, 0, in, n, out, user);
}

void body_decoder_finish(body_decoder *d, body_out_fn out, void *user) {
  (void)out, (void)user;
  if (d->state != BODY_OK) return;
  for (int k = 0; k < d->nstages; k++) {
    stage *s = d->st[k];
    /* An empty body with a coding is no error (HEAD-like answers, 304s
     * that keep the field); one that started must have ended. */
    if (d->wire == 0 && k == 0) return;
    if (!s->ended) {
      static const char *const names[] = {"gzip", "deflate", "br", "zstd"};
      char m[160];
      snprintf(m, sizeof m, "%s data ends before its end marker (truncated)", names[s->coding]);
      fail(d, BODY_ERROR, m);
      return;
    }
  }
}

enum body_state body_decoder_state(const body_decoder *d) {
  return d->state;
}
uint64_t body_decoder_decoded(const body_decoder *d) {
  return d->decoded;
}
uint64_t body_decoder_wire(const body_decoder *d) {
  return d->wire;
}
const char *body_decoder_message(const body_decoder *d) {
  return d->message;
}
