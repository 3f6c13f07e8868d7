/* bench_hpack.c — HPACK decode and encode throughput: h2scope's codec against
 * libnghttp2's inflater/deflater on the same blocks in the same run
 * (bench_clock.h), printing one table row per input set.
 *
 *   bench_hpack [--stories DIR]... [--lists N]
 *
 * Decode inputs: the hpack-test-case stories (each story one context) and a
 * generated realistic corpus (header_corpus.h) encoded by libnghttp2 with a
 * 4096-octet table and with table size 0 (every field a literal, mostly
 * Huffman). Encode inputs: the generated corpus. Before timing, both decoders'
 * output is compared field by field, so a fast wrong decoder cannot win. */
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bench_clock.h"
#include "h2/hpack.h"
#include "header_corpus.h"
#include "wire_set.h"

/* ---- decode contenders ---- */

typedef struct decode_ctx {
  const wire_set *w;
  uint64_t fields;   /* fields seen in the last pass */
  uint64_t checksum; /* mixes name/value lengths and first bytes */
} decode_ctx;

static void mix(decode_ctx *c, const uint8_t *name, size_t nlen, const uint8_t *value,
                size_t vlen) {
  c->fields++;
  c->checksum = c->checksum * 31 + nlen * 7 + vlen + (nlen ? name[0] : 0) +
                (vlen ? value[vlen - 1] : 0);
}

BENCH_CONTENDER static int decode_nghttp2(void *arg) {
  decode_ctx *c = arg;
  const wire_set *w = c->w;
  nghttp2_hd_inflater **inf = calloc(w->contexts, sizeof *inf);
  int rc = -1;
  c->fields = 0;
  c->checksum = 0;
  if (!inf)
    return -1;
  for (uint32_t i = 0; i < w->contexts; i++) {
    if (nghttp2_hd_inflate_new(&inf[i]) != 0)
      goto out;
    if (nghttp2_hd_inflate_change_table_size(inf[i], w->table_size[i]) != 0)
      goto out;
  }
  for (size_t b = 0; b < w->count; b++) {
    const wire_block *blk = &w->blocks[b];
    nghttp2_hd_inflater *d = inf[blk->context];
    const uint8_t *in = w->bytes + blk->off;
    size_t left = blk->len;
    for (;;) {
      nghttp2_nv nv;
      int flags = 0;
      ssize_t n = nghttp2_hd_inflate_hd2(d, &nv, &flags, in, left, 1);
      if (n < 0)
        goto out;
      in += n;
      left -= (size_t)n;
      if (flags & NGHTTP2_HD_INFLATE_EMIT)
        mix(c, nv.name, nv.namelen, nv.value, nv.valuelen);
      if (flags & NGHTTP2_HD_INFLATE_FINAL) {
        nghttp2_hd_inflate_end_headers(d);
        break;
      }
      if (left == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT))
        break;
    }
  }
  rc = 0;
out:
  for (uint32_t i = 0; i < w->contexts; i++)
    if (inf[i])
      nghttp2_hd_inflate_del(inf[i]);
  free(inf);
  return rc;
}

static void on_field(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  (void)info;
  mix(user, (const uint8_t *)h->name, h->name_len, (const uint8_t *)h->value, h->value_len);
}

BENCH_CONTENDER static int decode_h2scope(void *arg) {
  decode_ctx *c = arg;
  const wire_set *w = c->w;
  h2_hpack_decoder *dec = calloc(w->contexts, sizeof *dec);
  uint32_t inited = 0;
  int rc = -1;
  c->fields = 0;
  c->checksum = 0;
  if (!dec)
    return -1;
  for (; inited < w->contexts; inited++) {
    /* The protocol limit starts at the default 4096 (§6.5.2) and is then
     * set to the context's size, as a SETTINGS exchange would. */
    h2_hpack_decoder_config cfg = {.max_header_list_size = 1u << 30};
    if (h2_hpack_decoder_init(&dec[inited], &cfg) != H2_OK)
      goto out;
    if (w->table_size[inited] != H2_HPACK_DEFAULT_TABLE_SIZE &&
        h2_hpack_decoder_set_max_table_size(&dec[inited], w->table_size[inited]) != H2_OK)
      goto out;
  }
  h2_hpack_decode_callbacks cb = {.on_field = on_field, .user = c};
  for (size_t b = 0; b < w->count; b++) {
    const wire_block *blk = &w->blocks[b];
    h2_error err;
    if (h2_hpack_decode_block(&dec[blk->context], w->bytes + blk->off, blk->len, &cb, &err) !=
        H2_OK)
      goto out;
  }
  rc = 0;
out:
  for (uint32_t i = 0; i < inited; i++)
    h2_hpack_decoder_free(&dec[i]);
  free(dec);
  return rc;
}

