/* fuzz_finding.c — a finding minimized, checked again and saved as a case
 * file and a capture (fuzz_run.h). */
#include "fuzz_state.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_case_file.h"
#include "fuzz_minimize.h"
#include "fuzz_pcap.h"
#include "out_buf.h"

/* The PING that ends a crash or hang case: a peer that still works answers
 * it, so `check --cases` fails on the peer with the bug (RFC 9113 §6.7). */
#define ALIVE_LINE "PING - 0 str:h2fuzzok"

typedef struct repro {
  fuzz_state *s;
  int kind;
  const char *id;
  bool dirty; /* the target may be down or hung: restart before the next try */
} repro;

static bool has_finding(const fuzz_reaction *re, const char *id) {
  for (size_t i = 0; i < re->nfindings; i++)
    if (!strcmp(re->finding[i], id)) return true;
  return false;
}

/* The predicate of minimization: runs the candidate and asks whether the
 * same kind of finding shows. */
static bool reproduces(void *user, const fuzz_input *in) {
  repro *p = user;
  fuzz_state *s = p->s;
  char why[320];
  /* a client command runs anew for every input: nothing to restart */
  if (!s->o->client && p->kind != FUZZ_PROTOCOL && (p->dirty || p->kind != FUZZ_CRASH)) {
    if (!fuzz_target_restart(s->o->peer, why, sizeof why)) return false;
    s->st->restarts++;
  }
  p->dirty = false;
  fuzz_outcome *out = malloc(sizeof *out);
  if (!out) return false;
  bool yes = false;
  /* one run on a fresh target: the saved case alone must show the finding;
   * a memory finding: the growth of FUZZ_MEMORY_REPEAT runs, as the saved
   * case repeats them (the exchange kept is the last run's) */
  unsigned runs = p->kind == FUZZ_MEMORY ? FUZZ_MEMORY_REPEAT : 1;
  for (unsigned i = 0; i < runs; i++) {
    fuzz_exec_run(&s->x, in, "ANY", out);
    s->st->connections++;
    if (out->r.connect_failed) break;
  }
  if (p->kind == FUZZ_PROTOCOL) {
    yes = has_finding(&out->re, p->id);
  } else if (s->o->client) {
    yes = p->kind == FUZZ_CRASH && out->r.client_crashed;
  } else {
    bool suspicious = out->r.connect_failed || out->r.no_settings || out->r.closed ||
                      out->r.reset || (out->r.timed_out && !out->r.marker_acked);
    int k = fuzz_target_health(s->o->peer, p->kind == FUZZ_HANG, suspicious, why, sizeof why);
    s->st->connections += p->kind == FUZZ_HANG || suspicious;
    yes = k == p->kind;
    if (k != FUZZ_NONE) p->dirty = true;
  }
  free(out);
  return yes;
}

static void printable(const char *in, char *out, size_t cap) {
  size_t k = 0;
  for (; *in && k + 1 < cap; in++)
    out[k++] = (unsigned char)*in < 0x20 || *in == 0x7f ? '?' : *in; /* UTF-8 stays */
  out[k] = 0;
}

