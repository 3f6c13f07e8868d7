/* serve_cache.h — small files of `serve --dir` kept in memory, keyed on what
 * the file is (device, inode, size, modification time), not on the path
 * that named it: 70 spellings of one file share one entry. Bounded by
 * bytes; entries no response uses are evicted, least recently used first. */
#ifndef H2SCOPE_SERVE_CACHE_H
#define H2SCOPE_SERVE_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define SERVE_CACHE_FILE_MAX (1u << 20) /* larger files are streamed */
#define SERVE_CACHE_BYTES (32u << 20)   /* all entries together */
#define SERVE_CACHE_ENTRIES 256u

typedef struct serve_cached {
  dev_t dev;
  ino_t ino;
  uint64_t size;
  struct timespec mtime, ctime;
  uint8_t *data;
  uint32_t refs;      /* responses using data */
  uint64_t last_used; /* the cache's clock at the last lookup */
} serve_cached;

typedef struct serve_cache {
  serve_cached **entries; /* SERVE_CACHE_ENTRIES slots, allocated on first use; each entry
                            stays where it is while referenced */
  size_t n;
  size_t bytes, max_bytes;
  uint64_t clock;
} serve_cache;

void serve_cache_init(serve_cache *c, size_t max_bytes);
void serve_cache_free(serve_cache *c);

/* The contents of the open file fd (st from fstat(fd)), with a reference
 * the caller gives back with serve_cache_put; NULL when the file is too
 * large, does not fit beside the entries in use, memory is short or the
 * file did not read back whole (it is then streamed instead). */
serve_cached *serve_cache_get(serve_cache *c, int fd, const struct stat *st);
void serve_cache_put(serve_cached *e);

#endif
