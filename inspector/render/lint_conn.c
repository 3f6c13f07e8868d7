/* lint_conn.c — the linter of one captured connection (lint_conn.h): its frames
 * go to the session's observer, which judges them (RFC rules, attack patterns);
 * this file keeps the findings and writes them as text, JSON Lines or SARIF,
 * so it sits with the other writers and consumes what read decoded. */
#include "lint_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_run.h"
#include "h2/error.h"
#include "json_write.h"

/* A finding held until the connection ends (see lint_conn_gap). */
typedef struct held_finding {
  const char *id, *section; /* static strings */
  size_t slot;              /* id's place in the catalogue (id_slot), looked up once */
  uint8_t severity, dir;
  uint32_t stream;
  uint64_t frame;
  uint64_t pkt_first, pkt_last; /* the packets of that frame (0: unknown) */
  uint32_t file;
  double ts;
  char message[256];
} held_finding;

struct lint_conn {
  lint_options opt;
  h2_observer *obs;
  conn_view v; /* the connection as it stood at the last call */
  bool have_view;
  uint64_t frame;               /* 1-based number of the current frame, both directions */
  uint64_t pkt_first, pkt_last; /* its capture packets (decoded_frame) */
  uint32_t pkt_file;
  uint64_t last_frame[2]; /* number of the last frame of each direction */
  uint32_t gaps;          /* gaps already passed to the observer */
  /* Frames after this one may have been judged on a state that lost packets
   * had changed (a loss shows only when its direction's next segment
   * arrives): their state-dependent findings are discarded. */
  uint64_t trusted_until;
  uint32_t discarded;
  held_finding *held;
  uint32_t held_count, held_cap;
  uint32_t counts[3];
  /* By catalogue index (h2_observer_rule_index; the last slot for an id the
   * catalogue lacks): findings counted, held to be shown, and not shown
   * because their id reached max_findings. */
  uint32_t by_id[H2_OBSERVER_RULE_MAX + 1];
  uint32_t held_by_id[H2_OBSERVER_RULE_MAX + 1];
  uint32_t suppressed_by_id[H2_OBSERVER_RULE_MAX + 1];
};

static size_t id_slot(const char *id) {
  int i = h2_observer_rule_index(id);
  return i < 0 ? H2_OBSERVER_RULE_MAX : (size_t)i;
}

static const char *dir_name(int dir) {
  return dir == FLOW_DIR_S2C ? "s2c" : "c2s";
}

/* The finding's packets as JSON members: "pkt":N or "pkt":[first,last],
 * and "file":K when several files are read; "" when unknown. */
static void pkt_json(const held_finding *f, char *buf, size_t cap) {
  buf[0] = '\0';
  if (!f->pkt_last) return;
  int n = f->pkt_first && f->pkt_first != f->pkt_last
              ? snprintf(buf, cap, "\"pkt\":[%llu,%llu]", (unsigned long long)f->pkt_first,
                         (unsigned long long)f->pkt_last)
              : snprintf(buf, cap, "\"pkt\":%llu", (unsigned long long)f->pkt_last);
  if (f->file && n > 0 && (size_t)n < cap)
    snprintf(buf + n, cap - (size_t)n, ",\"file\":%u", f->file);
}

/* The finding's packets as text: " #12" or " #12-14" (" #2:12" in the
 * second file); "" when unknown. */
static void pkt_text(const held_finding *f, char *buf, size_t cap) {
  buf[0] = '\0';
  if (!f->pkt_last) return;
  char file[16] = "";
  if (f->file) snprintf(file, sizeof file, "%u:", f->file);
  if (f->pkt_first && f->pkt_first != f->pkt_last)
    snprintf(buf, cap, " #%s%llu-%llu", file, (unsigned long long)f->pkt_first,
             (unsigned long long)f->pkt_last);
  else
    snprintf(buf, cap, " #%s%llu", file, (unsigned long long)f->pkt_last);
}

/* One finding as a JSON line (read --lint --json, the HTML report); pj: its
 * packets as pkt_json gives them. */
static void write_finding_json(out_buf *o, const held_finding *f, uint32_t conn,
                               const char *sev_name, const char *pj) {
  out_puts(o, "{\"v\":1,\"lint\":");
  json_cstr(o, f->id);
  out_puts(o, ",\"severity\":");
  json_cstr(o, sev_name);
  out_puts(o, ",\"conn\":");
  out_u64(o, conn);
  out_puts(o, ",\"ts\":");
  out_fixed(o, f->ts, 6);
  out_puts(o, ",\"dir\":");
  json_cstr(o, dir_name(f->dir));
  out_puts(o, ",\"stream\":");
  out_u64(o, f->stream);
  out_puts(o, ",\"frame\":");
  out_u64(o, f->frame);
  out_puts(o, ",\"section\":");
  json_cstr(o, f->section);
  out_puts(o, ",\"message\":");
  json_cstr(o, f->message);
  if (pj[0]) {
    out_putc(o, ',');
    out_puts(o, pj);
  }
  out_puts(o, "}\n");
}

