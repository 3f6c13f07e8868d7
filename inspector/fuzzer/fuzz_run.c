/* fuzz_run.c — the loop of `h2scope fuzz` (fuzz_run.h). */
#include "fuzz_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_mutate.h"
#include "fuzz_state.h"

#define MUTATIONS_MAX 4 /* stacked on one input */
#define PICK_TRIES 16   /* mutants already run are drawn again at most this often */

static bool time_up(const fuzz_state *s) {
  const fuzz_options *o = s->o;
  if (s->stop || (o->stop && *o->stop)) return true;
  if (o->runs && s->st->execs >= o->runs) return true;
  return o->time_limit > 0 && check_now() - s->start >= o->time_limit;
}

static void progress(fuzz_state *s, double *last, bool force) {
  double now = check_now();
  if (!force && now - *last < 0.5) return;
  *last = now;
  s->st->seconds = now - s->start;
  if (s->cb->on_progress) s->cb->on_progress(s->cb->user, s->st);
}

/* Keeps in as the newest of the recent inputs. */
static void remember(fuzz_state *s, const fuzz_input *in) {
  fuzz_input oldest = s->recent[FUZZ_RECENT - 1];
  memmove(&s->recent[1], &s->recent[0], (FUZZ_RECENT - 1) * sizeof *s->recent);
  memset(&s->recent[0], 0, sizeof s->recent[0]);
  fuzz_input_free(&oldest);
  fuzz_input_copy(&s->recent[0], in);
  if (s->nrecent < FUZZ_RECENT) s->nrecent++;
}

/* Whether the connection ended in a way a crash would end it: refused,
 * no SETTINGS, no answer, or closed without a GOAWAY. */
static bool suspicious(const fuzz_outcome *out) {
  const check_result *r = &out->r;
  if (r->connect_failed || r->no_settings || (r->timed_out && !r->marker_acked)) return true;
  return (r->closed || r->reset) && !strstr(out->re.signature, "GOAWAY");
}

/* With a command, the target's size is a second signal next to the
 * reactions: an input after which the RSS reached a new high by
 * FUZZ_RSS_STEP joins the corpus as favoured, so that what makes the target
 * grow is amplified (fuzz_mutate_amplify: looped, repeated) and mutated
 * further towards a memory finding. One small leak (a few pages per input)
 * found by chance thus becomes an input that grows the target by megabytes
 * within tens of inputs, where the same leak met again by chance would take
 * thousands of inputs to pile up to --max-rss.
 *
 * Such an input runs once more at once: a leak grows the target again
 * (FUZZ_RSS_STEP / 2 or more), while a one-off growth (a pool or a table
 * filled to its size, the allocator's first use of a size) does not. The
 * favoured that grow again rank above those that do not, then by how much
 * they raised the high; when the list is full, a new one takes the place of
 * the lowest, if it ranks above it. A restarted target starts a new high. */
static bool ranks_above(const fuzz_state *s, bool again, uint64_t growth, size_t i) {
  if (again != s->favoured_again[i]) return again;
  return growth > s->favoured_growth[i];
}

static void memory_feedback(fuzz_state *s, const fuzz_input *in, fuzz_corpus *corpus,
                            fuzz_outcome *scratch, uint64_t now, unsigned starts) {
  if (starts != s->rss_starts) s->rss_high = 0;
  s->rss_starts = starts;
  if (!now) return;
  if (!s->rss_high) s->rss_high = now;
  if (now < s->rss_high + FUZZ_RSS_STEP) return;
  uint64_t growth = now - s->rss_high;
  s->rss_high = now;
  fuzz_exec_run(&s->x, in, "ANY", scratch); /* a connection, not another input */
  s->st->connections++;
  fuzz_target_rss(s->o->peer, &now, &starts);
  if (!now) return; /* it died: the next input's health check says so */
  bool again = now >= s->rss_high + FUZZ_RSS_STEP / 2;
  if (now > s->rss_high) s->rss_high = now;
  size_t slot = s->nfavoured;
  if (slot == FUZZ_FAVOURED) {
    slot = 0;
    for (size_t i = 1; i < FUZZ_FAVOURED; i++)
      if (ranks_above(s, s->favoured_again[slot], s->favoured_growth[slot], i)) slot = i;
    if (!ranks_above(s, again, growth, slot)) return;
  }
  if (!fuzz_corpus_add(corpus, in)) return;
  s->favoured[slot] = corpus->n - 1;
  s->favoured_growth[slot] = growth;
  s->favoured_again[slot] = again;
  if (slot == s->nfavoured) s->nfavoured++;
}

