/* hpack_differential.c — fuzz target: the same header blocks (hpack_input.h
 * format) decoded by h2scope and by libnghttp2's inflater
 * (nghttp2_hd_inflate_hd2; Debian's libnghttp2-dev, linked into this target
 * only). Both must accept or both reject each block, and accepted blocks
 * must give identical field lists. Known, reasoned differences are excluded
 * explicitly (fuzz/README.md):
 *  - limits: nghttp2 has its own (header field length); h2scope's list and
 *    string limits are raised past anything the input can produce;
 *  - state-unknown mode and allocation failures are h2scope-only features
 *    and are not used here. */
#include <nghttp2/nghttp2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fuzz_support.h"
#include "h2/hpack.h"
#include "hpack_input.h"

#define MAX_FIELDS 4096

typedef struct field {
  const uint8_t *name, *value;
  size_t name_len, value_len;
} field;

static char arena[1 << 20];
static h2_header ours[MAX_FIELDS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_reader r = fuzz_reader_make(data, size);
  hpack_input_config cfg;
  hpack_input_config_read(&r, &cfg);
  h2_hpack_decoder_config dc = {.max_header_list_size = 1u << 30, .max_string_len = 1u << 20};
  h2_hpack_decoder d;
  nghttp2_hd_inflater *inf = NULL;
  FUZZ_CHECK(h2_hpack_decoder_init(&d, &dc) == H2_OK, "init");
  FUZZ_CHECK(nghttp2_hd_inflate_new(&inf) == 0, "nghttp2 init");
  if (cfg.table_size != 4096) {
    h2_hpack_decoder_set_max_table_size(&d, cfg.table_size);
    nghttp2_hd_inflate_change_table_size(inf, cfg.table_size);
  }
  hpack_input_record rec;
  int blocks = 0;
  while (hpack_input_next(&r, &rec) && blocks++ < 32) {
    for (int i = 0; i < rec.settings_count; i++) {
      h2_hpack_decoder_set_max_table_size(&d, rec.settings[i]);
      nghttp2_hd_inflate_change_table_size(inf, rec.settings[i]);
    }
    size_t n = 0;
    h2_error err;
    h2_status st = h2_hpack_decode_list(&d, rec.block, rec.block_len, ours, NULL, MAX_FIELDS, &n,
                                        arena, sizeof arena, &err);
    if (st == H2_E_BUFFER_TOO_SMALL) break; /* our harness limit, not a decoder verdict */
    /* nghttp2: field by field. */
    const uint8_t *in = rec.block;
    size_t left = rec.block_len, k = 0;
    bool ng_ok = true, mismatch = false;
    for (;;) {
      nghttp2_nv nv;
      int flags = 0;
      ssize_t used = nghttp2_hd_inflate_hd2(inf, &nv, &flags, in, left, 1);
      if (used < 0) {
        ng_ok = false;
        break;
      }
      in += used;
      left -= (size_t)used;
      if (flags & NGHTTP2_HD_INFLATE_EMIT) {
        if (st == H2_OK) {
          mismatch |= k >= n || ours[k].name_len != nv.namelen ||
                      ours[k].value_len != nv.valuelen ||
                      (nv.namelen && memcmp(ours[k].name, nv.name, nv.namelen)) ||
                      (nv.valuelen && memcmp(ours[k].value, nv.value, nv.valuelen));
        }
        k++;
      }
      if (flags & NGHTTP2_HD_INFLATE_FINAL) {
        nghttp2_hd_inflate_end_headers(inf);
        break;
      }
      if (left == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT)) {
        ng_ok = false; /* block ended inside a representation */
        break;
      }
    }
    fuzz_log("block %d: h2scope %s, nghttp2 %s\n", blocks, h2_strerror(st), ng_ok ? "ok" : "error");
    FUZZ_CHECK((st == H2_OK) == ng_ok, "verdicts differ: h2scope %s (offset %zu), nghttp2 %s",
               h2_strerror(st), err.offset, ng_ok ? "accepts" : "rejects");
    if (st != H2_OK) break;
    FUZZ_CHECK(!mismatch && k == n, "decoded lists differ (%zu vs %zu fields)", n, k);
  }
  nghttp2_hd_inflate_del(inf);
  h2_hpack_decoder_free(&d);
  return 0;
}
