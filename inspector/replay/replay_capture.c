/* replay_capture.c — collects the client's requests and the recorded
 * responses of every HTTP/2 connection of a capture for `h2scope replay`
 * (replay_capture.h), on top of the same pipeline as `read` (capture_run →
 * h2_conn → decoded frames). */
#include "replay_capture.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_run.h"
#include "h2_conn.h"

void replay_limits_default(replay_limits *l) {
  l->max_connections = 1024;
  l->max_streams = 100000;
  l->max_request_body = 64u << 20;
  l->max_client_bytes = 256u << 20;
  l->max_header_list = 262144;
}

/* ---- responses ---- */

bool replay_pack_fields(packed_fields *pf, const h2_header *fields, size_t n) {
  static const char undecodable[] = "undecodable";
  for (size_t i = 0; i < n; i++) {
    const h2_header *h = &fields[i];
    bool ok = h->name ? packed_add(pf, h->name, h->name_len, h->value ? h->value : "",
                                   h->value ? h->value_len : 0)
                      : packed_add(pf, "", 0, undecodable, sizeof undecodable - 1);
    if (!ok) return false;
  }
  return true;
}

static int status_of(const h2_header *fields, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const h2_header *h = &fields[i];
    if (!h->name || h->name_len != 7 || memcmp(h->name, ":status", 7)) continue;
    if (h->value_len != 3) return 0;
    int s = 0;
    for (size_t k = 0; k < 3; k++) {
      if (h->value[k] < '0' || h->value[k] > '9') return 0;
      s = s * 10 + (h->value[k] - '0');
    }
    return s;
  }
  return 0;
}

bool replay_response_fields(replay_response *r, const h2_header *fields, size_t n) {
  if (r->have_headers) {
    /* A second final list is the trailer section (RFC 9113 §8.1). */
    packed_clear(&r->trailers);
    return replay_pack_fields(&r->trailers, fields, n);
  }
  int status = status_of(fields, n);
  if (status >= 100 && status < 200) { /* informational (§8.1): the final one follows */
    r->informational++;
    return true;
  }
  r->status = status;
  r->have_headers = true;
  packed_clear(&r->headers);
  return replay_pack_fields(&r->headers, fields, n);
}

void replay_response_data(replay_response *r, const uint8_t *data, size_t len) {
  if (r->finished) return;
  if (!r->sha) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
      EVP_MD_CTX_free(ctx);
      return;
    }
    r->sha = ctx;
  }
  if (len) EVP_DigestUpdate(r->sha, data, len);
  r->body_len += len;
}

void replay_response_finish(replay_response *r) {
  if (r->finished) return;
  if (!r->sha) replay_response_data(r, NULL, 0);
  unsigned int dl = 0;
  if (r->sha) EVP_DigestFinal_ex(r->sha, r->digest, &dl);
  EVP_MD_CTX_free(r->sha);
  r->sha = NULL;
  r->finished = true;
}

void replay_response_free(replay_response *r) {
  EVP_MD_CTX_free(r->sha);
  r->sha = NULL;
  packed_clear(&r->headers);
  packed_clear(&r->trailers);
}

/* ---- collection ---- */

typedef struct collect_state {
  replay_capture *rc;
  uint32_t only_conn;
  bool keep_frames;
  replay_limits limits;
  header_scratch scratch;
  bool oom;
} collect_state;

/* --exact keeps the raw bytes of both capture directions until the end:
 * detection may find the client in direction 1 (a preface from side 1)
 * after bytes were delivered; h2_conn.client_dir says which at the close. */
typedef struct side_bytes {
  h2_buf buf[2]; /* by capture direction; limit: max_client_bytes */
  bool over;
} side_bytes;

static void exchange_free(replay_exchange *e) {
  packed_clear(&e->request);
  packed_clear(&e->request_trailers);
  h2_buf_free(&e->body);
  replay_response_free(&e->recorded);
}

