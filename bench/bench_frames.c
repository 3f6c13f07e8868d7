/* bench_frames.c — frame decoding throughput of a whole client byte stream,
 * HPACK included: h2scope's frame decoder + field block assembler + HPACK
 * decoder against libnghttp2's nghttp2_session_mem_recv in a server session
 * with counting callbacks, on the same bytes in the same run.
 *
 *   bench_frames [--requests N]
 *
 * Two streams: "headers-heavy" (preface, SETTINGS, N requests as HEADERS —
 * every fourth split into HEADERS + CONTINUATION — with small DATA bodies on
 * POSTs and periodic WINDOW_UPDATEs and PINGs) and "data-heavy" (16 KiB DATA
 * frames, to show the per-frame overhead). Both contenders must agree on the
 * number of header fields and DATA bytes before anything is timed. */
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bench_clock.h"
#include "h2/frame.h"
#include "h2/hpack.h"
#include "header_corpus.h"

typedef struct byte_buf {
  uint8_t *p;
  size_t len, cap;
} byte_buf;

static int reserve(byte_buf *b, size_t more) {
  if (b->len + more <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 1 << 20;
  while (cap < b->len + more)
    cap *= 2;
  uint8_t *p = realloc(b->p, cap);
  if (!p)
    return -1;
  b->p = p;
  b->cap = cap;
  return 0;
}

static int put_frame(byte_buf *b, uint8_t type, uint8_t flags, uint32_t stream,
                     const uint8_t *payload, size_t len) {
  if (reserve(b, 9 + len) != 0)
    return -1;
  b->len += h2_frame_write_raw(b->p + b->len, b->cap - b->len, (uint32_t)len, type, flags, stream,
                               payload, len);
  return 0;
}

typedef struct stream_totals {
  uint64_t headers;    /* header fields in the stream */
  uint64_t data_bytes; /* DATA payload bytes */
  uint64_t frames;
} stream_totals;

/* Client stream of `requests` requests from the generated corpus (its request
 * lists), encoded by libnghttp2's deflater. data_frames 16 KiB DATA frames
 * follow each request when data_heavy. */
static int build_stream(byte_buf *b, size_t requests, int data_heavy, stream_totals *t) {
  header_corpus c;
  nghttp2_hd_deflater *d = NULL;
  static uint8_t block[65536], data[16384];
  nghttp2_nv nva[64];
  int rc = -1;
  memset(t, 0, sizeof *t);
  memset(data, 'x', sizeof data);
  if (header_corpus_generate(&c, requests * 2, 7) != 0)
    return -1;
  if (nghttp2_hd_deflate_new(&d, 4096) != 0)
    goto out;
  if (reserve(b, H2_PREFACE_LEN) != 0)
    goto out;
  memcpy(b->p, H2_PREFACE, H2_PREFACE_LEN);
  b->len = H2_PREFACE_LEN;
  /* SETTINGS: MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 2^30 (we are the
   * client announcing our receive window; harmless to the server). */
  static const uint8_t settings[] = {0, 3, 0, 0, 0, 100, 0, 4, 0x40, 0, 0, 0};
  if (put_frame(b, H2_SETTINGS, 0, 0, settings, sizeof settings) != 0)
    goto out;
  t->frames++;
  for (size_t r = 0; r < requests; r++) {
    size_t i = r * 2, n = header_corpus_list_len(&c, i);
    uint32_t stream = (uint32_t)(2 * r + 1);
    const h2_header *list = &c.fields[c.first[i]];
    if (n > 64)
      n = 64;
    int post = data_heavy || (list[0].value_len == 4); /* "POST" */
    for (size_t k = 0; k < n; k++)
      nva[k] = (nghttp2_nv){.name = (uint8_t *)(uintptr_t)list[k].name,
                            .value = (uint8_t *)(uintptr_t)list[k].value,
                            .namelen = list[k].name_len,
                            .valuelen = list[k].value_len};
    ssize_t len = nghttp2_hd_deflate_hd(d, block, sizeof block, nva, n);
    if (len < 0)
      goto out;
    t->headers += n;
    uint8_t es = post ? 0 : H2_FLAG_END_STREAM;
    if (r % 4 == 3 && len > 1) {
      size_t half = (size_t)len / 2;
      if (put_frame(b, H2_HEADERS, es, stream, block, half) != 0 ||
          put_frame(b, H2_CONTINUATION, H2_FLAG_END_HEADERS, stream, block + half,
                    (size_t)len - half) != 0)
        goto out;
      t->frames += 2;
    } else {
      if (put_frame(b, H2_HEADERS, es | H2_FLAG_END_HEADERS, stream, block, (size_t)len) != 0)
        goto out;
      t->frames++;
    }
    if (post) {
      /* Stay inside the default 65535 stream window the server grants. */
      size_t frames = data_heavy ? 3 : 1, size = data_heavy ? 16384 : 300 + r % 700;
      for (size_t k = 0; k < frames; k++) {
        uint8_t fl = k + 1 == frames ? H2_FLAG_END_STREAM : 0;
        if (put_frame(b, H2_DATA, fl, stream, data, size) != 0)
          goto out;
        t->data_bytes += size;
        t->frames++;
      }
    }
    if (r % 16 == 15) {
      static const uint8_t inc[4] = {0, 1, 0, 0};
      if (put_frame(b, H2_WINDOW_UPDATE, 0, 0, inc, 4) != 0)
        goto out;
      t->frames++;
    }
    if (r % 100 == 99) {
      static const uint8_t ping[8] = {1, 2, 3, 4, 5, 6, 7, 8};
      if (put_frame(b, H2_PING, 0, 0, ping, 8) != 0)
        goto out;
      t->frames++;
    }
  }
  rc = 0;
out:
  if (d)
    nghttp2_hd_deflate_del(d);
  header_corpus_free(&c);
  return rc;
}

typedef struct run_ctx {
  const byte_buf *stream;
  stream_totals seen;
} run_ctx;

/* ---- libnghttp2 ---- */

static int ng_on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
                        size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
                        void *user) {
  (void)s, (void)f, (void)name, (void)namelen, (void)value, (void)valuelen, (void)flags;
  ((run_ctx *)user)->seen.headers++;
  return 0;
}

