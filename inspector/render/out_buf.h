/* out_buf.h — the one way h2scope writes output: a large buffer flushed to a
 * file descriptor, with hand-rolled number formatting (no printf per field).
 * A write error (e.g. a closed pipe) is remembered and stops further output. */
#ifndef H2SCOPE_OUT_BUF_H
#define H2SCOPE_OUT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define OUT_BUF_SIZE (64 * 1024)

/* A piece of output rendered once and repeated while what it was rendered
 * from (the key, whose bytes the writer chooses) is unchanged: frame_print
 * keeps the JSON capture context of a frame in one (connection, time,
 * endpoints, direction: the same for every frame of a segment) and a frame's
 * flag names in the other. */
#define OUT_MEMOS 2
/* The slots: a frame's JSON capture context (frame_meta_print.c), its flag
 * names (frame_print.c). */
enum { OUT_MEMO_META = 0, OUT_MEMO_FLAGS = 1 };
#define OUT_MEMO_KEY 160
#define OUT_MEMO_TEXT 256
typedef struct out_memo {
  size_t key_len; /* 0: empty */
  size_t text_len;
  unsigned char key[OUT_MEMO_KEY];
  char text[OUT_MEMO_TEXT];
} out_memo;

typedef struct out_buf {
  int fd;
  size_t len;      /* bytes at data not yet flushed */
  size_t cap;      /* room at data: OUT_BUF_SIZE, or a window's size */
  char *data;      /* own, or a window another part owns (window below) */
  bool failed;     /* a write failed: output is discarded from then on */
  uint64_t pushed; /* bytes handed to the fd so far: where data[0] sits in the output */
  out_memo memo[OUT_MEMOS];
  /* Instead of the fd: out_flush hands the bytes to spill (report_write.c
   * escapes them into a file this way); it returns false when it could not
   * keep them. NULL: write to fd. */
  bool (*spill)(void *ctx, const char *p, size_t n);
  void *spill_ctx;
  /* Instead of the fd and without a copy: the output is rendered straight
   * into memory the caller owns (read_jobs.c's batch buffers). out_flush
   * calls window(window_ctx, o), which keeps data[0..len) where it is and
   * points data and cap at the next room (cap at least 1); it returns false
   * when there is none (the output is then discarded, into own). The owner
   * points data and cap at the first window itself. NULL: no window. */
  bool (*window)(void *ctx, struct out_buf *o);
  void *window_ctx;
  char own[OUT_BUF_SIZE];
} out_buf;

void out_init(out_buf *o, int fd);
/* Writes everything buffered; false once a write has failed. */
bool out_flush(out_buf *o);
/* Writes everything buffered, then the n pieces of iov in order, without
 * copying them into the buffer (one writev per up to OUT_IOV_MAX pieces, or
 * the spill for each piece); false once a write has failed. */
struct iovec;
enum { OUT_IOV_MAX = 256 };
bool out_writev(out_buf *o, const struct iovec *iov, int n);
void out_write_slow(out_buf *o, const void *p, size_t n);

static inline void out_write(out_buf *o, const void *p, size_t n) {
  if (n <= o->cap - o->len) {
    memcpy(o->data + o->len, p, n);
    o->len += n;
  } else {
    out_write_slow(o, p, n);
  }
}
static inline void out_puts(out_buf *o, const char *s) {
  out_write(o, s, strlen(s));
}
static inline void out_putc(out_buf *o, char c) {
  if (o->len == o->cap) out_flush(o);
  o->data[o->len++] = c;
}
/* Memo `slot`: writes its text and returns true when its key is key[0..n);
 * otherwise returns false and the caller renders, between out_memo_begin and
 * out_memo_end (which keeps what was rendered, under the key, when it fits). */
bool out_memo_repeat(out_buf *o, int slot, const void *key, size_t n);
uint64_t out_memo_begin(const out_buf *o);
void out_memo_end(out_buf *o, int slot, uint64_t begin, const void *key, size_t n);

void out_u64_slow(out_buf *o, uint64_t v);
/* Decimal digits of v; a single digit (flags, types, small ids) inline. */
static inline void out_u64(out_buf *o, uint64_t v) {
  if (v < 10 && o->len < o->cap)
    o->data[o->len++] = (char)('0' + v);
  else
    out_u64_slow(o, v);
}
void out_i64(out_buf *o, int64_t v);
/* v right-aligned in `width` columns (spaces). */
void out_u64_pad(out_buf *o, uint64_t v, int width);
/* Fixed-point: v with `decimals` digits after the point (e.g. timestamps). */
void out_fixed(out_buf *o, double v, int decimals);
/* Two lowercase hex digits per byte. */
void out_hex(out_buf *o, const uint8_t *p, size_t n);
void out_hex_u32(out_buf *o, uint32_t v); /* "0x1f" */
void out_spaces_slow(out_buf *o, int n);
/* n spaces; up to 8 (the indents) in one 8-byte store when there is room
 * for 8 (the bytes past the n are not kept). */
static inline void out_spaces(out_buf *o, int n) {
  if (n > 0 && n <= 8 && o->cap - o->len >= 8) {
    memcpy(o->data + o->len, "        ", 8);
    o->len += (size_t)n;
  } else {
    out_spaces_slow(o, n);
  }
}

#endif
