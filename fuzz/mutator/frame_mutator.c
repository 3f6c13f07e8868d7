/* frame_mutator.c — structure-aware mutations of HTTP/2 frame streams for
 * libFuzzer. Half of the time it defers to libFuzzer's own byte-level
 * mutations (LLVMFuzzerMutate); otherwise it splits the input into frames
 * (RFC 9113 §4.1: 24-bit Length, Type, Flags, R + 31-bit Stream Identifier)
 * and changes one frame field at a time — type, one flag, stream id, payload
 * (with the Length fixed up afterwards) — or inserts, duplicates, deletes or
 * swaps whole frames, so the frame layer stays parseable and the mutations
 * reach the per-type rules and the field-block sequencing (§6.10) behind it. */
#include "frame_mutator.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "h2/frame.h"

#define MAX_FRAMES 256

typedef struct frame_span {
  size_t start; /* offset of the 9-byte header in the input */
  size_t len;   /* 9 + payload */
} frame_span;

typedef struct rng {
  uint64_t s;
} rng;

static uint32_t rng_next(rng *r) {
  /* xorshift64* */
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 2685821657736338717ull) >> 32);
}

static uint32_t rng_below(rng *r, uint32_t n) {
  return n ? rng_next(r) % n : 0;
}

static uint32_t get_u24(const uint8_t *p) {
  return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static void put_u24(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 16);
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)v;
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  put_u24(p + 1, v);
}

static uint32_t get_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | get_u24(p + 1);
}

/* Where the frames start: after the option prefix and a preface if present. */
static size_t frames_start(const uint8_t *data, size_t size) {
  size_t at = h2_frame_mutator_prefix;
  if (at > size) return size;
  if (size - at >= H2_PREFACE_LEN && memcmp(data + at, H2_PREFACE, H2_PREFACE_LEN) == 0)
    at += H2_PREFACE_LEN;
  return at;
}

/* Splits [at, size) into complete frames; returns how many (the rest is tail). */
static size_t split_frames(const uint8_t *data, size_t size, size_t at, frame_span *out,
                           size_t *tail_start) {
  size_t n = 0;
  while (n < MAX_FRAMES && size - at >= H2_FRAME_HEADER_LEN) {
    size_t len = H2_FRAME_HEADER_LEN + (size_t)get_u24(data + at);
    if (len > size - at) break;
    out[n].start = at;
    out[n].len = len;
    n++;
    at += len;
  }
  *tail_start = at;
  return n;
}

/* A small valid-looking frame of a random type, written at out (cap bytes). */
static size_t synth_frame(rng *r, uint32_t stream_hint, uint8_t *out, size_t cap) {
  uint8_t payload[32];
  size_t plen = 0;
  uint8_t type = (uint8_t)rng_below(r, 10);
  uint8_t flags = 0;
  uint32_t sid = stream_hint ? stream_hint : 1;
  switch (type) {
  case H2_DATA:
    plen = rng_below(r, 8);
    memset(payload, 'd', plen);
    flags = rng_below(r, 2) ? H2_FLAG_END_STREAM : 0;
    break;
  case H2_HEADERS:
  case H2_CONTINUATION:
    payload[0] = 0x82; /* :method GET (RFC 7541 Appendix A, index 2) */
    payload[1] = 0x84; /* :path / */
    plen = 2;
    flags = rng_below(r, 2) ? H2_FLAG_END_HEADERS : 0;
    break;
  case H2_PRIORITY:
    put_u32(payload, sid + 2);
    payload[4] = 15;
    plen = 5;
    break;
  case H2_RST_STREAM:
    put_u32(payload, H2_CANCEL);
    plen = 4;
    break;
  case H2_SETTINGS:
    sid = 0;
    if (rng_below(r, 3) == 0) {
      flags = H2_FLAG_ACK;
    } else {
      payload[0] = 0;
      payload[1] = (uint8_t)(1 + rng_below(r, 9));
      put_u32(payload + 2, rng_next(r) & 0x7fff);
      plen = 6;
    }
    break;
  case H2_PUSH_PROMISE:
    put_u32(payload, (sid + 1) & ~1u);
    payload[4] = 0x82;
    plen = 5;
    flags = H2_FLAG_END_HEADERS;
    break;
  case H2_PING:
    sid = 0;
    memset(payload, 0x50, 8);
    plen = 8;
    break;
  case H2_GOAWAY:
    sid = 0;
    put_u32(payload, stream_hint);
    put_u32(payload + 4, H2_NO_ERROR);
    plen = 8;
    break;
  case H2_WINDOW_UPDATE:
    put_u32(payload, 1 + rng_below(r, 65535));
    plen = 4;
    sid = rng_below(r, 2) ? 0 : sid;
    break;
  }
  return h2_frame_write_raw(out, cap, (uint32_t)plen, type, flags, sid, payload, plen);
}

