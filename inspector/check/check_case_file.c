/* check_case_file.c — reads and writes the check case language
 * (check_case_file.h, docs/check-language.md). The reader is strict: every
 * line is a known keyword with a well-formed argument, every send line is
 * built once with check_build_line at load time, and the first mistake stops
 * the load with the file, line and column and what was expected. */
#include "check_case_file.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check_build.h"
#include "h2/buf.h"
#include "h2/error.h"
#include "h2/observer.h"

#define BUILD_CAP (4u << 20) /* the runner's send buffer (check_run.c TX_CAP) */

/* The case being read, with the line numbers of what was given. */
typedef struct pending {
  check_loaded *l;
  int group;
  unsigned case_line, group_line, rfc_line, title_line, hs_line, expect_line, needs_line,
      alone_line, repeat_line;
  size_t sends;
  h2_buf frames; /* the send lines joined with "; ", NUL-ended: l->frames once finished */
} pending;

/* The most bytes of a case's joined send lines: every line at its longest. */
#define FRAMES_CAP ((size_t)CHECK_FILE_SENDS_MAX * (CHECK_FILE_LINE_MAX + 2) + 1)

typedef struct reader {
  check_set *s;
  const char *name;
  unsigned line;
  char *err;
  size_t errcap;
} reader;

static bool fail(reader *r, size_t col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(reader *r, size_t col, const char *fmt, ...) {
  int n = snprintf(r->err, r->errcap, "%s:%u:%zu: ", r->name, r->line, col);
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < r->errcap) vsnprintf(r->err + n, r->errcap - (size_t)n, fmt, ap);
  va_end(ap);
  return false;
}

static char *dup_text(const char *p) {
  size_t n = strlen(p) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, p, n);
  return d;
}

/* An id: 1 to CHECK_ID_CAP-1 of [A-Za-z0-9._/:+-]. Returns the length of the
 * valid prefix. */
static size_t id_span(const char *p) {
  return strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/:+-");
}

static bool is_code_word(const char *w, size_t n) {
  if (n == 5 && !memcmp(w, "CLOSE", 5)) return true;
  for (uint32_t code = 0; code < 0x100; code++) {
    const char *name = h2_error_code_name(code);
    if (name && strlen(name) == n && !memcmp(name, w, n)) return true;
  }
  return false;
}

/* "CODE|CODE..." ending at the string's end; the column of a bad word. */
static bool codes_ok(reader *r, const char *codes, size_t col) {
  const char *p = codes;
  for (;;) {
    size_t n = strcspn(p, "|");
    if (!is_code_word(p, n))
      return fail(r, col + (size_t)(p - codes),
                  "expected an error code name (PROTOCOL_ERROR...) or CLOSE, got '%.*s'", (int)n,
                  p);
    if (!p[n]) return true;
    p += n + 1;
  }
}

static bool stream_ok(const char *p, size_t n) {
  if (n == 0 || n > 10 || strspn(p, "0123456789") < n) return false;
  unsigned long v = strtoul(p, NULL, 10);
  return v >= 1 && v <= 0x7fffffffUL;
}

/* The expect language of check_case.h. */
static bool expect_ok(reader *r, const char *a, size_t col) {
  static const char *const bare[] = {"PING_ACK", "SETTINGS_ACK", "NOTHING",
                                     "CLOSE",    "ANY",          "MEMORY"};
  for (size_t i = 0; i < sizeof bare / sizeof *bare; i++)
    if (!strcmp(a, bare[i])) return true;
  if (!strncmp(a, "GOAWAY ", 7)) return codes_ok(r, a + 7, col + 7);
  if (!strncmp(a, "NO_LINT ", 8)) {
    if (h2_observer_rule_index(a + 8) < 0)
      return fail(r, col + 8,
                  "expected a finding id of the lint catalogue (docs/lint.md), got '%s'", a + 8);
    return true;
  }
  if (!strncmp(a, "RESPONSE ", 9)) {
    if (!stream_ok(a + 9, strlen(a + 9)))
      return fail(r, col + 9, "expected a stream id 1 to 2147483647, got '%s'", a + 9);
    return true;
  }
  if (!strncmp(a, "RST_STREAM ", 11)) {
    const char *sp = strchr(a + 11, ' ');
    if (!sp || !stream_ok(a + 11, (size_t)(sp - (a + 11))))
      return fail(r, col + 11, "expected 'RST_STREAM STREAM CODE[|CODE...]'");
    return codes_ok(r, sp + 1, col + (size_t)(sp + 1 - a));
  }
  return fail(r, col,
              "expected GOAWAY CODES, RST_STREAM STREAM CODES, RESPONSE STREAM, PING_ACK, "
              "SETTINGS_ACK, NOTHING, CLOSE, ANY, MEMORY or NO_LINT ID, got '%s'",
              a);
}

