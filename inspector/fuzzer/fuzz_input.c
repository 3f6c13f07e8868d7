/* fuzz_input.c — an input as the lines of a check case (fuzz_input.h). */
#include "fuzz_input.h"

#include "check_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *line_dup(const char *line) {
  size_t n = strlen(line);
  if (n == 0 || n > FUZZ_LINE_MAX || strchr(line, ';') || strchr(line, '\n')) return NULL;
  char *p = malloc(n + 1);
  if (p) memcpy(p, line, n + 1);
  return p;
}

bool fuzz_input_insert(fuzz_input *in, size_t at, const char *line) {
  if (in->n == FUZZ_LINES_MAX || at > in->n) return false;
  char *p = line_dup(line);
  if (!p) return false;
  memmove(&in->lines[at + 1], &in->lines[at], (in->n - at) * sizeof *in->lines);
  in->lines[at] = p;
  in->n++;
  return true;
}

bool fuzz_input_add(fuzz_input *in, const char *line) {
  return fuzz_input_insert(in, in->n, line);
}

bool fuzz_input_set(fuzz_input *in, size_t at, const char *line) {
  if (at >= in->n) return false;
  char *p = line_dup(line);
  if (!p) return false;
  free(in->lines[at]);
  in->lines[at] = p;
  return true;
}

void fuzz_input_remove(fuzz_input *in, size_t at) {
  if (at >= in->n) return;
  free(in->lines[at]);
  memmove(&in->lines[at], &in->lines[at + 1], (in->n - at - 1) * sizeof *in->lines);
  in->n--;
}

void fuzz_input_free(fuzz_input *in) {
  for (size_t i = 0; i < in->n; i++)
    free(in->lines[i]);
  in->n = 0;
}

bool fuzz_input_copy(fuzz_input *dst, const fuzz_input *src) {
  fuzz_input_free(dst);
  memcpy(dst->handshake, src->handshake, sizeof dst->handshake);
  memcpy(dst->origin, src->origin, sizeof dst->origin);
  for (size_t i = 0; i < src->n; i++) {
    if (!fuzz_input_add(dst, src->lines[i])) {
      fuzz_input_free(dst);
      return false;
    }
  }
  return true;
}

char *fuzz_input_frames(const fuzz_input *in) {
  size_t total = 1;
  for (size_t i = 0; i < in->n; i++)
    total += strlen(in->lines[i]) + 2;
  char *p = malloc(total);
  if (!p) return NULL;
  size_t off = 0;
  for (size_t i = 0; i < in->n; i++) {
    size_t k = strlen(in->lines[i]);
    if (i) {
      memcpy(p + off, "; ", 2);
      off += 2;
    }
    memcpy(p + off, in->lines[i], k);
    off += k;
  }
  p[off] = 0;
  return p;
}

void fuzz_input_case(const fuzz_input *in, const char *frames, const char *title,
                     const char *expect, check_case *c) {
  memset(c, 0, sizeof *c);
  c->rfc = 0;
  c->section = "fuzz";
  c->title = title;
  c->handshake = in->handshake;
  c->frames = frames;
  c->expect = expect;
}

static unsigned long long fnv(unsigned long long h, const char *s) {
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 0x100000001b3ull;
  }
  h ^= 0xff; /* a separator no line holds */
  return h * 0x100000001b3ull;
}

unsigned long long fuzz_input_hash(const fuzz_input *in) {
  unsigned long long h = fnv(0xcbf29ce484222325ull, in->handshake);
  for (size_t i = 0; i < in->n; i++)
    h = fnv(h, in->lines[i]);
  return h;
}

bool fuzz_input_valid(const fuzz_input *in) {
  h2_buf b;
  h2_buf_init(&b, FUZZ_SEND_MAX);
  char err[160];
  bool ok = true;
  for (size_t i = 0; ok && i < in->n; i++) {
    h2_buf_reset(&b);
    ok = check_build_line(NULL, in->lines[i], &b, err, sizeof err) && !b.failed;
  }
  h2_buf_free(&b);
  return ok;
}
