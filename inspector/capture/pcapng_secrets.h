/* pcapng_secrets.h — the Decryption Secrets Blocks of a pcapng file, found
 * while the file is read (libpcap reads the packets and skips these blocks).
 * A streaming block scanner: it is fed the file's bytes in order, in chunks
 * of any size, and hands each secrets block's contents to a callback as
 * soon as the block is complete, so the secrets come before any packet that
 * follows them in the file. Blocks are read through the cursor (h2/cursor.h)
 * in each section's byte order; memory is one block header and one secrets
 * block at a time, at most PCAPNG_MAX_SECRETS bytes (a larger block is
 * skipped and counted).
 *
 * pcapng (draft-ietf-opsawg-pcapng): every block is type (4 bytes), total
 * length (4, a multiple of 4, at least 12), body, total length again; a
 * Section Header Block (0x0A0D0D0A) opens each section and its byte-order
 * magic 0x1A2B3C4D says the section's byte order. A Decryption Secrets Block
 * (0x0000000A, §4.7) holds secrets type (4), secrets length (4), the secrets,
 * padding to 4 bytes. A file that does not start with a Section Header Block
 * (classic pcap) is not scanned; a malformed block header ends the scan (what
 * came before was handed up; libpcap reports the broken file). */
#ifndef H2SCOPE_PCAPNG_SECRETS_H
#define H2SCOPE_PCAPNG_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2/buf.h"

#define PCAPNG_MAX_SECRETS (16u << 20) /* bytes of one secrets block kept */

/* Secrets types of a Decryption Secrets Block (pcapng §4.7). */
enum { PCAPNG_SECRETS_TLS_KEY_LOG = 0x544c534b }; /* "TLSK": NSS key log text */

/* One complete secrets block: its type and its secrets (valid during the
 * call). */
typedef void (*pcapng_secrets_fn)(void *user, uint32_t type, const uint8_t *data, size_t len);

typedef struct pcapng_scan {
  pcapng_secrets_fn fn;
  void *user;
  uint8_t state;    /* where the scanner stands (pcapng_secrets.c) */
  bool big_endian;  /* the current section's byte order */
  uint8_t head[12]; /* a block's type and length (and an SHB's magic) so far */
  uint8_t head_len;
  uint64_t skip;    /* bytes of the current block still to skip */
  h2_buf block;     /* a secrets block's body and trailer (PCAPNG_MAX_SECRETS + 12) */
  size_t want;      /* bytes of it expected */
  uint64_t found;   /* secrets blocks handed to fn */
  uint64_t dropped; /* secrets blocks skipped: over PCAPNG_MAX_SECRETS, or out of memory */
} pcapng_scan;

void pcapng_scan_init(pcapng_scan *s, pcapng_secrets_fn fn, void *user);
/* The next n bytes of the file. */
void pcapng_scan_feed(pcapng_scan *s, const uint8_t *p, size_t n);
void pcapng_scan_free(pcapng_scan *s);

#endif