/* ---- encode contenders ---- */

typedef struct encode_ctx {
  const header_corpus *c;
  nghttp2_nv *nva; /* the corpus as nghttp2_nv, same order */
  uint8_t *out;
  size_t out_cap;
  uint64_t bytes; /* encoded bytes in the last pass */
} encode_ctx;

BENCH_CONTENDER static int encode_nghttp2(void *arg) {
  encode_ctx *e = arg;
  nghttp2_hd_deflater *d[2] = {NULL, NULL};
  int rc = -1;
  e->bytes = 0;
  for (int i = 0; i < 2; i++)
    if (nghttp2_hd_deflate_new(&d[i], 4096) != 0)
      goto out;
  for (size_t i = 0; i < e->c->lists; i++) {
    ssize_t n = nghttp2_hd_deflate_hd(d[i % 2], e->out, e->out_cap, e->nva + e->c->first[i],
                                      header_corpus_list_len(e->c, i));
    if (n < 0)
      goto out;
    e->bytes += (uint64_t)n;
  }
  rc = 0;
out:
  for (int i = 0; i < 2; i++)
    if (d[i])
      nghttp2_hd_deflate_del(d[i]);
  return rc;
}

BENCH_CONTENDER static int encode_h2scope(void *arg) {
  encode_ctx *e = arg;
  h2_hpack_encoder_config cfg = {.max_table_size = 4096};
  h2_hpack_encoder *enc[2] = {h2_hpack_encoder_new(&cfg), h2_hpack_encoder_new(&cfg)};
  int rc = -1;
  e->bytes = 0;
  if (!enc[0] || !enc[1])
    goto out;
  for (size_t i = 0; i < e->c->lists; i++) {
    size_t written = 0;
    h2_error err;
    if (h2_hpack_encode(enc[i % 2], e->c->fields + e->c->first[i], header_corpus_list_len(e->c, i),
                        e->out, e->out_cap, &written, &err) != H2_OK)
      goto out;
    e->bytes += written;
  }
  rc = 0;
out:
  h2_hpack_encoder_free(enc[0]);
  h2_hpack_encoder_free(enc[1]);
  return rc;
}

/* ---- driver ---- */

static int json_mode;

static int bench_decode(const bench_params *p, const char *name, const char *what,
                        const wire_set *w) {
  if (!bench_selected(p, name))
    return 0;
  decode_ctx ref = {.w = w}, ours = {.w = w};
  if (decode_nghttp2(&ref) != 0 || decode_h2scope(&ours) != 0) {
    fprintf(stderr, "bench_hpack: %s: a decoder rejected the input\n", what);
    return 1;
  }
  if (ref.fields != ours.fields || ref.checksum != ours.checksum) {
    fprintf(stderr, "bench_hpack: %s: decoders disagree: %llu vs %llu fields\n", what,
           (unsigned long long)ref.fields, (unsigned long long)ours.fields);
    return 1;
  }
  bench_result r = bench_compare(p, decode_nghttp2, &ref, decode_h2scope, &ours);
  bench_print(json_mode, name, what, &r, (double)w->total_headers, "hdr/s", (double)w->len);
  return r.failed;
}

