/* header_corpus.c — builds the realistic header lists of header_corpus.h from
 * a small fixed vocabulary and a xorshift PRNG (no libc rand: reproducible). */
#include "header_corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gen {
  header_corpus *c;
  uint64_t rng;
  int failed;
} gen;

static uint64_t next_rand(gen *g) {
  /* xorshift64* */
  g->rng ^= g->rng >> 12;
  g->rng ^= g->rng << 25;
  g->rng ^= g->rng >> 27;
  return g->rng * 2685821657736338717ULL;
}

static size_t pick(gen *g, size_t n) { return (size_t)(next_rand(g) % n); }

static const char *store(gen *g, const char *s, size_t len) {
  header_corpus *c = g->c;
  if (c->arena_len + len > c->arena_cap) {
    /* Fields keep pointers into the arena, so it never moves: it is sized up
     * front (see header_corpus_generate) and running out is a failure. */
    g->failed = 1;
    return "";
  }
  char *dst = c->arena + c->arena_len;
  memcpy(dst, s, len);
  c->arena_len += len;
  return dst;
}

static void add(gen *g, const char *name, const char *value, size_t value_len) {
  header_corpus *c = g->c;
  if (g->failed)
    return;
  if (c->field_count == c->fields_cap) {
    size_t cap = c->fields_cap ? c->fields_cap * 2 : 1024;
    h2_header *f = realloc(c->fields, cap * sizeof *f);
    if (!f) {
      g->failed = 1;
      return;
    }
    c->fields = f;
    c->fields_cap = cap;
  }
  h2_header *h = &c->fields[c->field_count++];
  size_t name_len = strlen(name);
  h->name = store(g, name, name_len);
  h->name_len = name_len;
  h->value = store(g, value, value_len);
  h->value_len = value_len;
  h->flags = 0;
}

static void add_str(gen *g, const char *name, const char *value) {
  add(g, name, value, strlen(value));
}

static void add_fmt(gen *g, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static void add_fmt(gen *g, const char *name, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0)
    n = 0;
  if ((size_t)n >= sizeof buf)
    n = (int)sizeof buf - 1;
  add(g, name, buf, (size_t)n);
}

static const char *const hosts[] = {"www.example.com", "static.example-cdn.net",
                                    "api.shop.example.org", "images.example.com"};
static const char *const agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "okhttp/4.12.0", "curl/8.5.0"};
static const char *const dirs[] = {"/assets/js", "/assets/css", "/img/products", "/api/v2/items",
                                   "/api/v2/cart", "/search", "/static/fonts", "/user/profile"};
static const char *const exts[] = {".js", ".css", ".webp", "", ".json", ".woff2", ".png", ".html"};
static const char *const accepts[] = {
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "*/*", "application/json", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
    "text/css,*/*;q=0.1"};
static const char *const ctypes[] = {"text/html; charset=utf-8", "application/javascript",
                                     "text/css", "image/webp", "application/json",
                                     "font/woff2", "image/png"};
static const char *const servers[] = {"nginx/1.22.1", "h2o/2.2.6", "cloudflare", "Apache"};
static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void gen_request(gen *g, size_t i, unsigned client) {
  unsigned h = (unsigned)pick(g, 4);
  size_t d = pick(g, 8);
  add_str(g, ":method", pick(g, 10) == 0 ? "POST" : "GET");
  add_str(g, ":scheme", "https");
  add_str(g, ":authority", hosts[h]);
  if (d >= 3 && d <= 5)
    add_fmt(g, ":path", "%s/%llu%s?session=%016llx&page=%u", dirs[d],
            (unsigned long long)next_rand(g) % 100000, exts[d],
            (unsigned long long)next_rand(g), (unsigned)pick(g, 50));
  else
    add_fmt(g, ":path", "%s/%08llx%s", dirs[d], (unsigned long long)(next_rand(g) & 0xffffffffu),
            exts[d]);
  add_str(g, "user-agent", agents[client % 6]);
  add_str(g, "accept", accepts[pick(g, 5)]);
  add_str(g, "accept-encoding", "gzip, deflate, br, zstd");
  add_str(g, "accept-language", client % 2 ? "en-US,en;q=0.9" : "de-DE,de;q=0.9,en;q=0.8");
  if (pick(g, 3) != 0)
    add_fmt(g, "referer", "https://%s%s/", hosts[h], dirs[pick(g, 8)]);
  /* Session cookie stable per client, tracking cookie changing sometimes. */
  add_fmt(g, "cookie", "sid=%08x%08x; _ga=GA1.2.%u.%u; theme=dark", client * 2654435761u,
          client * 40503u + 17, client * 7919u, (unsigned)(i / 50));
  if (pick(g, 4) == 0)
    add_fmt(g, "if-none-match", "\"%llx-%x\"", (unsigned long long)next_rand(g) & 0xffffffffff,
            (unsigned)pick(g, 4096));
  if (d >= 3 && d <= 4) {
    add_fmt(g, "authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.%016llx%016llx.sig%u",
            (unsigned long long)client * 0x9e3779b97f4a7c15ULL, (unsigned long long)client,
            client);
    add_fmt(g, "x-request-id", "%08llx-%04x-%04x-%04x-%012llx",
            (unsigned long long)(next_rand(g) & 0xffffffff), (unsigned)pick(g, 65536),
            (unsigned)pick(g, 65536), (unsigned)pick(g, 65536),
            (unsigned long long)(next_rand(g) & 0xffffffffffffULL));
  }
  add_str(g, "sec-fetch-mode", pick(g, 2) ? "cors" : "no-cors");
  add_str(g, "sec-fetch-site", "same-origin");
}

