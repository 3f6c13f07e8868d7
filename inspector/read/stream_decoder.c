/* stream_decoder.c — incremental preface/frame/field-block/HPACK decoding of
 * one direction (stream_decoder.h). */
#include "stream_decoder.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/buf.h"
#include "h2/cursor.h"

struct stream_decoder {
  stream_decoder_config cfg;
  stream_decoder_callbacks cb;
  uint64_t offset; /* stream offset of the next unconsumed byte */
  bool preface_done;
  uint8_t preface_buf[H2_PREFACE_LEN];
  size_t preface_len;
  h2_buf pend; /* a frame straddling chunks (at most the largest frame there is) */
  uint64_t pend_offset;
  uint64_t skip; /* payload bytes of an oversized frame still to skip */
  h2_field_block block;
  uint8_t *block_buf;
  h2_hpack_decoder hpack;
  header_scratch own_scratch;
  header_scratch *scratch;
  uint64_t frames, errors;
};

int header_scratch_init(header_scratch *s, uint32_t max_header_list) {
  if (!max_header_list) max_header_list = H2_HPACK_DEFAULT_MAX_LIST;
  s->max_fields = max_header_list / H2_HPACK_ENTRY_OVERHEAD + 1;
  s->arena_cap = max_header_list;
  s->fields = malloc(s->max_fields * sizeof *s->fields);
  s->infos = malloc(s->max_fields * sizeof *s->infos);
  s->arena = malloc(s->arena_cap);
  if (!s->fields || !s->infos || !s->arena) {
    header_scratch_free(s);
    return -1;
  }
  return 0;
}

void header_scratch_free(header_scratch *s) {
  free(s->fields);
  free(s->infos);
  free(s->arena);
  memset(s, 0, sizeof *s);
}

stream_decoder *stream_decoder_new(const stream_decoder_config *cfg,
                                   const stream_decoder_callbacks *cb) {
  stream_decoder *sd = calloc(1, sizeof *sd);
  if (!sd) return NULL;
  sd->cfg = *cfg;
  sd->cb = *cb;
  if (!sd->cfg.max_frame_size) sd->cfg.max_frame_size = H2_DEFAULT_MAX_FRAME_SIZE;
  if (!sd->cfg.max_block) sd->cfg.max_block = 1u << 20;
  if (!sd->cfg.max_header_list) sd->cfg.max_header_list = H2_HPACK_DEFAULT_MAX_LIST;
  /* a straddling frame is held whole up to the largest frame there is (§4.2);
   * a larger one is reported and skipped by decode_one */
  h2_buf_init(&sd->pend, H2_MAX_FRAME_SIZE_LIMIT + H2_FRAME_HEADER_LEN);
  sd->block_buf = malloc(sd->cfg.max_block);
  h2_hpack_decoder_config hc = {.max_table_size = sd->cfg.table_size,
                                .max_header_list_size = sd->cfg.max_header_list,
                                .max_string_len = sd->cfg.max_header_list};
  if (!sd->block_buf || h2_hpack_decoder_init(&sd->hpack, &hc) != H2_OK) {
    free(sd->block_buf);
    free(sd);
    return NULL;
  }
  h2_field_block_init(&sd->block, sd->block_buf, sd->cfg.max_block);
  sd->scratch = sd->cfg.scratch;
  if (!sd->scratch) {
    if (header_scratch_init(&sd->own_scratch, sd->cfg.max_header_list) != 0) {
      stream_decoder_free(sd);
      return NULL;
    }
    sd->scratch = &sd->own_scratch;
  }
  return sd;
}

void stream_decoder_free(stream_decoder *sd) {
  if (!sd) return;
  h2_hpack_decoder_free(&sd->hpack);
  header_scratch_free(&sd->own_scratch);
  free(sd->block_buf);
  h2_buf_free(&sd->pend);
  free(sd);
}

uint64_t stream_decoder_offset(const stream_decoder *sd) {
  return sd->offset;
}
uint64_t stream_decoder_frames(const stream_decoder *sd) {
  return sd->frames;
}
uint64_t stream_decoder_errors(const stream_decoder *sd) {
  return sd->errors;
}
h2_hpack_decoder *stream_decoder_hpack(stream_decoder *sd) {
  return &sd->hpack;
}
void stream_decoder_set_max_frame_size(stream_decoder *sd, uint32_t size) {
  sd->cfg.max_frame_size = size;
}

static void event(stream_decoder *sd, const char *name, uint64_t offset, const char *msg) {
  if (sd->cb.on_event) sd->cb.on_event(sd->cb.user, name, offset, msg);
}

