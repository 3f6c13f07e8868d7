/* capture_engine.c — per-packet connection tracking between the packet
 * decoder and the flow_consumer: roles (who is the client), the handshake
 * (RFC 9293 §3.5), both reassemblers, closes on FIN/RST, idle timeout,
 * eviction when the table is full, and the capture-wide notices that are
 * reported once. */
#include "capture_engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Capture-wide notices, each reported once. */
enum {
  ONCE_UNSUPPORTED_LINK = 1u << 0,
  ONCE_NON_IP = 1u << 1,
  ONCE_NON_TCP = 1u << 2,
  ONCE_TRUNCATED = 1u << 3,
  ONCE_MALFORMED = 1u << 4,
  ONCE_FRAGMENT = 1u << 5,
};

/* Per-flow notices given by the engine (the reassemblers keep their own). */
enum { FLOW_NOTICE_AFTER_CLOSE = 1u << 0 };

/* How long a closed connection absorbs stray packets (capture seconds). */
static const double TOMBSTONE_SECONDS = 60.0;

void capture_limits_default(capture_limits *l) {
  l->max_connections = 65536;
  l->max_ooo_bytes = 4u * 1024 * 1024;
  l->max_ooo_segments = 4096;
  l->idle_timeout = 300.0;
}

/* The context a reassembler's sink calls back with. */
typedef struct dir_ctx {
  capture_engine *engine;
  flow_entry *flow;
  int side; /* key side that sends this direction */
  double ts;
} dir_ctx;

static int dir_of_side(const flow_entry *f, int side) {
  return side == f->client_side ? FLOW_DIR_C2S : FLOW_DIR_S2C;
}

static void sink_on_data(void *ctx, uint64_t offset, const uint8_t *data, size_t len,
                         uint64_t pkt) {
  dir_ctx *c = ctx;
  const flow_consumer *fc = c->engine->consumer;
  int dir = dir_of_side(c->flow, c->side);
  c->flow->pub.bytes[dir] += len;
  c->flow->data_file[c->side] = c->engine->file_index + 1;
  c->flow->pub.pkt_first = c->flow->pub.pkt_last = pkt;
  c->flow->pub.pkt_file = c->engine->nfiles > 1 ? c->engine->file_index + 1 : 0;
  if (fc->on_bytes) fc->on_bytes(fc->user, &c->flow->pub, dir, offset, data, len, c->ts);
}

/* Several files read as one: a gap whose direction last delivered bytes in
 * an earlier file lies across a file boundary, where a file of a rotating
 * set may be missing; the notice names both files. */
static void note_file_gap(const dir_ctx *c, uint64_t offset, uint64_t len) {
  const capture_engine *e = c->engine;
  uint32_t before = c->flow->data_file[c->side];
  if (e->nfiles < 2 || before == 0 || before - 1 == e->file_index) return;
  if (!e->consumer->on_notice) return;
  int dir = dir_of_side(c->flow, c->side);
  char msg[1024];
  snprintf(msg, sizeof msg,
           "%s -> %s: %" PRIu64 " bytes missing at offset %" PRIu64
           " between files %s and %s (a file of the set may be missing)",
           c->flow->pub.endpoint[dir], c->flow->pub.endpoint[1 - dir], len, offset,
           e->files[before - 1], e->files[e->file_index]);
  e->consumer->on_notice(e->consumer->user, &c->flow->pub, "file-gap", msg, c->ts);
}

static void sink_on_gap(void *ctx, uint64_t offset, uint64_t len) {
  dir_ctx *c = ctx;
  const flow_consumer *fc = c->engine->consumer;
  note_file_gap(c, offset, len);
  if (fc->on_gap)
    fc->on_gap(fc->user, &c->flow->pub, dir_of_side(c->flow, c->side), offset, len, c->ts);
}

static void sink_on_notice(void *ctx, const char *kind, const char *message) {
  dir_ctx *c = ctx;
  const flow_consumer *fc = c->engine->consumer;
  if (!fc->on_notice) return;
  int dir = dir_of_side(c->flow, c->side);
  char msg[384];
  snprintf(msg, sizeof msg, "%s -> %s: %s", c->flow->pub.endpoint[dir],
           c->flow->pub.endpoint[1 - dir], message);
  fc->on_notice(fc->user, &c->flow->pub, kind, msg, c->ts);
}