static int ng_on_data(nghttp2_session *s, uint8_t flags, int32_t stream, const uint8_t *data,
                      size_t len, void *user) {
  (void)s, (void)flags, (void)stream, (void)data;
  ((run_ctx *)user)->seen.data_bytes += len;
  return 0;
}

static int ng_on_frame(nghttp2_session *s, const nghttp2_frame *f, void *user) {
  (void)s, (void)f;
  ((run_ctx *)user)->seen.frames++;
  return 0;
}

BENCH_CONTENDER static int run_nghttp2(void *arg) {
  run_ctx *c = arg;
  nghttp2_session_callbacks *cbs;
  nghttp2_session *s;
  nghttp2_option *opt;
  memset(&c->seen, 0, sizeof c->seen);
  if (nghttp2_session_callbacks_new(&cbs) != 0)
    return -1;
  nghttp2_session_callbacks_set_on_header_callback(cbs, ng_on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, ng_on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, ng_on_frame);
  nghttp2_option_new(&opt);
  /* The benchmark never sends, so queued ACKs/WINDOW_UPDATEs must not pile
   * up into limits; the default 1000 outbound-control-frame limit is lifted. */
  nghttp2_option_set_max_outbound_ack(opt, 1u << 30);
  int rc = nghttp2_session_server_new2(&s, cbs, c, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cbs);
  if (rc != 0)
    return -1;
  /* Open the connection window once (the method): the client's DATA
   * would otherwise need WINDOW_UPDATEs that are never sent. */
  nghttp2_session_set_local_window_size(s, NGHTTP2_FLAG_NONE, 0, 0x7fffffff);
  ssize_t n = nghttp2_session_mem_recv(s, c->stream->p, c->stream->len);
  nghttp2_session_del(s);
  return n == (ssize_t)c->stream->len ? 0 : -1;
}

/* ---- h2scope ---- */

static void on_field(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  (void)h, (void)info;
  ((run_ctx *)user)->seen.headers++;
}

