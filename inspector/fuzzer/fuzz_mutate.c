/* fuzz_mutate.c — sequence and frame mutations (fuzz_mutate.h). */
#include "fuzz_mutate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fields.h"
#include "fuzz_frame.h"
#include "h2/frame.h"

#define COUNT(a) (sizeof a / sizeof *a)
#define LOOPS_MAX 2000 /* what a mutation makes a LOOP count at most */

/* Frames a mutation can insert; '@' stands for a stream id of the input (or
 * the next unused one), '#' for an interesting 32-bit number. */
static const char *const dictionary[] = {
    "PING - 0 zeros:8",
    "PING ACK 0 zeros:8",
    "SETTINGS - 0",
    "SETTINGS - 0 u16:4 u32:#",
    "SETTINGS - 0 u16:5 u32:#",
    "SETTINGS - 0 u16:1 u32:4096",
    "SETTINGS - 0 u16:1 u32:0",
    "SETTINGS - 0 u16:3 u32:#",
    "SETTINGS - 0 u16:9 u32:1",
    "SETTINGS ACK 0",
    "WINDOW_UPDATE - 0 u32:#",
    "WINDOW_UPDATE - @ u32:#",
    "HEADERS END_STREAM|END_HEADERS @ req",
    "HEADERS END_HEADERS @ post",
    "HEADERS END_HEADERS @ req",
    "HEADERS PRIORITY|END_HEADERS|END_STREAM @ u32:0 u8:15 req",
    "HEADERS PADDED|PRIORITY|END_HEADERS|END_STREAM @ u8:2 u32:0 u8:15 req zeros:2",
    "HEADERS END_STREAM @ req",
    "CONTINUATION END_HEADERS @",
    "CONTINUATION END_HEADERS @ fields:x-a=b",
    "DATA - @ str:hello",
    "DATA END_STREAM @ str:hello",
    "DATA PADDED @ u8:3 str:x zeros:3",
    "DATA END_STREAM @",
    "RST_STREAM - @ u32:8",
    "RST_STREAM - @ u32:#",
    "PRIORITY - @ u32:0 u8:15",
    "PRIORITY - @ u32:# u8:255",
    "0x10 - 0 u32:@ str:u=7,i",
    "0x10 - 0 u32:@ str:u=0",
    "GOAWAY - 0 u32:0 u32:0",
    "0x0c - 0 u16:18 str:http://localhost",
    "0x0a - 0 u16:0",
    "0xfa - 0 str:unknown-frame",
    "PUSH_PROMISE END_HEADERS @ u32:2 req",
};

static const uint32_t numbers[] = {0,          1,          2,          3,          7,
                                   8,          100,        16383,      16384,      16385,
                                   65535,      65536,      1u << 20,   16777215,   16777216,
                                   0x7ffffffe, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};

static uint32_t number(fuzz_rng *r) {
  if (fuzz_rng_chance(r, 1, 8)) return (uint32_t)fuzz_rng_next(r);
  return numbers[fuzz_rng_below(r, COUNT(numbers))];
}

/* A value for setting id: HEADER_TABLE_SIZE mostly within 64 KiB (a huge
 * table costs the judge's decoder its allocation, fuzz_judge.h, on every
 * input that carries it), anything else from the interesting numbers. */
static uint32_t setting_value(fuzz_rng *r, unsigned id) {
  if (id == 1 && !fuzz_rng_chance(r, 1, 16)) return fuzz_rng_below(r, 65537);
  return number(r);
}

/* The stream ids the input's lines name (from their text), and the next
 * odd one after them. */
static uint32_t pick_stream(fuzz_rng *r, const fuzz_input *in) {
  uint32_t ids[64], n = 0, max = 0;
  for (size_t i = 0; i < in->n && n < COUNT(ids); i++) {
    const char *p = in->lines[i];
    if (!strncmp(p, "LOOP", 4)) p = strchr(p, ':') ? strchr(p, ':') + 1 : p;
    char type[32], flags[64];
    unsigned long sid;
    if (sscanf(p, " %31s %63s %lu", type, flags, &sid) == 3 && sid && sid <= 0x7fffffff) {
      ids[n++] = (uint32_t)sid;
      if (sid > max) max = (uint32_t)sid;
    }
  }
  if (n == 0 || fuzz_rng_chance(r, 1, 4)) return (max | 1) + (max ? 2 : 0);
  return ids[fuzz_rng_below(r, n)];
}

