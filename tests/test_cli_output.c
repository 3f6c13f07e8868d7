/* test_cli_output.c — the inspector's output pieces: JSON string escaping
 * (every byte class, invalid UTF-8 → \u00XX), hex reading, number
 * formatting (escaping also exhaustively against a reference over short
 * strings and at every position of longer ones, numbers of every width
 * against printf, writes that straddle a flush, out_writev's pieces in order
 * after what was buffered, to a file, to a spill, and failing), rendering into
 * windows another part owns (the same bytes; a refused window fails the
 * buffer), and the stream decoder's
 * independence from chunking (every sample decoded whole and one byte at a time prints the same
 * JSON). */
#include <check.h>

#include "run_suite.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "frame_print.h"
#include "hex_read.h"
#include "json_write.h"
#include "out_buf.h"
#include "stream_decoder.h"
#include "summary.h"
#include "vectors.h"

/* Renders into a temporary file and returns its text (caller frees). */
static out_buf out;
static FILE *sink;
static void begin(void) {
  sink = tmpfile();
  ck_assert_ptr_nonnull(sink);
  out_init(&out, fileno(sink));
}
static char *end(void) {
  out_flush(&out);
  off_t n = lseek(fileno(sink), 0, SEEK_END);
  char *s = malloc((size_t)n + 1);
  ck_assert_int_eq(pread(fileno(sink), s, (size_t)n, 0), n);
  s[n] = '\0';
  fclose(sink);
  return s;
}

static void expect_json(const char *in, size_t n, const char *want) {
  begin();
  json_str(&out, in, n);
  char *got = end();
  ck_assert_str_eq(got, want);
  free(got);
}