/* Writes one finding: a text or JSON line, and a SARIF result. */
static void write_finding(lint_conn *l, const held_finding *f) {
  const conn_view *c = l->have_view ? &l->v : NULL;
  uint32_t conn = c ? c->ends.conn : 0;
  const char *sev_name = h2_finding_severity_name(f->severity);
  if (l->opt.keep &&
      !l->opt.keep(l->opt.keep_user, conn, f->dir, f->stream, f->id, sev_name, f->pkt_last))
    return;
  char pj[64], pt[64];
  pkt_json(f, pj, sizeof pj);
  pkt_text(f, pt, sizeof pt);
  if (l->opt.sarif) {
    char loc[360];
    snprintf(loc, sizeof loc, "connection %u (%s -> %s), %s, stream %u, frame %llu%s%s", conn,
             c ? c->ends.client : "?", c ? c->ends.server : "?", dir_name(f->dir), f->stream,
             (unsigned long long)f->frame, pt[0] ? ", packet " : "", pt[0] ? pt + 2 : "");
    char msg[400];
    snprintf(msg, sizeof msg, "%s (%s)", f->message, f->section);
    sarif_props props = {.pkt_first = f->pkt_first, .pkt_last = f->pkt_last, .file = f->file};
    sarif_result(l->opt.sarif, f->id,
                 f->severity == H2_FINDING_ERROR     ? "error"
                 : f->severity == H2_FINDING_WARNING ? "warning"
                                                     : "note",
                 msg, l->opt.artifact, loc, &props);
  }
  if (l->opt.json_copy) write_finding_json(l->opt.json_copy, f, conn, sev_name, pj);
  out_buf *o = l->opt.out;
  if (!o) return;
  if (l->opt.json) {
    write_finding_json(o, f, conn, sev_name, pj);
    return;
  }
  out_fixed(o, l->opt.abs_time ? f->ts : f->ts - l->opt.first_ts, 6);
  out_puts(o, " conn ");
  out_u64(o, conn);
  out_putc(o, ' ');
  out_puts(o, dir_name(f->dir));
  out_puts(o, " stream ");
  out_u64(o, f->stream);
  out_puts(o, " frame ");
  out_u64(o, f->frame);
  out_puts(o, pt);
  out_putc(o, ' ');
  /* Colour marks the severity only, and every coloured span is closed. */
  const char *sev_color = !l->opt.color                       ? NULL
                          : f->severity == H2_FINDING_ERROR   ? "\x1b[1;31m"
                          : f->severity == H2_FINDING_WARNING ? "\x1b[33m"
                                                              : "\x1b[36m";
  if (sev_color) out_puts(o, sev_color);
  out_puts(o, sev_name);
  if (sev_color) out_puts(o, "\x1b[0m");
  out_putc(o, ' ');
  out_puts(o, f->id);
  out_puts(o, ": ");
  out_puts(o, f->message);
  out_puts(o, " [");
  out_puts(o, f->section);
  out_puts(o, "]\n");
}

/* Findings are held until the connection ends, so that those a packet loss
 * detected later invalidates can be left out. At most max_findings of each id
 * are kept (the rest are counted), so a flood of one rule's findings cannot
 * push out the others; attack patterns, reported at most once per endpoint
 * and pattern, are always kept: they are what the reader is looking for. */
static void emit(lint_conn *l, const h2_finding *f) {
  uint8_t sev = f->severity <= H2_FINDING_INFO ? f->severity : H2_FINDING_INFO;
  uint32_t max = l->opt.max_findings ? l->opt.max_findings : LINT_MAX_FINDINGS;
  size_t slot = id_slot(f->id);
  bool pattern = h2_observer_rule_kind(slot) != H2_RULE_CHECK;
  if (l->held_count == l->held_cap && (pattern || l->held_by_id[slot] < max)) {
    uint32_t cap = l->held_cap ? l->held_cap * 2 : 8;
    held_finding *n = cap > l->held_cap ? realloc(l->held, cap * sizeof *n) : NULL;
    if (n) {
      l->held = n;
      l->held_cap = cap;
    }
  }
  if (l->held_count == l->held_cap || (!pattern && l->held_by_id[slot] >= max)) {
    l->counts[sev]++;
    l->by_id[slot]++;
    l->suppressed_by_id[slot]++;
    return;
  }
  l->held_by_id[slot]++;
  held_finding *h = &l->held[l->held_count++];
  h->id = f->id;
  h->slot = slot;
  h->section = f->section;
  h->severity = sev;
  h->dir = f->dir;
  h->stream = f->stream;
  h->frame = l->frame;
  h->pkt_first = l->pkt_first;
  h->pkt_last = l->pkt_last;
  h->file = l->pkt_file;
  if (!h->pkt_last && l->have_view) { /* not at a frame: the packet being read */
    h->pkt_last = l->v.pkt;
    h->file = l->v.pkt_file;
  }
  h->ts = l->have_view ? l->v.ts : 0;
  snprintf(h->message, sizeof h->message, "%s", f->message);
}