static bool fill_template(fuzz_rng *r, const fuzz_input *in, const char *t, char *out, size_t cap) {
  size_t off = 0;
  for (; *t; t++) {
    int k = 0;
    if (*t == '@')
      k = snprintf(out + off, cap - off, "%u", pick_stream(r, in));
    else if (*t == '#')
      k = snprintf(out + off, cap - off, "%u", number(r));
    else
      k = snprintf(out + off, cap - off, "%c", *t);
    if (k < 0 || (size_t)k >= cap - off) return false;
    off += (size_t)k;
  }
  return true;
}

/* ---- the sequence ---- */

static bool seq_mutation(fuzz_rng *r, fuzz_input *in, const fuzz_input *donor, const char **name) {
  char text[FUZZ_LINE_MAX + 1];
  size_t i = fuzz_rng_below(r, (uint32_t)in->n), j = fuzz_rng_below(r, (uint32_t)in->n);
  switch (fuzz_rng_below(r, 8)) {
  case 0:
    *name = "remove";
    if (in->n < 2) return false;
    fuzz_input_remove(in, i);
    return true;
  case 1:
    *name = "duplicate";
    return in->n && fuzz_input_insert(in, j, in->lines[i]);
  case 2: {
    *name = "swap";
    if (in->n < 2 || i == j) return false;
    char *t = in->lines[i];
    in->lines[i] = in->lines[j];
    in->lines[j] = t;
    return true;
  }
  case 3:
  case 4:
    *name = "insert";
    return fill_template(r, in, dictionary[fuzz_rng_below(r, COUNT(dictionary))], text,
                         sizeof text) &&
           fuzz_input_insert(in, fuzz_rng_below(r, (uint32_t)in->n + 1), text);
  case 5:
    *name = "splice";
    return donor && donor->n &&
           fuzz_input_insert(in, fuzz_rng_below(r, (uint32_t)in->n + 1),
                             donor->lines[fuzz_rng_below(r, (uint32_t)donor->n)]);
  case 6: { /* two lines in one TCP write, no marker PING between them */
    *name = "join";
    if (i + 1 >= in->n || !strncmp(in->lines[i], "LOOP", 4) ||
        !strncmp(in->lines[i + 1], "LOOP", 4))
      return false;
    int k = snprintf(text, sizeof text, "%s & %s", in->lines[i], in->lines[i + 1]);
    if (k < 0 || (size_t)k >= sizeof text || !fuzz_input_set(in, i, text)) return false;
    fuzz_input_remove(in, i + 1);
    return true;
  }
  default: { /* a joined line apart again */
    *name = "unjoin";
    fuzz_line l;
    if (!in->n || !fuzz_line_split(in->lines[i], &l) || l.loops || l.n < 2) return false;
    size_t at = fuzz_rng_below(r, (uint32_t)l.n - 1) + 1;
    fuzz_line a = l, b = l;
    a.n = at;
    memmove(b.parts, b.parts + at, (l.n - at) * sizeof *b.parts);
    b.n = l.n - at;
    char tb[FUZZ_LINE_MAX + 1];
    return fuzz_line_join(&a, text, sizeof text) && fuzz_line_join(&b, tb, sizeof tb) &&
           fuzz_input_set(in, i, text) && fuzz_input_insert(in, i + 1, tb);
  }
  }
}

