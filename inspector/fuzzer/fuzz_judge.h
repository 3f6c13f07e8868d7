/* fuzz_judge.h — what a peer did with one input, judged from the bytes of
 * the connection (both directions, as check's tap handed them over): the
 * bytes go through read's per-connection decoder (h2_conn) and the linter
 * `read --lint` uses (lint_conn, the session library's observer), so a
 * peer's answer is held to RFC 9113/7541 exactly as a capture's would be.
 * The result is the reaction signature — the set of frame kinds the peer
 * sent (type, error code, :status) and how the connection ended, a coverage
 * proxy for a black box — and the errors the observer found in the peer's
 * frames, by catalogue id. */
#ifndef H2SCOPE_FUZZ_JUDGE_H
#define H2SCOPE_FUZZ_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_run.h"
#include "h2/buf.h"

/* The bytes of one connection in the order they passed: dir 0 client to
 * server, 1 server to client (capture terms, whichever side h2scope
 * played). */
typedef struct fuzz_chunk {
  uint8_t dir;
  size_t off, len; /* in bytes */
  double ts;       /* seconds since the connection started */
} fuzz_chunk;

typedef struct fuzz_transcript {
  h2_buf bytes; /* limit: FUZZ_TRANSCRIPT_MAX; beyond it the rest is dropped */
  fuzz_chunk *chunks;
  size_t n, cap;
  double start;
  bool truncated;
} fuzz_transcript;

#define FUZZ_TRANSCRIPT_MAX (16u << 20)

void fuzz_transcript_init(fuzz_transcript *t);
void fuzz_transcript_reset(fuzz_transcript *t, double now);
void fuzz_transcript_add(fuzz_transcript *t, int dir, const uint8_t *p, size_t n, double now);
void fuzz_transcript_free(fuzz_transcript *t);

#define FUZZ_FINDINGS_MAX 8
#define FUZZ_SIGNATURE_MAX 480

typedef struct fuzz_reaction {
  char signature[FUZZ_SIGNATURE_MAX]; /* "GOAWAY(PROTOCOL_ERROR) SETTINGS | closed" */
  unsigned long long hash;            /* of the signature */
  size_t peer_frames;                 /* frames the peer sent */
  /* the observer's errors in the peer's frames, one per id (their
   * section and description: h2_observer_rule_at) */
  const char *finding[FUZZ_FINDINGS_MAX]; /* catalogue ids (static) */
  size_t nfindings;
} fuzz_reaction;

typedef struct fuzz_judge fuzz_judge;

fuzz_judge *fuzz_judge_new(void);
void fuzz_judge_free(fuzz_judge *j);
/* Judges one connection. peer_dir: 1 when the peer is the server, 0 when it
 * is the client (--client); r: how check saw the connection end. */
void fuzz_judge_run(fuzz_judge *j, const fuzz_transcript *t, int peer_dir, const check_result *r,
                    fuzz_reaction *out);

#endif
