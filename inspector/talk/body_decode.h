/* body_decode.h — streaming Content-Encoding decoding of one HTTP body
 * (RFC 9110 §8.4): gzip and deflate (zlib; "deflate" is the zlib format of
 * RFC 1950, and raw RFC 1951 data, which browsers also accept, is taken as
 * well), br (libbrotli, RFC 7932) and zstd (libzstd, RFC 8878). A list of
 * codings ("gzip, br") was applied in order, so it is undone in reverse
 * order (§8.4). Nothing is ever held whole: the wire bytes go in as they
 * come and the decoded bytes come out in chunks of at most BODY_CHUNK bytes,
 * each stage owning one fixed buffer.
 *
 * Limits (explicit, set by `read --max-body` and `--max-body-ratio`): once
 * the decoded size passes max_decoded, or passes ratio times the wire bytes
 * consumed (after the first BODY_RATIO_FLOOR decoded bytes, so a short body
 * with a small header is no bomb), decoding stops for that body: the state
 * says which limit and at which decoded offset. A corrupt stream stops it
 * too (state BODY_ERROR, with the message and the decoded offset); an
 * unknown coding is reported and the bytes pass through undecoded. */
#ifndef H2SCOPE_BODY_DECODE_H
#define H2SCOPE_BODY_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BODY_CHUNK = 16384, BODY_MAX_CODINGS = 4, BODY_RATIO_FLOOR = 1 << 20 };

/* Defaults of the limits (docs/read-output.md). */
#define BODY_DEFAULT_MAX_DECODED (1ull << 30) /* 1 GiB per body */
#define BODY_DEFAULT_MAX_RATIO 1000u

typedef struct body_limits {
  uint64_t max_decoded; /* decoded bytes per body; 0: no limit */
  uint32_t max_ratio;   /* decoded / wire; 0: no limit */
} body_limits;

enum body_state {
  BODY_OK = 0,
  BODY_UNKNOWN_CODING, /* passed through raw */
  BODY_ERROR,          /* corrupt or truncated encoded data */
  BODY_TOO_LARGE,      /* max_decoded reached */
  BODY_BOMB,           /* max_ratio reached */
};

/* A decoded chunk: bytes at `offset` of the decoded body. */
typedef void (*body_out_fn)(void *user, const uint8_t *p, size_t n, uint64_t offset);

typedef struct body_decoder body_decoder;

/* For a Content-Encoding field value (the codings as listed; NULL or "" or
 * "identity" means none). NULL when memory is short. A coding this file
 * does not know gives a decoder in state BODY_UNKNOWN_CODING that passes the
 * bytes through. */
body_decoder *body_decoder_new(const char *coding, size_t len, const body_limits *lim);
void body_decoder_free(body_decoder *d);
/* Feeds wire bytes; decoded chunks go to out. Does nothing once the state
 * is not BODY_OK (BODY_UNKNOWN_CODING: passes the bytes through). */
void body_decoder_feed(body_decoder *d, const uint8_t *in, size_t n, body_out_fn out, void *user);
/* The body ended: a stream cut short is a BODY_ERROR ("truncated"). */
void body_decoder_finish(body_decoder *d, body_out_fn out, void *user);

enum body_state body_decoder_state(const body_decoder *d);
/* Decoded bytes handed out so far (where decoding stopped, when it did). */
uint64_t body_decoder_decoded(const body_decoder *d);
/* Wire bytes fed so far. */
uint64_t body_decoder_wire(const body_decoder *d);
/* One sentence about the state (the unknown coding, zlib's message...). */
const char *body_decoder_message(const body_decoder *d);
/* The name of a state: "ok", "unknown-coding", "decode-error",
 * "body-too-large", "body-bomb". */
const char *body_state_name(enum body_state s);

#endif
