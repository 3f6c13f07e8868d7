/* read_talk.c — the exchange tracker wired into `read` (read_talk.h). */
#include "read_talk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange_print.h"
#include "flow_events.h"
#include "frame_meta_print.h"
#include "read_meta.h"

void read_talk_opts_default(read_talk_opts *o) {
  memset(o, 0, sizeof *o);
  o->max_streams = EXCHANGE_DEFAULT_MAX_STREAMS;
  o->limits.max_decoded = BODY_DEFAULT_MAX_DECODED;
  o->limits.max_ratio = BODY_DEFAULT_MAX_RATIO;
  o->max_memory = BODY_DEFAULT_MAX_MEMORY;
}

static void on_exchange(void *user, const conn_view *v, const exchange *x) {
  read_talk *rt = user;
  if (!read_filter_exchange(rt->filter, x)) return;
  rt->exchanges_out++;
  const conn_ends ends = v->ends;
  if (rt->har) har_exchange(rt->har, &ends, x);
  out_buf *ro = rt->report ? report_exchange_out(rt->report) : NULL;
  if (ro) { /* the report's exchanges table: the JSON line */
    exchange_print_opts rpo = {.json = true, .abs_time = true};
    exchange_print(ro, &rpo, &ends, x);
  }
  if (rt->follow) follow_print(rt->follow, rt->out, x);
  if (rt->o.exchanges) {
    exchange_print_opts epo = {
        .json = rt->po.json, .abs_time = rt->abs_time, .first_ts = *rt->first_ts};
    exchange_print(rt->out, &epo, &ends, x);
  }
}

static void on_event(void *user, const conn_view *v, int dir, const char *event, uint64_t offset,
                     const char *message, const event_data *data) {
  read_talk *rt = user;
  if (!rt->show_events) {
    /* -q hides the events, not a loss: the first limit (records or header
     * lists not kept) still goes to standard error */
    if (!strcmp(event, "limit") && rt->limits_hidden++ == 0)
      fprintf(stderr, "h2scope read: %s\n", message);
    return;
  }
  if (rt->o.follow && !rt->o.exchanges && v->ends.conn != rt->o.follow_conn) return;
  frame_meta m;
  frame_meta_of_view(&m, v, dir, *rt->first_ts, rt->po.json || rt->abs_time);
  event_print(rt->out, &rt->po, &m, event, offset, message, data);
}

static unsigned export_open(void *user, const exchange *x, int side, void **state) {
  read_talk *rt = user;
  if (!read_filter_exchange(rt->filter, x)) return 0;
  return rt->exporter.open(rt->exporter.user, x, side, state);
}

static void export_chunk(void *user, void *state, const exchange *x, int side, bool decoded,
                         const uint8_t *p, size_t n, uint64_t offset) {
  read_talk *rt = user;
  rt->exporter.chunk(rt->exporter.user, state, x, side, decoded, p, n, offset);
}

static void export_end(void *user, void *state, const exchange *x, int side) {
  read_talk *rt = user;
  rt->exporter.end(rt->exporter.user, state, x, side);
}

static bool redacts(const h2_header *h, const h2_hpack_field_info *info) {
  print_options po = {.redact = true};
  return print_redacts(&po, h, info);
}

bool read_talk_start(read_talk *rt, const read_talk_opts *o, body_export *exp, har_writer *har,
                     out_buf *out, const print_options *po, bool abs_time, bool quiet,
                     const double *first_ts) {
  memset(rt, 0, sizeof *rt);
  rt->o = *o;
  if (!read_talk_wanted(o, har)) return true;
  rt->har = har;
  rt->out = out;
  rt->po = *po;
  rt->abs_time = abs_time;
  rt->show_events = !quiet;
  rt->first_ts = first_ts;
  rt->export_dir = exp;
  exchange_options eo = {.max_streams = o->max_streams,
                         .limits = o->limits,
                         .max_memory = o->max_memory,
                         .decode = o->exchanges || har,
                         .redacts = po->redact ? redacts : NULL};
  exchange_sink sink = {.on_exchange = on_exchange, .on_event = on_event, .user = rt};
  rt->tracker = exchange_tracker_new(&eo, &sink);
  if (!rt->tracker) return false;
  if (exp) {
    /* through the display filter: a body is written when its exchange, as
     * far as it is known when the body starts, matches */
    rt->exporter = body_export_consumer(exp);
    body_consumer bc = {.open = export_open, .chunk = export_chunk, .end = export_end, .user = rt};
    exchange_tracker_add_consumer(rt->tracker, &bc);
  }
  if (har) {
    body_consumer bc = har_body_consumer(har);
    exchange_tracker_add_consumer(rt->tracker, &bc);
  }
  if (o->follow) {
    /* --data-max bounds what is shown of each body (default 64 bytes for
     * frames; a followed body shows 4 KiB unless --data-max says). */
    uint32_t max = po->data_max ? po->data_max : 4096;
    rt->follow = follow_new(o->follow_conn, o->follow_stream, max);
    if (!rt->follow) {
      read_talk_stop(rt);
      return false;
    }
    body_consumer bc = follow_consumer(rt->follow);
    exchange_tracker_add_consumer(rt->tracker, &bc);
  }
  return true;
}

void read_talk_stop(read_talk *rt) {
  exchange_tracker_free(rt->tracker);
  follow_free(rt->follow);
  rt->tracker = NULL;
  rt->follow = NULL;
}

void read_talk_header(const read_talk_opts *o, const print_options *po, bool quiet, out_buf *out) {
  (void)quiet;
  if (o->exchanges && !po->json) exchange_print_header(out);
}
