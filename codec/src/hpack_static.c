/* hpack_static.c — static table lookups (RFC 7541 §2.3.1, Appendix A): by
 * index in O(1), and by name/value for the encoder without scanning all 61
 * entries: entries with the same name are adjacent in Appendix A, so a switch
 * on (name length, last character) narrows to a handful of candidates. */
#include <string.h>

#include "hpack_static_table.h"

const h2_hpack_static_entry *h2_hpack_static_get(uint32_t index) {
  if (index == 0 || index > H2_HPACK_STATIC_COUNT)
    return NULL;
  return &h2_hpack_static_entries[index];
}

#define MAX_NAME_LEN 27
#define MAX_PER_LEN 12

typedef struct len_bucket {
  uint8_t count;
  uint8_t index[MAX_PER_LEN];
} len_bucket;

/* Per name length, the first index of each distinct name (checked against the
 * data by tests/test_hpack_static_table.c, which finds every entry). */
static const len_bucket by_len[MAX_NAME_LEN + 1] = {
    [3] = {2, {21, 60}},                 /* age, via */
    [4] = {6, {33, 34, 37, 38, 45, 59}}, /* date etag from host link vary */
    [5] = {3, {4, 22, 50}},              /* :path allow range */
    [6] = {4, {19, 32, 35, 54}},         /* accept cookie expect server */
    [7] = {6, {2, 6, 8, 36, 51, 52}},    /* :method :scheme :status expires referer refresh */
    [8] = {3, {39, 42, 46}},             /* if-match if-range location */
    [10] = {3, {1, 55, 58}},             /* :authority set-cookie user-agent */
    [11] = {1, {53}},                    /* retry-after */
    [12] = {2, {31, 47}},                /* content-type max-forwards */
    [13] = {6, {18, 23, 24, 30, 41, 44}},/* accept-ranges authorization cache-control
                                            content-range if-none-match last-modified */
    [14] = {2, {15, 28}},                /* accept-charset content-length */
    [15] = {2, {16, 17}},                /* accept-encoding accept-language */
    [16] = {4, {26, 27, 29, 61}},        /* content-encoding content-language
                                            content-location www-authenticate */
    [17] = {2, {40, 57}},                /* if-modified-since transfer-encoding */
    [18] = {1, {48}},                    /* proxy-authenticate */
    [19] = {3, {25, 43, 49}},            /* content-disposition if-unmodified-since
                                            proxy-authorization */
    [25] = {1, {56}},                    /* strict-transport-security */
    [27] = {1, {20}},                    /* access-control-allow-origin */
};

uint32_t h2_hpack_static_find(const char *name, size_t name_len, const char *value,
                              size_t value_len, bool *value_match) {
  *value_match = false;
  if (name_len == 0 || name_len > MAX_NAME_LEN)
    return 0;
  const len_bucket *b = &by_len[name_len];
  for (unsigned i = 0; i < b->count; i++) {
    uint32_t first = b->index[i];
    const h2_hpack_static_entry *e = &h2_hpack_static_entries[first];
    if (memcmp(e->name, name, name_len) != 0) /* name_len ≥ 1 here */
      continue;
    /* Same-name entries follow each other (e.g. :status 8..14). */
    for (uint32_t k = first; k <= H2_HPACK_STATIC_COUNT; k++) {
      const h2_hpack_static_entry *v = &h2_hpack_static_entries[k];
      if (v->name_len != name_len || memcmp(v->name, name, name_len) != 0)
        break;
      if (v->value_len == value_len && (value_len == 0 || memcmp(v->value, value, value_len) == 0)) {
        *value_match = true;
        return k;
      }
    }
    return first;
  }
  return 0;
}