/* The input to mutate next: half of the time any of the corpus; else one
 * of the favoured of the higher rank (those that grew the target again, if
 * any): the one that raised the high most or (as often) any of them
 * (*favoured says which). */
static const fuzz_input *pick_parent(fuzz_state *s, const fuzz_corpus *corpus, bool *favoured) {
  *favoured = false;
  if (!s->nfavoured || fuzz_rng_chance(&s->rng, 1, 2))
    return &corpus->items[fuzz_rng_below(&s->rng, (uint32_t)corpus->n)];
  *favoured = true;
  size_t top[FUZZ_FAVOURED] = {0}, n = 0;
  bool any_again = false;
  for (size_t i = 0; i < s->nfavoured; i++)
    any_again |= s->favoured_again[i];
  for (size_t i = 0; i < s->nfavoured; i++)
    if (s->favoured_again[i] == any_again) top[n++] = i;
  size_t pick = top[fuzz_rng_below(&s->rng, (uint32_t)n)];
  if (fuzz_rng_chance(&s->rng, 1, 2))
    for (size_t k = 0; k < n; k++)
      if (s->favoured_growth[top[k]] > s->favoured_growth[pick]) pick = top[k];
  return &corpus->items[s->favoured[pick]];
}

/* After one input: new reactions, the observer's findings, the peer's health. */
static void after_input(fuzz_state *s, const fuzz_input *in, fuzz_outcome *out, bool mutated,
                        fuzz_corpus *corpus, double *last_canary) {
  s->st->execs++;
  s->st->connections++;
  remember(s, in);
  if (fuzz_hashset_add(&s->reactions, out->re.hash)) {
    s->st->reactions++;
    if (s->cb->on_reaction) s->cb->on_reaction(s->cb->user, s->st->execs, out->re.signature);
    if (mutated) fuzz_corpus_add(corpus, in);
  }
  for (size_t i = 0; i < out->re.nfindings && !s->stop; i++) {
    const char *section = "", *desc = "";
    int idx = h2_observer_rule_index(out->re.finding[i]);
    if (idx >= 0) h2_observer_rule_at((size_t)idx, NULL, NULL, &section, &desc);
    char why[320];
    snprintf(why, sizeof why, "%s: %s (%s)", out->re.finding[i], desc, section);
    fuzz_finding_handle(s, FUZZ_PROTOCOL, out->re.finding[i], why, in);
  }
  if (s->stop) return;
  if (out->r.client_crashed) { /* --client: the client command of this input crashed */
    char why[400];
    snprintf(why, sizeof why, "the client crashed: %s", out->r.client_end);
    fuzz_finding_handle(s, FUZZ_CRASH, NULL, why, in);
    return;
  }
  bool odd = suspicious(out);
  double now = check_now();
  bool ask_canary = now - *last_canary >= s->o->canary_every;
  if (ask_canary || odd) *last_canary = now;
  /* sampled once: the health check just after reads the same sample */
  uint64_t rss;
  unsigned starts;
  fuzz_target_rss(s->o->peer, &rss, &starts);
  char why[320];
  int kind = fuzz_target_health(s->o->peer, ask_canary, odd, why, sizeof why);
  s->st->connections += ask_canary || odd;
  if (kind != FUZZ_NONE) {
    fuzz_finding_handle(s, kind, NULL, why, in);
    return;
  }
  memory_feedback(s, in, corpus, out, rss, starts); /* out is spent: a run again goes there */
}