enum {
  OP_TYPE,
  OP_FLAG,
  OP_STREAM,
  OP_PAYLOAD,
  OP_INSERT,
  OP_DUPLICATE,
  OP_DELETE,
  OP_SWAP,
  OP_COUNT
};

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  rng r = {((uint64_t)seed << 1) | 1};
  if (rng_below(&r, 2) == 0) return LLVMFuzzerMutate(data, size, max_size);

  frame_span frames[MAX_FRAMES];
  size_t at = frames_start(data, size), tail = at;
  size_t n = split_frames(data, size, at, frames, &tail);
  uint32_t op = rng_below(&r, OP_COUNT);
  if (n == 0) op = OP_INSERT;
  size_t i = rng_below(&r, (uint32_t)n);

  uint8_t *out = malloc(max_size + 64);
  if (!out) return LLVMFuzzerMutate(data, size, max_size);
  size_t out_len = 0;
  bool ok = true;
#define EMIT(src, len)                                                                             \
  do {                                                                                             \
    if (out_len + (len) > max_size) {                                                              \
      ok = false;                                                                                  \
      break;                                                                                       \
    }                                                                                              \
    memcpy(out + out_len, (src), (len));                                                           \
    out_len += (len);                                                                              \
  } while (0)

  EMIT(data, at);
  for (size_t k = 0; ok && k <= n; k++) {
    bool at_end = k == n;
    if (op == OP_INSERT && k == (n ? i : 0)) {
      uint8_t synth[64];
      uint32_t hint = n ? get_u32(data + frames[i].start + 5) & H2_STREAM_ID_MASK : 1;
      size_t sl = synth_frame(&r, hint, synth, sizeof synth);
      EMIT(synth, sl);
    }
    if (at_end) break;
    const uint8_t *f = data + frames[k].start;
    size_t flen = frames[k].len;
    if (k == i && op == OP_DELETE) continue;
    if (k == i && op == OP_SWAP && k + 1 < n) {
      EMIT(data + frames[k + 1].start, frames[k + 1].len);
      EMIT(f, flen);
      k++;
      continue;
    }
    if (k != i || op == OP_INSERT || op == OP_SWAP) {
      EMIT(f, flen);
      continue;
    }
    uint8_t hd[H2_FRAME_HEADER_LEN];
    memcpy(hd, f, sizeof hd);
    switch (op) {
    case OP_TYPE:
      hd[3] = rng_below(&r, 4) ? (uint8_t)rng_below(&r, 10) : (uint8_t)rng_next(&r);
      EMIT(hd, sizeof hd);
      EMIT(f + 9, flen - 9);
      break;
    case OP_FLAG: {
      static const uint8_t defined[] = {0x01, 0x04, 0x08, 0x20};
      hd[4] ^= rng_below(&r, 4) ? defined[rng_below(&r, 4)] : (uint8_t)(1u << rng_below(&r, 8));
      EMIT(hd, sizeof hd);
      EMIT(f + 9, flen - 9);
      break;
    }
    case OP_STREAM: {
      uint32_t sid;
      switch (rng_below(&r, 5)) {
      case 0: sid = 0; break;
      case 1: sid = 1 + 2 * rng_below(&r, 8); break;  /* client-initiated, odd (§5.1.1) */
      case 2: sid = 2 + 2 * rng_below(&r, 8); break;  /* server-initiated, even */
      case 3: sid = get_u32(data + frames[rng_below(&r, (uint32_t)n)].start + 5); break;
      default: sid = get_u32(hd + 5) ^ 0x80000000u; break; /* the R bit (§4.1) */
      }
      put_u32(hd + 5, sid);
      EMIT(hd, sizeof hd);
      EMIT(f + 9, flen - 9);
      break;
    }
    case OP_PAYLOAD: {
      size_t plen = flen - 9;
      size_t room = max_size > size ? max_size - size : 0;
      size_t cap = plen + (room < 256 ? room : 256);
      if (cap > 0xffffff) cap = 0xffffff;
      uint8_t *payload = malloc(cap + 1);
      if (!payload) {
        ok = false;
        break;
      }
      memcpy(payload, f + 9, plen);
      size_t new_len = cap ? LLVMFuzzerMutate(payload, plen, cap) : 0;
      put_u24(hd, (uint32_t)new_len);
      EMIT(hd, sizeof hd);
      if (ok) EMIT(payload, new_len);
      free(payload);
      break;
    }
    case OP_DUPLICATE:
      EMIT(f, flen);
      EMIT(f, flen);
      break;
    default:
      EMIT(f, flen);
      break;
    }
  }
  if (ok) EMIT(data + tail, size - tail);
#undef EMIT
  if (!ok || out_len == 0) {
    free(out);
    return LLVMFuzzerMutate(data, size, max_size);
  }
  memcpy(data, out, out_len);
  free(out);
  return out_len;
}
