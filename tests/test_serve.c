/* test_serve.c — `serve`'s socket-free pieces: sniffing an h2c client's
 * first bytes (preface, HTTP/1.1, invalid preface: RFC 9113 §3.4), the
 * Upgrade request (RFC 7540 §3.2), the timeouts and eviction order against
 * slowloris (closing connections first), fitting --max-conns into the
 * open-file limit, and mapping :path to files under --dir (dotfiles,
 * dot-segments, symbolic links, FIFOs, directories and index.html, long
 * paths), and the small-file cache (keyed on the file, not its path;
 * bounded by bytes). */
#include <check.h>

#include "run_suite.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h2/frame.h"
#include "serve_cache.h"
#include "serve_files.h"
#include "serve_limits.h"
#include "serve_preface.h"

static int sniff_str(const char *s, size_t *head_len) {
  return serve_sniff((const uint8_t *)s, strlen(s), head_len);
}

START_TEST(sniff_preface_and_http1) {
  size_t hl;
  ck_assert_int_eq(sniff_str("PRI * HTTP/2.0\r\n", &hl), SERVE_SNIFF_MORE);
  ck_assert_int_eq(sniff_str(H2_PREFACE, &hl), SERVE_SNIFF_PREFACE);
  ck_assert_int_eq(sniff_str("GET /x HTTP/1.1\r\nHost: a\r\n", &hl), SERVE_SNIFF_MORE);
  const char *req = "GET /x HTTP/1.1\r\nHost: a\r\n\r\nPRI";
  ck_assert_int_eq(sniff_str(req, &hl), SERVE_SNIFF_HTTP1);
  ck_assert_uint_eq(hl, strlen(req) - 3);
  ck_assert_int_eq(sniff_str("HEAD / HTTP/1.0\r\n\r\n", &hl), SERVE_SNIFF_HTTP1);
  ck_assert_int_eq(sniff_str("G", &hl), SERVE_SNIFF_MORE);
  ck_assert_int_eq(sniff_str("GET /index.ht", &hl), SERVE_SNIFF_MORE);
}
END_TEST

/* §3.4: what is neither the preface nor HTTP/1.x is decided as soon as it
 * cannot become either, and answered with GOAWAY PROTOCOL_ERROR (h2spec
 * 3.5 #2 sends "PRI * HTTP/2.0\r\n\r\nXX" style garbage). */
START_TEST(sniff_invalid_preface) {
  size_t hl;
  ck_assert_int_eq(sniff_str("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n", &hl), SERVE_SNIFF_INVALID);
  ck_assert_int_eq(sniff_str("INVALID CONNECTION PREFACE\r\n\r\n", &hl), SERVE_SNIFF_INVALID);
  ck_assert_int_eq(sniff_str("GET / HTTP/2.0\r\n\r\n", &hl), SERVE_SNIFF_INVALID);
  ck_assert_int_eq(sniff_str("\x16\x03\x01\x02", &hl), SERVE_SNIFF_INVALID); /* a TLS hello */
  ck_assert_int_eq(sniff_str(" GET", &hl), SERVE_SNIFF_INVALID);
  ck_assert_int_eq(sniff_str("GET  / HTTP/1.1", &hl), SERVE_SNIFF_INVALID);
  ck_assert_int_eq(sniff_str("AVERYLONGMETHODNAME / HTTP/1.1", &hl), SERVE_SNIFF_INVALID);
}
END_TEST

START_TEST(sniff_head_too_long) {
  static char big[SERVE_HEAD_MAX + 1];
  const char *line = "GET / HTTP/1.1\r\n";
  memset(big, 'a', sizeof big - 1);
  memcpy(big, line, strlen(line));
  memcpy(big + strlen(line), "X: ", 3);
  size_t hl;
  ck_assert_int_eq(serve_sniff((const uint8_t *)big, SERVE_HEAD_MAX - 1, &hl), SERVE_SNIFF_MORE);
  ck_assert_int_eq(serve_sniff((const uint8_t *)big, SERVE_HEAD_MAX, &hl), SERVE_SNIFF_TOO_LONG);
}
END_TEST

