/* serve_files.c — resolving a request path to a regular file inside
 * `serve --dir`, one component at a time with openat(O_NOFOLLOW), so that
 * neither "..", a symbolic link nor a rename race can lead outside it. */
#include "serve_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer and
 * block the whole server; fstat then refuses anything not regular. */
#define SERVE_OPEN_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

int serve_dir_open(const char *dir) {
  return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static const char *content_type(const char *name, size_t len) {
  static const struct {
    const char *ext, *type;
  } types[] = {{".html", "text/html"}, {".txt", "text/plain"},     {".json", "application/json"},
               {".css", "text/css"},   {".js", "text/javascript"}, {".png", "image/png"}};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    size_t el = strlen(types[i].ext);
    if (len > el && !memcmp(name + len - el, types[i].ext, el)) return types[i].type;
  }
  return "application/octet-stream";
}

/* Opens name (len bytes, no '/') under at; -1 when it is missing, a symbolic
 * link, too long or otherwise unusable. */
static int open_component(int at, const char *name, size_t len, int flags) {
  char comp[256];
  if (len >= sizeof comp) return -1;
  memcpy(comp, name, len);
  comp[len] = 0;
  return openat(at, comp, flags);
}

static void fail(serve_file *out, int status) {
  if (out->fd >= 0) close(out->fd);
  out->fd = -1;
  out->status = status;
}

void serve_file_open(int dirfd, const char *path, serve_file *out) {
  *out = (serve_file){.status = 404, .fd = -1, .ctype = "application/octet-stream"};
  size_t plen = strcspn(path, "?#");
  if (plen == 0 || path[0] != '/') {
    fail(out, 400);
    return;
  }
  if (plen > SERVE_PATH_MAX) {
    fail(out, 414);
    return;
  }
  const char *name = "", *p = path, *end = path + plen;
  size_t name_len = 0;
  int cur = -1; /* the directory reached so far (-1: dirfd) */
  while (p < end) {
    while (p < end && *p == '/')
      p++;
    if (p == end) break;
    const char *seg = p;
    while (p < end && *p != '/')
      p++;
    size_t sl = (size_t)(p - seg);
    /* "." and ".." (RFC 3986 §3.3 dot-segments) are refused outright; other
     * names starting with '.' (.git, .htpasswd, .env) are not served. */
    if (seg[0] == '.') {
      if (cur >= 0) close(cur);
      fail(out, (sl == 1 || (sl == 2 && seg[1] == '.')) ? 400 : 404);
      return;
    }
    /* a name followed by '/' must be a directory ("/a.txt/" is not a.txt) */
    bool dir = p < end;
    int fd = open_component(cur >= 0 ? cur : dirfd, seg, sl,
                            dir ? SERVE_OPEN_FLAGS | O_DIRECTORY : SERVE_OPEN_FLAGS);
    int err = errno;
    if (cur >= 0) close(cur);
    if (fd < 0) {
      fail(out, err == EMFILE || err == ENFILE ? 503 : 404);
      return;
    }
    cur = fd;
    name = seg;
    name_len = sl;
  }
  struct stat st;
  if (cur < 0) cur = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cur < 0) {
    fail(out, errno == EMFILE || errno == ENFILE ? 503 : 404);
    return;
  }
  out->fd = cur;
  if (fstat(cur, &st) != 0) {
    fail(out, 404);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    /* A directory stands for its index.html (as nghttpd and most servers do). */
    int fd = openat(cur, "index.html", SERVE_OPEN_FLAGS);
    int err = errno;
    close(cur);
    out->fd = fd;
    if (fd < 0) {
      fail(out, err == EMFILE || err == ENFILE ? 503 : 404);
      return;
    }
    if (fstat(fd, &st) != 0) {
      fail(out, 404);
      return;
    }
    name = "index.html";
    name_len = strlen(name);
  }
  if (!S_ISREG(st.st_mode)) {
    fail(out, 404);
    return;
  }
  out->status = 200;
  out->st = st;
  out->size = (uint64_t)st.st_size;
  out->ctype = content_type(name, name_len);
}
