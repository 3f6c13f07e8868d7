/* fuzz_fields.c — field-block mutations with HPACK encoded again
 * (fuzz_fields.h). */
#include "fuzz_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_frame.h"
#include "h2/frame.h"
#include "h2/hpack.h"

#define BLOCKS_MAX 16
#define FIELDS_MAX 64
#define ARENA_CAP (64u * 1024)

typedef struct block {
  size_t line;     /* the input line of the HEADERS */
  fuzz_frame f;    /* its frame */
  size_t head_len; /* octets before the fragment: pad length, priority (§6.2) */
  size_t pad_len;  /* padding after it */
  h2_header fields[FIELDS_MAX];
  size_t n;
} block;

typedef struct blocks {
  block b[BLOCKS_MAX];
  size_t n;
  char arena[ARENA_CAP]; /* the decoded names and values, and the mutated ones */
  size_t used;
} blocks;

/* Where a HEADERS payload's fragment lies (RFC 9113 §6.2); false when the
 * padding does not fit. */
static bool fragment_of(const fuzz_frame *f, size_t *head, size_t *pad) {
  *head = 0;
  *pad = 0;
  if (f->flags & H2_FLAG_PADDED) {
    if (f->len < 1) return false;
    *pad = f->payload[0];
    *head = 1;
  }
  if (f->flags & H2_FLAG_PRIORITY) *head += 5;
  return *head + *pad <= f->len;
}

static bool collect(const check_build_ctx *ctx, const fuzz_input *in, blocks *bs) {
  h2_hpack_decoder dec;
  h2_hpack_decoder_config dc = {.max_header_list_size = 1u << 20};
  if (h2_hpack_decoder_init(&dec, &dc) != H2_OK) return false;
  bool ok = true;
  for (size_t i = 0; ok && i < in->n && bs->n < BLOCKS_MAX; i++) {
    block *b = &bs->b[bs->n];
    if (strchr(in->lines[i], '&') || !strncmp(in->lines[i], "LOOP", 4)) continue;
    if (!fuzz_frame_parse(ctx, in->lines[i], &b->f) || b->f.raw || b->f.type != H2_HEADERS ||
        !(b->f.flags & H2_FLAG_END_HEADERS) || b->f.forced_len >= 0 || b->f.repeat != 1)
      continue;
    if (!fragment_of(&b->f, &b->head_len, &b->pad_len)) continue;
    h2_error err;
    size_t n = 0;
    if (bs->used >= ARENA_CAP / 2) break;
    if (h2_hpack_decode_list(&dec, b->f.payload + b->head_len, b->f.len - b->head_len - b->pad_len,
                             b->fields, NULL, FIELDS_MAX, &n, bs->arena + bs->used,
                             ARENA_CAP / 2 - bs->used, &err) != H2_OK) {
      ok = false; /* the table is unknown from here on */
      break;
    }
    for (size_t k = 0; k < n; k++) {
      b->fields[k].flags = 0;
      bs->used += b->fields[k].name_len + b->fields[k].value_len;
    }
    b->line = i;
    b->n = n;
    bs->n++;
  }
  h2_hpack_decoder_free(&dec);
  return ok && bs->n > 0;
}

static const char *const names[] = {
    ":method",        ":path",   ":scheme",    ":authority",        ":status",  ":protocol",
    "content-length", "te",      "connection", "transfer-encoding", "priority", "cookie",
    "host",           "upgrade", "keep-alive", "X-Upper",           "",         "x-fuzz",
};
static const char *const values[] = {
    "",          "0",
    "-1",        "18446744073709551616",
    "trailers",  "gzip, chunked",
    "u=0,i",     "u=7",
    "websocket", "CONNECT",
    "*",         "/",
    "http",      "https",
    "a\r\nb",    " padded ",
    "100000",    "close",
    "\x01",      "localhost:0",
};
#define COUNT(a) (sizeof a / sizeof *a)

