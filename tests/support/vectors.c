/* vectors.c — file, hex and JSON loading for the test suites (vectors.h). */
#include "vectors.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *vectors_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, r;
  char *buf = malloc(cap + 1);
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *b = realloc(buf, cap * 2 + 1);
      if (!b) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = b;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

uint8_t *vectors_hex_decode(const char *hex, size_t hex_len, size_t *out_len) {
  uint8_t *out = malloc(hex_len / 2 + 1);
  size_t n = 0;
  int hi = -1;
  if (!out) return NULL;
  for (size_t i = 0; i < hex_len; i++) {
    char c = hex[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    int v = hexval(c);
    if (v < 0) {
      free(out);
      return NULL;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0) {
    free(out);
    return NULL;
  }
  *out_len = n;
  return out;
}

json_doc *vectors_load_json(const char *path) {
  size_t len;
  char *text = vectors_read_file(path, &len);
  if (!text) {
    fprintf(stderr, "cannot read %s\n", path);
    return NULL;
  }
  char err[256];
  json_doc *d = json_parse(text, len, err, sizeof err);
  if (!d) fprintf(stderr, "%s: %s\n", path, err);
  free(text);
  return d;
}

/* ---- hpack-test-case stories ---- */

/* "headers": [{"name": "value"}, ...] → h2_header array. */
static bool story_headers(const json_value *hs, vectors_story_case *c) {
  if (!hs || hs->type != JSON_ARRAY) return false;
  c->headers = calloc(hs->count ? hs->count : 1, sizeof *c->headers);
  if (!c->headers) return false;
  for (const json_value *h = hs->first; h; h = h->next) {
    const json_value *kv = h->type == JSON_OBJECT && h->count == 1 ? h->first : NULL;
    if (!kv || kv->type != JSON_STRING) return false;
    c->headers[c->count++] = (h2_header){kv->key, kv->key_len, kv->str, kv->str_len, 0};
  }
  return true;
}

static bool story_case(const json_value *v, vectors_story_case *c) {
  const json_value *seqno = json_object_get(v, "seqno");
  const json_value *wire = json_object_get(v, "wire");
  const json_value *size = json_object_get(v, "header_table_size");
  c->seqno = seqno && seqno->type == JSON_NUMBER ? (int)seqno->number : -1;
  c->header_table_size = size && size->type == JSON_NUMBER ? (long)size->number : -1;
  if (wire) {
    if (wire->type != JSON_STRING) return false;
    c->wire = vectors_hex_decode(wire->str, wire->str_len, &c->wire_len);
    if (!c->wire) return false;
  }
  return story_headers(json_object_get(v, "headers"), c);
}

vectors_story *vectors_story_load(const char *path) {
  vectors_story *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->doc = vectors_load_json(path);
  const json_value *cases = s->doc ? json_object_get(json_doc_root(s->doc), "cases") : NULL;
  if (!cases || cases->type != JSON_ARRAY) {
    fprintf(stderr, "%s: not a story (no \"cases\" array)\n", path);
    vectors_story_free(s);
    return NULL;
  }
  s->cases = calloc(cases->count ? cases->count : 1, sizeof *s->cases);
  if (!s->cases) {
    vectors_story_free(s);
    return NULL;
  }
  for (const json_value *c = cases->first; c; c = c->next) {
    if (!story_case(c, &s->cases[s->count++])) {
      fprintf(stderr, "%s: case %zu is malformed\n", path, s->count - 1);
      vectors_story_free(s);
      return NULL;
    }
  }
  return s;
}

void vectors_story_free(vectors_story *s) {
  if (!s) return;
  for (size_t i = 0; i < s->count; i++) {
    free(s->cases[i].wire);
    free(s->cases[i].headers);
  }
  free(s->cases);
  json_doc_free(s->doc);
  free(s);
}

static int compare_paths(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char **vectors_list_stories(const char *dir, size_t *n) {
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) return NULL;
  char **paths = NULL;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (strncmp(e->d_name, "story_", 6) != 0 || len < 5 || strcmp(e->d_name + len - 5, ".json"))
      continue;
    char **grown = realloc(paths, (*n + 1) * sizeof *paths);
    size_t full = strlen(dir) + len + 2;
    char *p = malloc(full);
    if (!grown || !p) {
      free(p);
      paths = grown ? grown : paths;
      break;
    }
    paths = grown;
    snprintf(p, full, "%s/%s", dir, e->d_name);
    paths[(*n)++] = p;
  }
  closedir(d);
  if (paths) qsort(paths, *n, sizeof *paths, compare_paths);
  return paths;
}

void vectors_paths_free(char **paths, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(paths[i]);
  free(paths);
}