START_TEST(json_escaping) {
  expect_json("plain", 5, "\"plain\"");
  expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
  expect_json("\n\r\t\x01\x1f\x7f", 6, "\"\\n\\r\\t\\u0001\\u001f\\u007f\"");
  expect_json("\0x", 2, "\"\\u0000x\"");
  expect_json("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");                       /* valid 2-byte */
  expect_json("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");                     /* valid 3-byte (euro) */
  expect_json("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");             /* valid 4-byte */
  expect_json("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");                       /* overlong '/' */
  expect_json("\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"");            /* overlong 3-byte */
  expect_json("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");            /* surrogate D800 */
  expect_json("\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\""); /* > U+10FFFF */
  expect_json("\xc3", 1, "\"\\u00c3\"");                                  /* truncated */
  expect_json("\x80x", 2, "\"\\u0080x\"");                                /* stray continuation */
  expect_json("\xff\xfe", 2, "\"\\u00ff\\u00fe\"");
}
END_TEST

/* Reference for the writer: the length of a valid UTF-8 sequence at s,
 * computed from the code point (RFC 3629 §3/§4: shortest form, no
 * surrogates, at most U+10FFFF) rather than from lead-byte special cases. */
static size_t ref_utf8_len(const uint8_t *s, size_t n) {
  size_t len;
  uint32_t cp, min;
  if (s[0] < 0x80) return 1;
  if ((s[0] & 0xe0) == 0xc0)
    len = 2, cp = s[0] & 0x1fu, min = 0x80;
  else if ((s[0] & 0xf0) == 0xe0)
    len = 3, cp = s[0] & 0x0fu, min = 0x800;
  else if ((s[0] & 0xf8) == 0xf0)
    len = 4, cp = s[0] & 0x07u, min = 0x10000;
  else
    return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

/* Reference escaping of one byte that is not part of a valid sequence. */
static size_t ref_escape(uint8_t c, char *o) {
  if (c == '"' || c == '\\') return (size_t)sprintf(o, "\\%c", c);
  if (c == '\n') return (size_t)sprintf(o, "\\n");
  if (c == '\r') return (size_t)sprintf(o, "\\r");
  if (c == '\t') return (size_t)sprintf(o, "\\t");
  if (c >= 0x20 && c < 0x7f) return (size_t)sprintf(o, "%c", c);
  return (size_t)sprintf(o, "\\u00%02x", c);
}

static size_t ref_json(const uint8_t *s, size_t n, char *o) {
  size_t k = 0;
  o[k++] = '"';
  for (size_t i = 0; i < n;) {
    size_t v = s[i] >= 0x80 ? ref_utf8_len(s + i, n - i) : 0;
    if (v) {
      memcpy(o + k, s + i, v);
      k += v;
      i += v;
    } else {
      k += ref_escape(s[i++], o + k);
    }
  }
  o[k++] = '"';
  return k;
}

static void check_against_ref(const uint8_t *in, size_t n) {
  char want[512];
  size_t want_len = ref_json(in, n, want);
  out.len = 0;
  json_str(&out, (const char *)in, n);
  ck_assert_msg(out.len == want_len && memcmp(out.data, want, want_len) == 0,
                "json_str of %zu bytes %02x %02x %02x %02x differs from the reference", n, in[0],
                n > 1 ? in[1] : 0, n > 2 ? in[2] : 0, n > 3 ? in[3] : 0);
}

/* Every 1- and 2-byte string, every 3-byte string with a 3-byte lead, and
 * every 4-byte lead with all second bytes (the byte that decides overlong /
 * out of range) against the reference. */
START_TEST(json_escaping_exhaustive) {
  out_init(&out, -1);
  uint8_t b[4];
  for (unsigned x = 0; x < 256; x++) {
    b[0] = (uint8_t)x;
    check_against_ref(b, 1);
    for (unsigned y = 0; y < 256; y++) {
      b[1] = (uint8_t)y;
      check_against_ref(b, 2);
    }
  }
  for (unsigned x = 0xe0; x <= 0xef; x++)
    for (unsigned y = 0; y < 256; y++)
      for (unsigned z = 0; z < 256; z++) {
        b[0] = (uint8_t)x, b[1] = (uint8_t)y, b[2] = (uint8_t)z;
        check_against_ref(b, 3);
      }
  static const uint8_t tails[] = {0x00, 0x41, 0x80, 0x9f, 0xbf, 0xc0, 0xff};
  for (unsigned x = 0xf0; x < 0x100; x++)
    for (unsigned y = 0; y < 256; y++)
      for (size_t t = 0; t < sizeof tails; t++) {
        b[0] = (uint8_t)x, b[1] = (uint8_t)y, b[2] = 0x80, b[3] = tails[t];
        check_against_ref(b, 4);
        b[2] = tails[t], b[3] = 0xbf;
        check_against_ref(b, 4);
      }
}
END_TEST

/* The writer checks and copies whole words (16 and 8 bytes, the last one
 * overlapping, two halves under 8, three bytes under 4): one byte of every
 * class at every position of plain strings of every length up to 48, and
 * two such bytes, so no word, half or tail position goes unchecked. */
START_TEST(json_escaping_every_position) {
  out_init(&out, -1);
  static const uint8_t odd[] = {0x00, 0x09, 0x0a, 0x1f, '"', '\\', 0x7f, 0x80, 0xbf, 0xc3, 0xff};
  uint8_t b[48];
  for (size_t n = 1; n <= sizeof b; n++) {
    memset(b, 'x', n);
    check_against_ref(b, n);
    for (size_t at = 0; at < n; at++)
      for (size_t k = 0; k < sizeof odd; k++) {
        memset(b, ' ' + (int)(at % 90), n); /* fillers 0x20..0x79 ('"' and '\\' among them) */
        b[at] = odd[k];
        check_against_ref(b, n);
        b[n - 1 - at] = odd[sizeof odd - 1 - k];
        check_against_ref(b, n);
      }
  }
  /* A valid 2-byte sequence (é) straddling every word boundary. */
  for (size_t n = 2; n <= sizeof b; n++)
    for (size_t at = 0; at + 1 < n; at++) {
      memset(b, 'y', n);
      b[at] = 0xc3, b[at + 1] = 0xa9;
      check_against_ref(b, n);
    }
}
END_TEST

/* json_str_pair (a header field, ["name","value"]) writes what the two
 * strings written one by one would, at every pair of lengths up to 40, with
 * plain bytes or a byte to escape in either string, and near a full buffer. */
START_TEST(json_pairs_match_single_strings) {
  static const char fill[] = "accept-encoding: gzip, deflate, br; q=0.9";
  static const char odd[] = {'x', '"', '\x80'};
  char a[48], b[48], want[512];
  for (size_t an = 0; an <= 40; an++)
    for (size_t bn = 0; bn <= 40; bn++)
      for (size_t k = 0; k < 3 * 3; k++) {
        memcpy(a, fill, an);
        memcpy(b, fill + 1, bn);
        if (an) a[an / 2] = odd[k % 3];
        if (bn) b[bn - 1] = odd[k / 3];
        size_t wn = 0;
        want[wn++] = '[';
        wn += ref_json((const uint8_t *)a, an, want + wn);
        want[wn++] = ',';
        wn += ref_json((const uint8_t *)b, bn, want + wn);
        want[wn++] = ']';
        out_init(&out, -1);
        json_str_pair(&out, a, an, b, bn);
        ck_assert_msg(out.len == wn && memcmp(out.data, want, wn) == 0,
                      "pair of %zu and %zu bytes (case %zu) differs", an, bn, k);
      }
  for (size_t left = 0; left < 40; left++) {
    begin();
    memset(out.data, '.', OUT_BUF_SIZE - left);
    out.len = OUT_BUF_SIZE - left;
    json_str_pair(&out, "user-agent", 10, "curl/8.5.0", 10);
    char *got = end();
    ck_assert_str_eq(got + OUT_BUF_SIZE - left, "[\"user-agent\",\"curl/8.5.0\"]");
    free(got);
  }
}
END_TEST

/* Strings and numbers that do not fit in what is left of the buffer take
 * the other path (through a flush); the bytes written are the same. */
START_TEST(writes_across_a_flush) {
  static const char *const strs[] = {"plain-value", "with \"quote\"", "x"};
  for (size_t s = 0; s < sizeof strs / sizeof *strs; s++)
    for (size_t left = 0; left < 24; left++) {
      begin();
      memset(out.data, '.', OUT_BUF_SIZE - left);
      out.len = OUT_BUF_SIZE - left;
      json_cstr(&out, strs[s]);
      out_u64(&out, 12345678901234567890u);
      out_fixed(&out, 1732521600.000042, 6);
      char *got = end();
      char want[128];
      size_t k = ref_json((const uint8_t *)strs[s], strlen(strs[s]), want);
      snprintf(want + k, sizeof want - k, "%s", "123456789012345678901732521600.000042");
      ck_assert_uint_eq(strlen(got), OUT_BUF_SIZE - left + strlen(want));
      ck_assert_str_eq(got + OUT_BUF_SIZE - left, want);
      free(got);
    }
}
END_TEST

/* More pieces than one writev takes (OUT_IOV_MAX), empty ones among them,
 * after bytes still in the buffer: the output is the concatenation. */
enum { WRITEV_PIECES = 3 * OUT_IOV_MAX + 7 };
static size_t writev_pieces(struct iovec *v, char *text, char *want) {
  size_t w = 0, t = 0;
  for (int i = 0; i < WRITEV_PIECES; i++) {
    size_t n = (size_t)(i % 5 == 3 ? 0 : 1 + i % 11);
    for (size_t k = 0; k < n; k++)
      text[t + k] = (char)('a' + (i + k) % 26);
    v[i] = (struct iovec){.iov_base = text + t, .iov_len = n};
    memcpy(want + w, text + t, n);
    w += n;
    t += n;
  }
  want[w] = '\0';
  return w;
}

static bool collect(void *ctx, const char *p, size_t n) {
  FILE *f = ctx;
  return fwrite(p, 1, n, f) == n;
}

START_TEST(writev_keeps_order) {
  static struct iovec v[WRITEV_PIECES];
  static char text[WRITEV_PIECES * 12], want[WRITEV_PIECES * 12 + 16];
  size_t n = writev_pieces(v, text, want + 5);
  memcpy(want, "head:", 5);
  strcat(want, ":tail");
  for (int spill = 0; spill < 2; spill++) {
    begin();
    if (spill) {
      out.spill = collect;
      out.spill_ctx = sink;
    }
    out_puts(&out, "head:");
    ck_assert(out_writev(&out, v, WRITEV_PIECES));
    ck_assert_uint_eq(out.pushed, 5 + n);
    ck_assert_uint_eq(out.len, 0);
    out_puts(&out, ":tail");
    out_flush(&out);
    if (spill) fflush(sink);
    char *got = end();
    ck_assert_str_eq(got, want);
    free(got);
  }
  /* A write that fails is remembered, as out_flush's. */
  out_buf *bad = malloc(sizeof *bad);
  ck_assert_ptr_nonnull(bad);
  out_init(bad, -1);
  ck_assert(!out_writev(bad, v, 3));
  ck_assert(bad->failed);
  ck_assert(!out_flush(bad));
  free(bad);
}
END_TEST

/* Every digit count of out_u64 (10^k - 1 and 10^k) and out_fixed's padding
 * of small fractions, against printf. */
START_TEST(number_widths) {
  char want[64], *got;
  uint64_t p = 1;
  for (int k = 0; k < 20; k++, p *= 10) {
    uint64_t vals[] = {p - 1, p, p + 7, p * 3 + 1};
    for (size_t i = 0; i < 4; i++) {
      if (vals[i] < p - 1) continue; /* 3p wrapped past 2^64 */
      begin();
      out_u64(&out, vals[i]);
      got = end();
      snprintf(want, sizeof want, "%llu", (unsigned long long)vals[i]);
      ck_assert_str_eq(got, want);
      free(got);
    }
  }
  /* Fractions exact in binary, so printf's rounding and ours agree. */
  static const double fixed[] = {0.0, 0.5, 7.25, 1732521600.125, 0.0001220703125, 99.0625};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    for (int dec = 0; dec <= 9; dec++) {
      double t = fixed[i];
      for (int k = 0; k < dec; k++)
        t *= 10;
      if (t - (double)(uint64_t)t == 0.5) continue; /* a tie: printf rounds to even, we up */
      begin();
      out_fixed(&out, fixed[i], dec);
      got = end();
      snprintf(want, sizeof want, "%.*f", dec, fixed[i]);
      ck_assert_msg(strcmp(got, want) == 0, "out_fixed(%.17g, %d) = %s, printf %s", fixed[i], dec,
                    got, want);
      free(got);
    }
}
END_TEST

static const print_options memo_opts = {.json = true};

/* One frame (or, d NULL, an event) alone, into a buffer whose memos are empty. */
static size_t render_fresh(const frame_meta *m, const decoded_frame *d, char *dst) {
  out_buf *fresh = malloc(sizeof *fresh);
  ck_assert_ptr_nonnull(fresh);
  out_init(fresh, -1);
  if (d)
    frame_print(fresh, &memo_opts, m, d);
  else
    event_print(fresh, &memo_opts, m, "gap", 7, "lost", NULL);
  size_t n = fresh->len;
  memcpy(dst, fresh->data, n);
  free(fresh);
  return n;
}

/* frame_print repeats the JSON capture context and flag names from the
 * buffer's memos while their inputs are unchanged. A sequence that changes
 * one input at a time — connection, time, direction, an endpoint's text in
 * the same storage (the key holds the text, not the pointer), frame type and
 * flags, an event in between — must print what each frame prints alone,
 * also when the first one straddles a flush (nothing may be kept from it). */
START_TEST(memoized_context_follows_its_inputs) {
  for (int straddle = 0; straddle < 2; straddle++) {
    char src[32] = "10.0.0.1:443", dst[32] = "10.0.0.2:5000";
    frame_meta m = {.conn = 1, .ts = 1.5, .src = src, .dst = dst, .dir = 0};
    decoded_frame d = {.offset = 9};
    d.frame.hd = (h2_frame_header){.length = 0, .type = H2_SETTINGS, .flags = H2_FLAG_ACK};
    static char want[1 << 14];
    size_t wn = 0, pad = straddle ? OUT_BUF_SIZE - 40 : 0;
    begin();
    memset(out.data, '.', pad);
    out.len = pad;
    for (int step = 0; step < 12; step++) {
      switch (step) {
      case 2:
        m.conn = 2;
        break;
      case 3:
        m.ts = 2.25;
        break;
      case 4:
        m.dir = 1;
        break;
      case 5:
        src[1] = '1';
        break;
      case 6:
        snprintf(dst, sizeof dst, "10.0.0.2:5");
        break;
      case 7:
        d.frame.hd.type = H2_PING;
        break;
      case 8:
        d.frame.hd.flags = 0;
        break;
      case 9:
        m.src = NULL;
        break;
      default:
        break;
      }
      const decoded_frame *dp = step == 10 ? NULL : &d;
      if (dp)
        frame_print(&out, &memo_opts, &m, dp);
      else
        event_print(&out, &memo_opts, &m, "gap", 7, "lost", NULL);
      wn += render_fresh(&m, dp, want + wn);
    }
    want[wn] = '\0';
    char *got = end();
    ck_assert_uint_eq(strlen(got), pad + wn);
    ck_assert_str_eq(got + pad, want);
    free(got);
  }
}
END_TEST

START_TEST(numbers_and_hex) {
  begin();
  out_u64(&out, 0);
  out_putc(&out, ' ');
  out_u64(&out, UINT64_MAX);
  out_putc(&out, ' ');
  out_i64(&out, -42);
  out_putc(&out, ' ');
  out_fixed(&out, 1.5, 6);
  out_putc(&out, ' ');
  out_fixed(&out, 1732521600.25, 6);
  out_putc(&out, ' ');
  out_hex_u32(&out, 0x2d);
  out_putc(&out, ' ');
  out_u64_pad(&out, 7, 4);
  char *got = end();
  ck_assert_str_eq(got, "0 18446744073709551615 -42 1.500000 1732521600.250000 0x2d    7");
  free(got);
  uint8_t bin[8];
  size_t bad = 0;
  ck_assert_int_eq(hex_decode("0a 1B\n ff", 9, bin, sizeof bin, &bad), 3);
  ck_assert_mem_eq(bin, "\x0a\x1b\xff", 3);
  ck_assert_int_eq(hex_decode("0a1", 3, bin, sizeof bin, &bad), -1);
  ck_assert_uint_eq(bad, 3);
  ck_assert_int_eq(hex_decode("0g", 2, bin, sizeof bin, &bad), -1);
  ck_assert_uint_eq(bad, 1);
  ck_assert_int_eq(hex_decode("000000", 6, bin, 2, &bad), -2);
  /* '#' comments run to the end of the line, hex-looking words included. */
  static const char commented[] = "# deadbeef\n0a # be ef\n\t0B#cafe";
  ck_assert_int_eq(hex_decode(commented, strlen(commented), bin, sizeof bin, &bad), 2);
  ck_assert_mem_eq(bin, "\x0a\x0b", 2);
  ck_assert_int_eq(hex_decode("# only\n", 7, bin, sizeof bin, &bad), 0);
  ck_assert_int_eq(hex_decode("0a #x\n z", 8, bin, sizeof bin, &bad), -1);
  ck_assert_uint_eq(bad, 7);

  /* Streaming: digits, comments and errors split across feeds. */
  hex_reader h;
  hex_reader_init(&h);
  uint64_t at = 0;
  static const char *const parts[] = {"0", "a#c", "omment 12", "\n", "b", "c  d", "e"};
  uint8_t dec[8];
  size_t total = 0;
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
    long k = hex_reader_feed(&h, parts[i], strlen(parts[i]), dec + total, &at);
    ck_assert_int_ge(k, 0);
    total += (size_t)k;
    ck_assert(hex_reader_complete(&h) == (i != 0 && i != 4 && i != 5));
  }
  ck_assert_uint_eq(total, 3);
  ck_assert_mem_eq(dec, "\x0a\xbc\xde", 3);
  ck_assert_int_eq(hex_reader_feed(&h, "00", 2, dec, &at), 1);
  ck_assert_int_eq(hex_reader_feed(&h, " 0x", 3, dec, &at), -1);
  ck_assert_uint_eq(at, 24); /* 22 characters before this feed, then " 0" */
}
END_TEST

static print_options json_opts = {.json = true};
static void on_frame(void *user, decoded_frame *d) {
  frame_print(user, &json_opts, NULL, d);
}
static void on_event(void *user, const char *ev, uint64_t off, const char *msg) {
  event_print(user, &json_opts, NULL, ev, off, msg, NULL);
}

static char *decode_chunked(const uint8_t *data, size_t len, size_t chunk) {
  begin();
  stream_decoder_config cfg = {0};
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = &out};
  stream_decoder *sd = stream_decoder_new(&cfg, &cb);
  ck_assert_ptr_nonnull(sd);
  for (size_t i = 0; i < len; i += chunk)
    stream_decoder_feed(sd, data + i, len - i < chunk ? len - i : chunk);
  stream_decoder_finish(sd);
  stream_decoder_free(sd);
  return end();
}