static tcp_stream_sink make_sink(capture_engine *e, dir_ctx *ctx, flow_entry *f, int side,
                                 double ts) {
  ctx->engine = e;
  ctx->flow = f;
  ctx->side = side;
  ctx->ts = ts;
  tcp_stream_sink sink = {
      ctx,          sink_on_data, sink_on_gap, sink_on_notice, &e->reassembly_limits,
      &e->counters, e->packet};
  return sink;
}

static void notice_once(capture_engine *e, uint32_t bit, const char *kind, const char *message) {
  if (e->notices_sent & bit) return;
  e->notices_sent |= bit;
  capture_engine_notice(e, kind, message);
}

void capture_engine_secrets(void *engine, uint32_t type, const uint8_t *data, size_t len) {
  capture_engine *e = engine;
  e->stats->secrets_blocks++;
  if (e->consumer->on_secrets) e->consumer->on_secrets(e->consumer->user, type, data, len, e->now);
}

void capture_engine_notice(capture_engine *e, const char *kind, const char *message) {
  if (e->consumer->on_notice)
    e->consumer->on_notice(e->consumer->user, NULL, kind, message, e->now);
}

bool capture_engine_init(capture_engine *e, const capture_limits *limits,
                         const flow_consumer *consumer, capture_stats *stats) {
  memset(e, 0, sizeof *e);
  capture_limits_default(&e->limits);
  if (limits) {
    if (limits->max_connections) e->limits.max_connections = limits->max_connections;
    if (limits->max_ooo_bytes) e->limits.max_ooo_bytes = limits->max_ooo_bytes;
    if (limits->max_ooo_segments) e->limits.max_ooo_segments = limits->max_ooo_segments;
    if (limits->idle_timeout != 0) e->limits.idle_timeout = limits->idle_timeout;
  }
  e->reassembly_limits.max_ooo_bytes = e->limits.max_ooo_bytes;
  e->reassembly_limits.max_ooo_segments = e->limits.max_ooo_segments;
  e->consumer = consumer;
  e->stats = stats;
  uint32_t initial = e->limits.max_connections < 1024 ? e->limits.max_connections * 2 : 2048;
  return flow_table_init(&e->table, initial);
}

/* Side 0 of the capture_flow is key side client_side. */
static void set_roles(flow_entry *f, int client_side) {
  f->client_side = (uint8_t)client_side;
  for (int dir = 0; dir < 2; dir++) {
    int side = dir == 0 ? client_side : 1 - client_side;
    f->pub.port[dir] = f->key.port[side];
    packet_format_endpoint(f->key.ip_version, f->key.addr[side], f->key.port[side],
                           f->pub.endpoint[dir], sizeof f->pub.endpoint[dir]);
  }
}

/* Without a handshake: the side with the higher port is the client (an
 * ephemeral port against a service port); on a tie the lower address. */
static int guess_client_side(const flow_entry *f) {
  if (f->key.port[0] != f->key.port[1]) return f->key.port[0] > f->key.port[1] ? 0 : 1;
  char a[64], b[64];
  packet_format_endpoint(f->key.ip_version, f->key.addr[0], f->key.port[0], a, sizeof a);
  packet_format_endpoint(f->key.ip_version, f->key.addr[1], f->key.port[1], b, sizeof b);
  return strcmp(a, b) <= 0 ? 0 : 1;
}

static bool flow_has_data(const flow_entry *f) {
  for (int s = 0; s < 2; s++) {
    const tcp_reassembler *r = &f->dir[s];
    if (r->next > 0 || r->ooo_head || r->fin_seen) return true;
  }
  return false;
}

/* Delivers what is buffered (gaps for holes) in both directions, calls
 * on_close, then keeps a tombstone or frees the entry. */
static void close_flow(capture_engine *e, flow_entry *f, int reason, double ts, bool tombstone) {
  for (int i = 0; i < 2; i++) {
    int side = i == 0 ? f->client_side : 1 - f->client_side;
    dir_ctx ctx;
    tcp_stream_sink sink = make_sink(e, &ctx, f, side, ts);
    tcp_reassembler_flush(&f->dir[side], &sink);
  }
  if (e->consumer->on_close) e->consumer->on_close(e->consumer->user, &f->pub, reason, ts);
  f->pub.user = NULL;
  f->pub.filter = NULL;
  if (tombstone)
    flow_table_bury(&e->table, f, ts);
  else
    flow_table_remove(&e->table, f);
}

static double tombstone_ttl(const capture_engine *e) {
  double idle = e->limits.idle_timeout;
  return idle > 0 && idle < TOMBSTONE_SECONDS ? idle : TOMBSTONE_SECONDS;
}

