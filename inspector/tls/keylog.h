/* keylog.h — the TLS secrets of a capture, read from NSS key log text (the
 * SSLKEYLOGFILE format written by browsers, curl, OpenSSL's keylog callback and
 * Go) and looked up by label and ClientHello.random.
 *
 * Format (one entry a line): `LABEL <client_random hex, 64 digits> <secret hex>`.
 * Lines starting with '#' and blank lines are comments. Labels kept:
 *   CLIENT_RANDOM                      TLS 1.2 master secret (48 bytes)
 *   CLIENT_HANDSHAKE_TRAFFIC_SECRET    TLS 1.3 (RFC 8446 §7.1), hash-length secrets
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET
 *   CLIENT_TRAFFIC_SECRET_0
 *   SERVER_TRAFFIC_SECRET_0
 *   CLIENT_EARLY_TRAFFIC_SECRET        TLS 1.3 0-RTT data
 *   EXPORTER_SECRET, EARLY_EXPORTER_SECRET (kept, unused)
 * Other labels (RSA, ...) are counted as ignored, malformed lines as bad; neither
 * stops reading. Memory: entries live in one growing array owned by the keylog,
 * capped at KEYLOG_MAX_ENTRIES. */
#ifndef H2SCOPE_KEYLOG_H
#define H2SCOPE_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYLOG_RANDOM_LEN 32
#define KEYLOG_MAX_SECRET 64       /* SHA-512 length: the longest secret a suite can have */
#define KEYLOG_MAX_ENTRIES 1000000 /* beyond this, lines are counted as dropped */

typedef enum keylog_label {
  KEYLOG_CLIENT_RANDOM = 0,
  KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
  KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET,
  KEYLOG_CLIENT_TRAFFIC_SECRET_0,
  KEYLOG_SERVER_TRAFFIC_SECRET_0,
  KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET,
  KEYLOG_EXPORTER_SECRET,
  KEYLOG_EARLY_EXPORTER_SECRET,
  KEYLOG_LABEL_COUNT
} keylog_label;

typedef struct keylog_entry {
  uint8_t client_random[KEYLOG_RANDOM_LEN];
  uint8_t secret[KEYLOG_MAX_SECRET];
  uint8_t secret_len;
  uint8_t label;  /* keylog_label */
  uint32_t order; /* insertion number: the latest entry for a key wins */
} keylog_entry;

/* A file read by keylog_load_file, and how far (whole lines) it was read. */
typedef struct keylog_source {
  char *path;
  uint64_t offset;
} keylog_source;

typedef struct keylog {
  keylog_entry *entries;
  size_t count, cap;
  bool sorted;    /* entries sorted for binary search (done lazily by keylog_find) */
  size_t ignored; /* well-formed lines with a label we do not use */
  size_t bad;     /* malformed lines */
  size_t dropped; /* lines over KEYLOG_MAX_ENTRIES or when out of memory */
  keylog_source *sources;
  size_t nsources;
  bool follow; /* keylog_refresh reads what is appended to the sources */
} keylog;

/* What keylog_add_line did with one line. */
typedef enum keylog_line_result {
  KEYLOG_LINE_ADDED = 0,
  KEYLOG_LINE_COMMENT, /* blank or '#' */
  KEYLOG_LINE_IGNORED, /* a label we do not use */
  KEYLOG_LINE_BAD,     /* wrong number of fields, bad hex, wrong lengths */
  KEYLOG_LINE_DROPPED, /* limit reached or out of memory */
} keylog_line_result;

void keylog_init(keylog *k);
void keylog_free(keylog *k);

/* One line without its end-of-line (a trailing '\r' is tolerated). A later
 * entry with the same label and random replaces the earlier one. */
keylog_line_result keylog_add_line(keylog *k, const char *line, size_t len);

/* A whole text, split at '\n'. Returns the number of entries added. */
size_t keylog_add_text(keylog *k, const char *text, size_t len);

/* Reads a key log file. Returns 0, or -1 with a message in err. The file is
 * remembered as a source for keylog_refresh. */
int keylog_load_file(keylog *k, const char *path, char *err, size_t errcap);

/* Live captures: the programs being captured (browsers, curl) append their
 * secrets while the capture runs. With follow on, keylog_refresh reads the
 * whole lines appended to each source since the last read (a file that
 * shrank is read again from its start) and returns true when entries were
 * added; with follow off it does nothing. Cheap when nothing changed (one
 * stat per source). */
void keylog_follow(keylog *k, bool on);
bool keylog_refresh(keylog *k);

/* The secret for (label, client_random), or NULL; *len gets its length. The
 * first call after additions sorts the entries (the keylog is not const for
 * that reason). */
const uint8_t *keylog_find(keylog *k, keylog_label label,
                           const uint8_t client_random[KEYLOG_RANDOM_LEN], size_t *len);

/* The label's text as in the key log ("CLIENT_RANDOM"), or NULL. */
const char *keylog_label_name(keylog_label label);

#endif
