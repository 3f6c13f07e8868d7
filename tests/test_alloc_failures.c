/* test_alloc_failures.c — every allocation is checked, and a failed one is
 * said, never followed. This executable is linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
 * (tests/CMakeLists.txt), so every allocation the product code makes goes
 * through the counting hooks below: a run is first made without failures
 * (the reference), then once for each allocation it made with exactly that
 * one refused. Under the sanitizers a NULL followed is a crash and a block
 * lost on an error path a leak; besides that each run must give either the
 * reference's output or a say-so: an error return, or the words "out of
 * memory" (or a limit) in what it wrote.
 *
 * The runs: HPACK decoding and encoding (codec), a client and a server
 * session answering each other (session), check cases loaded from text,
 * a display filter compiled, a capture loaded for replay, and `h2scope read` over bundled
 * captures with text, JSON, exchanges, lint, summary, HAR and SARIF output,
 * --follow with a filter, and TLS decryption (capture, tls, read, talk,
 * render, cli).
 *
 * To find the code behind a silent change: H2_ALLOC_TRACE=1 prints the stack
 * of each refused allocation (with a sanitizer runtime), H2_ALLOC_SHOW=N the
 * whole output of the run that refused allocation N (H2_ALLOC_SHOW=ref: the
 * reference's); CK_FORK=no keeps it in one process. */
#define _GNU_SOURCE
#include <check.h>

#include "run_suite.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_case_file.h"
#include "check_set.h"
#include "commands.h"
#include "filter.h"
#include "h2/hpack.h"
#include "h2/session.h"
#include "replay_capture.h"

/* ---- the hooks ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* The allocation to refuse (counted from 0 since arm()), -1: none; how many
 * were made since arm(); whether the refusal happened. Plain globals of the
 * test (one thread). */
static long fail_at = -1;
static int trace_fd = STDERR_FILENO; /* the test's own standard error */
static long made;
static bool refused;

/* With H2_ALLOC_TRACE set (and a sanitizer runtime), where each refused
 * allocation was made is printed: to find the code behind a silent change. */
void __sanitizer_print_stack_trace(void) __attribute__((weak));

static bool refuse(void) {
  if (fail_at < 0) return false;
  if (made++ != fail_at) return false;
  refused = true;
  if (getenv("H2_ALLOC_TRACE") && __sanitizer_print_stack_trace) {
    /* to the test's standard error, also while a run's is redirected */
    int cur = dup(STDERR_FILENO);
    dup2(trace_fd, STDERR_FILENO);
    fprintf(stderr, "==== refused allocation %ld\n", fail_at);
    __sanitizer_print_stack_trace();
    fflush(stderr);
    dup2(cur, STDERR_FILENO);
    close(cur);
  }
  return true;
}
void *__wrap_malloc(size_t n) {
  return refuse() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t k, size_t n) {
  return refuse() ? NULL : __real_calloc(k, n);
}
void *__wrap_realloc(void *p, size_t n) {
  return refuse() ? NULL : __real_realloc(p, n);
}
char *__wrap_strdup(const char *s) {
  return refuse() ? NULL : __real_strdup(s);
}
char *__wrap_strndup(const char *s, size_t n) {
  return refuse() ? NULL : __real_strndup(s, n);
}

static void arm(long at) {
  fail_at = at;
  made = 0;
  refused = false;
}
/* Counting without refusing: arm(LONG_MAX). */
#define COUNT_ONLY __LONG_MAX__

/* ---- what a run gave ---- */

typedef struct outcome {
  int status;
  char *text; /* everything it wrote, NUL-ended */
  size_t len;
} outcome;

static void outcome_free(outcome *o) {
  free(o->text);
  o->text = NULL;
}

/* Whether a run that differs from the reference said why. */
static bool says_why(const outcome *o) {
  return strstr(o->text, "out of memory") || strstr(o->text, "Cannot allocate memory") ||
         /* the summary's bounded table: a row it could not keep is counted */
         strstr(o->text, "more connections (counted in the totals)") ||
         strstr(o->text, "\"rows_omitted\":");
}

