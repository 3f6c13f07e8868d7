/* tlsdec_pcapng.c — walks pcapng blocks to find Decryption Secrets Blocks. */
#include "tlsdec_pcapng.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h2/cursor.h"

enum {
  BLOCK_SECTION_HEADER = 0x0A0D0D0A,
  BLOCK_DECRYPTION_SECRETS = 0x0000000A,
  SECRETS_TLS_KEY_LOG = 0x544c534b,
  BYTE_ORDER_MAGIC = 0x1A2B3C4D,
};

/* The next 32-bit field in the section's byte order; 0 when the bytes run
 * out (no caller reads past what it has fread). */
static uint32_t next_u32(h2_cursor *c, bool big_endian) {
  uint32_t v = 0;
  if (!(big_endian ? h2_cursor_get_u32(c, &v) : h2_cursor_get_u32_le(c, &v))) return 0;
  return v;
}

/* Reads one DSB body (after the 8-byte block header) of body_len bytes. */
static bool read_dsb(FILE *fp, uint32_t body_len, bool big_endian, keylog *k, size_t *blocks) {
  uint8_t head[8];
  if (body_len < 12 || fread(head, 1, 8, fp) != 8) return false;
  h2_cursor c = h2_cursor_make(head, sizeof head);
  uint32_t type = next_u32(&c, big_endian);
  uint32_t len = next_u32(&c, big_endian);
  uint32_t rest = body_len - 8;
  if (type != SECRETS_TLS_KEY_LOG || len > rest - 4 || len > PCAPNG_MAX_DSB_BYTES)
    return fseek(fp, rest, SEEK_CUR) == 0;
  char *text = malloc(len ? len : 1);
  if (!text) return fseek(fp, rest, SEEK_CUR) == 0;
  bool ok = fread(text, 1, len, fp) == len;
  if (ok) {
    keylog_add_text(k, text, len);
    (*blocks)++;
  }
  free(text);
  return ok && fseek(fp, rest - len, SEEK_CUR) == 0;
}

int tlsdec_pcapng_read_secrets(const char *path, keylog *k, size_t *blocks, char *err,
                               size_t errcap) {
  *blocks = 0;
  if (!strcmp(path, "-")) return 0; /* stdin cannot be read twice */
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  bool big_endian = false, in_section = false;
  uint8_t hdr[8], magic[4];
  /* Each block: type, total length (multiple of 4, ≥ 12, both copies), body. */
  while (fread(hdr, 1, sizeof hdr, fp) == sizeof hdr) {
    h2_cursor c = h2_cursor_make(hdr, sizeof hdr);
    uint32_t type = next_u32(&c, false); /* the SHB type is a palindrome */
    if (type == BLOCK_SECTION_HEADER) {
      if (fread(magic, 1, sizeof magic, fp) != sizeof magic) break;
      h2_cursor le = h2_cursor_make(magic, sizeof magic), be = le;
      if (next_u32(&le, false) == BYTE_ORDER_MAGIC)
        big_endian = false;
      else if (next_u32(&be, true) == BYTE_ORDER_MAGIC)
        big_endian = true;
      else
        break;
      in_section = true;
      uint32_t total = next_u32(&c, big_endian);
      if (total < 28 || total % 4 || fseek(fp, (long)total - 12, SEEK_CUR) != 0) break;
      continue;
    }
    if (!in_section) break; /* not pcapng */
    c = h2_cursor_make(hdr, sizeof hdr);
    type = next_u32(&c, big_endian);
    uint32_t total = next_u32(&c, big_endian);
    if (total < 12 || total % 4) break;
    if (type == BLOCK_DECRYPTION_SECRETS) {
      if (!read_dsb(fp, total - 8, big_endian, k, blocks)) break;
    } else if (fseek(fp, (long)total - 8, SEEK_CUR) != 0) {
      break;
    }
  }
  fclose(fp);
  return 0;
}