START_TEST(chunking_does_not_matter) {
  const char *dir = H2_SOURCE_DIR "/corpus/samples";
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  struct dirent *e;
  int files = 0;
  while ((e = readdir(d)) != NULL) {
    if (!strstr(e->d_name, ".bin")) continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len;
    uint8_t *data = (uint8_t *)vectors_read_file(path, &len);
    ck_assert_ptr_nonnull(data);
    char *whole = decode_chunked(data, len, len ? len : 1);
    static const size_t chunks[] = {1, 2, 7, 9, 100};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
      char *part = decode_chunked(data, len, chunks[c]);
      ck_assert_msg(strcmp(whole, part) == 0, "%s differs with %zu-byte chunks", e->d_name,
                    chunks[c]);
      free(part);
    }
    /* Every prefix decodes without crashing and reports truncation. */
    for (size_t cut = 0; cut < len && cut < 400; cut += 3)
      free(decode_chunked(data, cut, 5));
    free(whole);
    free(data);
    files++;
  }
  closedir(d);
  ck_assert_int_ge(files, 10);
}

/* The summary is made of what read hands up at a close (conn_facts.h) and
 * what the capture says of itself (summary_capture): no decoder state. */
START_TEST(summary_from_handed_data) {
  conn_totals c;
  memset(&c, 0, sizeof c);
  c.conn = 7;
  snprintf(c.client, sizeof c.client, "10.0.0.2:5555");
  snprintf(c.server, sizeof c.server, "10.0.0.1:40000");
  c.first_ts = 10.0;
  c.last_ts = 10.25;
  c.h2 = true;
  c.bytes[0] = 33;
  c.bytes[1] = 9;
  c.frames[0] = 2;
  c.frames[1] = 1;
  c.by_type[4] = 3; /* SETTINGS */
  c.streams = 1;
  c.gaps = 1;
  c.close_reason = "fin";
  summary_table t;
  summary_init(&t);
  uint32_t by_id[H2_OBSERVER_RULE_MAX + 1] = {0};
  summary_lint lint = {.counts = {1, 0, 2}, .by_id = by_id};
  summary_add(&t, &c, &lint);
  c.conn = 3; /* closed later, listed first */
  c.h2 = false;
  summary_add(&t, &c, NULL);
  summary_capture sc = {.packets = 12, .gaps = 1, .gap_bytes = 100, .files = 1};
  begin();
  summary_print(&t, &out, false, &sc);
  char *text = end();
  ck_assert_ptr_nonnull(strstr(text, "\n   3  10.0.0.2:5555 -> 10.0.0.1:40000"));
  ck_assert_ptr_nonnull(
      strstr(text, "\n   7  10.0.0.2:5555 -> 10.0.0.1:40000                 0.250s  "
                   "preface         1        2/1               33/9              0    1  "
                   "SETTINGS=3  lint fail"));
  ck_assert(strstr(text, "\n   3 ") < strstr(text, "\n   7 ")); /* connection order */
  ck_assert_ptr_nonnull(strstr(text, "lint fail (1 errors, 0 warnings, 2 info)"));
  ck_assert_ptr_nonnull(strstr(text, "total: 12 packets, 2 connections (1 HTTP/2), 6 frames"));
  ck_assert_ptr_nonnull(strstr(text, "capture loss: 1 gaps (100 bytes), 0 resyncs"));
  ck_assert_ptr_nonnull(strstr(text, "frames by type: SETTINGS=6"));
  free(text);
  begin();
  summary_print(&t, &out, true, &sc);
  text = end();
  ck_assert_ptr_nonnull(strstr(text, "{\"v\":1,\"summary\":\"connection\",\"conn\":7,"
                                     "\"client\":\"10.0.0.2:5555\",\"server\":\"10.0.0.1:40000\""));
  ck_assert_ptr_nonnull(strstr(text, "\"packets\":12,\"connections\":2,\"http2_connections\":1"));
  free(text);
  summary_free(&t);
}
END_TEST
END_TEST