/* A run: no Check assertion inside (Check allocates, and would be refused). */
typedef void (*run_fn)(const void *arg, outcome *out);

/* The first line where a and b differ, for the message. */
static void first_difference(const char *a, const char *b, char *out, size_t cap) {
  size_t i = 0, line = 1, start = 0;
  for (; a[i] && a[i] == b[i]; i++)
    if (a[i] == '\n') line++, start = i + 1;
  int na = (int)strcspn(a + start, "\n"), nb = (int)strcspn(b + start, "\n");
  snprintf(out, cap, "line %zu:\n  reference: %.*s\n  refused:   %.*s", line, na < 200 ? na : 200,
           a + start, nb < 200 ? nb : 200, b + start);
}

/* The reference, then a run with each allocation refused in turn: a
 * different result must say why. Every silent change is listed on
 * standard error; the test fails when there was one, unless the sweep is
 * not strict (then a crash or a leak still fails it). */
static void sweep_runs(const char *name, run_fn run, const void *arg, bool strict) {
  outcome ref = {0};
  arm(COUNT_ONLY);
  run(arg, &ref);
  long total = made;
  arm(-1);
  const char *show = getenv("H2_ALLOC_SHOW"); /* "ref", or an index: that run's whole output */
  if (show && !strcmp(show, "ref"))
    dprintf(trace_fd, "==== %s: the reference (%ld allocations)\n%s\n", name, total, ref.text);
  ck_assert_msg(total > 0, "%s: no allocation seen (is the test linked with --wrap?)", name);
  long silent = 0, first = -1;
  for (long at = 0; at < total; at++) {
    outcome o = {0};
    arm(at);
    run(arg, &o);
    bool was_refused = refused;
    arm(-1);
    bool same = o.status == ref.status && o.len == ref.len && !memcmp(o.text, ref.text, o.len);
    if (show && strcmp(show, "ref") && atol(show) == at)
      dprintf(trace_fd, "==== %s, allocation %ld refused\n%s\n", name, at, o.text);
    if (was_refused && !same && o.status == ref.status && !says_why(&o)) {
      char diff[512];
      first_difference(ref.text, o.text, diff, sizeof diff);
      fprintf(stderr, "%s: allocation %ld of %ld refused: output changed silently at %s\n", name,
              at, total, diff);
      if (first < 0) first = at;
      silent++;
    }
    outcome_free(&o);
  }
  outcome_free(&ref);
  if (!strict) {
    if (silent)
      fprintf(stderr, "%s: %ld of %ld refused allocations changed the output without a word\n",
              name, silent, total);
    return;
  }
  ck_assert_msg(silent == 0,
                "%s: %ld of %ld refused allocations changed the output without a word (the "
                "first: %ld; all on standard error)",
                name, silent, total, first);
}

static void sweep(const char *name, run_fn run, const void *arg) {
  sweep_runs(name, run, arg, true);
}

/* ---- codec: HPACK ---- */

/* RFC 7541 C.4.1-C.4.3: three requests with Huffman coding, one decoder. */
static const char *const C4[] = {
    "828684418cf1e3c2e5f23a6ba0ab90f4ff",
    "828684be5886a8eb10649cbf",
    "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
};

static size_t unhex(const char *h, uint8_t *out) {
  size_t n = 0;
  for (; h[0] && h[1]; h += 2) {
    unsigned v;
    sscanf(h, "%2x", &v);
    out[n++] = (uint8_t)v;
  }
  return n;
}

static void append_bytes(outcome *o, const char *p, size_t n) {
  char *t = __real_realloc(o->text, o->len + n + 1);
  if (!t) abort(); /* the test's own memory (no Check call while armed: it allocates) */
  memcpy(t + o->len, p, n);
  t[o->len + n] = '\0';
  o->text = t;
  o->len += n;
}