static bool change_list(fuzz_rng *r, blocks *bs, block *b, char *what, size_t cap) {
  uint32_t op = fuzz_rng_below(r, 6);
  if (b->n == 0) op = 2;
  size_t i = fuzz_rng_below(r, (uint32_t)b->n);
  const char *s;
  switch (op) {
  case 0:                           /* a value */
    if (fuzz_rng_chance(r, 1, 4)) { /* a long one */
      size_t n = 1 + fuzz_rng_below(r, 1500);
      if (bs->used + n > ARENA_CAP) return false;
      memset(bs->arena + bs->used, 'a' + (int)fuzz_rng_below(r, 26), n);
      b->fields[i].value = bs->arena + bs->used;
      b->fields[i].value_len = n;
      bs->used += n;
    } else {
      s = values[fuzz_rng_below(r, COUNT(values))];
      b->fields[i].value = s;
      b->fields[i].value_len = strlen(s);
    }
    snprintf(what, cap, "field-value");
    return true;
  case 1: /* a name */
    s = names[fuzz_rng_below(r, COUNT(names))];
    b->fields[i].name = s;
    b->fields[i].name_len = strlen(s);
    snprintf(what, cap, "field-name");
    return true;
  case 2: /* a field added */
    if (b->n == FIELDS_MAX) return false;
    i = fuzz_rng_below(r, (uint32_t)b->n + 1);
    memmove(&b->fields[i + 1], &b->fields[i], (b->n - i) * sizeof *b->fields);
    s = names[fuzz_rng_below(r, COUNT(names))];
    b->fields[i].name = s;
    b->fields[i].name_len = strlen(s);
    s = values[fuzz_rng_below(r, COUNT(values))];
    b->fields[i].value = s;
    b->fields[i].value_len = strlen(s);
    b->fields[i].flags = 0;
    b->n++;
    snprintf(what, cap, "field-add");
    return true;
  case 3: /* a field removed */
    memmove(&b->fields[i], &b->fields[i + 1], (b->n - i - 1) * sizeof *b->fields);
    b->n--;
    snprintf(what, cap, "field-remove");
    return true;
  case 4: /* a field duplicated */
    if (b->n == FIELDS_MAX) return false;
    memmove(&b->fields[i + 1], &b->fields[i], (b->n - i) * sizeof *b->fields);
    b->n++;
    snprintf(what, cap, "field-duplicate");
    return true;
  default: { /* two fields swapped (a pseudo-header after a regular one) */
    size_t j = fuzz_rng_below(r, (uint32_t)b->n);
    h2_header t = b->fields[i];
    b->fields[i] = b->fields[j];
    b->fields[j] = t;
    snprintf(what, cap, "field-swap");
    return true;
  }
  }
}

/* Encodes block b's list with e into its frame; false when it does not fit. */
static bool encode_into(h2_hpack_encoder *e, block *b) {
  uint8_t frag[FUZZ_PAYLOAD_MAX];
  size_t room = FUZZ_PAYLOAD_MAX - b->head_len - b->pad_len, written = 0;
  h2_error err;
  if (h2_hpack_encoder_bound(e, b->fields, b->n) > room) return false;
  if (h2_hpack_encode(e, b->fields, b->n, frag, room, &written, &err) != H2_OK) return false;
  uint8_t pad[256];
  memcpy(pad, b->f.payload + b->f.len - b->pad_len, b->pad_len);
  memcpy(b->f.payload + b->head_len, frag, written);
  memcpy(b->f.payload + b->head_len + written, pad, b->pad_len);
  b->f.len = b->head_len + written + b->pad_len;
  return true;
}

static bool write_back(const blocks *bs, fuzz_input *in) {
  char text[FUZZ_LINE_MAX + 1];
  for (size_t i = 0; i < bs->n; i++)
    if (!fuzz_frame_print(&bs->b[i].f, text, sizeof text) ||
        !fuzz_input_set(in, bs->b[i].line, text))
      return false;
  return true;
}

static bool reencode(fuzz_rng *r, blocks *bs, size_t chosen, bool consistent) {
  h2_hpack_encoder_config ec = {.huffman = (uint8_t)fuzz_rng_below(r, 3),
                                .indexing = (uint8_t)fuzz_rng_below(r, 3)};
  h2_hpack_encoder *e = h2_hpack_encoder_new(&ec);
  if (!e) return false;
  bool ok = true;
  for (size_t i = 0; ok && i < bs->n; i++)
    if (consistent || i == chosen) ok = encode_into(e, &bs->b[i]);
  h2_hpack_encoder_free(e);
  return ok;
}

bool fuzz_mutate_fields(fuzz_rng *r, const check_build_ctx *ctx, fuzz_input *in, char *what,
                        size_t cap) {
  blocks *bs = calloc(1, sizeof *bs);
  if (!bs) return false;
  bool ok = collect(ctx, in, bs);
  size_t chosen = ok ? fuzz_rng_below(r, (uint32_t)bs->n) : 0;
  block *b = &bs->b[chosen];
  char change[32] = "";
  uint32_t how = fuzz_rng_below(r, 8);
  if (ok && how < 7) ok = change_list(r, bs, b, change, sizeof change);
  if (ok && how < 6) { /* every block again through one encoder: a consistent table */
    ok = reencode(r, bs, chosen, true);
    snprintf(what, cap, "%s", change);
  } else if (ok && how == 6) { /* this block alone into a fresh table: inconsistent */
    ok = reencode(r, bs, chosen, false);
    snprintf(what, cap, "%s-alone", change);
  } else if (ok) { /* an indexed field past the end of the table (§2.3.3) */
    ok = b->f.len + 1 <= FUZZ_PAYLOAD_MAX;
    if (ok) {
      size_t at =
          b->head_len + fuzz_rng_below(r, (uint32_t)(b->f.len - b->head_len - b->pad_len + 1));
      memmove(&b->f.payload[at + 1], &b->f.payload[at], b->f.len - at);
      b->f.payload[at] = (uint8_t)(0x80 | (62 + fuzz_rng_below(r, 60)));
      b->f.len++;
      snprintf(what, cap, "hpack-bad-index");
    }
  }
  if (ok) ok = write_back(bs, in);
  free(bs);
  return ok;
}
