/* fuzz_corpus.c — seeds and the corpus of `h2scope fuzz` (fuzz_corpus.h). */
#include "fuzz_corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_case_file.h"
#include "check_set.h"
#include "fuzz_frame.h"
#include "h2/frame.h"
#include "replay_capture.h"

bool fuzz_corpus_add(fuzz_corpus *c, const fuzz_input *in) {
  if (c->n == FUZZ_CORPUS_MAX) return false;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 256;
    fuzz_input *p = realloc(c->items, cap * sizeof *p);
    if (!p) return false;
    c->items = p;
    c->cap = cap;
  }
  fuzz_input *dst = &c->items[c->n];
  memset(dst, 0, sizeof *dst);
  if (!fuzz_input_copy(dst, in)) return false;
  c->n++;
  return true;
}

void fuzz_corpus_free(fuzz_corpus *c) {
  for (size_t i = 0; i < c->n; i++)
    fuzz_input_free(&c->items[i]);
  free(c->items);
  memset(c, 0, sizeof *c);
}

/* A check case as an input (its lines as they are). */
static bool add_case(fuzz_corpus *c, const check_case *cs, const char *id) {
  fuzz_input in;
  memset(&in, 0, sizeof in);
  snprintf(in.handshake, sizeof in.handshake, "%s", cs->handshake ? cs->handshake : "");
  snprintf(in.origin, sizeof in.origin, "%s", id);
  char line[CHECK_FILE_LINE_MAX];
  bool ok = true;
  for (size_t i = 0; ok && check_frames_line(cs->frames, i, line, sizeof line); i++)
    ok = fuzz_input_add(&in, line);
  ok = ok && in.n > 0 && fuzz_corpus_add(c, &in);
  fuzz_input_free(&in);
  return ok;
}

bool fuzz_seeds_builtin(fuzz_corpus *c, bool client) {
  check_set s = {0};
  if (!check_set_add_builtin(&s)) return false;
  for (size_t i = 0; i < s.n; i++) {
    bool want =
        client ? s.items[i].group == CHECK_GROUP_CLIENT : s.items[i].group != CHECK_GROUP_CLIENT;
    if (want) add_case(c, s.items[i].c, s.items[i].id); /* a line too long is no seed */
  }
  check_set_free(&s);
  return true;
}

static long load_cases(fuzz_corpus *c, const char *path, char *err, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, cap, "%s: cannot open", path);
    return -1;
  }
  check_set s = {0};
  bool ok = check_file_load(&s, f, path, err, cap);
  fclose(f);
  long added = 0;
  for (size_t i = 0; ok && i < s.n; i++)
    added += add_case(c, s.items[i].c, s.items[i].id);
  check_set_free(&s);
  return ok ? added : -1;
}

/* One client frame of a capture as a line: its payload as hex, a large DATA
 * payload as zeros of its length. */
static bool frame_line(const replay_conn *rc, const replay_frame *fr, char *out, size_t cap) {
  if (fr->offset + fr->len > rc->client_len || fr->len < H2_FRAME_HEADER_LEN) return false;
  fuzz_frame *f = calloc(1, sizeof *f);
  if (!f) return false;
  const uint8_t *p = rc->client_bytes + fr->offset;
  f->type = fr->type;
  f->flags = fr->flags;
  f->stream = fr->stream_id;
  f->forced_len = -1;
  f->repeat = 1;
  size_t n = fr->len - H2_FRAME_HEADER_LEN;
  bool ok = true;
  if (n <= FUZZ_PAYLOAD_MAX) {
    memcpy(f->payload, p + H2_FRAME_HEADER_LEN, n);
    f->len = n;
    ok = fuzz_frame_print(f, out, cap);
  } else if (fr->type == H2_DATA) {
    f->len = 0;
    char head[64];
    ok = fuzz_frame_print(f, head, sizeof head) &&
         (size_t)snprintf(out, cap, "%s zeros:%zu", head, n) < cap;
  } else {
    ok = false;
  }
  free(f);
  return ok;
}

static long load_capture(fuzz_corpus *c, const char *path, char *err, size_t cap) {
  replay_capture rc = {0};
  replay_limits lim;
  replay_limits_default(&lim);
  lim.max_connections = 256;
  if (replay_capture_load(&rc, path, 0, true, &lim, err, cap) != 0) return -1;
  long added = 0;
  char line[FUZZ_LINE_MAX + 1];
  for (size_t i = 0; i < rc.n; i++) {
    const replay_conn *conn = rc.conns[i];
    if (!conn->is_h2 || conn->upgrade || !conn->frames_kept) continue;
    fuzz_input in;
    memset(&in, 0, sizeof in);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(in.origin, sizeof in.origin, "capture:%.70s#%u", base, conn->id);
    for (size_t k = 0; k < conn->nframes && in.n < FUZZ_LINES_MAX; k++) {
      const replay_frame *fr = &conn->frames[k];
      if (fr->type == H2_SETTINGS && (fr->flags & H2_FLAG_ACK)) continue; /* ours does */
      if (frame_line(conn, fr, line, sizeof line)) fuzz_input_add(&in, line);
    }
    if (in.n && fuzz_corpus_add(c, &in)) added++;
    fuzz_input_free(&in);
  }
  replay_capture_free(&rc);
  return added;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static long load_file(fuzz_corpus *c, const char *path, char *err, size_t cap) {
  size_t n = strlen(path);
  if ((n > 5 && !strcmp(path + n - 5, ".case")) || (n > 6 && !strcmp(path + n - 6, ".cases")))
    return load_cases(c, path, err, cap);
  return load_capture(c, path, err, cap);
}

static long load_dir(fuzz_corpus *c, const char *path, char *err, size_t cap) {
  DIR *d = opendir(path);
  if (!d) {
    snprintf(err, cap, "%s: cannot open the directory", path);
    return -1;
  }
  char **names = NULL;
  size_t n = 0, ncap = 0;
  long added = 0;
  for (struct dirent *e = readdir(d); e; e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (n == ncap) {
      ncap = ncap ? ncap * 2 : 32;
      char **p = realloc(names, ncap * sizeof *p);
      if (!p) break;
      names = p;
    }
    size_t len = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(len);
    if (!names[n]) break;
    snprintf(names[n], len, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      char e2[256];
      long k = load_file(c, names[i], e2, sizeof e2);
      if (k > 0) added += k; /* files that are neither are passed over */
    }
    free(names[i]);
  }
  free(names);
  if (added == 0) {
    snprintf(err, cap, "%s: no case file or capture with HTTP/2 connections", path);
    return -1;
  }
  return added;
}

long fuzz_seeds_load(fuzz_corpus *c, const char *path, char *err, size_t cap) {
  struct stat st;
  if (stat(path, &st) != 0) {
    snprintf(err, cap, "%s: no such file or directory", path);
    return -1;
  }
  if (S_ISDIR(st.st_mode)) return load_dir(c, path, err, cap);
  long k = load_file(c, path, err, cap);
  if (k == 0) {
    snprintf(err, cap, "%s: no HTTP/2 connection to take seeds from", path);
    return -1;
  }
  return k;
}
