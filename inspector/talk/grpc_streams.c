/* grpc_streams.c — frames to gRPC readers, per stream (grpc_streams.h). */
#include "grpc_streams.h"

#include <stdlib.h>
#include <string.h>

typedef struct gs_entry {
  struct grpc_streams *g;
  bool used;
  uint64_t conn;
  uint32_t stream;
  void *conn_ctx;
  int req_dir; /* capture direction of the request */
  char *path;  /* the request's :path (the method) */
  size_t path_len;
  grpc_reader *r[2]; /* by enum grpc_dir */
  bool ended[2];     /* by enum grpc_dir */
  bool block_end[2]; /* END_STREAM on a HEADERS whose block is still open, by capture dir */
} gs_entry;

struct grpc_streams {
  grpc_limits lim;
  const pb_schema *schema;
  size_t max_streams;
  grpc_streams_emit_fn emit;
  void *ctx;
  gs_entry **e; /* each entry on its own: readers keep a pointer to theirs */
  size_t n, cap;
  uint64_t full_conn; /* the last connection told the table is full (0: none) */
};

grpc_streams *grpc_streams_new(const grpc_limits *lim, const pb_schema *schema, size_t max_streams,
                               grpc_streams_emit_fn emit, void *ctx) {
  grpc_streams *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->lim = *lim;
  g->schema = schema;
  g->max_streams = max_streams ? max_streams : GRPC_DEFAULT_MAX_STREAMS;
  g->emit = emit;
  g->ctx = ctx;
  return g;
}

static void relay(void *ctx, const grpc_record *r) {
  gs_entry *e = ctx;
  int capture_dir = r->dir == GRPC_REQUEST ? e->req_dir : !e->req_dir;
  e->g->emit(e->g->ctx, e->conn_ctx, capture_dir, r);
}

static gs_entry *find(grpc_streams *g, uint64_t conn, uint32_t stream) {
  for (size_t i = 0; i < g->n; i++)
    if (g->e[i]->used && g->e[i]->conn == conn && g->e[i]->stream == stream) return g->e[i];
  return NULL;
}

static gs_entry *add(grpc_streams *g) {
  for (size_t i = 0; i < g->n; i++)
    if (!g->e[i]->used) return g->e[i];
  if (g->n == g->max_streams) return NULL;
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 16;
    if (cap > g->max_streams) cap = g->max_streams;
    gs_entry **p = realloc(g->e, cap * sizeof *p);
    if (!p) return NULL;
    g->e = p;
    g->cap = cap;
  }
  gs_entry *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  g->e[g->n++] = e;
  return e;
}

static void drop(gs_entry *e) {
  for (int k = 0; k < 2; k++) {
    if (e->r[k] && !e->ended[k]) grpc_reader_end(e->r[k]);
    grpc_reader_free(e->r[k]);
  }
  free(e->path);
  *e = (gs_entry){0};
}

static const h2_header *field(const decoded_frame *d, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < d->header_count; i++)
    if (d->headers[i].name_len == n && memcmp(d->headers[i].name, name, n) == 0)
      return &d->headers[i];
  return NULL;
}

static void end_dir(gs_entry *e, enum grpc_dir k) {
  if (e->r[k] && !e->ended[k]) grpc_reader_end(e->r[k]);
  e->ended[k] = true;
  if (e->ended[0] && e->ended[1]) drop(e);
}

static void full_note(grpc_streams *g, uint64_t conn, void *conn_ctx, int dir, uint32_t stream) {
  if (g->full_conn == conn) return;
  g->full_conn = conn;
  grpc_record r = {.kind = GRPC_NOTE,
                   .conn = conn,
                   .stream = stream,
                   .note = "too many gRPC streams open at once: this and later ones on the "
                           "connection are not decoded while the table is full"};
  g->emit(g->ctx, conn_ctx, dir, &r);
}

