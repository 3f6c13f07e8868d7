/* fuzz_minimize.c — ddmin over lines, then simpler lines (fuzz_minimize.h). */
#include "fuzz_minimize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "fuzz_frame.h"

typedef struct budget {
  const fuzz_min_limits *lim;
  unsigned tries;
  fuzz_reproduces_fn pred;
  void *user;
} budget;

static bool out_of_budget(const budget *b) {
  return b->tries >= b->lim->max_tries || check_now() >= b->lim->deadline;
}

static bool try_input(budget *b, const fuzz_input *cand) {
  if (out_of_budget(b)) return false;
  b->tries++;
  return b->pred(b->user, cand);
}

/* in without lines [from, to). */
static bool without(const fuzz_input *in, size_t from, size_t to, fuzz_input *out) {
  if (!fuzz_input_copy(out, in)) return false;
  for (size_t k = to; k-- > from;)
    fuzz_input_remove(out, k);
  return true;
}

static void ddmin(fuzz_input *in, budget *b) {
  size_t chunks = 2;
  fuzz_input cand;
  memset(&cand, 0, sizeof cand);
  while (in->n >= 1 && !out_of_budget(b)) {
    if (chunks > in->n) chunks = in->n;
    size_t size = (in->n + chunks - 1) / chunks;
    bool reduced = false;
    for (size_t start = 0; start < in->n && !out_of_budget(b); start += size) {
      size_t end = start + size < in->n ? start + size : in->n;
      if (end - start == in->n) continue; /* nothing left to send */
      if (!without(in, start, end, &cand)) break;
      if (try_input(b, &cand)) {
        fuzz_input_copy(in, &cand);
        reduced = true;
        break;
      }
    }
    if (reduced) {
      if (chunks > 2) chunks--;
      continue;
    }
    if (chunks >= in->n) break;
    chunks = chunks * 2 < in->n ? chunks * 2 : in->n;
  }
  fuzz_input_free(&cand);
}

/* One simpler version of a line, or false when there is none: the LOOP
 * count halved, a part's repeat halved, its payload cut in half, its
 * split dropped. `step` picks which. */
static bool simpler(const check_build_ctx *ctx, const char *line, unsigned step, char *out,
                    size_t cap) {
  fuzz_line *l = malloc(sizeof *l);
  fuzz_frame *f = malloc(sizeof *f);
  bool ok = l && f && fuzz_line_split(line, l);
  bool changed = false;
  if (ok && step == 0 && l->loops > 1) {
    l->loops /= 2;
    changed = true;
  }
  for (size_t p = 0; ok && !changed && step > 0 && p < l->n; p++) {
    if (!fuzz_frame_parse(ctx, l->parts[p], f)) continue;
    if (step == 1 && f->repeat > 1)
      f->repeat /= 2;
    else if (step == 2 && f->len > 1 && !f->raw)
      f->len /= 2;
    else if (step == 3 && f->split)
      f->split = 0;
    else
      continue;
    changed = fuzz_frame_print(f, l->parts[p], sizeof l->parts[p]);
  }
  ok = ok && changed && fuzz_line_join(l, out, cap);
  free(l);
  free(f);
  return ok;
}

static void simplify(fuzz_input *in, const check_build_ctx *ctx, budget *b) {
  char *text = malloc(FUZZ_LINE_MAX + 1);
  fuzz_input cand;
  memset(&cand, 0, sizeof cand);
  for (size_t i = 0; text && i < in->n && !out_of_budget(b); i++) {
    for (unsigned step = 0; step < 4 && !out_of_budget(b);) {
      if (!simpler(ctx, in->lines[i], step, text, FUZZ_LINE_MAX + 1) ||
          !fuzz_input_copy(&cand, in) || !fuzz_input_set(&cand, i, text) || !try_input(b, &cand)) {
        step++;
        continue;
      }
      fuzz_input_copy(in, &cand); /* the same step again: halve once more */
    }
  }
  fuzz_input_free(&cand);
  free(text);
}

unsigned fuzz_minimize(fuzz_input *in, const check_build_ctx *ctx, fuzz_reproduces_fn pred,
                       void *user, const fuzz_min_limits *lim) {
  budget b = {.lim = lim, .pred = pred, .user = user};
  ddmin(in, &b);
  simplify(in, ctx, &b);
  return b.tries;
}
