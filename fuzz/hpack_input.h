/* hpack_input.h — the input format shared by the hpack_decode and
 * hpack_differential targets (and the seed generator fuzz/make_seeds.py):
 * decoder settings, then header blocks in sequence on one connection, each
 * optionally preceded by SETTINGS_HEADER_TABLE_SIZE changes.
 *
 *   byte 0  settings flags
 *     bits 0-1  SETTINGS_HEADER_TABLE_SIZE: 0 → 4096, 1 → 256, 2 → 0,
 *               3 → u16 that follows
 *     bit  2    max header list size: the next byte b, limit (b+1)*16
 *     bit  3    max string length: the next byte b, limit b+1
 *     bit  4    decoding starts mid-connection (state unknown)
 *     bit  5    allocation budget: the next byte is the number of
 *               allocations that succeed (the rest fail)
 *   then records until the input ends:
 *     ctl (1 byte)  bit 7: a SETTINGS_HEADER_TABLE_SIZE change (u16) follows
 *                   bit 6: a second change (u16) follows
 *     length (u16, big-endian; clamped to what is left)
 *     the header block (length bytes)
 * Multi-byte numbers are big-endian; missing bytes read as 0. */
#ifndef H2_FUZZ_HPACK_INPUT_H
#define H2_FUZZ_HPACK_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_support.h"

typedef struct hpack_input_config {
  uint32_t table_size; /* initial SETTINGS_HEADER_TABLE_SIZE */
  uint32_t max_list;   /* 0 = the decoder's default */
  uint32_t max_string; /* 0 = the decoder's default */
  bool state_unknown;
  long alloc_budget; /* < 0: unlimited */
} hpack_input_config;

typedef struct hpack_input_record {
  uint32_t settings[2]; /* table size changes before the block, in order */
  int settings_count;   /* 0..2 */
  const uint8_t *block;
  size_t block_len;
} hpack_input_record;

void hpack_input_config_read(fuzz_reader *r, hpack_input_config *cfg);
/* Next record; false when the input is exhausted. */
bool hpack_input_next(fuzz_reader *r, hpack_input_record *rec);

#endif