/* A complete header list on stream s from capture direction dir. */
static void on_headers(grpc_streams *g, uint64_t conn, void *conn_ctx, int dir, uint32_t s,
                       const decoded_frame *d) {
  gs_entry *e = find(g, conn, s);
  if (!e) {
    const h2_header *ct = field(d, "content-type");
    if (!ct || !grpc_is_content_type(ct->value, ct->value_len)) return;
    e = add(g);
    if (!e) {
      full_note(g, conn, conn_ctx, dir, s);
      return;
    }
    *e = (gs_entry){
        .g = g, .used = true, .conn = conn, .stream = s, .conn_ctx = conn_ctx, .req_dir = dir};
    const h2_header *path = field(d, ":path");
    if (path && (e->path = malloc(path->value_len + 1))) {
      memcpy(e->path, path->value, path->value_len);
      e->path[path->value_len] = '\0';
      e->path_len = path->value_len;
    }
    e->r[GRPC_REQUEST] = grpc_reader_new(&g->lim, g->schema, conn, s, GRPC_REQUEST, e->path,
                                         e->path_len, d->headers, d->header_count, relay, e);
    if (!e->r[GRPC_REQUEST]) drop(e);
    return;
  }
  enum grpc_dir k = dir == e->req_dir ? GRPC_REQUEST : GRPC_RESPONSE;
  if (k == GRPC_RESPONSE && !e->r[k] && !e->ended[k]) {
    e->r[k] = grpc_reader_new(&g->lim, g->schema, conn, s, GRPC_RESPONSE, e->path, e->path_len,
                              d->headers, d->header_count, relay, e);
    if (!e->r[k]) {
      drop(e);
      return;
    }
  }
  /* Trailers, or the headers of a Trailers-Only response: the status */
  if (e->r[k] && field(d, "grpc-status"))
    grpc_reader_trailers(e->r[k], d->headers, d->header_count);
}

void grpc_streams_frame(grpc_streams *g, uint64_t conn, void *conn_ctx, int dir,
                        const decoded_frame *d) {
  const h2_frame *f = &d->frame;
  uint32_t s = f->hd.stream_id;
  if (s == 0) return;
  bool end_stream = (f->hd.flags & H2_FLAG_END_STREAM) != 0;
  switch (f->hd.type) {
  case H2_HEADERS:
  case H2_CONTINUATION: {
    if (f->hd.type == H2_HEADERS && end_stream && !d->block_complete) {
      gs_entry *e = find(g, conn, s);
      if (e) e->block_end[dir] = true;
    }
    if (!d->block_complete || d->block_status != H2_OK) return;
    on_headers(g, conn, conn_ctx, dir, s, d);
    gs_entry *e = find(g, conn, s);
    if (!e) return;
    if ((f->hd.type == H2_HEADERS && end_stream) || e->block_end[dir]) {
      e->block_end[dir] = false;
      end_dir(e, dir == e->req_dir ? GRPC_REQUEST : GRPC_RESPONSE);
    }
    return;
  }
  case H2_DATA: {
    gs_entry *e = find(g, conn, s);
    if (!e) return;
    enum grpc_dir k = dir == e->req_dir ? GRPC_REQUEST : GRPC_RESPONSE;
    if (e->r[k] && !e->ended[k] && d->frame_status == H2_OK && !d->payload_skipped)
      grpc_reader_feed(e->r[k], f->u.data.data, f->u.data.len);
    if (end_stream) end_dir(e, k);
    return;
  }
  case H2_RST_STREAM: {
    gs_entry *e = find(g, conn, s);
    if (e) drop(e);
    return;
  }
  default:
    return;
  }
}

void grpc_streams_conn_end(grpc_streams *g, uint64_t conn) {
  for (size_t i = 0; i < g->n; i++)
    if (g->e[i]->used && g->e[i]->conn == conn) drop(g->e[i]);
  if (g->full_conn == conn) g->full_conn = 0;
}

void grpc_streams_free(grpc_streams *g) {
  if (!g) return;
  for (size_t i = 0; i < g->n; i++) {
    if (g->e[i]->used) drop(g->e[i]);
    free(g->e[i]);
  }
  free(g->e);
  free(g);
}