static bool write_case(fuzz_state *s, const fuzz_finding *f, const fuzz_input *in, char *err,
                       size_t cap) {
  fuzz_input saved;
  memset(&saved, 0, sizeof saved);
  bool alive = f->kind == FUZZ_CRASH || f->kind == FUZZ_HANG;
  bool memory = f->kind == FUZZ_MEMORY;
  if (!fuzz_input_copy(&saved, in) || (alive && !fuzz_input_add(&saved, ALIVE_LINE))) {
    fuzz_input_free(&saved);
    snprintf(err, cap, "out of memory");
    return false;
  }
  char *frames = fuzz_input_frames(&saved);
  int fd = open(f->case_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!frames || fd < 0) {
    snprintf(err, cap, "%.200s: cannot write", f->case_path);
    free(frames);
    fuzz_input_free(&saved);
    if (fd >= 0) close(fd);
    return false;
  }
  char why[320], title[400], id[64];
  printable(f->why, why, sizeof why);
  snprintf(title, sizeof title, "%s: %s", fuzz_kind_name(f->kind), why);
  snprintf(id, sizeof id, "fuzz/%s-%u", fuzz_kind_name(f->kind), f->n);
  check_case cs;
  char expect[80] = "ANY";
  if (alive || memory)
    snprintf(expect, sizeof expect, "%s", alive ? "PING_ACK" : "MEMORY");
  else if (f->id) /* protocol: fails while the peer's answer still breaks the rule */
    snprintf(expect, sizeof expect, "NO_LINT %.60s", f->id);
  fuzz_input_case(&saved, frames, title, expect, &cs);
  if (memory) cs.repeat = FUZZ_MEMORY_REPEAT;
  check_item it = {.group = s->o->client ? CHECK_GROUP_CLIENT : CHECK_GROUP_SERVER, .c = &cs};
  snprintf(it.id, sizeof it.id, "%s", id);
  out_buf o;
  out_init(&o, fd);
  char head[1024];
  snprintf(head, sizeof head,
           "# h2scope fuzz: %s finding %u%s%s, input %llu (--seed %llu), from %s\n"
           "# %s\n# %zu lines as found, %zu after minimization (%u runs); reproduced: %s\n"
           "# replay: h2scope check %s --cases FILE%s%s%s\n",
           fuzz_kind_name(f->kind), f->n, f->id ? " " : "", f->id ? f->id : "",
           (unsigned long long)f->exec, (unsigned long long)s->o->seed, f->origin, why,
           f->lines_found, f->lines_saved, f->tries,
           !f->minimized   ? "not checked (no -- CMD to restart the target)"
           : f->reproduced ? "yes"
                           : "no",
           s->o->client ? "--client --listen PORT" : "HOST:PORT",
           s->o->client || memory ? " -- CMD" : "",
           memory ? " --max-rss (the fuzz run's; fails: the target grows by more)" : "",
           alive
               ? (s->o->client ? " (fails: the client crashes or does not answer the closing PING)"
                               : " (fails: the closing PING is not answered)")
               : "");
  out_puts(&o, head);
  check_file_print(&o, &it);
  bool ok = out_flush(&o);
  close(fd);
  free(frames);
  fuzz_input_free(&saved);
  if (!ok) snprintf(err, cap, "%.200s: write failed", f->case_path);
  return ok;
}

/* Whether this crash, hang or memory finding was reported already (the same
 * kind and reason); protocol findings count once per catalogue id. */
static bool seen_before(fuzz_state *s, int kind, const char *id, const char *why) {
  if (kind == FUZZ_PROTOCOL) {
    int i = h2_observer_rule_index(id);
    size_t slot = i < 0 ? H2_OBSERVER_RULE_MAX : (size_t)i;
    if (s->protocol_seen[slot]) return true;
    s->protocol_seen[slot] = true;
    return false;
  }
  if (kind == FUZZ_MEMORY) return s->memory_reported; /* marked once confirmed */
  uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)kind;
  for (const char *p = why; *p; p++)
    h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
  for (size_t i = 0; i < s->nwhy; i++)
    if (s->why_seen[i] == h) return true;
  if (s->nwhy < FUZZ_WHY_SEEN) s->why_seen[s->nwhy++] = h;
  return false;
}

/* Minimizes the finding's input in place; false when a memory finding is
 * not confirmed (none of the recent inputs grows the target by itself). */
static bool minimize(fuzz_state *s, fuzz_finding *f, fuzz_input *work, const char *id) {
  /* --client with a COMMAND starts the client afresh for every input */
  bool per_input = s->o->client && s->o->co.command;
  bool restartable = fuzz_target_has_command(s->o->peer) || per_input;
  f->minimized = f->kind == FUZZ_PROTOCOL || restartable;
  if (!f->minimized) return true;
  repro p = {.s = s, .kind = f->kind, .id = id, .dirty = true};
  /* a crash, hang or growth first seen after an input may come from one of
   * the inputs before it: the newest that shows it is the one kept (a
   * client's crash belongs to the input its process ran) */
  bool shown = true;
  if (f->kind != FUZZ_PROTOCOL && !per_input && !reproduces(&p, work)) {
    shown = false;
    f->tries++;
    for (size_t i = 1; i < s->nrecent; i++) {
      f->tries++;
      if (reproduces(&p, &s->recent[i])) {
        fuzz_input_copy(work, &s->recent[i]);
        snprintf(f->origin, sizeof f->origin, "%.60s (the input %u before)",
                 work->origin[0] ? work->origin : "?", (unsigned)i);
        f->exec -= i;
        f->lines_found = work->n;
        shown = true;
        break;
      }
    }
  }
  /* a growth that piled up over many inputs, none of which grows the
   * target by itself over FUZZ_MEMORY_REPEAT runs, is not reported */
  if (f->kind == FUZZ_MEMORY && !shown) return false;
  fuzz_min_limits lim = {.max_tries = s->o->minimize_tries,
                         .deadline = check_now() + s->o->minimize_time};
  f->tries += fuzz_minimize(work, &s->ctx, reproduces, &p, &lim);
  /* the last check, whose exchange is the one saved */
  p.dirty = true;
  f->reproduced = reproduces(&p, work);
  f->tries++;
  return true;
}

