/* serve_cache.c — the byte-bounded cache of small files for `serve --dir`
 * (see serve_cache.h): lookup by file identity, fill with pread, LRU
 * eviction of entries no response references. */
#include "serve_cache.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void serve_cache_init(serve_cache *c, size_t max_bytes) {
  memset(c, 0, sizeof *c);
  c->max_bytes = max_bytes;
}

void serve_cache_free(serve_cache *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->entries[i]->data);
    free(c->entries[i]);
  }
  free(c->entries);
  memset(c, 0, sizeof *c);
}

static bool same_time(const struct timespec *a, const struct timespec *b) {
  return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* A file rewritten in place keeps its inode: size, mtime and ctime tell. */
static bool same_file(const serve_cached *e, const struct stat *st) {
  return e->dev == st->st_dev && e->ino == st->st_ino && e->size == (uint64_t)st->st_size &&
         same_time(&e->mtime, &st->st_mtim) && same_time(&e->ctime, &st->st_ctim);
}

static void drop(serve_cache *c, size_t i) {
  c->bytes -= c->entries[i]->size;
  free(c->entries[i]->data);
  free(c->entries[i]);
  c->entries[i] = c->entries[--c->n];
}

/* Evicts unreferenced entries, least recently used first, until need more
 * bytes and one more slot fit; false when the referenced ones leave no room.
 * Stale entries (the file changed) go the same way once unreferenced. */
static bool make_room(serve_cache *c, size_t need) {
  while (c->bytes + need > c->max_bytes || c->n == SERVE_CACHE_ENTRIES) {
    size_t lru = SIZE_MAX;
    for (size_t i = 0; i < c->n; i++)
      if (!c->entries[i]->refs &&
          (lru == SIZE_MAX || c->entries[i]->last_used < c->entries[lru]->last_used))
        lru = i;
    if (lru == SIZE_MAX) return false;
    drop(c, lru);
  }
  return true;
}

serve_cached *serve_cache_get(serve_cache *c, int fd, const struct stat *st) {
  c->clock++;
  for (size_t i = 0; i < c->n; i++) {
    serve_cached *e = c->entries[i];
    if (same_file(e, st)) {
      e->refs++;
      e->last_used = c->clock;
      return e;
    }
  }
  size_t size = (size_t)st->st_size;
  if (st->st_size < 0 || (uint64_t)st->st_size > SERVE_CACHE_FILE_MAX || size > c->max_bytes)
    return NULL;
  if (!c->entries && !(c->entries = calloc(SERVE_CACHE_ENTRIES, sizeof *c->entries))) return NULL;
  if (!make_room(c, size)) return NULL;
  uint8_t *data = malloc(size ? size : 1);
  serve_cached *e = malloc(sizeof *e);
  if (!data || !e) {
    free(data);
    free(e);
    return NULL;
  }
  size_t got = 0;
  while (got < size) {
    ssize_t r = pread(fd, data + got, size - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (got != size) { /* shrank meanwhile: not cached, the stream path decides */
    free(data);
    free(e);
    return NULL;
  }
  c->entries[c->n++] = e;
  *e = (serve_cached){.dev = st->st_dev,
                      .ino = st->st_ino,
                      .size = size,
                      .mtime = st->st_mtim,
                      .ctime = st->st_ctim,
                      .data = data,
                      .refs = 1,
                      .last_used = c->clock};
  c->bytes += size;
  return e;
}

void serve_cache_put(serve_cached *e) {
  if (e && e->refs) e->refs--;
}
