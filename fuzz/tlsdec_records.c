/* tlsdec_records.c — fuzz target for the TLS record/handshake parser of the
 * capture decryption filter (inspector/tls/tlsdec_filter.h) and the hello parser.
 *
 * Input: u16 key log length, that much NSS key log text (so seeds made from
 * real captures reach the decryption paths), then segments of one connection:
 * u8 control (bit 0: direction, bit 1: a gap instead of bytes, bits 2-7: chunk
 * size for delivery, 0 = whole), u16 length, the bytes. The same segments are
 * also parsed as ClientHello/ServerHello/EncryptedExtensions bodies.
 * Each input runs twice: as a capture file, and as a live capture following
 * its key log (connections without secrets hold their records while they
 * wait). Invariants: the inner consumer sees contiguous offsets per direction
 * and no more plaintext than ciphertext was given; nothing leaks (the filter
 * frees every connection at close). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "keylog.h"
#include "out_buf.h"
#include "tls_print.h"
#include "tlsdec_filter.h"
#include "tlsdec_hello.h"

typedef struct inner_state {
  uint64_t next[2];
  uint64_t delivered[2];
  int opens, closes;
} inner_state;

static void in_open(void *u, capture_flow *f, double ts) {
  (void)f;
  (void)ts;
  ((inner_state *)u)->opens++;
}
static void in_bytes(void *u, capture_flow *f, int dir, uint64_t off, const uint8_t *p, size_t n,
                     double ts) {
  inner_state *s = u;
  (void)f;
  (void)ts;
  FUZZ_CHECK(dir == 0 || dir == 1, "dir %d", dir);
  FUZZ_CHECK(off == s->next[dir], "offset %llu, expected %llu", (unsigned long long)off,
             (unsigned long long)s->next[dir]);
  FUZZ_CHECK(n > 0, "empty on_bytes");
  volatile uint8_t sink = 0;
  for (size_t i = 0; i < n; i++)
    sink ^= p[i]; /* ASan: the span is readable */
  (void)sink;
  s->next[dir] += n;
  s->delivered[dir] += n;
}
static void in_gap(void *u, capture_flow *f, int dir, uint64_t off, uint64_t n, double ts) {
  inner_state *s = u;
  (void)f;
  (void)ts;
  FUZZ_CHECK(off == s->next[dir], "gap offset");
  s->next[dir] += n;
}
static void in_close(void *u, capture_flow *f, int reason, double ts) {
  (void)f;
  (void)reason;
  (void)ts;
  ((inner_state *)u)->closes++;
}
static void in_notice(void *u, capture_flow *f, const char *kind, const char *msg, double ts) {
  (void)u;
  (void)f;
  (void)ts;
  fuzz_log("notice %s: %s\n", kind, msg);
}

/* One pass over the input; follow: as in a live capture, connections
 * without secrets wait for them (they never come: no file behind the key
 * log), holding their records until the bound or the close. */
static void run_once(const uint8_t *data, size_t size, bool follow) {
  fuzz_reader r = fuzz_reader_make(data, size);
  size_t klen = fuzz_u16(&r), got = 0;
  const uint8_t *ktext = fuzz_bytes(&r, klen, &got);
  keylog keys;
  keylog_init(&keys);
  keylog_add_text(&keys, (const char *)ktext, got);
  keylog_follow(&keys, follow);

  inner_state st;
  memset(&st, 0, sizeof st);
  flow_consumer inner = {&st, in_open, in_bytes, in_gap, in_close, in_notice, NULL};
  tlsdec_filter *t = tlsdec_filter_new(&keys, &inner);
  if (!t) {
    keylog_free(&keys);
    return;
  }
  const flow_consumer *fc = tlsdec_filter_consumer(t);
  capture_flow f;
  memset(&f, 0, sizeof f);
  f.id = 7;
  snprintf(f.endpoint[0], sizeof f.endpoint[0], "192.0.2.1:40000");
  snprintf(f.endpoint[1], sizeof f.endpoint[1], "192.0.2.2:443");
  fc->on_open(fc->user, &f, 0);
  uint64_t off[2] = {0, 0}, given[2] = {0, 0};
  while (r.left > 0) {
    uint8_t ctl = fuzz_u8(&r);
    size_t len = fuzz_u16(&r), n = 0;
    int dir = ctl & 1;
    if (ctl & 2) {
      fc->on_gap(fc->user, &f, dir, off[dir], len, 1);
      off[dir] += len;
      continue;
    }
    const uint8_t *p = fuzz_bytes(&r, len, &n);
    tls_hello h;
    (void)tls_hello_parse(1, p, n, &h);
    (void)tls_hello_parse(2, p, n, &h);
    (void)tls_encrypted_extensions_parse(p, n, &h);
    size_t chunk = (size_t)(ctl >> 2);
    if (chunk == 0) chunk = n ? n : 1;
    for (size_t at = 0; at < n; at += chunk) {
      size_t c = n - at < chunk ? n - at : chunk;
      f.bytes[dir] += c;
      fc->on_bytes(fc->user, &f, dir, off[dir], p + at, c, 1);
      off[dir] += c;
    }
    given[dir] += n;
  }
  const tls_conn_info *info = tlsdec_flow_info(t, &f);
  if (info) {
    char text[256];
    tls_info_text(info, text, sizeof text);
    out_buf *o = malloc(sizeof *o);
    if (o) {
      out_init(o, -1);
      tls_info_json(o, info);
      fuzz_log("%s\n%.*s\n", text, (int)o->len, o->data);
      free(o);
    }
  }
  fc->on_close(fc->user, &f, FLOW_CLOSE_END, 2);
  FUZZ_CHECK(st.opens == 1 && st.closes == 1, "open/close %d/%d", st.opens, st.closes);
  for (int d = 0; d < 2; d++)
    FUZZ_CHECK(st.delivered[d] <= given[d], "more plaintext than input in dir %d", d);
  tlsdec_filter_free(t);
  keylog_free(&keys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  run_once(data, size, false);
  run_once(data, size, true);
  return 0;
}
