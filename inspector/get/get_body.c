/* get_body.c — ordered output of `get`'s responses, later ones held back in
 * memory or a temporary file until their turn (get_body.h). */
#include "get_body.h"

#include "h2/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct held {
  h2_buf mem; /* the first bytes, up to GET_BODY_MEM_MAX */
  FILE *file; /* everything, once past GET_BODY_MEM_MAX (unlinked) */
  bool ended;
} held;

struct get_body {
  out_buf *out;
  held *h;
  size_t n;
  size_t turn; /* the response written straight to out */
};

get_body *get_body_new(size_t n, out_buf *out) {
  get_body *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->h = calloc(n ? n : 1, sizeof *b->h);
  if (!b->h) {
    free(b);
    return NULL;
  }
  for (size_t i = 0; i < n; i++)
    h2_buf_init(&b->h[i].mem, GET_BODY_MEM_MAX);
  b->n = n;
  b->out = out;
  return b;
}

static void held_release(held *h) {
  h2_buf_free(&h->mem);
  if (h->file) fclose(h->file);
  h->file = NULL;
}

void get_body_free(get_body *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n; i++)
    held_release(&b->h[i]);
  free(b->h);
  free(b);
}

static bool out_ok(get_body *b) {
  if (!b->out->failed) return true;
  fputs("h2scope get: cannot write the output\n", stderr);
  return false;
}

/* An unlinked file under $TMPDIR (else /tmp): gone with get, however it
 * ends. */
static FILE *spill_file(void) {
  const char *dir = getenv("TMPDIR");
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/h2scope-get-XXXXXX", dir && *dir ? dir : "/tmp");
  if (n < 0 || (size_t)n >= sizeof path) {
    errno = ENAMETOOLONG;
    return NULL;
  }
  int fd = mkstemp(path);
  if (fd < 0) return NULL;
  unlink(path);
  FILE *f = fdopen(fd, "w+b");
  if (!f) close(fd);
  return f;
}

static bool hold(held *h, const void *p, size_t len) {
  if (!h->file && h->mem.len + len <= h->mem.limit) {
    if (h2_buf_put(&h->mem, p, len)) return true;
    fputs("h2scope get: out of memory holding back a response\n", stderr);
    return false;
  }
  if (!h->file) { /* moves to a file: the memory part first */
    h->file = spill_file();
    if (!h->file || (h->mem.len && fwrite(h->mem.p, 1, h->mem.len, h->file) != h->mem.len)) {
      fprintf(stderr, "h2scope get: cannot hold back a response in a temporary file: %s\n",
              strerror(errno));
      return false;
    }
    h2_buf_free(&h->mem);
  }
  if (fwrite(p, 1, len, h->file) != len) {
    fprintf(stderr, "h2scope get: cannot hold back a response in a temporary file: %s\n",
            strerror(errno));
    return false;
  }
  return true;
}

/* Writes what response i held back, then forgets it. */
static bool release_to_out(get_body *b, held *h) {
  bool ok = true;
  if (h->mem.len) out_write(b->out, h->mem.p, h->mem.len);
  if (h->file) {
    uint8_t chunk[16384];
    size_t n;
    ok = fflush(h->file) == 0 && fseek(h->file, 0, SEEK_SET) == 0;
    while (ok && (n = fread(chunk, 1, sizeof chunk, h->file)) > 0)
      out_write(b->out, chunk, n);
    if (!ok || ferror(h->file)) {
      fprintf(stderr, "h2scope get: cannot read back a held response: %s\n", strerror(errno));
      ok = false;
    }
  }
  held_release(h);
  return ok && out_ok(b);
}

bool get_body_write(get_body *b, size_t i, const void *p, size_t len) {
  if (i >= b->n || len == 0) return true;
  if (i != b->turn) return hold(&b->h[i], p, len);
  out_write(b->out, p, len);
  return out_ok(b);
}

bool get_body_flush(get_body *b) {
  out_flush(b->out);
  return out_ok(b);
}

bool get_body_end(get_body *b, size_t i) {
  if (i >= b->n || b->h[i].ended) return true;
  b->h[i].ended = true;
  bool ok = true;
  /* The turn passes over every response already complete; the first one
   * still running gets its held bytes out and is written straight after. */
  while (b->turn < b->n && b->h[b->turn].ended) {
    b->turn++;
    if (b->turn < b->n) ok = release_to_out(b, &b->h[b->turn]) && ok;
  }
  return ok;
}
