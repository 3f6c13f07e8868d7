/* keylog.c — parses NSS key log text into (label, client_random) → secret
 * entries and finds them again (sorted array, binary search). */
#include "keylog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "h2/cursor.h"

static const char *const label_names[KEYLOG_LABEL_COUNT] = {
    [KEYLOG_CLIENT_RANDOM] = "CLIENT_RANDOM",
    [KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET] = "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    [KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET] = "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    [KEYLOG_CLIENT_TRAFFIC_SECRET_0] = "CLIENT_TRAFFIC_SECRET_0",
    [KEYLOG_SERVER_TRAFFIC_SECRET_0] = "SERVER_TRAFFIC_SECRET_0",
    [KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET] = "CLIENT_EARLY_TRAFFIC_SECRET",
    [KEYLOG_EXPORTER_SECRET] = "EXPORTER_SECRET",
    [KEYLOG_EARLY_EXPORTER_SECRET] = "EARLY_EXPORTER_SECRET",
};

const char *keylog_label_name(keylog_label label) {
  return (unsigned)label < KEYLOG_LABEL_COUNT ? label_names[label] : NULL;
}

void keylog_init(keylog *k) {
  memset(k, 0, sizeof *k);
  k->sorted = true;
}

void keylog_free(keylog *k) {
  free(k->entries);
  for (size_t i = 0; i < k->nsources; i++)
    free(k->sources[i].path);
  free(k->sources);
  keylog_init(k);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes n bytes from the next 2n hex digits of c; false on a non-hex
 * digit or when the digits run out. */
static bool hex_decode(h2_cursor *c, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint8_t a, b;
    if (!h2_cursor_get_u8(c, &a) || !h2_cursor_get_u8(c, &b)) return false;
    int hi = hex_value((char)a), lo = hex_value((char)b);
    if (hi < 0 || lo < 0) return false;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return true;
}

static bool is_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/* Splits a line (untrusted text: a key log file, or a capture's secrets
 * block) into at most 4 whitespace-separated fields; returns the count, 5
 * when there are more. */
static int split_fields(h2_cursor line, h2_cursor field[4]) {
  int n = 0;
  uint8_t ch;
  for (;;) {
    while (h2_cursor_peek_u8(&line, &ch) && is_space(ch))
      (void)h2_cursor_skip(&line, 1);
    if (!h2_cursor_peek_u8(&line, &ch)) return n;
    if (n == 4) return 5;
    h2_cursor start = line;
    size_t len = 0;
    while (h2_cursor_peek_u8(&line, &ch) && !is_space(ch)) {
      (void)h2_cursor_skip(&line, 1);
      len++;
    }
    (void)h2_cursor_get_sub(&start, len, &field[n++]);
  }
}

/* The label a field names, or -1. */
static int label_of(h2_cursor field) {
  const uint8_t *p = NULL;
  size_t len = field.left;
  if (!h2_cursor_get_bytes(&field, len, &p)) return -1;
  for (int i = 0; i < KEYLOG_LABEL_COUNT; i++)
    if (strlen(label_names[i]) == len && !memcmp(label_names[i], p, len)) return i;
  return -1;
}

keylog_line_result keylog_add_line(keylog *k, const char *line, size_t len) {
  h2_cursor f[4];
  int n = split_fields(h2_cursor_make((const uint8_t *)line, len), f);
  uint8_t first = 0;
  if (n == 0 || (h2_cursor_peek_u8(&f[0], &first) && first == '#')) return KEYLOG_LINE_COMMENT;
  if (n != 3) {
    k->bad++;
    return KEYLOG_LINE_BAD;
  }
  int label = label_of(f[0]);
  keylog_entry e;
  memset(&e, 0, sizeof e);
  /* The random and secret must be well-formed even for labels we skip, so a
   * garbled line is reported as bad rather than silently ignored. */
  size_t secret_digits = f[2].left;
  if (f[1].left != 2 * KEYLOG_RANDOM_LEN ||
      !hex_decode(&f[1], KEYLOG_RANDOM_LEN, e.client_random) || secret_digits % 2 != 0 ||
      secret_digits == 0) {
    k->bad++;
    return KEYLOG_LINE_BAD;
  }
  if (label < 0) {
    k->ignored++;
    return KEYLOG_LINE_IGNORED;
  }
  /* CLIENT_RANDOM carries the 48-byte TLS 1.2 master secret (RFC 5246 §8.1);
   * TLS 1.3 secrets are Hash.length long (32 or 48 for the suites we know). */
  size_t slen = secret_digits / 2;
  bool len_ok = label == KEYLOG_CLIENT_RANDOM ? slen == 48 : (slen >= 32 && slen <= 64);
  if (!len_ok || !hex_decode(&f[2], slen, e.secret)) {
    k->bad++;
    return KEYLOG_LINE_BAD;
  }
  e.secret_len = (uint8_t)slen;
  e.label = (uint8_t)label;
  e.order = (uint32_t)(k->count + k->dropped);
  if (k->count == k->cap) {
    size_t ncap = k->cap ? k->cap * 2 : 64;
    if (ncap > KEYLOG_MAX_ENTRIES) ncap = KEYLOG_MAX_ENTRIES;
    keylog_entry *ne = k->count < ncap ? realloc(k->entries, ncap * sizeof *ne) : NULL;
    if (!ne) {
      k->dropped++;
      return KEYLOG_LINE_DROPPED;
    }
    k->entries = ne;
    k->cap = ncap;
  }
  k->entries[k->count++] = e;
  k->sorted = false;
  return KEYLOG_LINE_ADDED;
}

size_t keylog_add_text(keylog *k, const char *text, size_t len) {
  size_t added = 0, i = 0;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    if (keylog_add_line(k, text + i, end - i) == KEYLOG_LINE_ADDED) added++;
    i = end + 1;
  }
  return added;
}