/* ---- one frame ---- */

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* The numbers a frame type carries (RFC 9113 §6, RFC 9218 §7.1). */
static bool field_mutation(fuzz_rng *r, fuzz_frame *f, const char **name) {
  *name = "number";
  switch (f->type) {
  case H2_SETTINGS: /* a setting changed or added (§6.5.1: 6 octets each) */
    if (f->len >= 6 && fuzz_rng_chance(r, 1, 2)) {
      size_t at = 6 * fuzz_rng_below(r, (uint32_t)(f->len / 6));
      if (fuzz_rng_chance(r, 1, 3)) f->payload[at + 1] = (uint8_t)fuzz_rng_below(r, 12);
      put32(f->payload + at + 2, setting_value(r, f->payload[at + 1]));
      return true;
    }
    if (f->len + 6 > FUZZ_PAYLOAD_MAX) return false;
    f->payload[f->len] = 0;
    f->payload[f->len + 1] = (uint8_t)(1 + fuzz_rng_below(r, 9));
    put32(f->payload + f->len + 2, setting_value(r, f->payload[f->len + 1]));
    f->len += 6;
    return true;
  case H2_WINDOW_UPDATE:
  case H2_RST_STREAM:
    if (f->len < 4) return false;
    put32(f->payload, f->type == H2_RST_STREAM && fuzz_rng_chance(r, 1, 2) ? fuzz_rng_below(r, 0xe)
                                                                           : number(r));
    return true;
  case H2_GOAWAY:
    if (f->len < 8) return false;
    put32(f->payload + (fuzz_rng_chance(r, 1, 2) ? 4 : 0), number(r));
    return true;
  case H2_PRIORITY:
  case H2_HEADERS: {
    size_t at = f->type == H2_HEADERS && (f->flags & H2_FLAG_PADDED) ? 1 : 0;
    if (f->type == H2_HEADERS && !(f->flags & H2_FLAG_PRIORITY)) return false;
    if (f->len < at + 5) return false;
    uint32_t dep = fuzz_rng_chance(r, 1, 3) ? f->stream : number(r);
    put32(f->payload + at, dep);
    f->payload[at + 4] = (uint8_t)fuzz_rng_below(r, 256);
    return true;
  }
  case 0x10: /* PRIORITY_UPDATE: the prioritized stream */
    if (f->len < 4) return false;
    put32(f->payload, fuzz_rng_chance(r, 1, 2) ? 1 + 2 * fuzz_rng_below(r, 8) : number(r));
    return true;
  default:
    return false;
  }
}

static bool bytes_mutation(fuzz_rng *r, fuzz_frame *f, const char **name) {
  size_t at = fuzz_rng_below(r, (uint32_t)f->len + 1);
  switch (fuzz_rng_below(r, 5)) {
  case 0:
    *name = "bitflip";
    if (!f->len || at == f->len) return false;
    f->payload[at] ^= (uint8_t)(1u << fuzz_rng_below(r, 8));
    return true;
  case 1:
    *name = "byte";
    if (!f->len || at == f->len) return false;
    f->payload[at] = (uint8_t)fuzz_rng_below(r, 256);
    return true;
  case 2: {
    *name = "insert-bytes";
    size_t n = 1 + fuzz_rng_below(r, 16);
    if (f->len + n > FUZZ_PAYLOAD_MAX) return false;
    memmove(f->payload + at + n, f->payload + at, f->len - at);
    for (size_t k = 0; k < n; k++)
      f->payload[at + k] = (uint8_t)fuzz_rng_below(r, 256);
    f->len += n;
    return true;
  }
  case 3: {
    *name = "delete-bytes";
    size_t n = 1 + fuzz_rng_below(r, 16);
    if (at + n > f->len) return false;
    memmove(f->payload + at, f->payload + at + n, f->len - at - n);
    f->len -= n;
    return true;
  }
  default:
    *name = "truncate";
    if (at == f->len) return false;
    f->len = at;
    return true;
  }
}

static const uint8_t types[] = {
    H2_DATA, H2_HEADERS, H2_PRIORITY,      H2_RST_STREAM,   H2_SETTINGS, H2_PUSH_PROMISE,
    H2_PING, H2_GOAWAY,  H2_WINDOW_UPDATE, H2_CONTINUATION, 0x0a,        0x0c,
    0x10,    0xfa};

