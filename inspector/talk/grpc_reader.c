/* grpc_reader.c — gRPC Length-Prefixed-Messages reassembled, decompressed
 * and decoded per stream direction (see grpc_reader.h). */
#include "grpc_reader.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "h2/buf.h"
#include "h2/cursor.h"
#include "protobuf_raw.h"

#define GRPC_PREFIX 5 /* Compressed-Flag (1) + Message-Length (4) */

struct grpc_reader {
  grpc_limits lim;
  const pb_schema *schema;
  const pb_type *type; /* the method's input or output type, when the schema has it */
  grpc_emit_fn emit;
  void *ctx;
  uint64_t conn;
  uint32_t stream;
  enum grpc_dir dir;
  char encoding[32]; /* grpc-encoding ("" none) */
  uint64_t index;    /* messages so far */
  uint64_t offset;   /* DATA bytes so far */
  uint64_t start;    /* offset of the current message's prefix */
  uint8_t prefix[GRPC_PREFIX];
  size_t have_prefix;
  uint8_t *msg; /* the current message: `want` bytes, `have` so far */
  size_t want, have;
  bool skipping; /* a limit was passed: the rest of the direction is skipped */
  uint64_t skipped;
  bool ended;
  pb_items items;
  char note[256];
};

void grpc_limits_default(grpc_limits *l) {
  *l = (grpc_limits){.max_message = GRPC_DEFAULT_MAX_MESSAGE,
                     .max_ratio = GRPC_DEFAULT_MAX_RATIO,
                     .max_buffered = GRPC_DEFAULT_MAX_BUFFERED,
                     .pb = {.max_depth = PB_DEFAULT_MAX_DEPTH, .max_items = PB_DEFAULT_MAX_ITEMS}};
}

static bool name_is(const h2_header *h, const char *name) {
  size_t n = strlen(name);
  return h->name_len == n && memcmp(h->name, name, n) == 0;
}

bool grpc_is_content_type(const char *v, size_t n) {
  static const char base[] = "application/grpc";
  size_t b = sizeof base - 1;
  if (n < b || strncasecmp(v, base, b) != 0) return false;
  return n == b || v[b] == '+' || v[b] == ';';
}

grpc_reader *grpc_reader_new(const grpc_limits *lim, const pb_schema *schema, uint64_t conn,
                             uint32_t stream, enum grpc_dir dir, const char *path, size_t path_len,
                             const h2_header *headers, size_t n_headers, grpc_emit_fn emit,
                             void *ctx) {
  grpc_reader *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->lim = *lim;
  r->schema = schema;
  r->emit = emit;
  r->ctx = ctx;
  r->conn = conn;
  r->stream = stream;
  r->dir = dir;
  if (schema && path) r->type = pb_schema_method(schema, path, path_len, dir == GRPC_RESPONSE);
  for (size_t i = 0; i < n_headers; i++) {
    if (!name_is(&headers[i], "grpc-encoding")) continue;
    size_t n = headers[i].value_len < sizeof r->encoding - 1 ? headers[i].value_len
                                                             : sizeof r->encoding - 1;
    memcpy(r->encoding, headers[i].value, n);
    r->encoding[n] = '\0';
  }
  pb_items_init(&r->items, &lim->pb);
  return r;
}

/* Frees the current message and gives its bytes back to the shared budget. */
static void release(grpc_reader *r) {
  if (r->msg && r->lim.held) *r->lim.held -= r->want;
  free(r->msg);
  r->msg = NULL;
}

static grpc_record record(const grpc_reader *r, enum grpc_record_kind kind) {
  return (grpc_record){.kind = kind, .conn = r->conn, .stream = r->stream, .dir = r->dir};
}

static void note(grpc_reader *r, const char *text) {
  grpc_record rec = record(r, GRPC_NOTE);
  rec.offset = r->start;
  rec.note = text;
  r->emit(r->ctx, &rec);
}

/* Inflates msg[0..n) into a new buffer (*out, *out_n); NULL on success,
 * else why not. gzip is RFC 1952, deflate (gRPC's name) the zlib format of
 * RFC 1950. */
