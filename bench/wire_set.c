/* wire_set.c — building the benchmark's sets of HPACK blocks (wire_set.h):
 * growth, and encoding the generated corpus with libnghttp2's deflater. */
#include "wire_set.h"

#include <nghttp2/nghttp2.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

void wire_set_init(wire_set *w) { memset(w, 0, sizeof *w); }

void wire_set_free(wire_set *w) {
  free(w->bytes);
  free(w->blocks);
  free(w->table_size);
  memset(w, 0, sizeof *w);
}

int wire_set_set_contexts(wire_set *w, uint32_t contexts, uint32_t table_size) {
  uint32_t *t = realloc(w->table_size, contexts * sizeof *t);
  if (!t)
    return -1;
  for (uint32_t i = w->contexts; i < contexts; i++)
    t[i] = table_size;
  w->table_size = t;
  w->contexts = contexts;
  return 0;
}

int wire_set_add(wire_set *w, uint32_t context, const uint8_t *bytes, size_t len,
                 uint32_t header_count, size_t header_bytes) {
  if (w->len + len > w->cap) {
    size_t cap = w->cap ? w->cap : 65536;
    while (cap < w->len + len)
      cap *= 2;
    uint8_t *b = realloc(w->bytes, cap);
    if (!b)
      return -1;
    w->bytes = b;
    w->cap = cap;
  }
  if (w->count == w->blocks_cap) {
    size_t cap = w->blocks_cap ? w->blocks_cap * 2 : 1024;
    wire_block *b = realloc(w->blocks, cap * sizeof *b);
    if (!b)
      return -1;
    w->blocks = b;
    w->blocks_cap = cap;
  }
  memcpy(w->bytes + w->len, bytes, len);
  w->blocks[w->count++] =
      (wire_block){.off = w->len, .len = len, .context = context, .header_count = header_count};
  w->len += len;
  w->total_headers += header_count;
  w->total_header_bytes += header_bytes;
  return 0;
}

int wire_set_from_corpus_nghttp2(wire_set *w, const header_corpus *c, uint32_t table_size) {
  nghttp2_hd_deflater *deflaters[2] = {NULL, NULL};
  nghttp2_nv *nva = NULL;
  uint8_t *out = NULL;
  size_t out_cap = 0, nva_cap = 0;
  int rc = -1;
  uint32_t base = w->contexts;
  if (wire_set_set_contexts(w, base + 2, table_size) != 0)
    return -1;
  for (int i = 0; i < 2; i++)
    if (nghttp2_hd_deflate_new(&deflaters[i], table_size) != 0)
      goto out;
  for (size_t i = 0; i < c->lists; i++) {
    size_t n = header_corpus_list_len(c, i);
    const h2_header *list = &c->fields[c->first[i]];
    if (n > nva_cap) {
      nva_cap = n * 2;
      nghttp2_nv *p = realloc(nva, nva_cap * sizeof *p);
      if (!p)
        goto out;
      nva = p;
    }
    size_t bytes = 0;
    for (size_t k = 0; k < n; k++) {
      nva[k] = (nghttp2_nv){.name = (uint8_t *)(uintptr_t)list[k].name,
                            .value = (uint8_t *)(uintptr_t)list[k].value,
                            .namelen = list[k].name_len,
                            .valuelen = list[k].value_len,
                            .flags = NGHTTP2_NV_FLAG_NONE};
      bytes += list[k].name_len + list[k].value_len;
    }
    nghttp2_hd_deflater *d = deflaters[i % 2];
    size_t bound = nghttp2_hd_deflate_bound(d, nva, n);
    if (bound > out_cap) {
      out_cap = bound * 2;
      uint8_t *p = realloc(out, out_cap);
      if (!p)
        goto out;
      out = p;
    }
    ssize_t len = nghttp2_hd_deflate_hd(d, out, out_cap, nva, n);
    if (len < 0)
      goto out;
    if (wire_set_add(w, base + (uint32_t)(i % 2), out, (size_t)len, (uint32_t)n, bytes) != 0)
      goto out;
  }
  rc = 0;
out:
  for (int i = 0; i < 2; i++)
    if (deflaters[i])
      nghttp2_hd_deflate_del(deflaters[i]);
  free(nva);
  free(out);
  return rc;
}

/* ---- hpack-test-case stories ---- */
#include <dirent.h>
#include <stdio.h>

#include "json_read.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf)
    *len = (size_t)n;
  return buf;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int load_story(wire_set *w, const char *path) {
  size_t len;
  char *text = slurp(path, &len);
  if (!text)
    return -1;
  json_doc *doc = json_parse(text, len, NULL, 0);
  free(text);
  if (!doc)
    return -1;
  int rc = -1;
  uint32_t ctx = w->contexts;
  const json_value *cases = json_object_get(json_doc_root(doc), "cases");
  uint8_t *bytes = NULL;
  if (!cases || wire_set_set_contexts(w, ctx + 1, 4096) != 0)
    goto out;
  for (const json_value *c = cases->first; c; c = c->next) {
    const json_value *wire = json_object_get(c, "wire"), *hs = json_object_get(c, "headers");
    const json_value *size = json_object_get(c, "header_table_size");
    if (!wire || !hs || wire->str_len % 2)
      goto out;
    /* The decoder's limit must admit every size the story's encoder used. */
    if (size && (c == cases->first || (uint32_t)size->number > w->table_size[ctx]))
      w->table_size[ctx] = (uint32_t)size->number;
    free(bytes);
    bytes = malloc(wire->str_len / 2 + 1);
    if (!bytes)
      goto out;
    for (size_t i = 0; i < wire->str_len / 2; i++) {
      int hi = hexval(wire->str[2 * i]), lo = hexval(wire->str[2 * i + 1]);
      if (hi < 0 || lo < 0)
        goto out;
      bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    size_t header_bytes = 0;
    for (const json_value *h = hs->first; h; h = h->next)
      if (h->first)
        header_bytes += h->first->key_len + h->first->str_len;
    if (wire_set_add(w, ctx, bytes, wire->str_len / 2, (uint32_t)hs->count, header_bytes) != 0)
      goto out;
  }
  rc = 0;
out:
  free(bytes);
  json_doc_free(doc);
  return rc;
}

int wire_set_load_stories(wire_set *w, const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  int n = 0;
  struct dirent *e;
  char path[4096];
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, "story_", 6) != 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (load_story(w, path) != 0) {
      closedir(d);
      return -1;
    }
    n++;
  }
  closedir(d);
  return n;
}