static int bench_encode(const bench_params *p, const header_corpus *c) {
  if (!bench_selected(p, "hpack-encode"))
    return 0;
  encode_ctx ref = {.c = c}, ours = {.c = c};
  nghttp2_nv *nva = calloc(c->field_count, sizeof *nva);
  size_t text = 0;
  if (!nva)
    return 1;
  for (size_t i = 0; i < c->field_count; i++) {
    nva[i] = (nghttp2_nv){.name = (uint8_t *)(uintptr_t)c->fields[i].name,
                          .value = (uint8_t *)(uintptr_t)c->fields[i].value,
                          .namelen = c->fields[i].name_len,
                          .valuelen = c->fields[i].value_len};
    text += c->fields[i].name_len + c->fields[i].value_len;
  }
  ref.nva = ours.nva = nva;
  ref.out_cap = ours.out_cap = 1 << 20;
  ref.out = malloc(ref.out_cap);
  ours.out = malloc(ours.out_cap);
  int rc = 1;
  if (ref.out && ours.out && encode_nghttp2(&ref) == 0 && encode_h2scope(&ours) == 0) {
    bench_result r = bench_compare(p, encode_nghttp2, &ref, encode_h2scope, &ours);
    bench_print(json_mode, "hpack-encode", "encode, generated corpus, table 4096", &r,
                (double)c->field_count, "hdr/s", (double)text);
    if (json_mode)
      printf("{\"bench\":\"hpack-encode-size\",\"h2scope\":%llu,\"reference\":%llu,"
             "\"unit\":\"bytes\",\"ratio\":%.4g}\n",
             (unsigned long long)ours.bytes, (unsigned long long)ref.bytes,
             (double)ref.bytes / (double)ours.bytes);
    else
      printf("| encoded size (%zu bytes of text)    | %llu bytes | %llu bytes | | **%.3f** "
             "(ref ÷ ours, ≥ 1 = no larger) |\n",
             text, (unsigned long long)ref.bytes, (unsigned long long)ours.bytes,
             (double)ref.bytes / (double)ours.bytes);
    rc = r.failed;
  } else {
    fprintf(stderr, "bench_hpack: an encoder failed\n");
  }
  free(ref.out);
  free(ours.out);
  free(nva);
  return rc;
}

int main(int argc, char **argv) {
  const char *stories[16];
  int nstories = 0;
  size_t lists = 40000;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--stories") && i + 1 < argc && nstories < 16)
      stories[nstories++] = argv[++i];
    else if (!strcmp(argv[i], "--json"))
      json_mode = 1;
    else if (!strcmp(argv[i], "--lists") && i + 1 < argc)
      lists = (size_t)strtoull(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: bench_hpack [--json] [--stories DIR]... [--lists N]\n");
      return 2;
    }
  }
  bench_params p;
  bench_params_from_env(&p);
  header_corpus corpus;
  if (header_corpus_generate(&corpus, lists, 1) != 0) {
    fprintf(stderr, "bench_hpack: cannot generate the corpus\n");
    return 1;
  }
  int failed = 0;
  if (!json_mode)
    printf("| HPACK (median of %d runs ≥ %.1f s) | libnghttp2 | h2scope | h2scope input | "
         "ratio |\n|---|---|---|---|---|\n",
         p.runs, p.min_seconds);
  if (nstories > 0 && bench_selected(&p, "hpack-decode-stories")) {
    wire_set w;
    wire_set_init(&w);
    int loaded = 0;
    for (int i = 0; i < nstories; i++) {
      int n = wire_set_load_stories(&w, stories[i]);
      if (n < 0) {
        fprintf(stderr, "bench_hpack: cannot load stories from %s\n", stories[i]);
        failed = 1;
      } else {
        loaded += n;
      }
    }
    char what[64];
    snprintf(what, sizeof what, "decode, %d hpack-test-case stories", loaded);
    failed |= bench_decode(&p, "hpack-decode-stories", what, &w);
    wire_set_free(&w);
  }
  static const uint32_t sizes[] = {4096, 0};
  for (int i = 0; i < 2; i++) {
    if (!bench_selected(&p, sizes[i] ? "hpack-decode-4096" : "hpack-decode-0"))
      continue;
    wire_set w;
    wire_set_init(&w);
    if (wire_set_from_corpus_nghttp2(&w, &corpus, sizes[i]) != 0) {
      fprintf(stderr, "bench_hpack: encoding the corpus failed\n");
      return 1;
    }
    char what[64];
    snprintf(what, sizeof what, "decode, %zu lists, table %u", lists, sizes[i]);
    failed |= bench_decode(&p, sizes[i] ? "hpack-decode-4096" : "hpack-decode-0", what, &w);
    wire_set_free(&w);
  }
  failed |= bench_encode(&p, &corpus);
  header_corpus_free(&corpus);
  return failed;
}
