/* packed_fields.c — header lists kept as packed records (packed_fields.h),
 * appended through h2_buf. */
#include "packed_fields.h"

#include <stdlib.h>
#include <string.h>

bool packed_add(packed_fields *pf, const char *name, size_t nlen, const char *value, size_t vlen) {
  if (nlen > UINT32_MAX || vlen > UINT32_MAX) return false;
  if (!pf->b.limit && !pf->b.failed) h2_buf_init(&pf->b, PACKED_FIELDS_MAX); /* a zeroed list */
  uint32_t n32 = (uint32_t)nlen, v32 = (uint32_t)vlen;
  if (!h2_buf_reserve(&pf->b, 8 + nlen + vlen)) return false;
  h2_buf_put(&pf->b, &n32, 4);
  h2_buf_put(&pf->b, &v32, 4);
  h2_buf_put(&pf->b, name, nlen);
  h2_buf_put(&pf->b, value, vlen);
  pf->count++;
  return true;
}

bool packed_next(const packed_fields *pf, size_t *pos, const char **name, size_t *nlen,
                 const char **value, size_t *vlen) {
  if (*pos + 8 > pf->b.len) return false;
  uint32_t n32, v32;
  memcpy(&n32, pf->b.p + *pos, 4);
  memcpy(&v32, pf->b.p + *pos + 4, 4);
  *name = (const char *)pf->b.p + *pos + 8;
  *value = *name + n32;
  *nlen = n32;
  *vlen = v32;
  *pos += 8 + (size_t)n32 + v32;
  return true;
}

bool packed_find(const packed_fields *pf, const char *want, const char **value, size_t *vlen) {
  size_t pos = 0, nlen, wl = strlen(want);
  const char *name;
  while (packed_next(pf, &pos, &name, &nlen, value, vlen))
    if (nlen == wl && !memcmp(name, want, wl)) return true;
  return false;
}

void packed_clear(packed_fields *pf) {
  h2_buf_free(&pf->b);
  memset(pf, 0, sizeof *pf);
}