static void gen_response(gen *g, size_t i) {
  size_t t = pick(g, 7);
  unsigned status = pick(g, 8) == 0 ? 304 : (pick(g, 30) == 0 ? 404 : 200);
  add_fmt(g, ":status", "%u", status);
  add_fmt(g, "date", "%s, %02u %s 2026 %02u:%02u:%02u GMT", days[(i / 86400) % 7],
          (unsigned)(1 + (i / 100000) % 28), months[(i / 3000000) % 12],
          (unsigned)((i / 3600) % 24), (unsigned)((i / 60) % 60), (unsigned)(i % 60));
  add_str(g, "server", servers[(i / 1000) % 4]);
  if (status != 304) {
    add_str(g, "content-type", ctypes[t]);
    add_fmt(g, "content-length", "%u", (unsigned)(100 + pick(g, 200000)));
  }
  add_fmt(g, "etag", "\"%llx-%x\"", (unsigned long long)next_rand(g) & 0xffffffffff,
          (unsigned)pick(g, 4096));
  add_str(g, "cache-control", t == 4 ? "no-store, max-age=0" : "public, max-age=31536000");
  if (t == 4) {
    add_str(g, "vary", "Accept-Encoding, Authorization");
    add_fmt(g, "x-request-id", "%016llx", (unsigned long long)next_rand(g));
    if (pick(g, 5) == 0)
      add_fmt(g, "set-cookie", "sid=%016llx; Path=/; Secure; HttpOnly; SameSite=Lax",
              (unsigned long long)next_rand(g));
  } else {
    add_fmt(g, "last-modified", "Tue, %02u Oct 2026 08:%02u:00 GMT", (unsigned)(1 + pick(g, 28)),
            (unsigned)pick(g, 60));
    add_str(g, "accept-ranges", "bytes");
  }
  add_str(g, "strict-transport-security", "max-age=63072000; includeSubDomains; preload");
  add_str(g, "alt-svc", "h3=\":443\"; ma=86400");
}

int header_corpus_generate(header_corpus *c, size_t lists, uint64_t seed) {
  memset(c, 0, sizeof *c);
  c->arena_cap = lists * 1536 + 4096; /* a list stays well under 1.5 KiB of text */
  c->arena = malloc(c->arena_cap);
  c->first = malloc((lists + 1) * sizeof *c->first);
  if (!c->arena || !c->first) {
    header_corpus_free(c);
    return -1;
  }
  gen g = {.c = c, .rng = seed ? seed : 88172645463325252ULL};
  for (size_t i = 0; i < lists; i++) {
    c->first[i] = c->field_count;
    if (i % 2 == 0)
      gen_request(&g, i, (unsigned)((i / 2) % 37));
    else
      gen_response(&g, i);
  }
  c->first[lists] = c->field_count;
  c->lists = lists;
  if (g.failed) {
    header_corpus_free(c);
    return -1;
  }
  return 0;
}

void header_corpus_free(header_corpus *c) {
  free(c->fields);
  free(c->first);
  free(c->arena);
  memset(c, 0, sizeof *c);
}