static bool frame_fields(fuzz_rng *r, fuzz_frame *f, const char **name) {
  static const uint8_t flag_bits[] = {H2_FLAG_END_STREAM, H2_FLAG_END_HEADERS, H2_FLAG_PADDED,
                                      H2_FLAG_PRIORITY};
  switch (fuzz_rng_below(r, 9)) {
  case 0:
  case 1:
    *name = "flag";
    f->flags ^= flag_bits[fuzz_rng_below(r, COUNT(flag_bits))];
    return true;
  case 2:
    *name = "flags";
    f->flags = fuzz_rng_chance(r, 1, 2) ? (uint8_t)fuzz_rng_below(r, 256)
                                        : (uint8_t)(f->flags | H2_FLAG_PADDED | H2_FLAG_PRIORITY);
    return true;
  case 3: {
    *name = "stream";
    static const uint32_t ids[] = {0, 1, 2, 3, 5, 99, 0x7fffffff, 0x80000001};
    uint32_t pick = fuzz_rng_below(r, COUNT(ids) + 2);
    f->stream = pick < COUNT(ids) ? ids[pick] : pick == COUNT(ids) ? f->stream + 2 : f->stream - 2;
    return true;
  }
  case 4:
    *name = "type";
    f->type = types[fuzz_rng_below(r, COUNT(types))];
    return true;
  case 5: { /* the Length field (§4.1) disagrees with the payload */
    *name = "length";
    static const long lens[] = {0, 1, 8, 16384, 16385, 16777215};
    uint32_t pick = fuzz_rng_below(r, COUNT(lens) + 3);
    f->forced_len = pick < COUNT(lens)        ? lens[pick]
                    : pick == COUNT(lens)     ? (long)f->len + 1
                    : pick == COUNT(lens) + 1 ? (long)f->len - 1
                                              : -1;
    if (f->forced_len < -1) f->forced_len = 0;
    return true;
  }
  case 6: { /* padding (§6.1): a pad length, maybe longer than the frame */
    *name = "padding";
    size_t pad = fuzz_rng_below(r, 8);
    if (f->len + 1 + pad > FUZZ_PAYLOAD_MAX) return false;
    memmove(f->payload + 1, f->payload, f->len);
    f->payload[0] = (uint8_t)(fuzz_rng_chance(r, 1, 4) ? fuzz_rng_below(r, 256) : pad);
    memset(f->payload + 1 + f->len, 0, pad);
    f->len += 1 + pad;
    f->flags |= H2_FLAG_PADDED;
    return true;
  }
  case 7:
    *name = "repeat";
    f->repeat = fuzz_rng_chance(r, 1, 2) ? 1 + fuzz_rng_below(r, 4) : 1 + fuzz_rng_below(r, 200);
    return true;
  default:
    *name = "split";
    f->split = 1 + fuzz_rng_below(r, 12);
    return true;
  }
}

static bool frame_mutation(fuzz_rng *r, const check_build_ctx *ctx, fuzz_input *in,
                           const char **name) {
  *name = "frame";
  if (!in->n) return false;
  size_t i = fuzz_rng_below(r, (uint32_t)in->n);
  fuzz_line *l = malloc(sizeof *l);
  fuzz_frame *f = malloc(sizeof *f);
  char *text = malloc(FUZZ_LINE_MAX + 1);
  bool ok = l && f && text && fuzz_line_split(in->lines[i], l);
  if (ok && l->loops && fuzz_rng_chance(r, 1, 4)) { /* the LOOP count */
    *name = "loop";
    l->loops = fuzz_rng_chance(r, 1, 2) ? l->loops / 2 + 1 : l->loops * 2;
    if (l->loops > LOOPS_MAX) l->loops = LOOPS_MAX;
  } else if (ok) {
    size_t p = fuzz_rng_below(r, (uint32_t)l->n);
    ok = fuzz_frame_parse(ctx, l->parts[p], f);
    uint32_t kind = fuzz_rng_below(r, 4);
    if (ok && f->raw)
      ok = bytes_mutation(r, f, name);
    else if (ok && kind == 0 && field_mutation(r, f, name))
      ok = true;
    else if (ok && kind == 1)
      ok = bytes_mutation(r, f, name);
    else if (ok)
      ok = frame_fields(r, f, name);
    ok = ok && fuzz_frame_print(f, l->parts[p], sizeof l->parts[p]);
  }
  ok = ok && fuzz_line_join(l, text, FUZZ_LINE_MAX + 1) && fuzz_input_set(in, i, text);
  free(l);
  free(f);
  free(text);
  return ok;
}

