/* grpc_consumer.c — gRPC messages from the exchange tracker's bodies
 * (grpc_consumer.h). */
#include "grpc_consumer.h"

#include <stdlib.h>
#include <string.h>

/* One side of one gRPC exchange. */
typedef struct grpc_side {
  grpc_consumer *gc;
  grpc_reader *r;
  const exchange *x; /* valid during the tracker's call that feeds the reader */
  int side;
} grpc_side;

static void relay(void *ctx, const grpc_record *rec) {
  grpc_side *s = ctx;
  s->gc->emit(s->gc->ctx, s->x, s->side, rec);
}

/* A field of a packed header list as an h2_header (absent: false). */
static bool packed_header(const packed_fields *pf, const char *name, h2_header *h) {
  const char *v;
  size_t n;
  if (!packed_find(pf, name, &v, &n)) return false;
  *h = (h2_header){.name = name, .name_len = strlen(name), .value = v, .value_len = n};
  return true;
}

/* A side whose reader had no memory: a note says its messages are not
 * decoded (the side is then not followed). */
static unsigned no_memory(grpc_consumer *gc, const exchange *x, int side) {
  grpc_record rec = {.kind = GRPC_NOTE,
                     .conn = x->conn,
                     .stream = x->stream,
                     .dir = side == EXCHANGE_REQUEST ? GRPC_REQUEST : GRPC_RESPONSE,
                     .note = "out of memory: the gRPC messages of this side are not decoded"};
  gc->emit(gc->ctx, x, side, &rec);
  return 0;
}

static unsigned side_open(void *user, const exchange *x, int side, void **state) {
  grpc_consumer *gc = user;
  const char *ct, *path = NULL;
  size_t ctn, path_len = 0;
  if (!x->have_request || !exchange_field(&x->request, "content-type", &ct, &ctn) ||
      !grpc_is_content_type(ct, ctn))
    return 0;
  (void)exchange_field(&x->request, ":path", &path, &path_len);
  h2_header enc;
  bool has_enc =
      packed_header(side == EXCHANGE_REQUEST ? &x->request : &x->response, "grpc-encoding", &enc);
  grpc_side *s = calloc(1, sizeof *s);
  if (!s) return no_memory(gc, x, side);
  *s = (grpc_side){.gc = gc, .x = x, .side = side};
  s->r = grpc_reader_new(&gc->lim, gc->schema, x->conn, x->stream,
                         side == EXCHANGE_REQUEST ? GRPC_REQUEST : GRPC_RESPONSE, path, path_len,
                         has_enc ? &enc : NULL, has_enc ? 1 : 0, relay, s);
  if (!s->r) {
    free(s);
    return no_memory(gc, x, side);
  }
  *state = s;
  return BODY_WANT_RAW;
}

static void side_chunk(void *user, void *state, const exchange *x, int side, bool decoded,
                       const uint8_t *p, size_t n, uint64_t offset) {
  (void)user, (void)side, (void)offset;
  grpc_side *s = state;
  if (decoded) return;
  s->x = x;
  grpc_reader_feed(s->r, p, n);
}

static void side_end(void *user, void *state, const exchange *x, int side) {
  (void)user;
  grpc_side *s = state;
  s->x = x;
  grpc_reader_end(s->r);
  const char *status, *message;
  size_t slen, mlen;
  if (side == EXCHANGE_RESPONSE && exchange_grpc_status(x, &status, &slen, &message, &mlen)) {
    h2_header t[2] = {
        {.name = "grpc-status", .name_len = 11, .value = status, .value_len = slen},
        {.name = "grpc-message", .name_len = 12, .value = message, .value_len = mlen}};
    grpc_reader_trailers(s->r, t, message ? 2 : 1);
  }
  grpc_reader_free(s->r);
  free(s);
}

body_consumer grpc_body_consumer(grpc_consumer *gc) {
  gc->held = 0;
  gc->lim.held = &gc->held;
  return (body_consumer){.open = side_open, .chunk = side_chunk, .end = side_end, .user = gc};
}