void fuzz_finding_handle(fuzz_state *s, int kind, const char *id, const char *why,
                         const fuzz_input *in) {
  if (seen_before(s, kind, id, why)) return;
  fuzz_finding *f = calloc(1, sizeof *f);
  fuzz_input work;
  memset(&work, 0, sizeof work);
  fuzz_transcript found;
  fuzz_transcript_init(&found);
  if (!f || !fuzz_input_copy(&work, in)) {
    free(f);
    fuzz_transcript_free(&found);
    return;
  }
  /* the exchange as found, kept in case minimization cannot reproduce it */
  fuzz_transcript_reset(&found, s->x.tr.start);
  for (size_t i = 0; i < s->x.tr.n; i++) {
    const fuzz_chunk *c = &s->x.tr.chunks[i];
    fuzz_transcript_add(&found, c->dir, s->x.tr.bytes.p + c->off, c->len, s->x.tr.start + c->ts);
  }
  f->kind = kind;
  f->id = id;
  snprintf(f->why, sizeof f->why, "%s", why);
  f->exec = s->st->execs;
  f->seconds = check_now() - s->start;
  snprintf(f->origin, sizeof f->origin, "%s", in->origin[0] ? in->origin : "?");
  f->lines_found = in->n;
  char err[256] = "";
  if (!minimize(s, f, &work, id)) { /* an unconfirmed growth: go on with a fresh target */
    if (fuzz_target_restart(s->o->peer, err, sizeof err))
      s->st->restarts++;
    else
      s->stop = true;
    fuzz_input_free(&work);
    fuzz_transcript_free(&found);
    free(f);
    return;
  }
  if (kind == FUZZ_MEMORY) s->memory_reported = true;
  f->n = (unsigned)++s->st->by_kind[kind];
  s->st->findings++;
  f->lines_saved = work.n;
  snprintf(f->case_path, sizeof f->case_path, "%s/%s-%u.case", s->o->out_dir, fuzz_kind_name(kind),
           f->n);
  snprintf(f->pcap_path, sizeof f->pcap_path, "%s/%s-%u.pcap", s->o->out_dir, fuzz_kind_name(kind),
           f->n);
  const fuzz_transcript *ex = f->reproduced ? &s->x.tr : &found;
  uint16_t port = (uint16_t)strtoul(s->o->target.port ? s->o->target.port : "0", NULL, 10);
  if (write_case(s, f, &work, err, sizeof err))
    fuzz_pcap_write(f->pcap_path, ex, port ? port : 80, err, sizeof err);
  snprintf(f->save_error, sizeof f->save_error, "%s", err);
  if (s->cb->on_finding) s->cb->on_finding(s->cb->user, f);
  /* go on with a fresh target; without a command a dead or hung peer ends the run */
  if (kind != FUZZ_PROTOCOL && !s->o->client) {
    if (fuzz_target_has_command(s->o->peer)) {
      if (fuzz_target_restart(s->o->peer, err, sizeof err))
        s->st->restarts++;
      else
        s->stop = true;
    } else if (kind != FUZZ_MEMORY) {
      s->stop = true;
      s->st->peer_gone = true;
    }
  }
  if (s->o->max_findings && s->st->findings >= s->o->max_findings) s->stop = true;
  if (s->o->stop_on & (1u << kind)) s->stop = true;
  fuzz_input_free(&work);
  fuzz_transcript_free(&found);
  free(f);
}