static const char *inflate_message(grpc_reader *r, const uint8_t *msg, size_t n, uint8_t **out,
                                   size_t *out_n) {
  z_stream z = {0};
  int wbits = strcmp(r->encoding, "gzip") == 0 ? 15 + 16 : 15;
  if (inflateInit2(&z, wbits) != Z_OK) return "zlib could not start";
  h2_buf b; /* the decompressed message, at most max_message bytes */
  h2_buf_init(&b, r->lim.max_message);
  size_t step = n < 4096 ? 4096 : n; /* the first room; then doubling */
  const char *why = NULL;
  z.next_in = (Bytef *)msg;
  z.avail_in = (uInt)n;
  /* the ratio limit: how much n compressed bytes may become */
  uint64_t ratio_cap = (uint64_t)n * r->lim.max_ratio;
  while (!why) {
    if (b.len == b.cap) {
      if (b.len >= b.limit) {
        why = "decompressed message larger than the message size limit";
        break;
      }
      size_t room = b.limit - b.len, want = b.cap ? b.cap : step;
      if (!h2_buf_reserve(&b, want < room ? want : room)) {
        why = "out of memory";
        break;
      }
    }
    size_t avail = b.cap - b.len;
    if (avail > UINT_MAX) avail = UINT_MAX;
    z.next_out = b.p + b.len;
    z.avail_out = (uInt)avail;
    int rc = inflate(&z, Z_NO_FLUSH);
    b.len += avail - z.avail_out;
    if (b.len > ratio_cap) {
      why = "decompression ratio above the limit (a compression bomb?)";
      break;
    }
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && z.avail_out == 0) continue;
    why = rc == Z_BUF_ERROR ? "compressed message ends early" : "corrupt compressed message";
  }
  inflateEnd(&z);
  if (why) {
    h2_buf_free(&b);
    return why;
  }
  *out = b.p; /* the caller frees it */
  *out_n = b.len;
  return NULL;
}

/* The current message is complete: decompress, decode, emit. */
static void finish_message(grpc_reader *r) {
  grpc_record rec = record(r, GRPC_MESSAGE);
  rec.index = r->index++;
  rec.offset = r->start;
  rec.compressed = r->prefix[0] == 1;
  rec.length = (uint32_t)r->want;
  const uint8_t *bytes = r->msg ? r->msg : (const uint8_t *)"";
  size_t n = r->want;
  uint8_t *inflated = NULL;
  if (rec.compressed) {
    rec.encoding = r->encoding[0] ? r->encoding : "identity";
    if (strcmp(r->encoding, "gzip") == 0 || strcmp(r->encoding, "deflate") == 0) {
      const char *why = inflate_message(r, bytes, n, &inflated, &n);
      if (why) {
        snprintf(r->note, sizeof r->note, "%s (grpc-encoding %s)", why, r->encoding);
        rec.note = r->note;
      } else {
        bytes = inflated;
      }
    } else {
      /* gRPC over HTTP/2: a compressed message on a stream without a
       * grpc-encoding (or identity) is a protocol error; others are not ours */
      snprintf(r->note, sizeof r->note,
               r->encoding[0] && strcmp(r->encoding, "identity") != 0
                   ? "grpc-encoding %s is not supported: message not decoded"
                   : "compressed flag set without a grpc-encoding%s",
               r->encoding);
      rec.note = r->note;
    }
  }
  if (!rec.note) {
    rec.bytes = bytes;
    rec.n = n;
    bool ok = false;
    if (r->type) {
      ok = pb_typed_decode(&r->items, r->type, bytes, n, 0);
      if (ok)
        rec.type = pb_type_name(r->type);
      else
        snprintf(r->note, sizeof r->note, "not a %s message: decoded without the schema",
                 pb_type_name(r->type));
      if (!ok) pb_items_reset(&r->items);
    }
    if (!ok) ok = pb_raw_decode(&r->items, bytes, n, 0);
    if (ok) {
      rec.fields = &r->items;
      if (r->type && !rec.type) rec.note = r->note;
    } else {
      rec.note = "not a protobuf message";
    }
  } else if (rec.compressed && !inflated) {
    rec.bytes = NULL;
  }
  r->emit(r->ctx, &rec);
  pb_items_reset(&r->items);
  free(inflated);
  release(r);
  r->have_prefix = r->want = r->have = 0;
}

static void skip_rest(grpc_reader *r, const char *why) {
  r->skipping = true;
  note(r, why);
}

