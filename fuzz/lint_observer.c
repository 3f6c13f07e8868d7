/* lint_observer.c — fuzz target for the observer behind `read --lint`
 * (session/include/h2/observer.h): a sequence of (direction, frame) records
 * fed to one observer as if captured, with field blocks decoded by one HPACK
 * decoder per direction, and capture time moving on between records.
 *
 * Input: byte 0 the configuration (bit 0 HTTP/1.1 Upgrade, bit 1 roles
 * unknown, bit 2 tiny thresholds so every pattern can fire, bits 4-5 the
 * stream table limit: 4, 16, 64 or 256 open streams), then records:
 *   ctl byte: 0xff = frames lost (h2_observer_lost_history); otherwise
 *             bit 0 the sender (0 client, 1 server), bit 1 the unit of the
 *             time step ctl >> 2 (0 ms, 1 s);
 *   a frame: its 9-octet header and as much of its payload as its length
 *             field says (less when the input ends).
 * Frames the codec rejects are skipped, as `read --lint` reports them without
 * the observer. Seeds: corpus/lint_observer/, the frames of the recorded
 * captures of corpus/captures/ in capture order (fuzz/make-lint-seeds.py).
 *
 * Oracles:
 * - every finding id is one of the catalogue's (observer_rules.c), with a
 *   valid severity and direction, a section and a one-line message;
 * - the observer's memory never exceeds h2_observer_memory_limit() for the
 *   configuration (streams beyond max_open_streams are not tracked);
 * - no crash, leak or undefined behaviour (ASan/UBSan). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "h2/frame.h"
#include "h2/hpack.h"
#include "h2/observer.h"

#define MAX_FIELDS 128
#define ARENA (64 * 1024)

static void on_finding(void *user, const h2_finding *f) {
  (*(unsigned *)user)++;
  FUZZ_CHECK(f->id != NULL, "finding without an id");
  const char *id = h2_observer_rule_id(f->id);
  FUZZ_CHECK(id != NULL && !strcmp(id, f->id), "finding id '%s' is not in the catalogue", f->id);
  FUZZ_CHECK(f->severity <= H2_FINDING_INFO, "severity %u", f->severity);
  FUZZ_CHECK(f->dir <= 1, "dir %u", f->dir);
  FUZZ_CHECK(f->section && *f->section, "finding %s without a section", f->id);
  FUZZ_CHECK(f->message && *f->message && !strchr(f->message, '\n'), "finding %s message", f->id);
  fuzz_log("finding %s dir %u stream %u: %s\n", f->id, f->dir, f->stream, f->message);
}

/* The field block being assembled in one direction (HEADERS/PUSH_PROMISE
 * plus CONTINUATIONs), decoded when it ends. */
typedef struct block_buf {
  uint8_t bytes[ARENA];
  size_t len;
  bool open, overflow;
} block_buf;

static block_buf blocks[2];
static h2_header fields[MAX_FIELDS];
static char arena[ARENA];

