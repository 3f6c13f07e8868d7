/* fuzz_corpus.h — the inputs `h2scope fuzz` mutates: the seeds (the check
 * cases of the built-in tables, the client sides of captures as `replay`
 * reads them, case files) and every input that made the peer react in a way
 * not seen before. */
#ifndef H2SCOPE_FUZZ_CORPUS_H
#define H2SCOPE_FUZZ_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#include "check_build.h"
#include "fuzz_input.h"

#define FUZZ_CORPUS_MAX 20000

typedef struct fuzz_corpus {
  fuzz_input *items;
  size_t n, cap;
} fuzz_corpus;

/* Appends a copy; false when full or memory is short. */
bool fuzz_corpus_add(fuzz_corpus *c, const fuzz_input *in);
void fuzz_corpus_free(fuzz_corpus *c);

/* The built-in cases of the server and robustness groups, or with client
 * those of the client group, as inputs; false when memory is short. */
bool fuzz_seeds_builtin(fuzz_corpus *c, bool client);

/* Seeds from a path: a case file (*.case or *.cases, the check language), a capture
 * (pcap, pcapng: each HTTP/2 connection's client frames, the first 64, with
 * payloads as hex), or a directory of them (its files in name order).
 * Returns the number of inputs added, -1 with a reason in err. */
long fuzz_seeds_load(fuzz_corpus *c, const char *path, char *err, size_t cap);

#endif
