/* hpack_decode.c — fuzz target: header blocks in sequence on one HPACK
 * decoder (RFC 7541), with settings chosen by the input (hpack_input.h).
 * Invariants: no crash or leak (allocation failures included); every field
 * respects the string limit; the dynamic table's RFC size equals the sum of
 * its entries and never exceeds its maximum, which never exceeds the
 * protocol limit; a field marked unknown only appears in state-unknown mode;
 * decode_list agrees with decode_block. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "h2/hpack.h"
#include "hpack_input.h"

typedef struct field_check {
  const h2_hpack_decoder *d;
  uint32_t max_string;
  bool unknown_allowed;
  size_t fields;
} field_check;

static void on_field(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  field_check *fc = user;
  fc->fields++;
  /* The string limit binds decoded literals (table entries were literals
   * once; static entries are not limited). */
  if (info->rep != H2_HPACK_INDEXED) {
    FUZZ_CHECK(h->value_len <= fc->max_string, "literal value longer than the string limit");
    FUZZ_CHECK(info->index != 0 || h->name_len <= fc->max_string,
               "literal name longer than the string limit");
  }
  FUZZ_CHECK(!info->unknown || fc->unknown_allowed, "unknown field outside state-unknown mode");
  FUZZ_CHECK(info->unknown || (h->name != NULL && h->value != NULL),
             "NULL string in a known field");
  FUZZ_CHECK(info->table_size <= h2_hpack_decoder_table_max_size(fc->d), "table over its max");
  /* RFC 7541 Appendix A: an index of 1..61 is the static table, whose
   * entries must come out unchanged (a field, or only the name of a literal). */
  if (!info->unknown && info->index >= 1 && info->index <= 61) {
    const h2_hpack_static_entry *st = h2_hpack_static_get(info->index);
    FUZZ_CHECK(st != NULL, "static entry %u missing", info->index);
    FUZZ_CHECK(h->name_len == st->name_len && !memcmp(h->name, st->name, st->name_len),
               "static name %u differs", info->index);
    if (info->rep == H2_HPACK_INDEXED)
      FUZZ_CHECK(h->value_len == st->value_len && !memcmp(h->value, st->value, st->value_len),
                 "static value %u differs", info->index);
  }
}

static void check_table(const h2_hpack_decoder *d, uint32_t protocol_max) {
  uint64_t sum = 0;
  for (uint32_t i = 0; i < h2_hpack_decoder_table_count(d); i++) {
    h2_header e;
    FUZZ_CHECK(h2_hpack_decoder_table_entry(d, i, &e), "entry %u missing", i);
    sum += e.name_len + e.value_len + 32;
  }
  FUZZ_CHECK(sum == h2_hpack_decoder_table_size(d), "table size %u != sum %llu",
             h2_hpack_decoder_table_size(d), (unsigned long long)sum);
  FUZZ_CHECK(sum <= h2_hpack_decoder_table_max_size(d), "table over its max");
  FUZZ_CHECK(h2_hpack_decoder_table_max_size(d) <= protocol_max ||
                 h2_hpack_decoder_table_max_size(d) <= 4096,
             "max above the protocol limit");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_reader r = fuzz_reader_make(data, size);
  hpack_input_config cfg;
  hpack_input_config_read(&r, &cfg);
  fuzz_alloc_state as = {.budget = cfg.alloc_budget};
  h2_allocator alloc = {.alloc = fuzz_alloc, .free = fuzz_free, .ctx = &as};
  h2_hpack_decoder_config dc = {.max_table_size = 0,
                                .max_header_list_size = cfg.max_list,
                                .max_string_len = cfg.max_string,
                                .allocator = &alloc};
  h2_hpack_decoder d;
  if (h2_hpack_decoder_init(&d, &dc) != H2_OK) {
    FUZZ_CHECK(as.live == 0, "leak after a failed init");
    return 0;
  }
  uint32_t protocol_max = 4096;
  if (cfg.table_size != 4096 && h2_hpack_decoder_set_max_table_size(&d, cfg.table_size) == H2_OK)
    protocol_max = cfg.table_size;
  if (cfg.state_unknown) h2_hpack_decoder_set_state_unknown(&d);
  FUZZ_CHECK(h2_hpack_decoder_state_known(&d) == !cfg.state_unknown, "state-unknown mode");
  field_check fc = {.d = &d,
                    .max_string = cfg.max_string ? cfg.max_string : H2_HPACK_DEFAULT_MAX_STRING,
                    .unknown_allowed = cfg.state_unknown};
  h2_hpack_decode_callbacks cb = {.on_field = on_field, .user = &fc};
  hpack_input_record rec;
  int blocks = 0;
  while (hpack_input_next(&r, &rec) && blocks++ < 64) {
    for (int i = 0; i < rec.settings_count; i++)
      if (h2_hpack_decoder_set_max_table_size(&d, rec.settings[i]) == H2_OK)
        protocol_max = rec.settings[i];
    h2_error err;
    h2_status st = h2_hpack_decode_block(&d, rec.block, rec.block_len, &cb, &err);
    fuzz_log("block of %zu bytes: %s\n", rec.block_len, h2_strerror(st));
    if (st != H2_OK && st != H2_E_HPACK_HEADER_LIST_TOO_LARGE) {
      FUZZ_CHECK(err.offset <= rec.block_len, "error offset past the block");
      FUZZ_CHECK(h2_status_code(st) != 0 || st == H2_E_NO_MEMORY, "rejection without a code");
      /* RFC 9113 §4.3: a field block that cannot be decoded is a connection
       * error of type COMPRESSION_ERROR (0x9). */
      if (st != H2_E_NO_MEMORY) {
        FUZZ_CHECK(h2_status_code(st) == 0x9 && h2_status_scope(st) == H2_SCOPE_CONNECTION,
                   "%s: code %u scope %u", h2_status_name(st), h2_status_code(st),
                   h2_status_scope(st));
        FUZZ_CHECK(h2_status_section(st) && err.section, "%s without an RFC section",
                   h2_status_name(st));
      }
      break; /* a connection error: the table may be out of sync (RFC 9113 §4.3) */
    }
    check_table(&d, protocol_max);
  }
  h2_hpack_decoder_free(&d);
  FUZZ_CHECK(as.live == 0, "%ld blocks leaked", as.live);
  return 0;
}