/* A window owner (out_buf.h): what is rendered stays where it was
 * written, in windows of 1 to 37 bytes one after the other, until `limit`. */
typedef struct windows {
  char *buf;
  size_t used, turns, limit;
} windows;

static bool next_win(void *ctx, out_buf *o) {
  windows *w = ctx;
  ck_assert_ptr_eq(o->data, w->buf + w->used); /* the bytes are already in place */
  w->used += o->len;
  size_t n = 1 + w->turns++ % 37;
  if (w->used + n > w->limit) return false;
  o->data = w->buf + w->used;
  o->cap = n;
  return true;
}

/* Decodes data as JSON frames, then three pieces with out_writev, into o. */
static void render_into(out_buf *o, const uint8_t *data, size_t len) {
  stream_decoder_config cfg = {0};
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = o};
  stream_decoder *sd = stream_decoder_new(&cfg, &cb);
  ck_assert_ptr_nonnull(sd);
  stream_decoder_feed(sd, data, len);
  stream_decoder_finish(sd);
  stream_decoder_free(sd);
  struct iovec v[3] = {
      {.iov_base = "end:", .iov_len = 4},
      {.iov_base = "", .iov_len = 0},
      {.iov_base = "0123456789abcdefghijklmnopqrstuvwxyz-0123456789", .iov_len = 47}};
  ck_assert(out_writev(o, v, 3) || o->failed);
}