static void block_add(block_buf *b, const uint8_t *p, size_t n) {
  if (b->len + n > sizeof b->bytes) {
    b->overflow = true;
    return;
  }
  if (n) memcpy(b->bytes + b->len, p, n);
  b->len += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_reader r = fuzz_reader_make(data, size);
  uint8_t opt = fuzz_u8(&r);
  unsigned findings = 0;
  h2_observer_config cfg;
  memset(&cfg, 0, sizeof cfg);
  h2_observer_limits_default(&cfg.limits);
  if (opt & 4) {
    h2_observer_limits *l = &cfg.limits;
    l->rapid_reset = l->reset_flood = l->made_you_reset = l->continuation_flood = 2;
    l->settings_flood = l->ping_flood = l->empty_frames_flood = l->data_dribble = 2;
    l->resource_loop = l->excessive_streams = 2;
    l->hpack_bomb_ratio = 2;
    l->hpack_bomb_min = 64;
    l->stall_ms = 1000;
  }
  cfg.upgraded = opt & 1;
  cfg.roles_unknown = (opt & 2) != 0;
  cfg.max_open_streams = 4u << (2 * ((opt >> 4) & 3));
  cfg.on_finding = on_finding;
  cfg.user = &findings;
  h2_observer *o = h2_observer_new(&cfg);
  if (!o) return 0;
  const size_t memory_limit = h2_observer_memory_limit(&cfg);
  h2_hpack_decoder dec[2];
  h2_hpack_decoder_config dc = {0};
  if (h2_hpack_decoder_init(&dec[0], &dc) != H2_OK) abort();
  if (h2_hpack_decoder_init(&dec[1], &dc) != H2_OK) abort();
  memset(blocks, 0, sizeof blocks);
  double ts = 1700000000.0;
  while (r.left) {
    uint8_t ctl = fuzz_u8(&r);
    if (ctl == 0xff) {
      h2_observer_lost_history(o);
      continue;
    }
    int dir = ctl & 1;
    ts += (ctl >> 2) * ((ctl & 2) ? 1.0 : 0.001);
    if (r.left < 9) break;
    size_t len = ((size_t)r.p[0] << 16) | ((size_t)r.p[1] << 8) | r.p[2];
    size_t n = 9 + (len < r.left - 9 ? len : r.left - 9);
    const uint8_t *bytes = r.p;
    r.p += n;
    r.left -= n;
    h2_frame f;
    size_t used = 0;
    h2_error err;
    h2_frame_decode_options fo = {.max_frame_size = H2_MAX_FRAME_SIZE_LIMIT,
                                  .sender = dir ? H2_SENDER_SERVER : H2_SENDER_CLIENT};
    if (h2_frame_decode(bytes, n, &fo, &f, &used, &err) != H2_OK) continue;
    /* Field blocks: collect, decode at END_HEADERS (§4.3). */
    block_buf *b = &blocks[dir];
    bool complete = false;
    if (f.hd.type == H2_HEADERS || f.hd.type == H2_PUSH_PROMISE) {
      b->len = 0;
      b->overflow = false;
      b->open = true;
      if (f.hd.type == H2_HEADERS)
        block_add(b, f.u.headers.fragment, f.u.headers.fragment_len);
      else
        block_add(b, f.u.push_promise.fragment, f.u.push_promise.fragment_len);
      complete = (f.hd.flags & H2_FLAG_END_HEADERS) != 0;
    } else if (f.hd.type == H2_CONTINUATION && b->open) {
      block_add(b, f.u.continuation.fragment, f.u.continuation.fragment_len);
      complete = (f.hd.flags & H2_FLAG_END_HEADERS) != 0;
    }
    h2_observer_block block, *bp = NULL;
    if (complete) {
      b->open = false;
      memset(&block, 0, sizeof block);
      size_t count = 0;
      h2_status hs = b->overflow
                         ? H2_E_HPACK_HEADER_LIST_TOO_LARGE
                         : h2_hpack_decode_list(&dec[dir], b->bytes, b->len, fields, NULL,
                                                MAX_FIELDS, &count, arena, sizeof arena, &err);
      if (hs == H2_OK) {
        block.fields = fields;
        block.count = count;
        bp = &block;
      } else if (hs == H2_E_HPACK_HEADER_LIST_TOO_LARGE) {
        block.too_large = true;
        block.local_limit = 65536;
        /* measured past the limit, unless the block itself was too long */
        block.list_size = b->overflow ? 0 : h2_hpack_decoder_last_list_size(&dec[dir]);
        bp = &block;
      }
    }
    h2_observer_frame(o, dir, &f, bp, ts);
    size_t memory = h2_observer_memory(o);
    FUZZ_CHECK(memory <= memory_limit, "observer holds %zu bytes, limit %zu (max %u streams)",
               memory, memory_limit, cfg.max_open_streams);
  }
  h2_observer_finish(o);
  fuzz_log("%u findings\n", findings);
  h2_hpack_decoder_free(&dec[0]);
  h2_hpack_decoder_free(&dec[1]);
  h2_observer_free(o);
  return 0;
}
