/* replay_compare.h — judges a live response against the recorded one for
 * `h2scope replay`: status, reset, header and trailer fields (ignoring the
 * volatile ones: dates, server identity, validators, caches, request ids;
 * set-cookie by cookie name only), body length and SHA-256. Produces the
 * list of differences; an empty list is a match. */
#ifndef H2SCOPE_REPLAY_COMPARE_H
#define H2SCOPE_REPLAY_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "replay_capture.h"

/* One difference; recorded / live are NULL when absent on that side. */
typedef struct replay_diff {
  char *field; /* "status", "reset", "header content-type", "trailer grpc-status", "body",
                  "response" */
  char *recorded;
  char *live;
} replay_diff;

typedef struct replay_diffs {
  replay_diff *items;
  size_t n, cap;
  size_t lost; /* differences found but not kept (memory): still a difference */
} replay_diffs;

#define REPLAY_MAX_IGNORED 64

typedef struct replay_compare_options {
  const char *ignored[REPLAY_MAX_IGNORED]; /* extra field names to ignore (--ignore-header) */
  size_t nignored;
  bool no_default_volatile; /* --strict-headers: compare the volatile fields too */
} replay_compare_options;

/* The built-in volatile field names, NULL-terminated (docs/replay.md lists them). */
extern const char *const replay_volatile_fields[];

/* Whether field `name` is left out of the comparison. */
bool replay_field_ignored(const replay_compare_options *o, const char *name, size_t len);

/* Appends the differences between the two responses to out (both finished). */
void replay_compare(const replay_compare_options *o, const replay_response *recorded,
                    const replay_response *live, replay_diffs *out);

/* Appends one difference (strings are copied; NULL stays NULL). */
void replay_diffs_add(replay_diffs *d, const char *field, const char *recorded, const char *live);
void replay_diffs_free(replay_diffs *d);

/* "RST_STREAM CANCEL" style description of a reset code. */
void replay_describe_reset(uint32_t code, char *buf, size_t cap);
/* Lowercase hex of a SHA-256 digest (65 bytes with the NUL). */
void replay_hex_digest(const uint8_t digest[32], char out[65]);

#endif