/* Rendering straight into windows another part owns (read -j's batch
 * buffers) writes what a buffer flushed to a file writes, with every
 * number, string and memo split at every kind of window edge; a window
 * that is not given fails the buffer, and what came before stays. */
START_TEST(windows_hold_the_same_bytes) {
  size_t len;
  uint8_t *data =
      (uint8_t *)vectors_read_file(H2_SOURCE_DIR "/corpus/samples/multi-server.bin", &len);
  ck_assert_ptr_nonnull(data);
  begin();
  render_into(&out, data, len);
  char *want = end();
  size_t wn = strlen(want);
  ck_assert_uint_gt(wn, 200);
  windows w = {.buf = malloc(wn + 64), .limit = wn + 64};
  ck_assert_ptr_nonnull(w.buf);
  out_buf *o = malloc(sizeof *o);
  ck_assert_ptr_nonnull(o);
  for (int fail = 0; fail < 2; fail++) {
    w.used = w.turns = 0;
    w.limit = fail ? wn / 2 : wn + 64;
    out_init(o, -1);
    o->window = next_win;
    o->window_ctx = &w;
    o->data = w.buf;
    o->cap = 5;
    render_into(o, data, len);
    ck_assert(out_flush(o) == !fail);
    ck_assert(o->failed == fail);
    if (fail) {
      ck_assert_ptr_eq(o->data, o->own); /* discarded from then on */
      ck_assert_uint_le(w.used, wn / 2);
      ck_assert_uint_gt(w.used, 0);
    } else {
      ck_assert_uint_eq(w.used, wn);
      ck_assert_uint_eq(o->pushed, wn);
    }
    ck_assert(memcmp(w.buf, want, w.used) == 0);
  }
  free(o);
  free(w.buf);
  free(want);
  free(data);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cli_output");
  TCase *t = tcase_create("output");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, summary_from_handed_data);
  tcase_add_test(t, json_escaping);
  tcase_add_test(t, json_escaping_exhaustive);
  tcase_add_test(t, json_escaping_every_position);
  tcase_add_test(t, writes_across_a_flush);
  tcase_add_test(t, writev_keeps_order);
  tcase_add_test(t, json_pairs_match_single_strings);
  tcase_add_test(t, number_widths);
  tcase_add_test(t, memoized_context_follows_its_inputs);
  tcase_add_test(t, numbers_and_hex);
  tcase_add_test(t, chunking_does_not_matter);
  tcase_add_test(t, windows_hold_the_same_bytes);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
