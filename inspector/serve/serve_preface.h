/* serve_preface.h — what an h2c client's first bytes are: the HTTP/2
 * connection preface (prior knowledge, RFC 9113 §3.3), an HTTP/1.1 request
 * (which may ask for Upgrade: h2c, RFC 7540 §3.2), or neither, which
 * §3.4 makes a connection error PROTOCOL_ERROR. Pure functions on bytes. */
#ifndef H2SCOPE_SERVE_PREFACE_H
#define H2SCOPE_SERVE_PREFACE_H

#include <stddef.h>
#include <stdint.h>

/* The most bytes of an HTTP/1.1 request head kept while sniffing. */
#define SERVE_HEAD_MAX 8192u

enum serve_sniff {
  SERVE_SNIFF_MORE = 0, /* a prefix of something valid: wait for more */
  SERVE_SNIFF_PREFACE,  /* the 24-byte magic */
  SERVE_SNIFF_HTTP1,    /* a complete HTTP/1.x request head (ends with CRLF CRLF) */
  SERVE_SNIFF_INVALID,  /* neither: answer GOAWAY PROTOCOL_ERROR (§3.4) */
  SERVE_SNIFF_TOO_LONG, /* an HTTP/1.x request head longer than SERVE_HEAD_MAX */
};

/* Classifies the first n bytes a client sent; for HTTP1 *head_len is the
 * length of the head (request line and fields, through the empty line). */
int serve_sniff(const uint8_t *p, size_t n, size_t *head_len);

/* An HTTP/1.1 request head that asks to switch to h2c. */
typedef struct serve_upgrade {
  char method[16];
  const char *target; /* inside the head; target_len bytes */
  size_t target_len;
  uint8_t settings[256]; /* HTTP2-Settings, base64url-decoded (a SETTINGS payload) */
  size_t settings_len;
} serve_upgrade;

/* Parses a head serve_sniff called HTTP1. Returns 0 for a valid h2c Upgrade
 * request, else the HTTP/1.1 status to answer with: 505 (no Upgrade: h2c,
 * or no HTTP2-Settings) or 400 (a malformed HTTP2-Settings). */
int serve_upgrade_parse(const char *head, size_t len, serve_upgrade *u);

#endif
