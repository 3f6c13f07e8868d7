/* packed_fields.c — header lists kept as packed records (packed_fields.h). */
#include "packed_fields.h"

#include <stdlib.h>
#include <string.h>

bool packed_add(packed_fields *pf, const char *name, size_t nlen, const char *value, size_t vlen) {
  if (nlen > UINT32_MAX || vlen > UINT32_MAX) return false;
  size_t need = 8 + nlen + vlen;
  if (pf->len + need > pf->cap) {
    size_t cap = pf->cap ? pf->cap : 512;
    while (cap < pf->len + need)
      cap *= 2;
    uint8_t *np = realloc(pf->p, cap);
    if (!np) return false;
    pf->p = np;
    pf->cap = cap;
  }
  uint32_t n32 = (uint32_t)nlen, v32 = (uint32_t)vlen;
  memcpy(pf->p + pf->len, &n32, 4);
  memcpy(pf->p + pf->len + 4, &v32, 4);
  if (nlen) memcpy(pf->p + pf->len + 8, name, nlen);
  if (vlen) memcpy(pf->p + pf->len + 8 + nlen, value, vlen);
  pf->len += need;
  pf->count++;
  return true;
}

bool packed_next(const packed_fields *pf, size_t *pos, const char **name, size_t *nlen,
                 const char **value, size_t *vlen) {
  if (*pos + 8 > pf->len) return false;
  uint32_t n32, v32;
  memcpy(&n32, pf->p + *pos, 4);
  memcpy(&v32, pf->p + *pos + 4, 4);
  *name = (const char *)pf->p + *pos + 8;
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
  free(pf->p);
  memset(pf, 0, sizeof *pf);
}
