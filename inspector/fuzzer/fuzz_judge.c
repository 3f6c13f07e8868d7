/* fuzz_judge.c — a connection's bytes through h2_conn and lint_conn into a
 * reaction signature and the peer's protocol findings (fuzz_judge.h). */
#include "fuzz_judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_hashset.h"
#include "h2/error.h"
#include "h2/frame.h"
#include "h2_conn.h"
#include "lint_conn.h"

#define TOKENS_MAX 48

struct fuzz_judge {
  header_scratch scratch;
  int peer_dir;
  lint_conn *lint;
  /* the streams our own frames broke a rule on (stream 0: the connection):
   * the peer's findings there may be its answer to them */
  fuzz_hashset ours;
  bool ours_full; /* every stream: our frame was cut short */
  /* the peer's findings until the connection is judged */
  const char *peer_id[256];
  uint32_t peer_stream[256];
  size_t npeer;
  char tokens[TOKENS_MAX][40]; /* distinct, in the order first seen */
  size_t ntokens;
  bool tokens_full;
  fuzz_reaction *out;
};

void fuzz_transcript_init(fuzz_transcript *t) {
  memset(t, 0, sizeof *t);
  h2_buf_init(&t->bytes, FUZZ_TRANSCRIPT_MAX);
}

void fuzz_transcript_reset(fuzz_transcript *t, double now) {
  h2_buf_reset(&t->bytes);
  t->n = 0;
  t->start = now;
  t->truncated = false;
}

void fuzz_transcript_add(fuzz_transcript *t, int dir, const uint8_t *p, size_t n, double now) {
  if (t->truncated || t->bytes.len + n > FUZZ_TRANSCRIPT_MAX) {
    t->truncated = true;
    return;
  }
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    fuzz_chunk *c = realloc(t->chunks, cap * sizeof *c);
    if (!c) {
      t->truncated = true;
      return;
    }
    t->chunks = c;
    t->cap = cap;
  }
  /* a chunk that continues the last one in the same direction joins it */
  fuzz_chunk *last = t->n ? &t->chunks[t->n - 1] : NULL;
  size_t off = t->bytes.len;
  h2_buf_put(&t->bytes, p, n);
  if (t->bytes.failed) {
    t->truncated = true;
    return;
  }
  if (last && last->dir == dir && now - t->start - last->ts < 0.0005) {
    last->len += n;
    return;
  }
  t->chunks[t->n++] = (fuzz_chunk){.dir = (uint8_t)dir, .off = off, .len = n, .ts = now - t->start};
}

void fuzz_transcript_free(fuzz_transcript *t) {
  h2_buf_free(&t->bytes);
  free(t->chunks);
  memset(t, 0, sizeof *t);
}

fuzz_judge *fuzz_judge_new(void) {
  fuzz_judge *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  if (header_scratch_init(&j->scratch, 1u << 20) != 0) {
    free(j);
    return NULL;
  }
  return j;
}

void fuzz_judge_free(fuzz_judge *j) {
  if (!j) return;
  header_scratch_free(&j->scratch);
  fuzz_hashset_free(&j->ours);
  free(j);
}

static void add_token(fuzz_judge *j, const char *tok) {
  for (size_t i = 0; i < j->ntokens; i++)
    if (!strcmp(j->tokens[i], tok)) return;
  if (j->ntokens == TOKENS_MAX) {
    j->tokens_full = true;
    return;
  }
  snprintf(j->tokens[j->ntokens++], sizeof j->tokens[0], "%s", tok);
}

static const char *type_text(uint8_t type, char *buf, size_t cap) {
  const char *name = type <= H2_CONTINUATION ? h2_frame_type_name(type) : NULL;
  if (name) return name;
  snprintf(buf, cap, "0x%02x", type);
  return buf;
}

/* One frame of the peer as a signature token: its type, with the error code
 * of RST_STREAM and GOAWAY, the :status of a response, ACK of SETTINGS; our
 * marker PINGs' ACKs are left out (every input has them). */
