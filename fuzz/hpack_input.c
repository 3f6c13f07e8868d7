/* hpack_input.c — reads the hpack_decode / hpack_differential input format
 * (documented in hpack_input.h). */
#include "hpack_input.h"

void hpack_input_config_read(fuzz_reader *r, hpack_input_config *cfg) {
  static const uint32_t table_sizes[3] = {4096u, 256u, 0u};
  uint8_t flags = fuzz_u8(r);
  cfg->table_size = (flags & 3) == 3 ? fuzz_u16(r) : table_sizes[flags & 3];
  cfg->max_list = (flags & 0x04) ? ((uint32_t)fuzz_u8(r) + 1) * 16 : 0;
  cfg->max_string = (flags & 0x08) ? (uint32_t)fuzz_u8(r) + 1 : 0;
  cfg->state_unknown = (flags & 0x10) != 0;
  cfg->alloc_budget = (flags & 0x20) ? (long)fuzz_u8(r) : -1;
}

bool hpack_input_next(fuzz_reader *r, hpack_input_record *rec) {
  if (r->left == 0) return false;
  uint8_t ctl = fuzz_u8(r);
  rec->settings_count = 0;
  if (ctl & 0x80) rec->settings[rec->settings_count++] = fuzz_u16(r);
  if (ctl & 0x40) rec->settings[rec->settings_count++] = fuzz_u16(r);
  size_t len = fuzz_u16(r);
  rec->block = fuzz_bytes(r, len, &rec->block_len);
  return true;
}