static void append(outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(outcome *o, const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  append_bytes(o, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void run_hpack(const void *arg, outcome *o) {
  (void)arg;
  append(o, "%s", "");
  h2_hpack_decoder d;
  h2_hpack_decoder_config dc = {0};
  if (h2_hpack_decoder_init(&d, &dc) != H2_OK) {
    append(o, "decoder: out of memory\n");
    o->status = 1;
    return;
  }
  h2_header fields[16];
  char arena[1024];
  for (size_t i = 0; i < sizeof C4 / sizeof *C4; i++) {
    uint8_t in[64];
    size_t n = unhex(C4[i], in), count = 0;
    h2_error err;
    h2_status st =
        h2_hpack_decode_list(&d, in, n, fields, NULL, 16, &count, arena, sizeof arena, &err);
    append(o, "block %zu: %s", i, h2_status_name(st));
    for (size_t k = 0; st == H2_OK && k < count; k++)
      append(o, " %.*s=%.*s", (int)fields[k].name_len, fields[k].name, (int)fields[k].value_len,
             fields[k].value);
    append(o, "\n");
  }
  h2_hpack_decoder_free(&d);
  h2_hpack_encoder_config ec = {.max_table_size = 4096};
  h2_hpack_encoder *e = h2_hpack_encoder_new(&ec);
  if (!e) {
    append(o, "encoder: out of memory\n");
    o->status = 1;
    return;
  }
  h2_header list[] = {
      {.name = ":method", .name_len = 7, .value = "GET", .value_len = 3},
      {.name = "custom-key", .name_len = 10, .value = "custom-value", .value_len = 12}};
  uint8_t out[256];
  size_t n = 0;
  h2_error err;
  h2_status st = h2_hpack_encode(e, list, 2, out, sizeof out, &n, &err);
  append(o, "encoded: %s %zu bytes\n", h2_status_name(st), n);
  h2_hpack_encoder_free(e);
}

START_TEST(hpack_allocations_are_checked) {
  sweep("hpack", run_hpack, NULL);
}
END_TEST

/* ---- session: a client and a server answering each other ---- */

/* Moves what one session has to send into the other. */
static void pump(h2_session *from, h2_session *to) {
  uint8_t buf[16384];
  size_t n;
  while ((n = h2_session_output(from, buf, sizeof buf)) > 0)
    h2_session_recv(to, buf, n);
}

/* Writes the events of s as lines of o. */
static void take_events(h2_session *s, const char *who, outcome *o, uint32_t *request) {
  h2_event ev;
  while (h2_session_take_event(s, &ev)) {
    append(o, "%s: event %u stream %u", who, ev.type, ev.stream_id);
    for (size_t i = 0; i < ev.header_count; i++)
      append(o, " %.*s=%.*s", (int)ev.headers[i].name_len, ev.headers[i].name,
             (int)ev.headers[i].value_len, ev.headers[i].value);
    if (ev.type == H2_EV_DATA) append(o, " data=%.*s", (int)ev.len, (const char *)ev.data);
    if (ev.detail) append(o, " (%s)", ev.detail);
    append(o, "\n");
    if (request && ev.type == H2_EV_HEADERS) *request = ev.stream_id;
  }
}

static void run_session(const void *arg, outcome *o) {
  (void)arg;
  append(o, "%s", "");
  h2_session_config cc, sc;
  h2_session_config_init(&cc, H2_ROLE_CLIENT);
  h2_session_config_init(&sc, H2_ROLE_SERVER);
  h2_session *c = h2_session_new(&cc), *sv = h2_session_new(&sc);
  if (!c || !sv) {
    append(o, "session: out of memory\n");
    o->status = 1;
    h2_session_free(c);
    h2_session_free(sv);
    return;
  }
  static const h2_header req[] = {
      {.name = ":method", .name_len = 7, .value = "GET", .value_len = 3},
      {.name = ":scheme", .name_len = 7, .value = "http", .value_len = 4},
      {.name = ":authority", .name_len = 10, .value = "example.com", .value_len = 11},
      {.name = ":path", .name_len = 5, .value = "/", .value_len = 1}};
  static const h2_header resp[] = {
      {.name = ":status", .name_len = 7, .value = "200", .value_len = 3}};
  static const uint8_t body[] = "hello";
  uint32_t id = 0, got = 0;
  h2_status st = h2_session_send_headers(c, 0, req, 4, true, &id);
  append(o, "request: %s\n", h2_status_name(st));
  for (int round = 0; round < 4; round++) {
    pump(c, sv);
    take_events(sv, "server", o, &got);
    if (got) {
      st = h2_session_send_headers(sv, got, resp, 1, false, NULL);
      append(o, "response: %s\n", h2_status_name(st));
      st = h2_session_send_data(sv, got, body, 5, true);
      append(o, "data: %s\n", h2_status_name(st));
      got = 0;
    }
    pump(sv, c);
    take_events(c, "client", o, NULL);
  }
  h2_session_free(c);
  h2_session_free(sv);
}

START_TEST(session_allocations_are_checked) {
  sweep("session", run_session, NULL);
}
END_TEST

/* ---- check cases and display filters ---- */

static void run_cases(const void *arg, outcome *o) {
  (void)arg;
  append(o, "%s", "");
  static const char text[] = "case a/1\nrfc 9113 6.5.2\ntitle one\nsend SETTINGS - 0 u16:255 "
                             "u32:1\nsend PING - 0 u32:1 u32:2\nexpect SETTINGS_ACK\n\n"
                             "case a/2\nrfc 9113 6.5.2\ntitle two\nsend SETTINGS - 0 u16:2 "
                             "u32:2\nexpect GOAWAY PROTOCOL_ERROR\n";
  FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
  if (!f) abort();
  check_set set = {0};
  char err[256] = "";
  bool ok = check_file_load(&set, f, "t.cases", err, sizeof err);
  fclose(f);
  append(o, "load: %s %s cases=%zu\n", ok ? "ok" : "failed", err, set.n);
  if (!ok) o->status = 1;
  check_set_free(&set);
}

START_TEST(check_case_allocations_are_checked) {
  sweep("check cases", run_cases, NULL);
}
END_TEST

static void run_filter(const void *arg, outcome *o) {
  (void)arg;
  append(o, "%s", "");
  filter_limits l;
  filter_limits_default(&l);
  filter_error err = {0};
  filter *f = filter_compile("type == HEADERS and (header[\"x-a\"] contains \"x-\" or not status "
                             ">= 500) and stream <= 5 and path matches \"^/a.*z$\"",
                             &l, &err);
  append(o, "compile: %s (%zu: %s)\n", f ? "ok" : "failed", err.column, err.message);
  if (!f) o->status = 1;
  filter_free(f);
}

START_TEST(filter_allocations_are_checked) {
  sweep("filter", run_filter, NULL);
}
END_TEST

/* ---- replay: a capture loaded for sending again ---- */

static void run_replay_load(const void *arg, outcome *o) {
  append(o, "%s", "");
  replay_capture rc;
  char err[256] = "";
  int rcode = replay_capture_load(&rc, arg, 0, true, NULL, err, sizeof err);
  append(o, "load: %d %s\n", rcode, err);
  if (rcode != 0) {
    o->status = 1;
    return;
  }
  for (size_t i = 0; i < rc.n; i++) {
    const replay_conn *c = rc.conns[i];
    append(o, "conn %zu: %zu exchanges\n", i, c->nex);
    for (size_t k = 0; k < c->nex; k++) {
      const replay_exchange *e = &c->ex[k];
      append(o, "  stream %u: request %u fields, response %d with %u fields, %llu body bytes\n",
             e->stream_id, e->request.count, e->recorded.status, e->recorded.headers.count,
             (unsigned long long)e->recorded.body_len);
    }
  }
  replay_capture_free(&rc);
}

START_TEST(replay_load_allocations_are_checked) {
  sweep("replay load", run_replay_load, H2_SOURCE_DIR "/corpus/captures/upgrade.pcap");
}
END_TEST

/* ---- h2scope read ---- */

/* Runs cmd_read with argv (NULL-ended); the text it wrote to standard
 * output and error and to the files named out.har / out.sarif in the
 * working directory is the outcome. */
static void run_read(const void *arg, outcome *o) {
  const char *const *args = arg;
  char *argv[32];
  int argc = 0;
  for (; args[argc]; argc++)
    argv[argc] = (char *)args[argc];
  argv[argc] = NULL;
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  int fd = open("run.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) abort();
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  close(fd);
  unlink("out.har");
  unlink("out.sarif");
  o->status = cmd_read(argc, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, STDOUT_FILENO);
  dup2(saved_err, STDERR_FILENO);
  close(saved_out);
  close(saved_err);
  append(o, "%s", "");
  const char *files[] = {"run.out", "out.har", "out.sarif"};
  for (size_t i = 0; i < 3; i++) {
    FILE *f = fopen(files[i], "rb");
    if (!f) continue;
    append(o, "==== %s\n", files[i]);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
      append_bytes(o, buf, n);
    fclose(f);
  }
}

static void in_scratch_dir(void) {
  char dir[] = "/tmp/h2scope-alloc-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  ck_assert_int_eq(chdir(dir), 0);
}

#define CAPTURE(name) H2_SOURCE_DIR "/corpus/captures/" name

START_TEST(read_text_allocations_are_checked) {
  in_scratch_dir();
  static const char *const args[] = {
      "read", CAPTURE("concurrent.pcap"), "--lint", "--summary", "--exchanges", NULL};
  sweep("read text", run_read, args);
}
END_TEST

START_TEST(read_json_allocations_are_checked) {
  in_scratch_dir();
  static const char *const args[] = {
      "read", CAPTURE("upgrade.pcap"), "--json", "--hpack", "--summary", NULL};
  sweep("read json", run_read, args);
}
END_TEST

START_TEST(read_har_sarif_allocations_are_checked) {
  in_scratch_dir();
  static const char *const args[] = {
      "read", CAPTURE("sample.pcapng"), "--har", "out.har", "--sarif", "out.sarif", "--lint", "-q",
      NULL};
  sweep("read har sarif", run_read, args);
}
END_TEST

/* -q --summary hides frames and their events: an allocation refused there
 * (a connection's frame decoder) must still be said, not show as a
 * connection that was not HTTP/2. */
START_TEST(read_quiet_summary_allocations_are_checked) {
  in_scratch_dir();
  static const char *const args[] = {
      "read", CAPTURE("concurrent.pcap"), "-j", "1", "-q", "--summary", NULL};
  sweep("read quiet summary", run_read, args);
}
END_TEST

START_TEST(read_follow_filter_allocations_are_checked) {
  in_scratch_dir();
  static const char *const args[] = {"read",     CAPTURE("continuation.pcap"),
                                     "-Y",       "type == HEADERS or status >= 200",
                                     "--follow", "1:1",
                                     NULL};
  sweep("read follow filter", run_read, args);
}
END_TEST

START_TEST(read_tls_allocations_are_checked) {
  in_scratch_dir();
  static const char *const args[] = {"read",     CAPTURE("tls/h2-tls13-aes128gcm.pcap"),
                                     "--keylog", CAPTURE("tls/h2-tls13-aes128gcm.keylog"),
                                     "--json",   NULL};
  /* Not strict: TLS decryption (inspector/tls/) still loses records or
   * keys without a word when an allocation fails (the handshake buffer, the
   * key log's entries, a connection's state), and the observer stops
   * following streams it has no room for; no crash, no leak. */
  sweep_runs("read tls", run_read, args, false);
}
END_TEST

static Suite *alloc_suite(void) {
  Suite *s = suite_create("alloc_failures");
  TCase *tc = tcase_create("refused");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, hpack_allocations_are_checked);
  tcase_add_test(tc, session_allocations_are_checked);
  tcase_add_test(tc, check_case_allocations_are_checked);
  tcase_add_test(tc, filter_allocations_are_checked);
  tcase_add_test(tc, replay_load_allocations_are_checked);
  tcase_add_test(tc, read_text_allocations_are_checked);
  tcase_add_test(tc, read_json_allocations_are_checked);
  tcase_add_test(tc, read_har_sarif_allocations_are_checked);
  tcase_add_test(tc, read_quiet_summary_allocations_are_checked);
  tcase_add_test(tc, read_follow_filter_allocations_are_checked);
  tcase_add_test(tc, read_tls_allocations_are_checked);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  trace_fd = dup(STDERR_FILENO);
  return run_suite(alloc_suite());
}