static void peer_token(fuzz_judge *j, const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  char tok[40], tb[8];
  const char *type = type_text(f->hd.type, tb, sizeof tb);
  if (d->frame_status != H2_OK) {
    snprintf(tok, sizeof tok, "%s!%s", type, h2_status_name(d->frame_status));
  } else if (f->hd.type == H2_RST_STREAM || f->hd.type == H2_GOAWAY) {
    uint32_t code = f->hd.type == H2_GOAWAY ? f->u.goaway.error_code : f->u.rst_stream.error_code;
    const char *cn = h2_error_code_name(code);
    snprintf(tok, sizeof tok, "%s(%s)", type, cn ? cn : "?");
  } else if (f->hd.type == H2_PING && (f->hd.flags & H2_FLAG_ACK)) {
    if (!memcmp(f->u.ping.opaque, "\xe2\x9c\x93", 3)) return;
    snprintf(tok, sizeof tok, "PING(ACK)");
  } else if (f->hd.type == H2_SETTINGS && (f->hd.flags & H2_FLAG_ACK)) {
    snprintf(tok, sizeof tok, "SETTINGS(ACK)");
  } else if (f->hd.type == H2_HEADERS && d->block_complete) {
    const char *status = NULL;
    for (size_t i = 0; i < d->header_count; i++)
      if (d->headers[i].name_len == 7 && !memcmp(d->headers[i].name, ":status", 7) &&
          d->headers[i].value_len == 3)
        status = d->headers[i].value;
    if (status)
      snprintf(tok, sizeof tok, "HEADERS(%.3s)", status);
    else
      snprintf(tok, sizeof tok, "HEADERS");
  } else {
    snprintf(tok, sizeof tok, "%s", type);
  }
  add_token(j, tok);
}

/* Whether a catalogue id is an abusive pattern (§10.5: floods and the
 * like) rather than a rule of RFC 9113 / RFC 7541. */
static bool is_pattern(const char *id) {
  int i = h2_observer_rule_index(id);
  return i >= 0 && h2_observer_rule_kind((size_t)i) != H2_RULE_CHECK;
}

static bool keep_finding(void *user, uint32_t conn, int dir, uint32_t stream, const char *id,
                         const char *severity, uint64_t packet) {
  (void)conn;
  (void)packet;
  fuzz_judge *j = user;
  if (strcmp(severity, "error") != 0) return false;
  /* The peer's patterns are not protocol findings: a peer that resets every
   * stream our input broke, or acknowledges every PING of a flood, does
   * what §5.4.2 and §6.7 ask however many frames it takes; what an attack
   * costs it is measured by the monitor and check --robustness. */
  if (dir == j->peer_dir && is_pattern(id)) return false;
  if (dir != j->peer_dir) {
    fuzz_hashset_add(&j->ours, (uint64_t)stream + 1);
  } else if (j->npeer < sizeof j->peer_id / sizeof *j->peer_id) {
    j->peer_id[j->npeer] = id;
    j->peer_stream[j->npeer++] = stream;
  }
  return false;
}

/* The peer's findings that are not on a stream (or the connection) where
 * our own frames broke a rule first: a peer that answers a malformed frame
 * on an idle stream with RST_STREAM (§5.4.2) is not at fault, though the
 * observer, which skipped our frame, sees a reset of an idle stream. */
static void peer_findings(fuzz_judge *j, fuzz_reaction *o) {
  for (size_t i = 0; i < j->npeer; i++) {
    bool excused = j->ours_full || fuzz_hashset_has(&j->ours, 1) ||
                   fuzz_hashset_has(&j->ours, (uint64_t)j->peer_stream[i] + 1);
    for (size_t k = 0; k < o->nfindings && !excused; k++)
      excused = !strcmp(o->finding[k], j->peer_id[i]);
    if (!excused && o->nfindings < FUZZ_FINDINGS_MAX) o->finding[o->nfindings++] = j->peer_id[i];
  }
}

static void on_frame(void *user, h2_conn *c, int dir, const decoded_frame *d) {
  fuzz_judge *j = user;
  if (dir == j->peer_dir) {
    j->out->peer_frames++;
    peer_token(j, d);
  } else if (d->frame_status != H2_OK) { /* our malformed frame: its stream may be answered */
    fuzz_hashset_add(&j->ours, (uint64_t)d->frame.hd.stream_id + 1);
  }
  if (!j->lint) {
    /* every finding of ours counts (no cap per id): each names a stream to excuse */
    lint_options lo = {.keep = keep_finding, .keep_user = j, .max_findings = UINT32_MAX};
    h2_observer_limits_default(&lo.limits);
    conn_view v = h2_conn_view(c);
    j->lint = lint_conn_new(&lo, &v);
  }
  if (j->lint) {
    conn_view v = h2_conn_view(c);
    lint_conn_frame(j->lint, &v, dir, d);
  }
}