/* "NAME<=N" or "NAME=N", NAME a setting without SETTINGS_, lowercase. */
static bool needs_ok(reader *r, const char *a, size_t col) {
  static const char *const names[] = {"header_table_size",       "enable_push",
                                      "max_concurrent_streams",  "initial_window_size",
                                      "max_frame_size",          "max_header_list_size",
                                      "enable_connect_protocol", "no_rfc7540_priorities"};
  size_t n = strcspn(a, "<=");
  bool known = false;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    known |= strlen(names[i]) == n && !memcmp(names[i], a, n);
  if (!known)
    return fail(
        r, col,
        "expected a setting name (max_concurrent_streams, enable_connect_protocol...), got '%.*s'",
        (int)n, a);
  const char *v = a + n + (a[n] == '<' ? 2 : 1);
  if ((a[n] == '<' && a[n + 1] != '=') || !a[n] || !*v || strspn(v, "0123456789") != strlen(v) ||
      strlen(v) > 10)
    return fail(r, col + n, "expected '<=N' or '=N' after the setting name");
  return true;
}

static bool hex_ok(const char *p) {
  size_t n = strlen(p);
  return n > 0 && n % 2 == 0 && strspn(p, "0123456789abcdefABCDEF") == n;
}

/* Appends a send line to the case's frames ("a; b"); builds it first. */
static bool add_send(reader *r, pending *pc, const char *a, size_t col) {
  if (strchr(a, ';'))
    return fail(r, col + strcspn(a, ";"),
                "';' cannot appear in a send line (one frame line per send)");
  if (pc->sends == CHECK_FILE_SENDS_MAX)
    return fail(r, 1, "more than %d send lines in one case", CHECK_FILE_SENDS_MAX);
  h2_buf b;
  h2_buf_init(&b, BUILD_CAP);
  char berr[160] = "";
  check_build_ctx ctx = {0};
  bool ok = check_build_line(&ctx, a, &b, berr, sizeof berr);
  h2_buf_free(&b);
  if (!ok) return fail(r, col, "bad frame line: %s", berr);
  size_t n = strlen(a);
  if (pc->frames.len) h2_buf_put(&pc->frames, "; ", 2);
  if (!h2_buf_put(&pc->frames, a, n + 1)) return fail(r, 1, "out of memory");
  pc->frames.len--; /* the NUL ends the text; the next line goes over it */
  pc->sends++;
  return true;
}

/* A once-only keyword given again. */
static bool once(reader *r, unsigned *line, const char *kw) {
  if (*line) return fail(r, 1, "'%s' given twice in one case (first on line %u)", kw, *line);
  *line = r->line;
  return true;
}

/* The end of a case: what is required is there; the case joins the set. */
static bool finish(reader *r, pending *pc) {
  if (!pc->l) return true;
  check_loaded *l = pc->l;
  unsigned at = r->line;
  r->line = pc->case_line;
  if (!pc->title_line) return fail(r, 1, "case '%s' has no 'title' line", l->id);
  if (!pc->sends) return fail(r, 1, "case '%s' has no 'send' line", l->id);
  if (!pc->expect_line) return fail(r, 1, "case '%s' has no 'expect' line", l->id);
  if (check_set_find(r->s, l->id)) return fail(r, 6, "a case '%s' is already loaded", l->id);
  r->line = at;
  if (!l->section) {
    /* robustness cases are named by their id without "robust/" */
    const char *sec = pc->group == CHECK_GROUP_ROBUST && !strncmp(l->id, "robust/", 7) ? l->id + 7
                      : pc->group == CHECK_GROUP_ROBUST                                ? l->id
                                                                                       : "";
    l->section = dup_text(sec);
  }
  if (!l->handshake) l->handshake = dup_text("");
  if (!l->section || !l->handshake) return fail(r, 1, "out of memory");
  l->c.section = l->section;
  l->c.title = l->title;
  l->c.handshake = l->handshake;
  l->frames = (char *)pc->frames.p; /* l owns the text now */
  h2_buf_init(&pc->frames, FRAMES_CAP);
  l->c.frames = l->frames;
  l->c.expect = l->expect;
  l->c.needs = l->needs;
  if (r->s->n >= CHECK_SET_MAX || !check_set_add(r->s, pc->group, &l->c, l->id))
    return fail(r, 1, "too many cases");
  l->next = r->s->loaded;
  r->s->loaded = l;
  pc->l = NULL;
  return true;
}