BENCH_CONTENDER static int run_h2scope(void *arg) {
  run_ctx *c = arg;
  const uint8_t *p = c->stream->p;
  size_t len = c->stream->len, off = H2_PREFACE_LEN;
  static uint8_t block_buf[1 << 16];
  h2_field_block fb;
  h2_hpack_decoder dec;
  h2_error err;
  h2_frame_decode_options opts = {.sender = H2_SENDER_CLIENT};
  h2_hpack_decode_callbacks cb = {.on_field = on_field, .user = c};
  memset(&c->seen, 0, sizeof c->seen);
  if (h2_preface_check(p, len, &err) != H2_OK)
    return -1;
  if (h2_hpack_decoder_init(&dec, NULL) != H2_OK)
    return -1;
  h2_field_block_init(&fb, block_buf, sizeof block_buf);
  int rc = -1;
  while (off < len) {
    h2_frame f;
    size_t used;
    if (h2_frame_decode(p + off, len - off, &opts, &f, &used, &err) != H2_OK)
      goto out;
    off += used;
    c->seen.frames++;
    if (f.hd.type == H2_DATA) {
      c->seen.data_bytes += f.u.data.len;
    } else if (f.hd.type == H2_HEADERS && (f.hd.flags & H2_FLAG_END_HEADERS) && !fb.open) {
      /* A one-frame block is decoded in place, no copy. */
      if (h2_hpack_decode_block(&dec, f.u.headers.fragment, f.u.headers.fragment_len, &cb, &err) !=
          H2_OK)
        goto out;
    } else {
      bool complete = false;
      if (h2_field_block_feed(&fb, &f, &complete, &err) != H2_OK)
        goto out;
      if (complete && h2_hpack_decode_block(&dec, fb.buf, fb.len, &cb, &err) != H2_OK)
        goto out;
    }
  }
  rc = 0;
out:
  h2_hpack_decoder_free(&dec);
  return rc;
}

static int json_mode;

static int bench_stream(const bench_params *p, const char *name, const char *what,
                        size_t requests, int heavy) {
  if (!bench_selected(p, name))
    return 0;
  byte_buf b = {0};
  stream_totals t;
  if (build_stream(&b, requests, heavy, &t) != 0) {
    fprintf(stderr, "bench_frames: cannot build the stream\n");
    return 1;
  }
  run_ctx ref = {.stream = &b}, ours = {.stream = &b};
  int rc = 1;
  if (run_nghttp2(&ref) != 0 || run_h2scope(&ours) != 0) {
    fprintf(stderr, "bench_frames: %s: a decoder rejected the stream\n", what);
  } else if (ref.seen.headers != t.headers || ours.seen.headers != t.headers ||
             ref.seen.data_bytes != t.data_bytes || ours.seen.data_bytes != t.data_bytes ||
             ours.seen.frames != t.frames) {
    fprintf(stderr, "bench_frames: %s: decoders disagree (headers %llu/%llu, data %llu/%llu) |\n", what,
           (unsigned long long)ref.seen.headers, (unsigned long long)ours.seen.headers,
           (unsigned long long)ref.seen.data_bytes, (unsigned long long)ours.seen.data_bytes);
  } else {
    bench_result r = bench_compare(p, run_nghttp2, &ref, run_h2scope, &ours);
    bench_print(json_mode, name, what, &r, (double)t.frames, "frames/s", (double)b.len);
    rc = r.failed;
  }
  free(b.p);
  return rc;
}

int main(int argc, char **argv) {
  size_t requests = 20000;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--json"))
      json_mode = 1;
    else if (!strcmp(argv[i], "--requests") && i + 1 < argc)
      requests = (size_t)strtoull(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: bench_frames [--json] [--requests N]\n");
      return 2;
    }
  }
  bench_params p;
  bench_params_from_env(&p);
  if (!json_mode)
    printf("| Frames (median of %d runs ≥ %.1f s) | libnghttp2 | h2scope | h2scope input | ratio "
         "|\n|---|---|---|---|---|\n",
         p.runs, p.min_seconds);
  int failed = bench_stream(&p, "frames-headers", "headers-heavy client stream", requests, 0);
  failed |= bench_stream(&p, "frames-data", "data-heavy (16 KiB DATA)", requests / 4, 1);
  return failed;
}