/* Our frame cut short (a Length larger than what we sent: the peer took
 * what followed, our marker PING, as its payload): the peer may have
 * reacted to a frame the observer never saw complete, so none of its
 * findings on this connection is held against it. */
static void on_event(void *user, h2_conn *c, int dir, const char *event, uint64_t offset,
                     const char *message, const event_data *data) {
  (void)c;
  (void)offset;
  (void)message;
  (void)data;
  fuzz_judge *j = user;
  if (dir != j->peer_dir && !strcmp(event, "truncated")) j->ours_full = true;
}

static int cmp_tokens(const void *a, const void *b) {
  return strcmp(a, b);
}

static void signature(fuzz_judge *j, const fuzz_transcript *t, const check_result *r,
                      fuzz_reaction *out) {
  qsort(j->tokens, j->ntokens, sizeof j->tokens[0], cmp_tokens);
  size_t off = 0;
  for (size_t i = 0; i < j->ntokens; i++) {
    int k = snprintf(out->signature + off, sizeof out->signature - off, "%s%s", i ? " " : "",
                     j->tokens[i]);
    if (k < 0 || (size_t)k >= sizeof out->signature - off) break;
    off += (size_t)k;
  }
  /* a close and a reset are one end: which of the two a peer's close
   * becomes depends on whether our last bytes were still unread (timing) */
  const char *end = r->connect_failed       ? "refused"
                    : r->reset || r->closed ? "closed"
                    : r->no_settings        ? "no-settings"
                    : r->timed_out          ? "timeout"
                                            : "open";
  snprintf(out->signature + off, sizeof out->signature - off, "%s| %s%s", off ? " " : "", end,
           j->tokens_full || t->truncated ? " +" : "");
  unsigned long long h = 0xcbf29ce484222325ull;
  for (const char *p = out->signature; *p; p++) {
    h ^= (unsigned char)*p;
    h *= 0x100000001b3ull;
  }
  out->hash = h;
}

void fuzz_judge_run(fuzz_judge *j, const fuzz_transcript *t, int peer_dir, const check_result *r,
                    fuzz_reaction *out) {
  memset(out, 0, sizeof *out);
  j->peer_dir = peer_dir;
  j->lint = NULL;
  j->ntokens = 0;
  j->tokens_full = false;
  j->npeer = 0;
  fuzz_hashset_clear(&j->ours);
  j->ours_full = false;
  j->out = out;
  capture_flow flow;
  memset(&flow, 0, sizeof flow);
  flow.id = 1;
  snprintf(flow.endpoint[0], sizeof flow.endpoint[0], "client");
  snprintf(flow.endpoint[1], sizeof flow.endpoint[1], "server");
  flow.syn_seen = true;
  conn_options co = {.force_h2 = true, .max_header_list = 1u << 20, .scratch = &j->scratch};
  read_sink sink = {.on_frame = on_frame, .on_event = on_event, .user = j};
  h2_conn *c = h2_conn_new(&flow, &co, &sink, 0);
  if (c) {
    uint64_t offset[2] = {0, 0};
    for (size_t i = 0; i < t->n; i++) {
      const fuzz_chunk *k = &t->chunks[i];
      h2_conn_bytes(c, k->dir, offset[k->dir], t->bytes.p + k->off, k->len, k->ts);
      offset[k->dir] += k->len;
    }
    double end = t->n ? t->chunks[t->n - 1].ts : 0;
    h2_conn_finish(c, end);
    if (j->lint) {
      uint32_t counts[3];
      conn_view v = h2_conn_view(c);
      lint_conn_finish(j->lint, &v, counts, NULL);
      peer_findings(j, out);
      lint_conn_free(j->lint);
      j->lint = NULL;
    }
    h2_conn_free(c);
  }
  signature(j, t, r, out);
}