START_TEST(upgrade_request) {
  serve_upgrade u;
  /* HTTP2-Settings: SETTINGS_MAX_CONCURRENT_STREAMS = 100, base64url */
  const char *ok = "GET /a?b HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                   "upgrade:  h2c \r\nHTTP2-Settings: AAMAAABk\r\n\r\n";
  ck_assert_int_eq(serve_upgrade_parse(ok, strlen(ok), &u), 0);
  ck_assert_str_eq(u.method, "GET");
  ck_assert_uint_eq(u.target_len, 4);
  ck_assert(!memcmp(u.target, "/a?b", 4));
  ck_assert_uint_eq(u.settings_len, 6);
  ck_assert_uint_eq(u.settings[5], 100);
  const char *plain = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ck_assert_int_eq(serve_upgrade_parse(plain, strlen(plain), &u), 505);
  const char *bad = "GET / HTTP/1.1\r\nUpgrade: h2c\r\nHTTP2-Settings: AA*A\r\n\r\n";
  ck_assert_int_eq(serve_upgrade_parse(bad, strlen(bad), &u), 400);
}
END_TEST

/* Slowloris: the handshake and preface deadlines count from the phase's
 * start, so bytes trickled now and then do not extend them; the idle one
 * counts from the last byte. */
START_TEST(timeouts_per_phase) {
  serve_limits l;
  serve_limits_init(&l);
  l.idle_timeout_ms = 60000;
  l.preface_timeout_ms = 5000;
  l.handshake_timeout_ms = 3000;
  serve_timing t = {.phase = SERVE_PHASE_HANDSHAKE, .phase_start_ms = 1000, .last_active_ms = 3900};
  ck_assert_uint_eq(serve_expiry(&l, &t), 4000);
  t.phase = SERVE_PHASE_PREFACE;
  ck_assert_uint_eq(serve_expiry(&l, &t), 6000);
  t.phase = SERVE_PHASE_H2;
  ck_assert_uint_eq(serve_expiry(&l, &t), 63900);
  l.preface_timeout_ms = 100000; /* the idle timeout still applies before the preface */
  t.phase = SERVE_PHASE_PREFACE;
  ck_assert_uint_eq(serve_expiry(&l, &t), 63900);
  /* closing: SERVE_LINGER_MS from the start of the phase, bytes read do not
   * extend it */
  t.phase = SERVE_PHASE_LINGER;
  ck_assert_uint_eq(serve_expiry(&l, &t), 1000 + SERVE_LINGER_MS);
}
END_TEST

START_TEST(eviction_order) {
  serve_timing half_open = {.phase = SERVE_PHASE_PREFACE, .last_active_ms = 900};
  serve_timing tls_new = {.phase = SERVE_PHASE_HANDSHAKE, .last_active_ms = 500};
  serve_timing idle_old = {.phase = SERVE_PHASE_H2, .last_active_ms = 10};
  serve_timing idle_new = {.phase = SERVE_PHASE_H2, .last_active_ms = 800};
  serve_timing busy_old = {.phase = SERVE_PHASE_H2, .busy = true, .last_active_ms = 1};
  serve_timing closing = {.phase = SERVE_PHASE_LINGER, .last_active_ms = 1000};
  /* a closing connection makes room first, however recently it was active */
  ck_assert(serve_evict_before(&closing, &tls_new));
  ck_assert(serve_evict_before(&closing, &idle_old));
  ck_assert(!serve_evict_before(&tls_new, &closing));
  ck_assert(serve_evict_before(&half_open, &idle_old));
  ck_assert(serve_evict_before(&tls_new, &half_open));
  ck_assert(!serve_evict_before(&half_open, &tls_new));
  ck_assert(serve_evict_before(&idle_old, &idle_new));
  ck_assert(!serve_evict_before(&idle_new, &idle_old));
  ck_assert(serve_evict_before(&idle_new, &busy_old));
  ck_assert(!serve_evict_before(&busy_old, &half_open));
}
END_TEST

