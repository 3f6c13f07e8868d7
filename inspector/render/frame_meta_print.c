/* frame_meta_print.c — what every line of read's output starts and ends
 * with (frame_meta_print.h): the JSON context keys and packet numbers, the
 * text prefix, and bytes escaped for a terminal. Shared by the frame, event,
 * extension, gRPC and windows printers. */
#include "frame_meta_print.h"

#include <stdio.h>
#include <string.h>

#include "flow_events.h"
#include "json_write.h"
#include "plain_copy.h"

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define C_RESET "\x1b[0m"

static void json_meta_cached(out_buf *o, const print_options *po, const frame_meta *m);

static void json_meta_render(out_buf *o, const print_options *po, const frame_meta *m) {
  out_puts(o, ",\"conn\":");
  out_u64(o, m->conn);
  out_puts(o, ",\"ts\":");
  out_fixed(o, m->ts, po->ts_decimals ? po->ts_decimals : 6);
  json_key(o, "src", 0);
  json_cstr(o, m->src ? m->src : "");
  json_key(o, "dst", 0);
  json_cstr(o, m->dst ? m->dst : "");
  out_puts(o, m->dir == FLOW_DIR_S2C ? ",\"dir\":\"s2c\"" : ",\"dir\":\"c2s\"");
}

/* "pkt":N, or "pkt":[first,last] when several packets carried it; "file":K
 * when several files are read. */
static void json_pkt(out_buf *o, const frame_meta *m) {
  if (m->pkt_last) {
    out_puts(o, ",\"pkt\":");
    if (m->pkt_first && m->pkt_first != m->pkt_last) {
      out_putc(o, '[');
      out_u64(o, m->pkt_first);
      out_putc(o, ',');
      out_u64(o, m->pkt_last);
      out_putc(o, ']');
    } else {
      out_u64(o, m->pkt_last);
    }
  }
  if (m->file) {
    out_puts(o, ",\"file\":");
    out_u64(o, m->file);
  }
}

/* The capture context is the same for every frame of a segment: rendered
 * once into the buffer's memo, keyed by everything it is made of (the
 * endpoint texts by content), and copied for the frames after. */
void json_meta(out_buf *o, const print_options *po, const frame_meta *m) {
  out_puts(o, "{\"v\":1");
  if (!m) return;
  json_meta_cached(o, po, m);
}

void json_meta_end(out_buf *o, const frame_meta *m) {
  if (m) json_pkt(o, m);
  out_puts(o, "}\n");
}

static void json_meta_cached(out_buf *o, const print_options *po, const frame_meta *m) {
  struct {
    char tag[4];
    uint32_t conn;
    int32_t dir, decimals;
    double ts;
  } head = {{'m', 'e', 't', 'a'}, m->conn, m->dir, po->ts_decimals, m->ts};
  const char *src = m->src ? m->src : "", *dst = m->dst ? m->dst : "";
  size_t sn = strlen(src) + 1, dn = strlen(dst) + 1; /* with the NULs: "a","bc" ≠ "ab","c" */
  unsigned char key[OUT_MEMO_KEY];
  size_t kn = 0;
  if (sizeof head + sn + dn <= sizeof key) {
    memcpy(key, &head, sizeof head);
    memcpy(key + sizeof head, src, sn);
    memcpy(key + sizeof head + sn, dst, dn);
    kn = sizeof head + sn + dn;
    if (out_memo_repeat(o, OUT_MEMO_META, key, kn)) return;
  }
  uint64_t begin = out_memo_begin(o);
  json_meta_render(o, po, m);
  out_memo_end(o, OUT_MEMO_META, begin, key, kn);
}

/* The words for a field-block error: a list past the decoder's limit names
 * that limit (h2scope's own, not a peer's) and the size the block decodes
 * to; the receiver's SETTINGS_MAX_HEADER_LIST_SIZE only when it advertised
 * one (RFC 9113 §6.5.2: without it the list size is unlimited). */
void text_prefix(out_buf *o, const print_options *po, const frame_meta *m) {
  if (!m) return;
  out_putc(o, '#');
  out_u64(o, m->conn);
  out_putc(o, ' ');
  out_fixed(o, m->ts, po->ts_decimals ? po->ts_decimals : 6);
  out_putc(o, ' ');
  if (m->pkt_last) { /* the packet(s): "#12" or "#12-14", "#2:12" in the second file */
    out_putc(o, '#');
    if (m->file) {
      out_u64(o, m->file);
      out_putc(o, ':');
    }
    if (m->pkt_first && m->pkt_first != m->pkt_last) {
      out_u64(o, m->pkt_first);
      out_putc(o, '-');
    }
    out_u64(o, m->pkt_last);
    out_putc(o, ' ');
  }
  out_puts(o, m->src ? m->src : "?");
  out_puts(o, " -> ");
  out_puts(o, m->dst ? m->dst : "?");
  out_putc(o, ' ');
}

/* Printable ASCII as is, everything else \xNN: a terminal never gets raw
 * bytes. The byte-wise way, for strings with bytes to escape or that do not
 * fit in the buffer (whole plain words skipped). */
static NOINLINE void text_escaped_slow(out_buf *o, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0;
  for (size_t i = 0; i < n;) {
    uint8_t c = (uint8_t)s[i];
    if (n - i >= 8 && plain_word(plain_load64((const uint8_t *)s + i), '\\')) {
      i += 8;
      continue;
    }
    i++;
    if (c >= 0x20 && c < 0x7f && c != '\\') continue;
    out_write(o, s + run, i - 1 - run);
    char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
    out_write(o, esc, 4);
    run = i;
  }
  out_write(o, s + run, n - run);
}

void text_escaped(out_buf *o, const char *s, size_t n) {
  if (n == 0) return; /* also covers s == NULL */
  /* The common case: every byte plain (plain_copy.h, '\\' the only
   * printable byte escaped) and room in the buffer: copied while checked. */
  if (n <= o->cap - o->len && plain_copy(o->data + o->len, (const uint8_t *)s, n, '\\')) {
    o->len += n;
    return;
  }
  text_escaped_slow(o, s, n);
}