static bool start_case(reader *r, pending *pc, const char *a, size_t col, size_t *ncases) {
  if (!finish(r, pc)) return false;
  size_t n = id_span(a);
  if (n == 0 || a[n] || n >= CHECK_ID_CAP)
    return fail(r, col + (a[n] ? n : 0),
                "expected a case id (1 to %d of A-Z a-z 0-9 . _ / : + -), got '%s'",
                CHECK_ID_CAP - 1, a);
  if (++*ncases > CHECK_FILE_CASES_MAX)
    return fail(r, 1, "more than %d cases in one file", CHECK_FILE_CASES_MAX);
  memset(pc, 0, sizeof *pc);
  h2_buf_init(&pc->frames, FRAMES_CAP);
  pc->l = calloc(1, sizeof *pc->l);
  if (!pc->l || !(pc->l->id = dup_text(a))) return fail(r, 1, "out of memory");
  pc->case_line = r->line;
  pc->group = CHECK_GROUP_SERVER;
  return true;
}

/* "rfc NUMBER SECTION" */
static bool rfc_line(reader *r, pending *pc, const char *a, size_t col) {
  size_t n = strspn(a, "0123456789");
  unsigned long v = n && n <= 5 ? strtoul(a, NULL, 10) : 0;
  if (!v || v > 65535 || a[n] != ' ')
    return fail(r, col, "expected 'rfc NUMBER SECTION' (rfc 9113 6.5.3), got '%s'", a);
  const char *sec = a + n + 1;
  size_t sn = strspn(sec, "0123456789.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-");
  if (!sn || sec[sn] || sn > 47)
    return fail(r, col + n + 1, "expected a section (6.5.3, letters digits '.' '-'), got '%s'",
                sec);
  pc->l->c.rfc = (uint16_t)v;
  pc->l->section = dup_text(sec);
  return pc->l->section ? true : fail(r, 1, "out of memory");
}

static bool keyword(reader *r, pending *pc, const char *kw, const char *a, size_t col) {
  check_loaded *l = pc->l;
  bool has = *a != 0;
  if (!strcmp(kw, "alone")) {
    if (has) return fail(r, col, "'alone' takes no argument");
    l->c.alone = true;
    return once(r, &pc->alone_line, kw);
  }
  if (!has) return fail(r, col, "'%s' needs an argument", kw);
  if (!strcmp(kw, "group")) {
    if (!once(r, &pc->group_line, kw)) return false;
    if (!strcmp(a, "server"))
      pc->group = CHECK_GROUP_SERVER;
    else if (!strcmp(a, "robust"))
      pc->group = CHECK_GROUP_ROBUST;
    else if (!strcmp(a, "client"))
      pc->group = CHECK_GROUP_CLIENT;
    else
      return fail(r, col, "expected server, robust or client, got '%s'", a);
    return true;
  }
  if (!strcmp(kw, "rfc")) return once(r, &pc->rfc_line, kw) && rfc_line(r, pc, a, col);
  if (!strcmp(kw, "title")) {
    if (!once(r, &pc->title_line, kw)) return false;
    return (l->title = dup_text(a)) ? true : fail(r, 1, "out of memory");
  }
  if (!strcmp(kw, "handshake")) {
    if (!once(r, &pc->hs_line, kw)) return false;
    char hs[CHECK_FILE_LINE_MAX + 16];
    if (!strcmp(a, "default"))
      hs[0] = 0;
    else if (!strcmp(a, "none"))
      snprintf(hs, sizeof hs, "none");
    else if (!strncmp(a, "settings ", 9) && hex_ok(a + 9))
      snprintf(hs, sizeof hs, "settings:%s", a + 9);
    else
      return fail(r, col,
                  "expected default, none or 'settings HEX' (an even number of hex "
                  "digits), got '%s'",
                  a);
    return (l->handshake = dup_text(hs)) ? true : fail(r, 1, "out of memory");
  }
  if (!strcmp(kw, "send")) return add_send(r, pc, a, col);
  if (!strcmp(kw, "expect")) {
    if (!once(r, &pc->expect_line, kw) || !expect_ok(r, a, col)) return false;
    return (l->expect = dup_text(a)) ? true : fail(r, 1, "out of memory");
  }
  if (!strcmp(kw, "repeat")) {
    char *end = NULL;
    unsigned long n = strtoul(a, &end, 10);
    if (!once(r, &pc->repeat_line, kw)) return false;
    if (*a < '0' || *a > '9' || *end || n < 1 || n > CHECK_REPEAT_MAX)
      return fail(r, col, "expected a number of runs 1 to %d, got '%s'", CHECK_REPEAT_MAX, a);
    l->c.repeat = (unsigned)n;
    return true;
  }
  if (!strcmp(kw, "needs")) {
    if (!once(r, &pc->needs_line, kw) || !needs_ok(r, a, col)) return false;
    return (l->needs = dup_text(a)) ? true : fail(r, 1, "out of memory");
  }
  return fail(
      r, 1,
      "expected case, group, rfc, title, handshake, send, expect, needs, alone or repeat, got "
      "'%s'",
      kw);
}