/* ---- amplification ---- */

#define AMPLIFY_REPEAT_MAX 1000

static unsigned long grow(fuzz_rng *r, unsigned long n, unsigned long most) {
  unsigned long k = n * (2 + fuzz_rng_below(r, 7));
  return k > most ? most : k;
}

bool fuzz_mutate_amplify(fuzz_rng *r, const check_build_ctx *ctx, fuzz_input *in, char *what,
                         size_t cap) {
  if (!in->n) return false;
  size_t i = fuzz_rng_below(r, (uint32_t)in->n);
  fuzz_line *l = malloc(sizeof *l);
  fuzz_frame *f = malloc(sizeof *f);
  char *text = malloc(FUZZ_LINE_MAX + 1);
  const char *name = "";
  bool ok = l && f && text && fuzz_line_split(in->lines[i], l);
  if (ok && l->loops) { /* more rounds of the LOOP */
    name = "amplify-loop";
    ok = l->loops < LOOPS_MAX;
    l->loops = grow(r, l->loops, LOOPS_MAX);
  } else if (ok && fuzz_rng_chance(r, 1, 2)) { /* the line in a LOOP: new streams, or the same */
    name = "amplify-line";
    l->loops = 2 + fuzz_rng_below(r, 15);
    l->step = fuzz_rng_chance(r, 2, 3) ? 2 : 0;
  } else if (ok) { /* one frame of it sent more times (repeat:N) */
    name = "amplify-frame";
    size_t p = fuzz_rng_below(r, (uint32_t)l->n);
    ok = fuzz_frame_parse(ctx, l->parts[p], f) && !f->raw && f->repeat < AMPLIFY_REPEAT_MAX;
    if (ok) {
      f->repeat = (unsigned)grow(r, f->repeat, AMPLIFY_REPEAT_MAX);
      ok = fuzz_frame_print(f, l->parts[p], sizeof l->parts[p]);
    }
  }
  ok = ok && fuzz_line_join(l, text, FUZZ_LINE_MAX + 1) && fuzz_input_set(in, i, text);
  free(l);
  free(f);
  free(text);
  snprintf(what, cap, "%s", ok ? name : "");
  return ok;
}

/* The handshake's SETTINGS (our first frame, §3.4): a setting with an
 * interesting value, or the default again. */
static bool handshake_mutation(fuzz_rng *r, fuzz_input *in, const char **name) {
  *name = "handshake";
  if (!strcmp(in->handshake, "none")) return false;
  if (fuzz_rng_chance(r, 1, 4)) {
    in->handshake[0] = 0;
    return true;
  }
  size_t have = strlen(in->handshake);
  if (have == 0) have = (size_t)snprintf(in->handshake, sizeof in->handshake, "settings:");
  if (have + 12 >= sizeof in->handshake) return false;
  unsigned id = 1 + fuzz_rng_below(r, 9);
  snprintf(in->handshake + have, sizeof in->handshake - have, "%04x%08x", id, setting_value(r, id));
  return true;
}

unsigned fuzz_mutate(fuzz_rng *r, const check_build_ctx *ctx, fuzz_input *in,
                     const fuzz_input *donor, unsigned most, char *what, size_t cap) {
  unsigned want = 1 + fuzz_rng_below(r, most ? most : 1), done = 0;
  size_t off = 0;
  what[0] = 0;
  for (unsigned tries = 0; done < want && tries < want * 4; tries++) {
    const char *name = "?";
    char fname[32] = "";
    uint32_t pick = fuzz_rng_below(r, 20);
    bool ok;
    if (pick < 7)
      ok = seq_mutation(r, in, donor, &name);
    else if (pick < 16)
      ok = frame_mutation(r, ctx, in, &name);
    else if (pick < 19) {
      ok = fuzz_mutate_fields(r, ctx, in, fname, sizeof fname);
      name = fname[0] ? fname : "fields";
    } else
      ok = handshake_mutation(r, in, &name);
    if (!ok) continue;
    done++;
    int k = snprintf(what + off, cap - off, "%s%s", off ? "," : "", name);
    if (k > 0 && (size_t)k < cap - off) off += (size_t)k;
  }
  return done;
}
