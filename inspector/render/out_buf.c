/* out_buf.c — buffered output with hand-rolled number formatting. */
#include "out_buf.h"

#include <errno.h>
#include <math.h>
#include <sys/uio.h>
#include <unistd.h>

void out_init(out_buf *o, int fd) {
  o->fd = fd;
  o->len = 0;
  o->cap = OUT_BUF_SIZE;
  o->data = o->own;
  o->failed = false;
  o->pushed = 0;
  o->spill = NULL;
  o->spill_ctx = NULL;
  o->window = NULL;
  o->window_ctx = NULL;
  for (int i = 0; i < OUT_MEMOS; i++)
    o->memo[i].key_len = 0;
}

bool out_memo_repeat(out_buf *o, int slot, const void *key, size_t n) {
  const out_memo *m = &o->memo[slot];
  if (n == 0 || n != m->key_len || memcmp(m->key, key, n) != 0) return false;
  out_write(o, m->text, m->text_len);
  return true;
}

uint64_t out_memo_begin(const out_buf *o) {
  return o->pushed + o->len;
}

void out_memo_end(out_buf *o, int slot, uint64_t begin, const void *key, size_t n) {
  out_memo *m = &o->memo[slot];
  m->key_len = 0;
  /* Kept only when the text is still whole in the buffer (no flush since
   * begin) and both fit. */
  if (n == 0 || n > OUT_MEMO_KEY || begin < o->pushed) return;
  size_t from = (size_t)(begin - o->pushed), len = o->len - from;
  if (len > OUT_MEMO_TEXT) return;
  memcpy(m->text, o->data + from, len);
  m->text_len = len;
  memcpy(m->key, key, n);
  m->key_len = n;
}

/* The window's owner keeps what is there and gives the next room; from a
 * failure on, output is discarded into the buffer's own array. */
static bool next_window(out_buf *o) {
  if (!o->failed && !o->window(o->window_ctx, o)) o->failed = true;
  o->pushed += o->len;
  o->len = 0;
  if (o->failed) {
    o->data = o->own;
    o->cap = OUT_BUF_SIZE;
  }
  return !o->failed;
}

bool out_flush(out_buf *o) {
  if (o->window) return next_window(o);
  if (o->spill) {
    if (!o->failed && o->len && !o->spill(o->spill_ctx, o->data, o->len)) o->failed = true;
    o->pushed += o->len;
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
  o->pushed += o->len;
  o->len = 0;
  return !o->failed;
}

/* The pieces after the first `done` bytes of iov[0..n). */
static int iov_skip(struct iovec *iov, int n, size_t done) {
  int i = 0;
  while (i < n && done >= iov[i].iov_len)
    done -= iov[i++].iov_len;
  if (i < n) {
    iov[i].iov_base = (char *)iov[i].iov_base + done;
    iov[i].iov_len -= done;
  }
  return i;
}

bool out_writev(out_buf *o, const struct iovec *iov, int n) {
  if (!out_flush(o)) return false;
  if (o->window) { /* into the window: a copy either way */
    for (int i = 0; i < n; i++)
      out_write(o, iov[i].iov_base, iov[i].iov_len);
    return !o->failed;
  }
  for (int at = 0; at < n && !o->failed;) {
    int k = n - at < OUT_IOV_MAX ? n - at : OUT_IOV_MAX;
    struct iovec v[OUT_IOV_MAX];
    size_t total = 0;
    for (int i = 0; i < k; i++)
      total += (v[i] = iov[at + i]).iov_len;
    at += k;
    o->pushed += total;
    if (o->spill) {
      for (int i = 0; i < k && !o->failed; i++)
        if (v[i].iov_len && !o->spill(o->spill_ctx, v[i].iov_base, v[i].iov_len)) o->failed = true;
      continue;
    }
    if (total == 0) continue;
    /* A short write (a pipe, a signal) goes on from where it stopped. */
    for (int i = 0; i < k && !o->failed;) {
      ssize_t w = writev(o->fd, v + i, k - i);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0)
        o->failed = true;
      else
        i += iov_skip(v + i, k - i, (size_t)w);
    }
  }
  return !o->failed;
}

void out_write_slow(out_buf *o, const void *p, size_t n) {
  const char *s = p;
  while (n > 0) {
    if (o->len == o->cap) out_flush(o);
    size_t room = o->cap - o->len, k = n < room ? n : room;
    memcpy(o->data + o->len, s, k);
    o->len += k;
    s += k;
    n -= k;
  }
}

/* "00".."99": two digits per division, half the dependent divides of a
 * digit-at-a-time loop (numbers are most of a JSON line's fields). */
static const char two_digits[200] = "00010203040506070809"
                                    "10111213141516171819"
                                    "20212223242526272829"
                                    "30313233343536373839"
                                    "40414243444546474849"
                                    "50515253545556575859"
                                    "60616263646566676869"
                                    "70717273747576777879"
                                    "80818283848586878889"
                                    "90919293949596979899";

/* Writes v's digits ending just before `end`; returns where they start. */
static char *digits_before(char *end, uint64_t v) {
  while (v >= 100) {
    end -= 2;
    memcpy(end, two_digits + 2 * (v % 100), 2);
    v /= 100;
  }
  if (v >= 10) {
    end -= 2;
    memcpy(end, two_digits + 2 * v, 2);
  } else {
    *--end = (char)('0' + v);
  }
  return end;
}

static unsigned digit_count(uint64_t v) {
  unsigned n = 1;
  for (; v >= 10000; v /= 10000)
    n += 4;
  return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

void out_u64_slow(out_buf *o, uint64_t v) {
  if (o->cap - o->len >= 20) { /* straight into the buffer */
    unsigned n = digit_count(v);
    digits_before(o->data + o->len + n, v);
    o->len += n;
    return;
  }
  char tmp[20];
  char *start = digits_before(tmp + sizeof tmp, v);
  out_write(o, start, (size_t)(tmp + sizeof tmp - start));
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
  out_spaces(o, width - (int)digit_count(v));
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
  if (decimals > 19) decimals = 19; /* 10^19 is the last power of ten a uint64_t holds */
  uint64_t scale = 1;
  for (int i = 0; i < decimals; i++)
    scale *= 10;
  uint64_t whole = (uint64_t)v;
  uint64_t frac = (uint64_t)((v - (double)whole) * (double)scale + 0.5);
  if (frac >= scale) {
    whole++;
    frac -= scale;
  }
  /* whole, '.', then frac zero-padded to `decimals` digits (≤ 19: scale
   * fits), written back to front; straight into the buffer when it has room. */
  unsigned len = digit_count(whole) + (decimals > 0 ? 1 + (unsigned)decimals : 0);
  char tmp[44];
  bool direct = o->cap - o->len >= len; /* len ≤ 20 + 1 + 19 < sizeof tmp */
  char *end = (direct ? o->data + o->len : tmp) + len, *start = end;
  if (decimals > 0) {
    start = digits_before(end, frac);
    while (start > end - decimals)
      *--start = '0';
    *--start = '.';
  }
  digits_before(start, whole);
  if (direct)
    o->len += len;
  else
    out_write(o, tmp, len);
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

void out_spaces_slow(out_buf *o, int n) {
  static const char sp[] = "                                ";
  while (n > 0) {
    int k = n < 32 ? n : 32;
    out_write(o, sp, (size_t)k);
    n -= k;
  }
}