/* One line without its newline. */
static bool one_line(reader *r, pending *pc, char *line, size_t *ncases) {
  for (char *p = line; *p; p++)
    if ((unsigned char)*p < 0x20 && *p != '\t')
      return fail(r, (size_t)(p - line) + 1, "control character 0x%02x", (unsigned char)*p);
  size_t lead = strspn(line, " \t");
  char *p = line + lead;
  size_t n = strlen(p);
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    p[--n] = 0;
  if (!*p || *p == '#') return true; /* blank or a comment line */
  size_t kl = strcspn(p, " \t");
  char kw[16];
  if (kl >= sizeof kw) kl = sizeof kw - 1;
  memcpy(kw, p, kl);
  kw[kl] = 0;
  const char *a = p + strcspn(p, " \t");
  a += strspn(a, " \t");
  size_t col = (size_t)(a - line) + 1;
  if (!strcmp(kw, "case")) return start_case(r, pc, a, col, ncases);
  if (!pc->l) return fail(r, lead + 1, "expected 'case ID' before '%s'", kw);
  return keyword(r, pc, kw, a, col);
}

bool check_file_load(check_set *s, FILE *f, const char *name, char *err, size_t errcap) {
  reader r = {.s = s, .name = name, .err = err, .errcap = errcap};
  pending pc = {0};
  size_t ncases = 0;
  char *line = malloc(CHECK_FILE_LINE_MAX + 2);
  if (!line) {
    snprintf(err, errcap, "%s: out of memory", name);
    return false;
  }
  bool ok = true;
  while (ok && fgets(line, CHECK_FILE_LINE_MAX + 2, f)) {
    r.line++;
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n')
      line[--n] = 0;
    else if (!feof(f))
      ok = fail(&r, CHECK_FILE_LINE_MAX + 1, "line longer than %d characters", CHECK_FILE_LINE_MAX);
    if (ok && strlen(line) != n) ok = fail(&r, strlen(line) + 1, "NUL byte");
    if (ok && n && line[n - 1] == '\r') line[--n] = 0;
    if (ok) ok = one_line(&r, &pc, line, &ncases);
  }
  if (ok && ferror(f)) ok = fail(&r, 1, "read error");
  if (ok) ok = finish(&r, &pc);
  if (ok && ncases == 0) {
    snprintf(err, errcap, "%s: no case in the file (a case starts with 'case ID')", name);
    ok = false;
  }
  if (pc.l) check_loaded_free(pc.l);
  h2_buf_free(&pc.frames);
  free(line);
  return ok;
}

static void kv(out_buf *o, const char *k, const char *v) {
  out_puts(o, k);
  out_putc(o, ' ');
  out_puts(o, v);
  out_putc(o, '\n');
}

void check_file_print(out_buf *o, const check_item *it) {
  const check_case *c = it->c;
  out_putc(o, '\n');
  kv(o, "case", it->id);
  if (it->group == CHECK_GROUP_ROBUST) kv(o, "group", "robust");
  if (it->group == CHECK_GROUP_CLIENT) kv(o, "group", "client");
  if (c->rfc) {
    char rfc[64];
    snprintf(rfc, sizeof rfc, "%u %s", c->rfc, c->section);
    kv(o, "rfc", rfc);
  }
  kv(o, "title", c->title);
  if (!strcmp(c->handshake, "none"))
    kv(o, "handshake", "none");
  else if (!strncmp(c->handshake, "settings:", 9)) {
    out_puts(o, "handshake settings ");
    out_puts(o, c->handshake + 9);
    out_putc(o, '\n');
  }
  char line[CHECK_FILE_LINE_MAX];
  for (size_t i = 0; check_frames_line(c->frames, i, line, sizeof line); i++)
    kv(o, "send", line);
  kv(o, "expect", c->expect);
  if (c->needs) kv(o, "needs", c->needs);
  if (c->alone) out_puts(o, "alone\n");
  if (c->repeat > 1) {
    char n[32];
    snprintf(n, sizeof n, "%u", c->repeat);
    kv(o, "repeat", n);
  }
}