static void on_finding(void *user, const h2_finding *f) {
  emit(user, f);
}

static void finding(lint_conn *l, const char *id, uint8_t sev, int dir, uint32_t stream,
                    const char *section, const char *message) {
  h2_finding f = {.id = id,
                  .severity = sev,
                  .dir = (uint8_t)dir,
                  .stream = stream,
                  .section = section,
                  .message = message};
  emit(l, &f);
}

/* Takes the connection's state of this call. */
static void see(lint_conn *l, const conn_view *c) {
  l->v = *c;
  l->have_view = true;
}

lint_conn *lint_conn_new(const lint_options *opt, const conn_view *c) {
  lint_conn *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->opt = *opt;
  h2_observer_config cfg = {.limits = opt->limits,
                            .upgraded = c->upgrade,
                            .roles_unknown = c->roles_unknown,
                            .on_finding = on_finding,
                            .user = l};
  l->obs = h2_observer_new(&cfg);
  if (!l->obs) {
    free(l);
    return NULL;
  }
  l->gaps = c->gaps;
  l->trusted_until = UINT64_MAX;
  if (c->gaps) h2_observer_lost_history(l->obs); /* bytes were lost before the first frame */
  return l;
}

void lint_conn_free(lint_conn *l) {
  if (!l) return;
  free(l->held);
  h2_observer_free(l->obs);
  free(l);
}

void lint_conn_gap(lint_conn *l, const conn_view *c, int dir) {
  see(l, c);
  l->pkt_first = l->pkt_last = 0;
  l->gaps = c->gaps;
  if (l->trusted_until == UINT64_MAX) l->trusted_until = l->last_frame[dir ? 1 : 0];
  h2_observer_lost_history(l->obs);
}

/* field_rules notes (§8.2, §8.3) as findings, named by the observer's
 * catalogue; the stream-state notes of stream_states.c are left out: the
 * observer judges stream states. */
static const char *note_finding(const char *rule) {
  static const char *const from_notes[] = {
      "pseudo-header-invalid", "connection-specific-field", "field-invalid",
      /* the extensions (read/extensions.c) */
      "altsvc-invalid", "origin-invalid", "priority-update-invalid", "priority-field-invalid",
      "extended-connect-invalid", "websocket-frame-invalid"};
  const char *id = h2_observer_rule_id(rule);
  for (size_t i = 0; id && i < sizeof from_notes / sizeof *from_notes; i++)
    if (!strcmp(id, from_notes[i])) return id;
  return NULL;
}

/* The field rules are about the block's stream; the others about the frame's. */
static bool is_field_note(const char *id) {
  return !strcmp(id, "pseudo-header-invalid") || !strcmp(id, "connection-specific-field") ||
         !strcmp(id, "field-invalid");
}

static void frame_error(lint_conn *l, int dir, const decoded_frame *d) {
  const h2_error *e = &d->frame_err;
  const char *id = h2_observer_rule_for_status(d->frame_status);
  if (!id) id = "frame-invalid";
  char msg[256];
  const char *type = h2_frame_type_name(d->frame.hd.type);
  snprintf(msg, sizeof msg, "%s frame: %s (%s)", type ? type : "unknown",
           h2_strerror(d->frame_status), h2_status_name(d->frame_status));
  uint8_t sev =
      d->frame_status == H2_E_FIELD_BLOCK_TOO_LARGE ? H2_FINDING_WARNING : H2_FINDING_ERROR;
  finding(l, id, sev, dir, d->frame.hd.stream_id, e->section ? e->section : "RFC 9113", msg);
}