START_TEST(fd_limit_fit) {
  uint64_t soft;
  /* room already */
  ck_assert_uint_eq(serve_fit_fd_limit(100, 4096, 4096, &soft), 100);
  ck_assert_uint_eq(soft, 4096);
  /* the usual 1024/1048576: the soft limit is raised, nothing lowered */
  ck_assert_uint_eq(serve_fit_fd_limit(1024, 1024, 1048576, &soft), 1024);
  ck_assert_uint_eq(soft, 1024 + SERVE_FD_RESERVE);
  ck_assert_uint_eq(serve_fit_fd_limit(1024, 1024, UINT64_MAX, &soft), 1024);
  /* ulimit -n 200: lowered to what fits beside the reserve */
  ck_assert_uint_eq(serve_fit_fd_limit(1024, 200, 200, &soft), 200 - SERVE_FD_RESERVE);
  ck_assert_uint_eq(soft, 200);
  ck_assert_uint_eq(serve_fit_fd_limit(1024, 100, 300, &soft), 300 - SERVE_FD_RESERVE);
  ck_assert_uint_eq(soft, 300);
  ck_assert_uint_eq(serve_fit_fd_limit(10, SERVE_FD_RESERVE, SERVE_FD_RESERVE, &soft), 0);
}
END_TEST

/* ---- --dir ---- */

static char root[64], outside[64];

static void write_file(const char *dir, const char *name, const char *text) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static void make_tree(void) {
  snprintf(root, sizeof root, "/tmp/h2serve-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(root));
  snprintf(outside, sizeof outside, "/tmp/h2serve-out-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(outside));
  char p[256];
  write_file(root, "a.txt", "hello");
  write_file(root, "index.html", "<p>home</p>");
  write_file(root, ".env", "SECRET=1");
  write_file(outside, "secret.txt", "outside");
  snprintf(p, sizeof p, "%s/sub", root);
  ck_assert_int_eq(mkdir(p, 0755), 0);
  write_file(p, "b.json", "{}");
  snprintf(p, sizeof p, "%s/empty", root);
  ck_assert_int_eq(mkdir(p, 0755), 0);
  snprintf(p, sizeof p, "%s/fifo", root);
  ck_assert_int_eq(mkfifo(p, 0644), 0);
  char target[256];
  snprintf(target, sizeof target, "%s/secret.txt", outside);
  snprintf(p, sizeof p, "%s/link", root);
  ck_assert_int_eq(symlink(target, p), 0);
  snprintf(p, sizeof p, "%s/outdir", root);
  ck_assert_int_eq(symlink(outside, p), 0);
  snprintf(p, sizeof p, "%s/inlink", root);
  ck_assert_int_eq(symlink("a.txt", p), 0);
}

static void remove_tree(void) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, outside);
  ck_assert_int_eq(system(cmd), 0);
}

