/* header_corpus.h — a deterministic generator of realistic HTTP/2 header lists
 * for the benchmarks: browser-like requests (long user agents, cookies,
 * accept headers, unique paths with query strings) and API/static responses
 * (dates, etags, cache headers, set-cookie, content types), the traffic a
 * capture of a busy site is made of. Same seed → same lists on every machine. */
#ifndef H2SCOPE_BENCH_HEADER_CORPUS_H
#define H2SCOPE_BENCH_HEADER_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "h2/hpack.h"

typedef struct header_corpus {
  h2_header *fields; /* all fields of all lists, back to back */
  size_t *first;     /* list i is fields[first[i] .. first[i+1]) */
  size_t lists;
  size_t field_count;
  char *arena; /* names and values */
  size_t arena_len;
  size_t arena_cap;
  size_t fields_cap;
} header_corpus;

/* Generates `lists` header lists alternating request/response as one client
 * and one server would exchange them (requests on even indexes). Returns 0 or
 * -1 on allocation failure. */
int header_corpus_generate(header_corpus *c, size_t lists, uint64_t seed);
void header_corpus_free(header_corpus *c);

static inline size_t header_corpus_list_len(const header_corpus *c, size_t i) {
  return c->first[i + 1] - c->first[i];
}

#endif