/* Field block assembly and HPACK for a well-formed frame. */
static void follow_block(stream_decoder *sd, decoded_frame *d) {
  bool complete = false;
  h2_error err;
  h2_status st = h2_field_block_feed(&sd->block, &d->frame, &complete, &err);
  if (st != H2_OK) {
    d->frame_status = st;
    d->frame_err = err;
    d->frame_err.offset = 3; /* the Type field: not the frame this block needs */
    return;
  }
  if (!complete) return;
  header_scratch *s = sd->scratch;
  d->block_complete = true;
  d->headers = s->fields;
  d->infos = s->infos;
  d->block_status =
      h2_hpack_decode_list(&sd->hpack, sd->block.buf, sd->block.len, s->fields, s->infos,
                           s->max_fields, &d->header_count, s->arena, s->arena_cap, &d->block_err);
  d->table_size = h2_hpack_decoder_table_size(&sd->hpack);
  d->list_size = h2_hpack_decoder_last_list_size(&sd->hpack);
  d->list_limit = sd->cfg.max_header_list;
}

static void deliver(stream_decoder *sd, decoded_frame *d) {
  sd->frames++;
  if (d->frame_status == H2_OK) follow_block(sd, d);
  if (d->frame_status != H2_OK || (d->block_complete && d->block_status != H2_OK)) sd->errors++;
  if (sd->cb.on_frame) sd->cb.on_frame(sd->cb.user, d);
}

_Static_assert(offsetof(decoded_frame, pkt_first) ==
                       offsetof(decoded_frame, windows) + sizeof(h2_window_view) &&
                   sizeof(decoded_frame) <= offsetof(decoded_frame, pkt_file) + 8 &&
                   offsetof(decoded_frame, frame) == sizeof(uint64_t) &&
                   offsetof(decoded_frame, frame_status) >=
                       offsetof(decoded_frame, frame) + sizeof(h2_frame),
               "decode_one sets all of decoded_frame: the offset, the frame (h2_frame_decode), "
               "the rest but the windows cleared");

/* Decodes one frame at buf (len bytes available). Returns bytes consumed, 0
 * when more bytes are needed (nothing consumed). */
static size_t decode_one(stream_decoder *sd, const uint8_t *buf, size_t len, uint64_t offset) {
  decoded_frame d;
  /* All but the frame, which h2_frame_decode sets whole once it has its
   * header (what it returns H2_NEED_MORE for is not delivered), and the
   * windows, which windows_set alone makes valid (decoded_frame.h): 208
   * bytes cleared a frame, not 272. */
  memset(&d.frame_status, 0,
         offsetof(decoded_frame, windows) - offsetof(decoded_frame, frame_status));
  d.pkt_first = d.pkt_last = 0;
  d.pkt_file = 0;
  d.offset = offset;
  h2_frame_decode_options opts = {.max_frame_size = sd->cfg.max_frame_size,
                                  .sender = sd->cfg.sender};
  size_t consumed = 0;
  h2_status st = h2_frame_decode(buf, len, &opts, &d.frame, &consumed, &d.frame_err);
  if (st == H2_NEED_MORE) return 0;
  if (st == H2_E_FRAME_TOO_LARGE) {
    /* §4.2: the header alone tells; the payload is skipped unread. */
    d.frame_status = st;
    d.payload_skipped = true;
    deliver(sd, &d);
    sd->skip = d.frame.hd.length;
    return H2_FRAME_HEADER_LEN;
  }
  d.frame_status = st;
  deliver(sd, &d);
  return consumed;
}

/* The whole frame's size from its 24-bit Length field (§4.1): the first
 * three of the `have` bytes kept so far, read through the cursor. */
static size_t frame_total(const uint8_t *hdr, size_t have) {
  h2_cursor c = h2_cursor_make(hdr, have);
  uint32_t length = 0;
  (void)h2_cursor_get_u24(&c, &length);
  return H2_FRAME_HEADER_LEN + (size_t)length;
}

static size_t feed_preface(stream_decoder *sd, const uint8_t *data, size_t len) {
  size_t take = H2_PREFACE_LEN - sd->preface_len;
  if (take > len) take = len;
  memcpy(sd->preface_buf + sd->preface_len, data, take);
  sd->preface_len += take;
  h2_error err;
  h2_status st = h2_preface_check(sd->preface_buf, sd->preface_len, &err);
  if (st == H2_NEED_MORE) return take; /* all of it is a preface prefix so far */
  if (st == H2_OK) {
    sd->preface_done = true;
    if (sd->cfg.preface == STREAM_PREFACE_FORBID) {
      sd->errors++;
      event(sd, "unexpected-preface", 0,
            "a client connection preface in a stream decoded as the server side");
    } else {
      event(sd, "preface", 0, "(24 bytes)");
    }
    sd->cfg.sender = H2_SENDER_CLIENT;
    sd->offset = H2_PREFACE_LEN;
    return take;
  }
  /* Not a preface: what was gathered are frame bytes. */
  sd->preface_done = true;
  if (sd->cfg.preface == STREAM_PREFACE_REQUIRE) {
    sd->errors++;
    char msg[128];
    snprintf(msg, sizeof msg,
             "the client connection preface is missing or wrong at offset %zu (RFC 9113 §3.4)",
             err.offset);
    event(sd, "bad-preface", err.offset, msg);
  }
  size_t gathered = sd->preface_len;
  sd->preface_len = 0;
  uint8_t copy[H2_PREFACE_LEN];
  memcpy(copy, sd->preface_buf, gathered);
  /* Re-feed the gathered bytes as frame bytes; the caller continues after `take`. */
  size_t before = gathered - take;
  stream_decoder_feed(sd, copy, before);
  return 0;
}