static void conn_free(replay_conn *rc) {
  if (!rc) return;
  for (size_t i = 0; i < rc->nex; i++)
    exchange_free(&rc->ex[i]);
  free(rc->ex);
  free(rc->client_bytes);
  free(rc->frames);
  if (rc->raw) {
    side_bytes *sb = rc->raw;
    h2_buf_free(&sb->buf[0]);
    h2_buf_free(&sb->buf[1]);
    free(sb);
  }
  free(rc);
}

static replay_exchange *find_exchange(replay_conn *rc, uint32_t sid) {
  for (size_t i = rc->nex; i-- > 0;) /* newest first: the active streams are at the end */
    if (rc->ex[i].stream_id == sid) return &rc->ex[i];
  return NULL;
}

static replay_exchange *add_exchange(collect_state *cs, replay_conn *rc, uint32_t sid) {
  replay_exchange *e = find_exchange(rc, sid);
  if (e) return e;
  if (rc->nex >= cs->limits.max_streams) return NULL;
  if (rc->nex == rc->excap) {
    size_t cap = rc->excap ? rc->excap * 2 : 16;
    replay_exchange *n = realloc(rc->ex, cap * sizeof *n);
    if (!n) {
      cs->oom = true;
      return NULL;
    }
    rc->ex = n;
    rc->excap = cap;
  }
  e = &rc->ex[rc->nex++];
  memset(e, 0, sizeof *e);
  e->stream_id = sid;
  h2_buf_init(&e->body, cs->limits.max_request_body);
  e->wait_completed = rc->completed;
  e->completion_rank = UINT32_MAX;
  return e;
}

/* The recorded response of e is over (END_STREAM or reset). */
static void complete(replay_conn *rc, replay_exchange *e) {
  if (e->completion_rank != UINT32_MAX) return;
  e->completion_rank = rc->completed++;
  replay_response_finish(&e->recorded);
}

static bool list_decodable(const decoded_frame *d) {
  if (d->block_status != H2_OK) return false;
  for (size_t i = 0; i < d->header_count; i++)
    if (!d->headers[i].name) return false;
  return true;
}

static void keep_frame(collect_state *cs, replay_conn *rc, const decoded_frame *d) {
  if (!rc->frames_kept) return;
  if (rc->nframes == rc->framecap) {
    size_t cap = rc->framecap ? rc->framecap * 2 : 64;
    replay_frame *n = realloc(rc->frames, cap * sizeof *n);
    if (!n) {
      cs->oom = true;
      rc->frames_kept = false;
      return;
    }
    rc->frames = n;
    rc->framecap = cap;
  }
  const h2_frame_header *hd = &d->frame.hd;
  rc->frames[rc->nframes++] = (replay_frame){
      .offset = d->offset,
      .len = 9 + hd->length,
      .stream_id = hd->stream_id,
      .type = hd->type,
      .flags = hd->flags,
      .block_start = hd->type == H2_HEADERS || hd->type == H2_PUSH_PROMISE,
      .wait_completed = rc->completed,
  };
  if (hd->type == H2_SETTINGS && !(hd->flags & H2_FLAG_ACK)) rc->client_settings_seen = true;
}