/* Reads fp from where it stands, line by line with a fixed buffer (a key log
 * line is < 300 bytes; longer lines are consumed to their end and counted as
 * bad). *whole gets the bytes up to and including the last '\n'. A last line
 * without '\n' is added only when tail is set (a file that is complete; in a
 * file still being written it may be half a line). Returns -1 on a read error. */
static int read_lines(keylog *k, FILE *fp, bool tail, uint64_t *whole) {
  char line[1024];
  size_t used = 0;
  uint64_t pos = 0;
  bool overlong = false;
  int c;
  *whole = 0;
  while ((c = fgetc(fp)) != EOF) {
    pos++;
    if (c == '\n') {
      if (overlong)
        k->bad++;
      else
        keylog_add_line(k, line, used);
      used = 0;
      overlong = false;
      *whole = pos;
    } else if (used < sizeof line) {
      line[used++] = (char)c;
    } else {
      overlong = true;
    }
  }
  if (tail && overlong)
    k->bad++;
  else if (tail && used)
    keylog_add_line(k, line, used);
  return ferror(fp) ? -1 : 0;
}

int keylog_load_file(keylog *k, const char *path, char *err, size_t errcap) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    snprintf(err, errcap, "cannot open key log %s: %s", path, strerror(errno));
    return -1;
  }
  uint64_t whole = 0;
  int rc = read_lines(k, fp, true, &whole);
  fclose(fp);
  if (rc != 0) {
    snprintf(err, errcap, "error reading key log %s", path);
    return -1;
  }
  keylog_source *ns = realloc(k->sources, (k->nsources + 1) * sizeof *ns);
  char *copy = strdup(path);
  if (ns) k->sources = ns;
  if (!ns || !copy) {
    free(copy);
    return 0; /* read, but not followed */
  }
  k->sources[k->nsources++] = (keylog_source){copy, whole};
  return 0;
}

void keylog_follow(keylog *k, bool on) {
  k->follow = on;
}

bool keylog_refresh(keylog *k) {
  if (!k->follow) return false;
  size_t before = k->count + k->dropped;
  for (size_t i = 0; i < k->nsources; i++) {
    keylog_source *src = &k->sources[i];
    struct stat st;
    if (stat(src->path, &st) != 0 || (uint64_t)st.st_size == src->offset) continue;
    if ((uint64_t)st.st_size < src->offset) src->offset = 0; /* truncated: read it again */
    FILE *fp = fopen(src->path, "rb");
    if (!fp) continue;
    uint64_t whole = 0;
    if (fseeko(fp, (off_t)src->offset, SEEK_SET) == 0 && read_lines(k, fp, false, &whole) == 0)
      src->offset += whole;
    fclose(fp);
  }
  return k->count + k->dropped != before;
}

/* Sort key: label, random, then insertion order so the last added entry of a
 * key is the rightmost one. */
static int entry_cmp(const void *a, const void *b) {
  const keylog_entry *x = a, *y = b;
  if (x->label != y->label) return x->label < y->label ? -1 : 1;
  int c = memcmp(x->client_random, y->client_random, KEYLOG_RANDOM_LEN);
  if (c) return c;
  return x->order < y->order ? -1 : (x->order > y->order ? 1 : 0);
}

static void sort_entries(keylog *k) {
  if (k->count > 1) qsort(k->entries, k->count, sizeof *k->entries, entry_cmp);
  k->sorted = true;
}

const uint8_t *keylog_find(keylog *k, keylog_label label,
                           const uint8_t client_random[KEYLOG_RANDOM_LEN], size_t *len) {
  if (!k->sorted) sort_entries(k);
  size_t lo = 0, hi = k->count;
  const keylog_entry *hit = NULL;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const keylog_entry *e = &k->entries[mid];
    int c = e->label != label ? (e->label < label ? -1 : 1)
                              : memcmp(e->client_random, client_random, KEYLOG_RANDOM_LEN);
    if (c == 0) hit = e;
    if (c <= 0)
      lo = mid + 1; /* keep going right: the last equal entry */
    else
      hi = mid;
  }
  if (!hit) return NULL;
  *len = hit->secret_len;
  return hit->secret;
}
