/* conn_facts.c — a connection's name, state and totals as data
 * (conn_facts.h). */
#include "conn_facts.h"

#include <stdio.h>
#include <string.h>

#include "h2_conn.h"

_Static_assert(CONN_TOTALS_TYPES == sizeof(((conn_dir *)0)->frames_by_type) / sizeof(uint64_t),
               "frames by type: the same slots");

conn_ends h2_conn_ends(const h2_conn *c) {
  return (conn_ends){.conn = c->flow->id,
                     .client = h2_conn_endpoint(c, FLOW_DIR_C2S),
                     .server = h2_conn_endpoint(c, FLOW_DIR_S2C)};
}

conn_view h2_conn_view(const h2_conn *c) {
  return (conn_view){.ends = h2_conn_ends(c),
                     .upgrade = c->upgrade,
                     .roles_unknown = c->midstream && !c->upgrade,
                     .gaps = c->gaps,
                     .block_stream = {c->block_stream[0], c->block_stream[1]},
                     .block_push = {c->block_push[0], c->block_push[1]},
                     .ts = c->ts,
                     .pkt = c->pkt,
                     .pkt_file = c->pkt_file};
}

void h2_conn_totals(const h2_conn *c, conn_totals *t) {
  memset(t, 0, sizeof *t);
  t->conn = c->flow->id;
  snprintf(t->client, sizeof t->client, "%s", h2_conn_endpoint(c, FLOW_DIR_C2S));
  snprintf(t->server, sizeof t->server, "%s", h2_conn_endpoint(c, FLOW_DIR_S2C));
  t->first_ts = c->first_ts;
  t->last_ts = c->last_ts;
  t->h2 = c->is_h2;
  t->upgrade = c->upgrade;
  t->midstream = c->midstream;
  t->alpn = c->alpn_h2;
  for (int d = 0; d < 2; d++) {
    t->bytes[d] = h2_conn_flow_bytes(c, d);
    t->frames[d] = c->dir[d].frames;
    t->errors += c->dir[d].errors;
    t->truncated += c->dir[d].truncated;
    t->ignored += c->dir[d].ignored;
    for (int i = 0; i < CONN_TOTALS_TYPES; i++)
      t->by_type[i] += c->dir[d].frames_by_type[i];
  }
  t->streams = c->streams;
  t->gaps = c->gaps;
  t->resyncs = c->resyncs;
  t->close_reason = c->close_reason;
}