static void expire(capture_engine *e, double now) {
  flow_entry *f;
  double idle = e->limits.idle_timeout;
  while (idle > 0 && (f = e->table.live.head) != NULL && f->last_ts + idle < now) {
    e->stats->connections_idle++;
    close_flow(e, f, FLOW_CLOSE_IDLE, now, false);
  }
  double ttl = tombstone_ttl(e);
  while ((f = e->table.closed.head) != NULL && f->closed_ts + ttl < now)
    flow_table_remove(&e->table, f);
}

/* Keeps live flows + tombstones below max_connections: drops the oldest
 * tombstone, else evicts the least recently active flow (reported). */
static void make_room(capture_engine *e, double ts) {
  while (e->table.live.count + e->table.closed.count >= e->limits.max_connections) {
    if (e->table.closed.head) {
      flow_table_remove(&e->table, e->table.closed.head);
      continue;
    }
    flow_entry *f = e->table.live.head;
    if (!f) return;
    e->stats->connections_evicted++;
    if (e->consumer->on_notice) {
      char msg[256];
      snprintf(msg, sizeof msg,
               "connection table full (%" PRIu32 " connections): evicting connection %" PRIu32
               " %s <-> %s, idle since %.6f",
               e->limits.max_connections, f->pub.id, f->pub.endpoint[0], f->pub.endpoint[1],
               f->last_ts);
      e->consumer->on_notice(e->consumer->user, &f->pub, "limit-connections", msg, ts);
    }
    close_flow(e, f, FLOW_CLOSE_EVICTED, ts, false);
  }
}

/* SYN and SYN-ACK (RFC 9293 §3.5): the SYN consumes one sequence number, so
 * data starts at ISN + 1; the SYN-ACK's ACK names the client's ISN + 1. Roles
 * follow the handshake while no data has been seen. */
static void note_handshake(flow_entry *f, int side, const packet_info *p) {
  tcp_reassembler *r = &f->dir[side], *peer = &f->dir[1 - side];
  bool fresh = !flow_has_data(f);
  uint32_t first = p->seq + 1;
  if (!(p->tcp_flags & TCP_FLAG_ACK)) {
    if (!fresh) {
      tcp_reassembler_start(r, first);
      return;
    }
    if (r->started && r->base_seq != first)
      tcp_reassembler_restart(r, first);
    else
      tcp_reassembler_start(r, first);
    set_roles(f, side);
    f->pub.syn_seen = true;
    return;
  }
  tcp_reassembler_start(r, first);
  if (!peer->started) tcp_reassembler_start(peer, p->ack);
  if (fresh && !f->pub.syn_seen) {
    set_roles(f, 1 - side);
    f->pub.syn_seen = true;
  }
}

/* A packet for a connection that already closed: retransmissions are
 * normal; new bytes are ignored and reported once. */
static void after_close(capture_engine *e, flow_entry *f, int side, const packet_info *p) {
  tcp_reassembler *r = &f->dir[side];
  if (p->payload_len == 0) return;
  uint32_t seq = (p->tcp_flags & TCP_FLAG_SYN) ? p->seq + 1 : p->seq;
  if (r->started) {
    int64_t off = tcp_reassembler_offset_of(r, seq);
    int64_t end = off + (int64_t)p->payload_len;
    int64_t limit = (int64_t)(r->fin_seen ? r->fin_offset : r->next);
    if (end <= limit) {
      e->counters.retransmitted_bytes += p->payload_len;
      return;
    }
    e->counters.ignored_bytes += (uint64_t)(end - (off > limit ? off : limit));
  } else {
    e->counters.ignored_bytes += p->payload_len;
  }
  if (f->notices_sent & FLOW_NOTICE_AFTER_CLOSE) return;
  f->notices_sent |= FLOW_NOTICE_AFTER_CLOSE;
  if (!e->consumer->on_notice) return;
  int dir = dir_of_side(f, side);
  char msg[384];
  snprintf(msg, sizeof msg, "%s -> %s: payload after connection %" PRIu32 " was closed was ignored",
           f->pub.endpoint[dir], f->pub.endpoint[1 - dir], f->pub.id);
  e->consumer->on_notice(e->consumer->user, NULL, "data-after-close", msg, e->now);
}