static void loop(fuzz_state *s, fuzz_corpus *corpus) {
  fuzz_outcome *out = malloc(sizeof *out);
  fuzz_input mutant;
  memset(&mutant, 0, sizeof mutant);
  double last_progress = 0, last_canary = check_now();
  size_t seeds = corpus->n;
  /* every seed once, in order */
  for (size_t i = 0; out && i < seeds && !time_up(s); i++) {
    fuzz_hashset_add(&s->inputs, fuzz_input_hash(&corpus->items[i]));
    if (!fuzz_input_copy(&mutant, &corpus->items[i])) break;
    fuzz_exec_run(&s->x, &mutant, "ANY", out);
    after_input(s, &mutant, out, false, corpus, &last_canary);
    s->st->corpus = corpus->n;
    progress(s, &last_progress, false);
  }
  char what[256];
  unsigned stale = 0; /* rounds in a row without an input not run before */
  while (out && corpus->n && !time_up(s) && stale < 1000) {
    bool fresh = false;
    for (int t = 0; t < PICK_TRIES && !fresh; t++) {
      bool favoured;
      const fuzz_input *parent = pick_parent(s, corpus, &favoured);
      const fuzz_input *donor = &corpus->items[fuzz_rng_below(&s->rng, (uint32_t)corpus->n)];
      if (!fuzz_input_copy(&mutant, parent)) break;
      /* half of a favoured parent's mutants do more of what grew the target */
      bool grown = favoured && fuzz_rng_chance(&s->rng, 1, 2) &&
                   fuzz_mutate_amplify(&s->rng, &s->ctx, &mutant, what, sizeof what);
      if (!grown &&
          !fuzz_mutate(&s->rng, &s->ctx, &mutant, donor, MUTATIONS_MAX, what, sizeof what))
        continue;
      /* a mutant check cannot send (or a case file not load) is not run */
      fresh = fuzz_hashset_add(&s->inputs, fuzz_input_hash(&mutant)) && fuzz_input_valid(&mutant);
    }
    if (!fresh) {
      stale++;
      continue;
    }
    stale = 0;
    fuzz_exec_run(&s->x, &mutant, "ANY", out);
    after_input(s, &mutant, out, true, corpus, &last_canary);
    s->st->corpus = corpus->n;
    progress(s, &last_progress, false);
  }
  s->st->seconds = check_now() - s->start;
  s->st->corpus = corpus->n;
  if (s->cb->on_progress) s->cb->on_progress(s->cb->user, s->st);
  fuzz_input_free(&mutant);
  free(out);
}

int fuzz_run(const fuzz_options *o, fuzz_corpus *corpus, const fuzz_callbacks *cb, fuzz_stats *st,
             char *err, size_t cap) {
  fuzz_state *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, cap, "out of memory");
    return -1;
  }
  memset(st, 0, sizeof *st);
  s->o = o;
  s->cb = cb;
  s->st = st;
  st->seeds = corpus->n;
  fuzz_rng_seed(&s->rng, o->seed);
  s->ctx.path = o->target.path;
  s->ctx.authority = o->target.host;
  if (!fuzz_exec_init(&s->x, &o->target, o->client, &o->co)) {
    snprintf(err, cap, "out of memory");
    free(s);
    return -1;
  }
  s->start = check_now();
  loop(s, corpus);
  fuzz_exec_free(&s->x);
  for (size_t i = 0; i < FUZZ_RECENT; i++)
    fuzz_input_free(&s->recent[i]);
  fuzz_hashset_free(&s->reactions);
  fuzz_hashset_free(&s->inputs);
  free(s);
  return 0;
}
