/* filter_parse.c — fuzz target for display filters (inspector/filter/): the
 * input is an expression, compiled with small limits. Oracles: a rejected
 * expression has a message and a column inside it (or at its end); an
 * accepted one evaluates on a frame, an event and a finding without
 * crashing, and `not (X)` is its exact complement on each of them. */
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "filter_subject.h"
#include "fuzz_support.h"

static const h2_header headers[] = {
    {":method", 7, "GET", 3, 0}, {":path", 5, "/a/b?c=d", 8, 0},
    {":status", 7, "503", 3, 0}, {"content-type", 12, "text/html", 9, 0},
    {"x-dup", 5, "1", 1, 0},     {"x-dup", 5, "2", 1, 0},
};

static bool run(const filter *f, const filter_subject *s) {
  filter_source src = filter_subject_source(s);
  return filter_match(f, &src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 2048) return 0;
  /* The expression and its negation, both NUL-terminated. */
  char *expr = malloc(size + 1), *neg = malloc(size + 8);
  if (!expr || !neg) {
    free(expr);
    free(neg);
    return 0;
  }
  memcpy(expr, data, size);
  expr[size] = '\0';
  size_t len = strlen(expr);
  memcpy(neg, "not (", 5);
  memcpy(neg + 5, expr, len);
  memcpy(neg + 5 + len, ")", 2);
  filter_limits lim;
  filter_limits_default(&lim);
  lim.max_nodes = 64;
  lim.max_depth = 16;
  lim.regex_match_limit = 1000;
  filter_error e;
  filter *f = filter_compile(expr, &lim, &e);
  if (!f) {
    FUZZ_CHECK(e.message[0] != '\0', "error without a message");
    FUZZ_CHECK(e.column <= len || len > lim.max_length, "column %zu past the end %zu", e.column,
               len);
    free(expr);
    free(neg);
    return 0;
  }
  lim.max_depth++; /* the negation adds one level */
  filter *n = filter_compile(neg, &lim, &e);
  decoded_frame d = {0};
  d.frame.hd = (h2_frame_header){.length = 40, .type = H2_HEADERS, .flags = 0x5, .stream_id = 3};
  d.block_complete = true;
  d.headers = headers;
  d.header_count = sizeof headers / sizeof *headers;
  filter_subject subj[3] = {
      {.kind = FS_FRAME, .conn = 1, .dir = 1, .d = &d},
      {.kind = FS_EVENT, .conn = 2, .dir = 0, .event = "gap"},
      {.kind = FS_FINDING, .conn = 1, .dir = 0, .lint = "reset-flood", .severity = "error"},
  };
  for (int i = 0; i < 3; i++) {
    bool a = run(f, &subj[i]);
    if (n) FUZZ_CHECK(a != run(n, &subj[i]), "X and not (X) agree on subject %d", i);
  }
  filter_free(n);
  filter_free(f);
  free(expr);
  free(neg);
  return 0;
}