void grpc_reader_feed(grpc_reader *r, const uint8_t *p, size_t n) {
  while (n > 0 && !r->skipping) {
    if (r->have_prefix < GRPC_PREFIX) {
      if (r->have_prefix == 0) r->start = r->offset;
      size_t k = GRPC_PREFIX - r->have_prefix < n ? GRPC_PREFIX - r->have_prefix : n;
      memcpy(r->prefix + r->have_prefix, p, k);
      r->have_prefix += k;
      r->offset += k;
      p += k;
      n -= k;
      if (r->have_prefix < GRPC_PREFIX) return;
      /* Length-Prefixed-Message: Compressed-Flag, then Message-Length (big-endian) */
      h2_cursor cur = h2_cursor_make(r->prefix, GRPC_PREFIX);
      uint8_t flag = 0;
      uint32_t len = 0;
      (void)h2_cursor_get_u8(&cur, &flag);
      (void)h2_cursor_get_u32(&cur, &len);
      if (flag > 1) {
        snprintf(r->note, sizeof r->note,
                 "Compressed-Flag %u is neither 0 nor 1: not gRPC framing, rest of the stream "
                 "skipped",
                 flag);
        skip_rest(r, r->note);
        break;
      }
      if (len > r->lim.max_message) {
        snprintf(r->note, sizeof r->note,
                 "message %llu of %u bytes exceeds the limit of %zu: rest of the stream skipped",
                 (unsigned long long)r->index, len, r->lim.max_message);
        skip_rest(r, r->note);
        break;
      }
      r->want = len;
      r->have = 0;
      if (r->lim.held && len > r->lim.max_buffered - *r->lim.held) {
        snprintf(r->note, sizeof r->note,
                 "message %llu of %u bytes would pass the %zu bytes held for unfinished "
                 "messages of all streams: rest of the stream skipped",
                 (unsigned long long)r->index, len, r->lim.max_buffered);
        skip_rest(r, r->note);
        break;
      }
      if (len > 0 && !(r->msg = malloc(len))) {
        skip_rest(r, "out of memory: rest of the stream skipped");
        break;
      }
      if (r->lim.held && r->msg) *r->lim.held += len;
      if (len == 0) finish_message(r);
      continue;
    }
    size_t k = r->want - r->have < n ? r->want - r->have : n;
    memcpy(r->msg + r->have, p, k);
    r->have += k;
    r->offset += k;
    p += k;
    n -= k;
    if (r->have == r->want) finish_message(r);
  }
  r->skipped += n;
  r->offset += n;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t grpc_percent_decode(const char *in, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int hi, lo;
    if (in[i] == '%' && i + 2 < n && (hi = hex_digit(in[i + 1])) >= 0 &&
        (lo = hex_digit(in[i + 2])) >= 0) {
      out[o++] = (char)(hi << 4 | lo);
      i += 2;
    } else {
      out[o++] = in[i];
    }
  }
  return o;
}

void grpc_reader_trailers(grpc_reader *r, const h2_header *headers, size_t n) {
  grpc_record rec = record(r, GRPC_STATUS);
  char *decoded = NULL;
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    const h2_header *h = &headers[i];
    if (name_is(h, "grpc-status")) {
      uint32_t v = 0;
      bool ok = h->value_len > 0 && h->value_len <= 9;
      for (size_t k = 0; ok && k < h->value_len; k++) {
        ok = h->value[k] >= '0' && h->value[k] <= '9';
        v = v * 10 + (uint32_t)(h->value[k] - '0');
      }
      rec.has_status = ok;
      rec.status = v;
      if (!ok) rec.note = "grpc-status is not a number";
      any = true;
    } else if (name_is(h, "grpc-message") && !decoded) {
      decoded = malloc(h->value_len ? h->value_len : 1);
      if (decoded) {
        rec.message_len = grpc_percent_decode(h->value, h->value_len, decoded);
        rec.message = decoded;
      }
      any = true;
    }
  }
  if (any) r->emit(r->ctx, &rec);
  free(decoded);
}

void grpc_reader_end(grpc_reader *r) {
  if (r->ended) return;
  r->ended = true;
  if (r->skipping && r->skipped) {
    snprintf(r->note, sizeof r->note, "%llu bytes skipped after the limit",
             (unsigned long long)r->skipped);
    note(r, r->note);
  } else if (!r->skipping && r->have_prefix > 0) {
    if (r->have_prefix < GRPC_PREFIX)
      snprintf(r->note, sizeof r->note, "stream ends inside a message prefix (%zu of 5 bytes)",
               r->have_prefix);
    else
      snprintf(r->note, sizeof r->note, "stream ends inside message %llu: %zu of %zu bytes",
               (unsigned long long)r->index, r->have, r->want);
    note(r, r->note);
  }
}

void grpc_reader_free(grpc_reader *r) {
  if (!r) return;
  pb_items_reset(&r->items);
  release(r);
  free(r);
}
