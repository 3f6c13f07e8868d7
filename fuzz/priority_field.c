/* priority_field.c — fuzz target: the priority field parser
 * (codec/src/priority_field.c, RFC 9218 §4 over RFC 8941 Dictionaries) on
 * arbitrary bytes, with oracles:
 *  1. the result is in range (urgency 0..7) and an invalid Dictionary gives
 *     the defaults;
 *  2. leading and trailing spaces do not change the result (RFC 8941 §4.2);
 *  3. what was parsed, written back as "u=U, i=?B", parses to the same;
 *  4. appending an unknown member ", zz" to a valid non-empty Dictionary
 *     changes nothing (unknown members are ignored).
 * Input: the field value. */
#include <stdio.h>
#include <string.h>

#include "fuzz_support.h"
#include "h2/ext_frames.h"

static bool same(const h2_priority_field *a, const h2_priority_field *b) {
  return a->urgency == b->urgency && a->incremental == b->incremental &&
         a->urgency_set == b->urgency_set && a->incremental_set == b->incremental_set;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  const char *s = (const char *)data;
  h2_priority_field pf;
  h2_ext_problem why;
  h2_ext_result r = h2_priority_field_parse(s, size, &pf, &why);
  FUZZ_CHECK(pf.urgency <= 7, "urgency %u", pf.urgency);
  bool dict_invalid = r != H2_EXT_OK && !strcmp(why.section, "RFC 8941 §4.2");
  if (dict_invalid)
    FUZZ_CHECK(pf.urgency == 3 && !pf.incremental && !pf.urgency_set && !pf.incremental_set,
               "an invalid Dictionary did not give the defaults");
  static char buf[4096 + 16];
  buf[0] = ' ';
  if (size) memcpy(buf + 1, s, size);
  buf[size + 1] = ' ';
  h2_priority_field padded;
  h2_ext_result r2 = h2_priority_field_parse(buf, size + 2, &padded, NULL);
  FUZZ_CHECK(r2 == r && same(&padded, &pf), "surrounding spaces changed the result");
  char out[32];
  int n = snprintf(out, sizeof out, "u=%u, i=?%d", pf.urgency, pf.incremental ? 1 : 0);
  h2_priority_field back;
  FUZZ_CHECK(h2_priority_field_parse(out, (size_t)n, &back, NULL) == H2_EXT_OK, "%s", out);
  FUZZ_CHECK(back.urgency == pf.urgency && back.incremental == pf.incremental, "round trip");
  size_t content = 0; /* octets other than SP: an empty Dictionary takes no ", zz" */
  for (size_t i = 0; i < size; i++)
    content += data[i] != ' ';
  if (r == H2_EXT_OK && content > 0) {
    memcpy(buf, s, size);
    memcpy(buf + size, ", zz", 4);
    h2_priority_field more;
    FUZZ_CHECK(h2_priority_field_parse(buf, size + 4, &more, NULL) == H2_EXT_OK && same(&more, &pf),
               "an unknown member changed the result");
  }
  return 0;
}