void lint_conn_frame(lint_conn *l, const conn_view *c, int dir, const decoded_frame *d) {
  see(l, c);
  l->frame++;
  l->pkt_first = d->pkt_first;
  l->pkt_last = d->pkt_last;
  l->pkt_file = d->pkt_file;
  l->last_frame[dir ? 1 : 0] = l->frame;
  if (c->gaps != l->gaps) {
    l->gaps = c->gaps;
    h2_observer_lost_history(l->obs);
  }
  if (d->frame_status != H2_OK) {
    frame_error(l, dir, d);
    return;
  }
  h2_observer_block block, *bp = NULL;
  if (d->block_complete) {
    memset(&block, 0, sizeof block);
    if (d->block_status == H2_OK) {
      block.fields = d->headers;
      block.count = d->header_count;
      bp = &block;
    } else if (d->block_status == H2_E_HPACK_HEADER_LIST_TOO_LARGE) {
      block.too_large = true;
      block.local_limit = d->list_limit;
      block.list_size = d->list_size;
      bp = &block;
    } else {
      char msg[256];
      snprintf(msg, sizeof msg, "header block cannot be decoded: %s (%s)",
               h2_strerror(d->block_status), h2_status_name(d->block_status));
      finding(l, "hpack-error", H2_FINDING_ERROR, dir, d->frame.hd.stream_id,
              d->block_err.section ? d->block_err.section : "RFC 7541", msg);
    }
  }
  for (size_t i = 0; i < d->note_count; i++) {
    const char *id = note_finding(d->notes[i].rule);
    uint8_t sev = H2_FINDING_ERROR;
    if (!id) continue;
    h2_observer_rule_at((size_t)h2_observer_rule_index(id), NULL, &sev, NULL, NULL);
    finding(l, id, sev, dir, is_field_note(id) ? c->block_stream[dir] : d->frame.hd.stream_id,
            d->notes[i].section, d->notes[i].message);
  }
  h2_observer_frame(l->obs, dir, &d->frame, bp, c->ts);
}

/* An info line about the connection, written at once. */
static void write_info(lint_conn *l, const char *id, const char *message) {
  held_finding h = {.id = id,
                    .section = "h2scope",
                    .severity = H2_FINDING_INFO,
                    .frame = l->frame,
                    .ts = l->have_view ? l->v.ts : 0};
  snprintf(h.message, sizeof h.message, "%s", message);
  l->counts[H2_FINDING_INFO]++;
  l->by_id[id_slot(id)]++;
  write_finding(l, &h);
}

void lint_conn_finish(lint_conn *l, const conn_view *c, uint32_t counts[3], uint32_t *by_id) {
  see(l, c);
  l->pkt_first = l->pkt_last = 0;
  h2_observer_finish(l->obs);
  for (uint32_t i = 0; i < l->held_count; i++) {
    const held_finding *h = &l->held[i];
    if (h->frame > l->trusted_until && h2_observer_rule_kind(h->slot) != H2_RULE_COUNTING_PATTERN) {
      l->discarded++;
      continue;
    }
    l->counts[h->severity]++;
    l->by_id[h->slot]++;
    write_finding(l, h);
  }
  char msg[200];
  if (l->discarded) {
    snprintf(msg, sizeof msg,
             "%u findings after packets missing from the capture left out (they may come "
             "from the loss)",
             l->discarded);
    write_info(l, "findings-discarded", msg);
  }
  const char *id;
  for (size_t i = 0; i <= H2_OBSERVER_RULE_MAX; i++) {
    if (!l->suppressed_by_id[i]) continue;
    if (!h2_observer_rule_at(i, &id, NULL, NULL, NULL)) id = "unlisted";
    snprintf(msg, sizeof msg, "%u more %s findings on this connection not shown (counted)",
             l->suppressed_by_id[i], id);
    write_info(l, "findings-suppressed", msg);
  }
  for (int i = 0; i < 3; i++)
    counts[i] = l->counts[i];
  if (by_id) memcpy(by_id, l->by_id, sizeof l->by_id);
  for (size_t i = 0; l->opt.sarif && i < H2_OBSERVER_RULE_MAX; i++)
    if (l->by_id[i] && h2_observer_rule_at(i, &id, NULL, NULL, NULL))
      sarif_count(l->opt.sarif, id, l->by_id[i]);
}

void lint_sarif_rules(sarif_writer *w) {
  const char *id, *section, *description;
  for (size_t i = 0; h2_observer_rule_at(i, &id, NULL, &section, &description); i++)
    sarif_rule(w, id, description, section);
}

bool lint_parse_threshold(h2_observer_limits *limits, const char *arg, char *err, size_t cap) {
  const char *eq = strchr(arg, '=');
  char name[64];
  if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof name) {
    snprintf(err, cap, "--lint-threshold takes NAME=VALUE, not '%s'", arg);
    return false;
  }
  memcpy(name, arg, (size_t)(eq - arg));
  name[eq - arg] = '\0';
  char *end;
  errno = 0;
  unsigned long v = strtoul(eq + 1, &end, 10);
  if (errno || end == eq + 1 || *end || eq[1] == '-' || v > UINT32_MAX) {
    snprintf(err, cap, "--lint-threshold %s: '%s' is not a number", name, eq + 1);
    return false;
  }
  if (h2_observer_limit_set(limits, name, (uint32_t)v) != 0) {
    snprintf(err, cap, "--lint-threshold: unknown name '%s'", name);
    return false;
  }
  return true;
}
