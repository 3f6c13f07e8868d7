/* pcapng_secrets.c — the streaming scanner of pcapng blocks that hands the
 * Decryption Secrets Blocks up (pcapng_secrets.h). */
#include "pcapng_secrets.h"

#include <string.h>

#include "h2/cursor.h"

enum {
  BLOCK_SECTION_HEADER = 0x0A0D0D0A, /* the same in either byte order */
  BLOCK_DECRYPTION_SECRETS = 0x0000000A,
  BYTE_ORDER_MAGIC = 0x1A2B3C4D,
  SHB_MIN_LENGTH = 28, /* header, magic, version, section length, trailer */
};

enum {
  SCAN_FIRST = 0, /* the file's first block, which must be a Section Header Block */
  SCAN_HEAD,      /* a block header */
  SCAN_SKIP,      /* the rest of a block that is not kept */
  SCAN_BLOCK,     /* a secrets block's body and trailer */
  SCAN_OFF,       /* not pcapng, or a broken block: nothing more is looked at */
};

void pcapng_scan_init(pcapng_scan *s, pcapng_secrets_fn fn, void *user) {
  memset(s, 0, sizeof *s);
  s->fn = fn;
  s->user = user;
  s->state = SCAN_FIRST;
  h2_buf_init(&s->block, PCAPNG_MAX_SECRETS + 12);
}

void pcapng_scan_free(pcapng_scan *s) {
  h2_buf_free(&s->block);
  s->state = SCAN_OFF;
}

/* The 32-bit field at `at` of the block header, in the section's byte order. */
static uint32_t head_u32(const pcapng_scan *s, size_t at, bool big_endian) {
  h2_cursor c = h2_cursor_make(s->head, s->head_len);
  uint32_t v = 0;
  if (!h2_cursor_skip(&c, at)) return 0;
  (void)(big_endian ? h2_cursor_get_u32(&c, &v) : h2_cursor_get_u32_le(&c, &v));
  return v;
}

/* Starts on the body of the block whose header is complete: skipped, or kept
 * when it holds secrets. */
static void begin_body(pcapng_scan *s, uint32_t type, uint64_t rest) {
  s->head_len = 0;
  if (type == BLOCK_DECRYPTION_SECRETS && rest >= 12) {
    if (rest - 12 > PCAPNG_MAX_SECRETS) {
      s->dropped++;
    } else {
      h2_buf_reset(&s->block);
      s->want = (size_t)rest;
      s->state = SCAN_BLOCK;
      return;
    }
  }
  s->skip = rest;
  s->state = rest ? SCAN_SKIP : SCAN_HEAD;
}

/* A complete block header in head (8 bytes, 12 for a Section Header Block).
 * False when more header bytes are needed. */
static bool on_head(pcapng_scan *s) {
  uint32_t type = head_u32(s, 0, false); /* the SHB type reads the same either way */
  if (type == BLOCK_SECTION_HEADER) {
    if (s->head_len < 12) return false;
    if (head_u32(s, 8, false) == BYTE_ORDER_MAGIC)
      s->big_endian = false;
    else if (head_u32(s, 8, true) == BYTE_ORDER_MAGIC)
      s->big_endian = true;
    else {
      s->state = SCAN_OFF;
      return true;
    }
    uint32_t total = head_u32(s, 4, s->big_endian);
    if (total < SHB_MIN_LENGTH || total % 4) {
      s->state = SCAN_OFF;
      return true;
    }
    begin_body(s, type, total - 12);
    return true;
  }
  if (s->state == SCAN_FIRST) { /* not pcapng: classic pcap */
    s->state = SCAN_OFF;
    return true;
  }
  type = head_u32(s, 0, s->big_endian);
  uint32_t total = head_u32(s, 4, s->big_endian);
  if (total < 12 || total % 4) {
    s->state = SCAN_OFF;
    return true;
  }
  begin_body(s, type, total - 8);
  return true;
}

/* A complete secrets block (body and trailer) in block. */
static void on_block(pcapng_scan *s) {
  s->state = SCAN_HEAD;
  h2_cursor c = h2_cursor_make(s->block.p, s->block.len);
  uint32_t type = 0, len = 0;
  const uint8_t *data = NULL;
  bool ok = s->big_endian ? h2_cursor_get_u32(&c, &type) && h2_cursor_get_u32(&c, &len)
                          : h2_cursor_get_u32_le(&c, &type) && h2_cursor_get_u32_le(&c, &len);
  /* the secrets, then room for the trailing length */
  if (!ok || c.left < 4 || len > c.left - 4 || !h2_cursor_get_bytes(&c, len, &data)) return;
  s->found++;
  if (s->fn) s->fn(s->user, type, data, len);
}

/* Bytes of a secrets block; out of memory skips the rest of it. */
static size_t take_block(pcapng_scan *s, const uint8_t *p, size_t n) {
  size_t take = s->want - s->block.len < n ? s->want - s->block.len : n;
  if (!h2_buf_put(&s->block, p, take)) {
    s->dropped++;
    h2_buf_free(&s->block);
    s->skip = s->want - take;
    s->state = s->skip ? SCAN_SKIP : SCAN_HEAD;
    return take;
  }
  if (s->block.len == s->want) on_block(s);
  return take;
}

/* Header bytes: 8, or 12 for a Section Header Block (its magic). */
static size_t take_head(pcapng_scan *s, const uint8_t *p, size_t n) {
  size_t need = s->head_len < 8 ? 8 : 12;
  size_t take = need - s->head_len < n ? need - s->head_len : n;
  memcpy(s->head + s->head_len, p, take);
  s->head_len = (uint8_t)(s->head_len + take);
  if (s->head_len == need) (void)on_head(s);
  return take;
}

void pcapng_scan_feed(pcapng_scan *s, const uint8_t *p, size_t n) {
  while (n > 0 && s->state != SCAN_OFF) {
    size_t take;
    if (s->state == SCAN_SKIP) {
      take = s->skip < n ? (size_t)s->skip : n;
      s->skip -= take;
      if (s->skip == 0) s->state = SCAN_HEAD;
    } else if (s->state == SCAN_BLOCK) {
      take = take_block(s, p, n);
    } else {
      take = take_head(s, p, n);
    }
    p += take;
    n -= take;
  }
}
