/* grpc_reader.c — fuzz target for the gRPC message reader and the raw
 * protobuf decoder (inspector/talk/grpc_reader.h, protobuf_raw.h): the
 * first byte picks the grpc-encoding (none, gzip, deflate) and where the
 * rest is cut into two feeds; the rest is a stream direction's DATA bytes.
 * Every record is rendered as text and JSON. The same bytes are also
 * decoded as one protobuf message. Nothing may crash, leak or nest past
 * the depth limit; a split feed must give the same records as one feed. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "grpc_print.h"
#include "grpc_reader.h"
#include "protobuf_raw.h"

static out_buf out;

typedef struct tally {
  unsigned records;
  uint64_t fields;
} tally;

static void on_record(void *ctx, const grpc_record *r) {
  tally *t = ctx;
  t->records++;
  print_options po = {.json = false};
  frame_meta m = {.conn = 1, .src = "a", .dst = "b"};
  out.len = 0;
  grpc_print(&out, &po, &m, r, true);
  po.json = true;
  out.len = 0;
  grpc_print(&out, &po, &m, r, true);
  if (r->fields) {
    t->fields += r->fields->n;
    for (size_t i = 0; i < r->fields->n; i++)
      FUZZ_CHECK(r->fields->items[i].depth < r->fields->lim.max_depth, "depth %u",
                 r->fields->items[i].depth);
  }
}

static tally run(const char *encoding, const uint8_t *p, size_t n, size_t cut) {
  grpc_limits l;
  grpc_limits_default(&l);
  l.max_message = 1u << 16;
  l.pb.max_depth = 16;
  l.pb.max_items = 4096;
  h2_header h = {.name = "grpc-encoding",
                 .name_len = 13,
                 .value = encoding,
                 .value_len = encoding ? strlen(encoding) : 0};
  tally t = {0};
  grpc_reader *r = grpc_reader_new(&l, NULL, 1, 1, GRPC_REQUEST, "/a.B/C", 6, &h, encoding ? 1 : 0,
                                   on_record, &t);
  if (!r) return t;
  grpc_reader_feed(r, p, cut);
  grpc_reader_feed(r, p + cut, n - cut);
  grpc_reader_end(r);
  grpc_reader_free(r);
  return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  out_init(&out, -1);
  static const char *const encodings[] = {NULL, "gzip", "deflate"};
  const char *enc = encodings[data[0] % 3];
  const uint8_t *p = data + 1;
  size_t n = size - 1;
  size_t cut = n ? (size_t)(data[0] >> 2) * n / 64 : 0;
  tally one = run(enc, p, n, n);
  tally two = run(enc, p, n, cut);
  FUZZ_CHECK(one.records == two.records && one.fields == two.fields,
             "split at %zu: %u records / %llu fields, whole: %u / %llu", cut, two.records,
             (unsigned long long)two.fields, one.records, (unsigned long long)one.fields);
  pb_limits pl = {.max_depth = 16, .max_items = 4096};
  pb_items d;
  pb_items_init(&d, &pl);
  if (pb_raw_decode(&d, p, n, 0)) FUZZ_CHECK(d.n <= pl.max_items, "%zu items", d.n);
  pb_items_reset(&d);
  return 0;
}