static void handle_tcp(capture_engine *e, const packet_info *p, double ts) {
  flow_key key;
  int side = flow_key_make(&key, p);
  uint32_t hash = flow_key_hash(&key);
  flow_entry *f = flow_table_find(&e->table, &key, hash);
  uint8_t flags = p->tcp_flags;
  bool syn = flags & TCP_FLAG_SYN, ack = flags & TCP_FLAG_ACK;
  bool rst = flags & TCP_FLAG_RST, fin = flags & TCP_FLAG_FIN;

  if (f && f->closed) {
    if (!(syn && !ack) || rst) {
      after_close(e, f, side, p);
      return;
    }
    flow_table_remove(&e->table, f); /* a new connection on the same 4-tuple */
    f = NULL;
  }
  if (f && syn && !ack && !rst && flow_has_data(f)) {
    /* A SYN with a new ISN on a connection that carried data: the 4-tuple
     * was reused before we saw the old connection end. */
    const tcp_reassembler *r = &f->dir[side];
    if (!(r->started && r->base_seq == p->seq + 1)) {
      close_flow(e, f, FLOW_CLOSE_REUSED, ts, false);
      f = NULL;
    }
  }
  bool opened = false;
  if (!f) {
    make_room(e, ts);
    f = flow_table_insert(&e->table, &key, hash);
    if (!f) { /* out of memory: the packet is lost (said), a gap will show */
      capture_engine_notice(e, "limit-memory",
                            "out of memory: a packet of a new connection is lost");
      return;
    }
    f->pub.id = ++e->last_flow_id;
    f->first_ts = ts;
    set_roles(f, guess_client_side(f));
    opened = true;
  }
  if (syn && !rst) {
    note_handshake(f, side, p);
    f->data_file[side] = e->file_index + 1; /* the stream's start: a reference for gaps */
  }
  /* The packet the flow's calls come from (bytes from a buffered segment
   * name their own). */
  f->pub.pkt_first = f->pub.pkt_last = e->packet;
  f->pub.pkt_file = e->nfiles > 1 ? e->file_index + 1 : 0;
  if (opened) {
    e->stats->connections++;
    if (e->consumer->on_open) e->consumer->on_open(e->consumer->user, &f->pub, ts);
  }
  f->last_ts = ts;
  flow_table_touch(&e->table, f);

  tcp_reassembler *r = &f->dir[side], *peer = &f->dir[1 - side];
  uint32_t seg_seq = syn ? p->seq + 1 : p->seq;
  bool carries = p->payload_len > 0 || fin;
  if (!r->started && carries && !rst) tcp_reassembler_start(r, seg_seq);
  /* Handshake seen but the SYN-ACK missed: the client's ACK names the
   * server's first data byte. */
  if (ack && !rst && f->pub.syn_seen && !peer->started) tcp_reassembler_start(peer, p->ack);
  if (rst) {
    /* RFC 9293 §3.10.7: a reset ends both directions at once; any text it
     * carries is diagnostic, not stream data. */
    close_flow(e, f, FLOW_CLOSE_RST, ts, true);
    return;
  }
  dir_ctx ctx;
  if (carries) {
    tcp_stream_sink sink = make_sink(e, &ctx, f, side, ts);
    tcp_reassembler_segment(r, seg_seq, p->payload, p->payload_captured, p->payload_len, fin,
                            &sink);
  }
  if (ack && peer->started) {
    tcp_stream_sink sink = make_sink(e, &ctx, f, 1 - side, ts);
    tcp_reassembler_ack(peer, p->ack, &sink);
  }
  if (f->dir[0].finished && f->dir[1].finished) close_flow(e, f, FLOW_CLOSE_FIN, ts, true);
}

void capture_engine_begin_file(capture_engine *e, const char *const *files, size_t nfiles,
                               uint32_t index) {
  e->files = files;
  e->nfiles = nfiles;
  e->file_index = index;
  e->packet = 0; /* numbered per file, as Wireshark shows each */
  e->file_last_ts = e->now;
  e->file_has_packets = !e->have_now; /* the first file overlaps nothing */
}

/* Files of a rotating set follow each other; one that starts before the
 * previous ended was recorded in parallel (another interface, another
 * machine) and would need merging packet by packet (mergecap). */
static void check_file_overlap(capture_engine *e, double ts) {
  e->file_has_packets = true;
  if (ts >= e->file_last_ts || !e->files || !e->consumer->on_notice) return;
  char msg[1024];
  snprintf(msg, sizeof msg,
           "%s starts %.6f s before the end of %s: the files are read one after the other, "
           "not interleaved (mergecap merges files recorded at the same time)",
           e->files[e->file_index], e->file_last_ts - ts,
           e->file_index ? e->files[e->file_index - 1] : "the previous file");
  e->consumer->on_notice(e->consumer->user, NULL, "file-overlap", msg, ts);
}

