/* h2_detect.h — recognising HTTP/2 in the first bytes of a TCP direction:
 * the client connection preface (RFC 9113 §3.4), HTTP/1.1 requests and
 * responses (for Upgrade: h2c, RFC 7540 §3.2, and CONNECT tunnels), and —
 * for captures that start mid-connection — a chain of plausible frame
 * headers. Pure functions over byte buffers. */
#ifndef H2SCOPE_H2_DETECT_H
#define H2SCOPE_H2_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum detect_result {
  DETECT_NEED_MORE = 0, /* undecided: give more bytes */
  DETECT_PREFACE,       /* starts with the client preface */
  DETECT_HTTP1,         /* an HTTP/1.x request or response head */
  DETECT_FRAMES,        /* a chain of plausible frame headers starts at *offset */
  DETECT_NO,            /* none of these */
} detect_result;

/* Looks at buf[0..len) (the first bytes of a direction). `final` is true when
 * no more bytes will come for a decision (end of capture, or the buffering
 * limit). min_chain: frame headers that must parse consistently (3 when
 * guessing; 1 when the port is forced). Returns DETECT_FRAMES with *offset =
 * the first frame boundary found (0 when the data starts on one). */
detect_result h2_detect(const uint8_t *buf, size_t len, bool final, unsigned min_chain,
                        size_t *offset);

/* True when a plausible frame header (known type, defined flags only, legal
 * stream id, length within max_frame and right for fixed-size types, R bit
 * clear) is at p (9 bytes). */
bool h2_detect_plausible_header(const uint8_t *p, uint32_t max_frame);

/* Counts consecutive plausible frames from buf[0]; *complete_end = offset
 * after the last whole frame. */
unsigned h2_detect_chain(const uint8_t *buf, size_t len, uint32_t max_frame, size_t *complete_end);

/* ---- HTTP/1.x heads ---- */

typedef struct http1_head {
  size_t head_len;      /* bytes up to and including the blank line */
  bool is_request;
  char method[16];      /* requests */
  char target[512];
  int status;           /* responses */
  bool upgrade_h2c;     /* Upgrade: h2c (token list, case-insensitive) */
  bool has_http2_settings;
  char http2_settings[256]; /* the HTTP2-Settings value (base64url) */
  uint64_t content_length;  /* 0 when absent */
  /* Header fields for showing the upgrade request as stream 1. */
  unsigned field_count;
  struct { const char *name; size_t name_len; const char *value; size_t value_len; } fields[64];
} http1_head;

/* Parses an HTTP/1.x head at buf: 1 = complete (h filled, pointers into
 * buf), 0 = need more bytes, -1 = not HTTP/1.x. */
int http1_parse_head(const uint8_t *buf, size_t len, http1_head *h);

/* Decodes base64url (RFC 4648 §5, padding optional) into out; -1 on bad input. */
long base64url_decode(const char *in, size_t len, uint8_t *out, size_t cap);

#endif