static void on_frame(void *user, h2_conn *c, int dir, const decoded_frame *d) {
  collect_state *cs = user;
  replay_conn *rc = c->sink_conn;
  if (!rc) return;
  const h2_frame *f = &d->frame;
  uint32_t sid = f->hd.stream_id;
  bool end_stream = (f->hd.flags & H2_FLAG_END_STREAM) != 0;
  if (dir == FLOW_DIR_C2S && cs->keep_frames) keep_frame(cs, rc, d);
  replay_exchange *e = NULL;
  /* A client stream whose HEADERS were not captured (the capture started
   * mid-connection): listed, with no request to replay. */
  if ((sid & 1) && d->frame_status == H2_OK &&
      (f->hd.type == H2_DATA || f->hd.type == H2_HEADERS || f->hd.type == H2_RST_STREAM) &&
      !find_exchange(rc, sid))
    add_exchange(cs, rc, sid);
  switch (f->hd.type) {
  case H2_HEADERS:
    if (sid == 0) break;
    e = dir == FLOW_DIR_C2S ? add_exchange(cs, rc, sid) : find_exchange(rc, sid);
    if (e && end_stream) {
      if (dir == FLOW_DIR_C2S)
        e->request_ended = true;
      else
        e->recorded.ended = true; /* completed below, once the block is decoded */
    }
    break;
  case H2_PUSH_PROMISE:
    if (d->frame_status == H2_OK && f->u.push_promise.promised_stream_id) {
      e = add_exchange(cs, rc, f->u.push_promise.promised_stream_id);
      if (e) e->pushed = e->request_ended = true;
    }
    break;
  case H2_DATA:
    e = find_exchange(rc, sid);
    if (!e || d->frame_status != H2_OK) break;
    if (dir == FLOW_DIR_C2S) {
      size_t len = f->u.data.len;
      if (!h2_buf_put(&e->body, f->u.data.data, len)) {
        /* beyond max_request_body, or no memory for it */
        if (e->body.len + len <= e->body.limit) cs->oom = true;
        e->body_truncated = true;
      }
      if (end_stream) e->request_ended = true;
    } else {
      replay_response_data(&e->recorded, f->u.data.data, f->u.data.len);
      if (end_stream) {
        e->recorded.ended = true;
        complete(rc, e);
      }
    }
    break;
  case H2_RST_STREAM:
    e = find_exchange(rc, sid);
    if (e && d->frame_status == H2_OK && !e->recorded.reset && e->completion_rank == UINT32_MAX) {
      e->recorded.reset = true;
      e->recorded.reset_code = f->u.rst_stream.error_code;
      e->recorded.reset_by_client = dir == FLOW_DIR_C2S;
      if (dir == FLOW_DIR_C2S) e->client_reset = true;
      complete(rc, e);
    }
    break;
  default:
    break;
  }
  if (d->block_complete) {
    uint32_t target = c->block_stream[dir];
    replay_exchange *b = target ? find_exchange(rc, target) : NULL;
    if (b) {
      bool decodable = list_decodable(d);
      if (dir == FLOW_DIR_C2S || c->block_push[dir]) {
        if (!decodable) b->undecodable = true;
        if (!b->have_request) {
          packed_clear(&b->request);
          if (!replay_pack_fields(&b->request, d->headers, d->header_count)) cs->oom = true;
          b->have_request = true;
        } else {
          packed_clear(&b->request_trailers);
          if (!replay_pack_fields(&b->request_trailers, d->headers, d->header_count))
            cs->oom = true;
        }
      } else {
        if (!replay_response_fields(&b->recorded, d->headers, d->header_count)) cs->oom = true;
        if (b->recorded.ended) complete(rc, b);
      }
    }
  }
}

static void on_event(void *user, h2_conn *c, int dir, const char *event, uint64_t offset,
                     const char *message, const event_data *data) {
  (void)dir, (void)offset, (void)message, (void)data;
  collect_state *cs = user;
  replay_conn *rc = c->sink_conn;
  if (rc && !strcmp(event, "gap")) rc->gaps = true;
  /* The decoder had no memory for something (a "limit" of kind
   * limit-memory: h2_conn says every such loss so): the recording would be
   * incomplete without a word. */
  if (!strcmp(event, "limit")) cs->oom = true;
}

static void on_upgrade_request(void *user, h2_conn *c, const h2_header *fields, size_t count) {
  collect_state *cs = user;
  replay_conn *rc = c->sink_conn;
  if (!rc) return;
  replay_exchange *e = add_exchange(cs, rc, 1);
  if (!e) return;
  packed_clear(&e->request);
  if (!replay_pack_fields(&e->request, fields, count)) cs->oom = true;
  e->have_request = e->request_ended = e->upgrade = true;
}

