/* fuzz_input.h — one input of `h2scope fuzz`: a case of the check language
 * (docs/check-language.md) without its expectation: the handshake and the
 * frame lines sent in order, each line one TCP write followed by check's
 * marker PING. Every input can therefore be written as a case file and
 * replayed with `h2scope check --cases FILE`. */
#ifndef H2SCOPE_FUZZ_INPUT_H
#define H2SCOPE_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "check_case.h"

#define FUZZ_SEND_MAX (4u << 20) /* check_run.c TX_CAP, check_case_file.c BUILD_CAP */

#define FUZZ_LINES_MAX 64  /* a case file's send lines (CHECK_FILE_SENDS_MAX) */
#define FUZZ_LINE_MAX 4000 /* characters of one line ("send " + line within 4096) */
#define FUZZ_HANDSHAKE_MAX 256

typedef struct fuzz_input {
  char handshake[FUZZ_HANDSHAKE_MAX]; /* check_case.handshake: "", "none", "settings:HEX" */
  char *lines[FUZZ_LINES_MAX];        /* owned */
  size_t n;
  char origin[96]; /* the seed it descends from: a check case id, "capture:FILE#N" */
} fuzz_input;

/* Appends / inserts / replaces a copy of line; false when the input is full,
 * the line too long (FUZZ_LINE_MAX) or holds ';', or memory is short. */
bool fuzz_input_add(fuzz_input *in, const char *line);
bool fuzz_input_insert(fuzz_input *in, size_t at, const char *line);
bool fuzz_input_set(fuzz_input *in, size_t at, const char *line);
void fuzz_input_remove(fuzz_input *in, size_t at);
/* dst (empty or not) becomes a deep copy of src; false when memory is short
 * (dst is then empty). */
bool fuzz_input_copy(fuzz_input *dst, const fuzz_input *src);
void fuzz_input_free(fuzz_input *in);

/* The lines joined with "; " (check_case.frames), malloc'd; NULL when memory
 * is short. */
char *fuzz_input_frames(const fuzz_input *in);

/* A check case over the input: frames from fuzz_input_frames (kept by the
 * caller while the case is used), title and expect as given. */
void fuzz_input_case(const fuzz_input *in, const char *frames, const char *title,
                     const char *expect, check_case *c);

/* Whether every line builds (check_build_line) within the send buffer of
 * check (4 MiB): what a case file can hold and `check --cases` can load. */
bool fuzz_input_valid(const fuzz_input *in);

/* 64-bit FNV-1a of the handshake and lines: inputs already run are skipped. */
unsigned long long fuzz_input_hash(const fuzz_input *in);

#endif