/* The status serve_file_open gives path (and the file's size when 200). */
static int lookup(int dirfd, const char *path, uint64_t *size, const char **ctype) {
  serve_file f;
  serve_file_open(dirfd, path, &f);
  if (f.status == 200) {
    ck_assert_int_ge(f.fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(f.fd, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    close(f.fd);
  } else {
    ck_assert_int_eq(f.fd, -1);
  }
  if (size) *size = f.size;
  if (ctype) *ctype = f.ctype;
  return f.status;
}

START_TEST(files_inside_the_directory) {
  make_tree();
  int d = serve_dir_open(root);
  ck_assert_int_ge(d, 0);
  uint64_t size;
  const char *ct;
  ck_assert_int_eq(lookup(d, "/a.txt", &size, &ct), 200);
  ck_assert_uint_eq(size, 5);
  ck_assert_str_eq(ct, "text/plain");
  ck_assert_int_eq(lookup(d, "/a.txt?x=/../.env#f", NULL, NULL), 200);
  ck_assert_int_eq(lookup(d, "//sub///b.json", NULL, &ct), 200);
  ck_assert_str_eq(ct, "application/json");
  /* a directory serves its index.html */
  ck_assert_int_eq(lookup(d, "/", &size, &ct), 200);
  ck_assert_uint_eq(size, 11);
  ck_assert_str_eq(ct, "text/html");
  ck_assert_int_eq(lookup(d, "/?q", NULL, NULL), 200);
  ck_assert_int_eq(lookup(d, "/empty/", NULL, NULL), 404);
  ck_assert_int_eq(lookup(d, "/sub/", NULL, NULL), 404);
  ck_assert_int_eq(lookup(d, "/missing", NULL, NULL), 404);
  ck_assert_int_eq(lookup(d, "/a.txt/", NULL, NULL), 404);
  close(d);
  remove_tree();
}
END_TEST

START_TEST(files_refused) {
  make_tree();
  int d = serve_dir_open(root);
  ck_assert_int_ge(d, 0);
  ck_assert_int_eq(lookup(d, "/.env", NULL, NULL), 404);        /* dotfile */
  ck_assert_int_eq(lookup(d, "/sub/../.env", NULL, NULL), 400); /* dot-segment */
  ck_assert_int_eq(lookup(d, "/../etc/passwd", NULL, NULL), 400);
  ck_assert_int_eq(lookup(d, "/./a.txt", NULL, NULL), 400);
  ck_assert_int_eq(lookup(d, "a.txt", NULL, NULL), 400); /* not origin-form */
  ck_assert_int_eq(lookup(d, "", NULL, NULL), 400);
  ck_assert_int_eq(lookup(d, "/link", NULL, NULL), 404);              /* symlink out */
  ck_assert_int_eq(lookup(d, "/outdir/secret.txt", NULL, NULL), 404); /* through one */
  ck_assert_int_eq(lookup(d, "/inlink", NULL, NULL), 404);            /* even inside */
  ck_assert_int_eq(lookup(d, "/fifo", NULL, NULL), 404); /* returns: open does not block */
  close(d);
  remove_tree();
}
END_TEST

/* A path longer than SERVE_PATH_MAX is refused with 414 rather than cut to
 * a prefix that may name another file. */
START_TEST(files_long_path) {
  make_tree();
  int d = serve_dir_open(root);
  static char path[SERVE_PATH_MAX + 16];
  memset(path, '/', sizeof path - 1);
  size_t n = SERVE_PATH_MAX + 1;
  memcpy(path + n - 6, "/a.txt", 6);
  path[n] = 0;
  ck_assert_int_eq(lookup(d, path, NULL, NULL), 414);
  path[0] = '/';
  memmove(path, path + 1, n); /* exactly SERVE_PATH_MAX bytes: still served */
  ck_assert_int_eq(lookup(d, path, NULL, NULL), 200);
  char comp[400];
  memset(comp, 'x', sizeof comp - 1);
  comp[0] = '/';
  comp[sizeof comp - 1] = 0;
  ck_assert_int_eq(lookup(d, comp, NULL, NULL), 404); /* a component longer than NAME_MAX */
  close(d);
  remove_tree();
}
END_TEST

START_TEST(dir_open_refuses_files) {
  make_tree();
  char p[256];
  snprintf(p, sizeof p, "%s/a.txt", root);
  ck_assert_int_lt(serve_dir_open(p), 0);
  snprintf(p, sizeof p, "%s/none", root);
  ck_assert_int_lt(serve_dir_open(p), 0);
  remove_tree();
}
END_TEST

/* ---- the small-file cache ---- */

static int open_file(const char *dir, const char *name, struct stat *st) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  int fd = open(p, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(fstat(fd, st), 0);
  return fd;
}

/* Many spellings of one file (the path is not the key) share one entry. */
START_TEST(cache_keyed_on_the_file) {
  make_tree();
  int d = serve_dir_open(root);
  serve_cache c;
  serve_cache_init(&c, 1000);
  const char *spellings[] = {"/a.txt", "//a.txt", "/a.txt?1", "/a.txt?2", "///a.txt#x"};
  serve_cached *first = NULL;
  for (size_t i = 0; i < 5; i++) {
    serve_file f;
    serve_file_open(d, spellings[i], &f);
    ck_assert_int_eq(f.status, 200);
    serve_cached *e = serve_cache_get(&c, f.fd, &f.st);
    close(f.fd);
    ck_assert_ptr_nonnull(e);
    ck_assert(!memcmp(e->data, "hello", 5));
    if (!first) first = e;
    ck_assert_ptr_eq(e, first);
    serve_cache_put(e);
  }
  ck_assert_uint_eq(c.n, 1);
  ck_assert_uint_eq(c.bytes, 5);
  /* rewritten: a new entry with the new bytes; the stale one goes when room is needed */
  write_file(root, "a.txt", "HELLO!");
  struct stat st;
  int fd = open_file(root, "a.txt", &st);
  serve_cached *e = serve_cache_get(&c, fd, &st);
  close(fd);
  ck_assert_ptr_nonnull(e);
  ck_assert(!memcmp(e->data, "HELLO!", 6));
  serve_cache_put(e);
  serve_cache_free(&c);
  close(d);
  remove_tree();
}
END_TEST

/* Bounded by bytes: the least recently used unreferenced entry goes first;
 * entries a response still uses stay, and a file that does not fit beside
 * them is not cached (it is streamed). */
START_TEST(cache_bounded_by_bytes) {
  make_tree();
  char big[401];
  memset(big, 'x', 400);
  big[400] = 0;
  write_file(root, "f1", big);
  write_file(root, "f2", big);
  write_file(root, "f3", big);
  serve_cache c;
  serve_cache_init(&c, 1000);
  struct stat s1, s2, s3;
  int f1 = open_file(root, "f1", &s1), f2 = open_file(root, "f2", &s2),
      f3 = open_file(root, "f3", &s3);
  serve_cached *e1 = serve_cache_get(&c, f1, &s1), *e2 = serve_cache_get(&c, f2, &s2);
  ck_assert_ptr_nonnull(e1);
  ck_assert_ptr_nonnull(e2);
  ck_assert_ptr_null(serve_cache_get(&c, f3, &s3)); /* both in use: no room */
  ck_assert_uint_eq(c.bytes, 800);
  serve_cache_put(e2);
  serve_cache_put(e1); /* f1 used last: f2 is evicted */
  ck_assert_ptr_eq(serve_cache_get(&c, f1, &s1), e1);
  serve_cache_put(e1);
  serve_cached *e3 = serve_cache_get(&c, f3, &s3);
  ck_assert_ptr_nonnull(e3);
  ck_assert_uint_eq(c.bytes, 800);
  ck_assert_uint_eq(c.n, 2);
  ck_assert_ptr_eq(serve_cache_get(&c, f1, &s1), e1); /* e1 stayed where it was */
  serve_cache_put(e1);
  serve_cache_put(e3);
  ck_assert_uint_le(c.bytes, 1000);
  close(f1);
  close(f2);
  close(f3);
  serve_cache_free(&c);
  remove_tree();
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("serve");
  TCase *t = tcase_create("preface");
  tcase_add_test(t, sniff_preface_and_http1);
  tcase_add_test(t, sniff_invalid_preface);
  tcase_add_test(t, sniff_head_too_long);
  tcase_add_test(t, upgrade_request);
  suite_add_tcase(s, t);
  TCase *l = tcase_create("limits");
  tcase_add_test(l, timeouts_per_phase);
  tcase_add_test(l, eviction_order);
  tcase_add_test(l, fd_limit_fit);
  suite_add_tcase(s, l);
  TCase *f = tcase_create("files");
  tcase_add_test(f, files_inside_the_directory);
  tcase_add_test(f, files_refused);
  tcase_add_test(f, files_long_path);
  tcase_add_test(f, dir_open_refuses_files);
  tcase_add_test(f, cache_keyed_on_the_file);
  tcase_add_test(f, cache_bounded_by_bytes);
  suite_add_tcase(s, f);
  return s;
}

int main(void) {
  return run_suite(suite());
}