static void flow_open(void *user, capture_flow *f, double ts) {
  collect_state *cs = user;
  f->user = NULL;
  if (cs->only_conn && f->id != cs->only_conn) return;
  conn_options co = {.max_header_list = cs->limits.max_header_list, .scratch = &cs->scratch};
  read_sink sink = {.on_frame = on_frame,
                    .on_event = on_event,
                    .on_upgrade_request = on_upgrade_request,
                    .user = cs};
  replay_conn *rc = calloc(1, sizeof *rc);
  if (!rc) {
    cs->oom = true;
    return;
  }
  h2_conn *c = h2_conn_new(f, &co, &sink, ts);
  if (!c) {
    free(rc);
    cs->oom = true;
    return;
  }
  rc->id = f->id;
  rc->frames_kept = cs->keep_frames;
  if (cs->keep_frames) {
    side_bytes *sb = calloc(1, sizeof *sb);
    if (!sb) {
      cs->oom = true;
      rc->frames_kept = false;
    } else {
      h2_buf_init(&sb->buf[0], cs->limits.max_client_bytes);
      h2_buf_init(&sb->buf[1], cs->limits.max_client_bytes);
      rc->raw = sb;
    }
  }
  c->sink_conn = rc;
  f->user = c;
}

static void keep_bytes(collect_state *cs, side_bytes *sb, int side, uint64_t offset,
                       const uint8_t *data, size_t len) {
  h2_buf *b = &sb->buf[side];
  if (sb->over) return;
  /* offset is contiguous per direction (gaps included): zero-fill a gap;
   * bytes already held are not written again */
  bool ok = true;
  if (offset > b->len) ok = offset <= b->limit && h2_buf_fill(b, 0, (size_t)(offset - b->len));
  if (ok && offset + len > b->len) {
    size_t skip = (size_t)(b->len - offset);
    ok = h2_buf_put(b, data + skip, len - skip);
  }
  if (!ok) {
    if (offset + len <= b->limit) cs->oom = true;
    sb->over = true;
  }
}

static void flow_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                       size_t len, double ts) {
  collect_state *cs = user;
  h2_conn *c = f->user;
  if (!c) return;
  replay_conn *rc = c->sink_conn;
  if (cs->keep_frames && rc && rc->raw) {
    side_bytes *sb = rc->raw;
    keep_bytes(cs, sb, dir, offset, data, len);
  }
  h2_conn_bytes(c, dir, offset, data, len, ts);
}

static void flow_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len,
                     double ts) {
  (void)user;
  if (f->user) h2_conn_gap(f->user, dir, offset, len, ts);
}

