/* out_buf.c — buffered output with hand-rolled number formatting. */
#include "out_buf.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>

void out_init(out_buf *o, int fd) {
  o->fd = fd;
  o->len = 0;
  o->failed = false;
  o->spill = NULL;
  o->spill_ctx = NULL;
}

bool out_flush(out_buf *o) {
  if (o->spill) {
    if (!o->failed && o->len && !o->spill(o->spill_ctx, o->data, o->len)) o->failed = true;
    o->len = 0;
    return !o->failed;
  }
  size_t off = 0;
  while (!o->failed && off < o->len) {
    ssize_t n = write(o->fd, o->data + off, o->len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      o->failed = true;
      break;
    }
    off += (size_t)n;
  }
  o->len = 0;
  return !o->failed;
}

void out_write_slow(out_buf *o, const void *p, size_t n) {
  const char *s = p;
  while (n > 0) {
    if (o->len == OUT_BUF_SIZE) out_flush(o);
    size_t room = OUT_BUF_SIZE - o->len, k = n < room ? n : room;
    memcpy(o->data + o->len, s, k);
    o->len += k;
    s += k;
    n -= k;
  }
}

void out_u64(out_buf *o, uint64_t v) {
  char tmp[20];
  int i = 20;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  out_write(o, tmp + i, (size_t)(20 - i));
}

void out_i64(out_buf *o, int64_t v) {
  if (v < 0) {
    out_putc(o, '-');
    out_u64(o, (uint64_t)0 - (uint64_t)v);
  } else {
    out_u64(o, (uint64_t)v);
  }
}

void out_u64_pad(out_buf *o, uint64_t v, int width) {
  int digits = 1;
  for (uint64_t x = v; x >= 10; x /= 10)
    digits++;
  out_spaces(o, width - digits);
  out_u64(o, v);
}

void out_fixed(out_buf *o, double v, int decimals) {
  if (!isfinite(v)) {
    out_puts(o, "0");
    return;
  }
  if (v < 0) {
    out_putc(o, '-');
    v = -v;
  }
  uint64_t scale = 1;
  for (int i = 0; i < decimals; i++)
    scale *= 10;
  uint64_t whole = (uint64_t)v;
  uint64_t frac = (uint64_t)((v - (double)whole) * (double)scale + 0.5);
  if (frac >= scale) {
    whole++;
    frac -= scale;
  }
  out_u64(o, whole);
  if (decimals > 0) {
    out_putc(o, '.');
    char tmp[20];
    for (int i = decimals - 1; i >= 0; i--) {
      tmp[i] = (char)('0' + frac % 10);
      frac /= 10;
    }
    out_write(o, tmp, (size_t)decimals);
  }
}

void out_hex(out_buf *o, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    char two[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
    out_write(o, two, 2);
  }
}

void out_hex_u32(out_buf *o, uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  char tmp[10];
  int i = 10;
  do {
    tmp[--i] = digits[v & 15];
    v >>= 4;
  } while (v);
  out_write(o, "0x", 2);
  out_write(o, tmp + i, (size_t)(10 - i));
}

void out_spaces(out_buf *o, int n) {
  static const char sp[] = "                                ";
  while (n > 0) {
    int k = n < 32 ? n : 32;
    out_write(o, sp, (size_t)k);
    n -= k;
  }
}