/* The "limit" event's message when a frame straddling two deliveries
 * cannot be kept (stream_decoder.h). */
static const char NO_MEMORY[] = "a frame split across deliveries is lost (no memory to keep it)";

void stream_decoder_feed(stream_decoder *sd, const uint8_t *data, size_t len) {
  while (len > 0) {
    if (!sd->preface_done) {
      if (sd->cfg.preface == STREAM_PREFACE_FORBID && sd->preface_len == 0 && data[0] != 'P') {
        sd->preface_done = true;
        continue;
      }
      size_t used = feed_preface(sd, data, len);
      data += used;
      len -= used;
      continue;
    }
    if (sd->skip) {
      size_t k = sd->skip < len ? (size_t)sd->skip : len;
      sd->skip -= k;
      sd->offset += k;
      data += k;
      len -= k;
      continue;
    }
    if (sd->pend.len) {
      /* Complete the straddling frame: header first, then its payload. */
      size_t want = sd->pend.len < H2_FRAME_HEADER_LEN ? H2_FRAME_HEADER_LEN
                                                       : frame_total(sd->pend.p, sd->pend.len);
      if (sd->pend.len >= H2_FRAME_HEADER_LEN &&
          want - H2_FRAME_HEADER_LEN > sd->cfg.max_frame_size)
        want = H2_FRAME_HEADER_LEN; /* oversized: decode_one reports and skips */
      size_t k = want - sd->pend.len < len ? want - sd->pend.len : len;
      if (!h2_buf_put(&sd->pend, data, k)) {
        event(sd, "limit", sd->offset, NO_MEMORY);
        return;
      }
      data += k;
      len -= k;
      if (sd->pend.len < want) continue;
      if (want == H2_FRAME_HEADER_LEN && frame_total(sd->pend.p, sd->pend.len) > want &&
          frame_total(sd->pend.p, sd->pend.len) - H2_FRAME_HEADER_LEN <= sd->cfg.max_frame_size)
        continue; /* header complete; now the payload */
      size_t used = decode_one(sd, sd->pend.p, sd->pend.len, sd->pend_offset);
      sd->offset = sd->pend_offset + (used ? used : sd->pend.len);
      h2_buf_reset(&sd->pend);
      continue;
    }
    size_t used = decode_one(sd, data, len, sd->offset);
    if (used == 0) {
      /* Partial frame at the end of the chunk: keep it. */
      h2_buf_reset(&sd->pend);
      if (!h2_buf_put(&sd->pend, data, len)) {
        event(sd, "limit", sd->offset, NO_MEMORY);
        return;
      }
      sd->pend_offset = sd->offset;
      return;
    }
    sd->offset += used;
    data += used;
    len -= used;
  }
}

uint64_t stream_decoder_missing(const stream_decoder *sd) {
  if (!sd->preface_done && sd->preface_len > 0) return H2_PREFACE_LEN - sd->preface_len;
  if (sd->skip) return sd->skip;
  if (sd->pend.len) /* once the 3-byte Length is there, the whole frame is known */
    return (sd->pend.len < 3 ? H2_FRAME_HEADER_LEN : frame_total(sd->pend.p, sd->pend.len)) -
           sd->pend.len;
  return 0;
}

bool stream_decoder_finish(stream_decoder *sd) {
  char msg[160];
  unsigned long long need = stream_decoder_missing(sd);
  if (!sd->preface_done && sd->preface_len > 0) {
    snprintf(msg, sizeof msg, "truncated connection preface at offset 0: need %llu more bytes",
             need);
    event(sd, "truncated", 0, msg);
    sd->errors++;
    return false;
  }
  if (sd->skip || sd->pend.len) {
    uint64_t at = sd->skip ? sd->offset : sd->pend_offset;
    snprintf(msg, sizeof msg, "truncated frame%s at offset %llu: need %llu more bytes",
             sd->skip ? " payload" : "", (unsigned long long)at, need);
    event(sd, "truncated", at, msg);
    sd->errors++;
    return false;
  }
  if (sd->block.open) {
    snprintf(msg, sizeof msg,
             "input ended inside a field block of stream %u (CONTINUATION expected, RFC 9113 "
             "§6.10)",
             sd->block.stream_id);
    event(sd, "truncated", sd->offset, msg);
    sd->errors++;
    return false;
  }
  return true;
}