void capture_engine_packet(capture_engine *e, int linktype, const uint8_t *data, size_t caplen,
                           size_t wirelen, double ts) {
  capture_stats *st = e->stats;
  st->packets++;
  e->packet++;
  st->bytes += wirelen;
  st->captured_bytes += caplen;
  if (!e->file_has_packets) check_file_overlap(e, ts);
  if (!e->have_now || ts > e->now) e->now = ts;
  e->have_now = true;
  expire(e, e->now);

  packet_info p;
  packet_result r = packet_decode(linktype, data, caplen, wirelen, &p);
  char msg[200];
  switch (r) {
  case PACKET_TCP:
    break;
  case PACKET_NON_IP:
    st->non_ip++;
    snprintf(msg, sizeof msg,
             "packets that are not IPv4/IPv6 are counted and skipped (first: protocol 0x%04x)",
             (unsigned)p.ethertype);
    notice_once(e, ONCE_NON_IP, "non-ip", msg);
    return;
  case PACKET_NON_TCP:
    st->non_tcp++;
    snprintf(msg, sizeof msg,
             "IP packets without TCP are counted and skipped (first: IP protocol %u)",
             (unsigned)p.ip_proto);
    notice_once(e, ONCE_NON_TCP, "non-tcp", msg);
    return;
  case PACKET_UNSUPPORTED_LINK:
    st->unsupported_link++;
    snprintf(msg, sizeof msg, "link type %d is not supported: its packets are counted and skipped",
             linktype);
    notice_once(e, ONCE_UNSUPPORTED_LINK, "unsupported-linktype", msg);
    return;
  case PACKET_TRUNCATED:
    st->truncated++;
    snprintf(msg, sizeof msg,
             "packets whose headers were cut by the capture length are counted and skipped "
             "(first: %zu of %zu bytes captured)",
             caplen, wirelen);
    notice_once(e, ONCE_TRUNCATED, "truncated-packet", msg);
    return;
  case PACKET_MALFORMED:
    st->malformed++;
    notice_once(e, ONCE_MALFORMED, "malformed-packet",
                "packets with impossible link/IP/TCP headers are counted and skipped");
    return;
  case PACKET_IP_FRAGMENT:
    st->ip_fragments++;
    notice_once(e, ONCE_FRAGMENT, "ip-fragment",
                "IP fragments are counted but not reassembled: their bytes show up as gaps");
    return;
  }
  st->tcp_segments++;
  st->tcp_payload_bytes += p.payload_captured;
  if (p.truncated) {
    st->truncated++;
    snprintf(msg, sizeof msg,
             "packets cut short by the capture length are counted; the missing payload is "
             "reported as gaps (first: %zu of %zu payload bytes captured)",
             p.payload_captured, p.payload_len);
    notice_once(e, ONCE_TRUNCATED, "truncated-packet", msg);
  }
  handle_tcp(e, &p, ts);
}

void capture_engine_tick(capture_engine *e, double now) {
  if (!e->have_now || now > e->now) e->now = now;
  e->have_now = true;
  expire(e, e->now);
}

static int compare_flow_id(const void *a, const void *b) {
  const flow_entry *fa = *(flow_entry *const *)a, *fb = *(flow_entry *const *)b;
  return fa->pub.id < fb->pub.id ? -1 : fa->pub.id > fb->pub.id;
}

void capture_engine_finish(capture_engine *e) {
  uint32_t n = e->table.live.count;
  flow_entry **order = n ? malloc(n * sizeof *order) : NULL;
  if (order) {
    uint32_t i = 0;
    for (flow_entry *f = e->table.live.head; f; f = f->list_next)
      order[i++] = f;
    qsort(order, n, sizeof *order, compare_flow_id);
    for (i = 0; i < n; i++)
      close_flow(e, order[i], FLOW_CLOSE_END, e->now, false);
    free(order);
  } else {
    while (e->table.live.head)
      close_flow(e, e->table.live.head, FLOW_CLOSE_END, e->now, false);
  }
  capture_stats *st = e->stats;
  st->gaps += e->counters.gaps;
  st->gap_bytes += e->counters.gap_bytes;
  st->retransmitted_bytes += e->counters.retransmitted_bytes;
  st->overlap_conflicts += e->counters.overlap_conflicts;
  st->ooo_limit_hits += e->counters.ooo_limit_hits;
  st->keepalives += e->counters.keepalives;
  st->ignored_bytes += e->counters.ignored_bytes;
  memset(&e->counters, 0, sizeof e->counters);
}

void capture_engine_free(capture_engine *e) {
  flow_table_free(&e->table);
}
