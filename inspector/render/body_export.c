/* body_export.c — bodies streamed into files (body_export.h). */
#include "body_export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct body_export {
  int dirfd;
  bool raw;
  char dir[512];
  uint64_t files, failures;
};

typedef struct export_side {
  int fd; /* -1: not created yet, or failed */
  bool failed;
} export_side;

/* mkdir -p: each missing component, mode 0700. */
static int make_dirs(const char *path) {
  char buf[512];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return ENAMETOOLONG;
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char keep = *p;
      *p = '\0';
      if (mkdir(buf, 0700) != 0 && errno != EEXIST) return errno;
      *p = keep;
      if (!keep) break;
    }
  }
  return 0;
}

body_export *body_export_open(const char *dir, bool raw, char *err, size_t errcap) {
  int rc = make_dirs(dir);
  if (rc) {
    snprintf(err, errcap, "cannot create %s: %s", dir, strerror(rc));
    return NULL;
  }
  body_export *e = calloc(1, sizeof *e);
  if (!e) {
    snprintf(err, errcap, "out of memory");
    return NULL;
  }
  e->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (e->dirfd < 0) {
    snprintf(err, errcap, "cannot open %s: %s", dir, strerror(errno));
    free(e);
    return NULL;
  }
  e->raw = raw;
  snprintf(e->dir, sizeof e->dir, "%s", dir);
  return e;
}

static void side_create(body_export *e, export_side *s, const exchange *x, int side) {
  if (s->fd >= 0 || s->failed) return;
  char name[64];
  snprintf(name, sizeof name, "%u-%u-%s", x->conn, x->stream,
           side == EXCHANGE_REQUEST ? "request" : "response");
  s->fd = openat(e->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (s->fd < 0) {
    s->failed = true;
    __atomic_add_fetch(&e->failures, 1, __ATOMIC_RELAXED);
    fprintf(stderr, "h2scope read: --export: cannot create %s/%s: %s%s\n", e->dir, name,
            strerror(errno), errno == EEXIST ? " (not overwritten)" : "");
    return;
  }
  __atomic_add_fetch(&e->files, 1, __ATOMIC_RELAXED);
}

static unsigned ex_open(void *user, const exchange *x, int side, void **state) {
  body_export *e = user;
  (void)x, (void)side;
  export_side *s = calloc(1, sizeof *s);
  if (!s) return 0;
  s->fd = -1;
  *state = s;
  return e->raw ? BODY_WANT_RAW : BODY_WANT_DECODED;
}

static void ex_chunk(void *user, void *state, const exchange *x, int side, bool decoded,
                     const uint8_t *p, size_t n, uint64_t offset) {
  body_export *e = user;
  export_side *s = state;
  (void)decoded, (void)offset;
  side_create(e, s, x, side);
  while (s->fd >= 0 && n) {
    ssize_t w = write(s->fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      fprintf(stderr, "h2scope read: --export: writing %s/%u-%u-%s failed: %s\n", e->dir,
              x->conn, x->stream, side == EXCHANGE_REQUEST ? "request" : "response",
              strerror(errno));
      __atomic_add_fetch(&e->failures, 1, __ATOMIC_RELAXED);
      close(s->fd);
      s->fd = -1;
      s->failed = true;
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

static void ex_end(void *user, void *state, const exchange *x, int side) {
  body_export *e = user;
  export_side *s = state;
  /* An empty body that had DATA frames (an END_STREAM DATA of length 0)
   * still gets its (empty) file. */
  if (x->body[side].data_frames) side_create(e, s, x, side);
  if (s->fd >= 0 && close(s->fd) != 0) __atomic_add_fetch(&e->failures, 1, __ATOMIC_RELAXED);
  free(s);
}

body_consumer body_export_consumer(body_export *e) {
  return (body_consumer){.open = ex_open, .chunk = ex_chunk, .end = ex_end, .user = e};
}

uint64_t body_export_files(const body_export *e) {
  return __atomic_load_n(&e->files, __ATOMIC_RELAXED);
}
uint64_t body_export_failures(const body_export *e) {
  return __atomic_load_n(&e->failures, __ATOMIC_RELAXED);
}

void body_export_close(body_export *e) {
  if (!e) return;
  close(e->dirfd);
  free(e);
}