static void flow_close(void *user, capture_flow *f, int reason, double ts) {
  (void)reason;
  collect_state *cs = user;
  h2_conn *c = f->user;
  if (!c) return;
  c->ts = ts;
  h2_conn_finish(c, ts);
  replay_conn *rc = c->sink_conn;
  c->sink_conn = NULL;
  rc->is_h2 = c->is_h2;
  rc->midstream = c->midstream;
  rc->upgrade = c->upgrade;
  snprintf(rc->client, sizeof rc->client, "%s", h2_conn_endpoint(c, FLOW_DIR_C2S));
  snprintf(rc->server, sizeof rc->server, "%s", h2_conn_endpoint(c, FLOW_DIR_S2C));
  for (size_t i = 0; i < rc->nex; i++) {
    replay_exchange *e = &rc->ex[i];
    replay_response_finish(&e->recorded);
    /* Detection may deliver one direction late (a mid-connection start):
     * a request never waits for its own response. */
    if (e->wait_completed > e->completion_rank) e->wait_completed = e->completion_rank;
  }
  for (size_t k = 0; k < rc->nframes; k++) {
    replay_frame *fr = &rc->frames[k];
    replay_exchange *e = fr->stream_id ? find_exchange(rc, fr->stream_id) : NULL;
    if (!e) continue;
    uint32_t bound =
        fr->block_start && fr->type == H2_HEADERS && e->wait_completed < e->completion_rank
            ? e->wait_completed
            : e->completion_rank;
    /* A RST_STREAM sent after its own stream's response (gRPC cancels a
     * call that ran past its deadline once the answer is in) may wait for
     * that response: nothing of the request comes after it, and sent early
     * it would cancel the answer. */
    if (fr->type == H2_RST_STREAM && e->completion_rank < UINT32_MAX) bound++;
    if (fr->wait_completed > bound) fr->wait_completed = bound;
  }
  /* Requests and frames go out in their recorded order, so none may wait
   * for more than one after it: a stream-0 frame (a SETTINGS ACK) recorded
   * late by a mid-connection start would otherwise wait for a response to a
   * request that is only sent after it, and the replay would stall. */
  for (size_t k = rc->nframes; k-- > 1;)
    if (rc->frames[k - 1].wait_completed > rc->frames[k].wait_completed)
      rc->frames[k - 1].wait_completed = rc->frames[k].wait_completed;
  for (size_t i = rc->nex; i-- > 1;)
    if (rc->ex[i - 1].wait_completed > rc->ex[i].wait_completed)
      rc->ex[i - 1].wait_completed = rc->ex[i].wait_completed;
  if (rc->raw) {
    side_bytes *sb = rc->raw;
    int client = h2_conn_capture_dir(c, FLOW_DIR_C2S);
    if (sb->over) {
      rc->frames_kept = false;
    } else {
      rc->client_bytes = sb->buf[client].p;
      rc->client_len = sb->buf[client].len;
      h2_buf_init(&sb->buf[client], 0); /* the bytes are the connection's now */
    }
    h2_buf_free(&sb->buf[0]);
    h2_buf_free(&sb->buf[1]);
    free(sb);
    rc->raw = NULL;
  }
  h2_conn_free(c);
  f->user = NULL;
  replay_capture *cap = cs->rc;
  if (!rc->is_h2 || cap->n >= cs->limits.max_connections) {
    cap->skipped_connections++;
    conn_free(rc);
    return;
  }
  if (cap->n == cap->cap) {
    size_t ncap = cap->cap ? cap->cap * 2 : 8;
    replay_conn **n = realloc(cap->conns, ncap * sizeof *n);
    if (!n) {
      cs->oom = true;
      conn_free(rc);
      return;
    }
    cap->conns = n;
    cap->cap = ncap;
  }
  cap->conns[cap->n++] = rc;
}

static int by_id(const void *a, const void *b) {
  const replay_conn *x = *(replay_conn *const *)a, *y = *(replay_conn *const *)b;
  return x->id < y->id ? -1 : x->id > y->id;
}

int replay_capture_load(replay_capture *rc, const char *path, uint32_t only_conn, bool keep_frames,
                        const replay_limits *limits, char *err, size_t errcap) {
  memset(rc, 0, sizeof *rc);
  collect_state cs = {.rc = rc, .only_conn = only_conn, .keep_frames = keep_frames};
  if (limits)
    cs.limits = *limits;
  else
    replay_limits_default(&cs.limits);
  if (header_scratch_init(&cs.scratch, cs.limits.max_header_list) != 0) {
    snprintf(err, errcap, "out of memory");
    return -1;
  }
  capture_options co;
  capture_options_default(&co);
  co.file = path;
  co.no_signal_handler = true;
  flow_consumer fc = {.user = &cs,
                      .on_open = flow_open,
                      .on_bytes = flow_bytes,
                      .on_gap = flow_gap,
                      .on_close = flow_close};
  int r = capture_run(&co, &fc, NULL, err, errcap);
  header_scratch_free(&cs.scratch);
  if (r == 0 && cs.oom) {
    snprintf(err, errcap, "out of memory while reading the capture");
    r = -1;
  }
  if (r != 0) {
    replay_capture_free(rc);
    return -1;
  }
  /* connections close in any order: list them as `read` numbers them */
  if (rc->n > 1) qsort(rc->conns, rc->n, sizeof *rc->conns, by_id);
  return 0;
}

void replay_capture_free(replay_capture *rc) {
  for (size_t i = 0; i < rc->n; i++)
    conn_free(rc->conns[i]);
  free(rc->conns);
  memset(rc, 0, sizeof *rc);
}
