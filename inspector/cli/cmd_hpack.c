/* cmd_hpack.c — `h2scope hpack decode|encode`: HPACK header blocks as hex
 * lines to JSON header lists and back, sharing one dynamic table across the
 * lines of a run (one connection direction), and hpack-test-case stories. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "h2/buf.h"
#include "h2/hpack.h"
#include "hex_read.h"
#include "json_read.h"
#include "json_write.h"
#include "out_buf.h"

static const char usage[] =
    "usage: h2scope hpack decode [--table-size SIZE] [--max-header-list SIZE]\n"
    "       h2scope hpack encode [--table-size SIZE] [--no-huffman] [--story FILE|-]\n"
    "\n"
    "decode: reads one header block per line of hex from stdin (whitespace allowed,\n"
    "  '#' starts a comment, blank lines skipped); all lines share one dynamic\n"
    "  table. Prints one JSON line per block:\n"
    "  {\"v\":1,\"headers\":[[\"name\",\"value\"],...]} or\n"
    "  {\"v\":1,\"error\":\"...\",\"offset\":N,\"code\":\"...\",\"section\":\"...\"}.\n"
    "encode: reads one JSON header list per line ([[\"name\",\"value\"],...], the decode\n"
    "  output {\"headers\":[...]}, or [{\"name\":\"value\"},...]) and prints one hex block\n"
    "  per line. --story reads an hpack-test-case story and writes it back with\n"
    "  h2scope's wire encoding.\n"
    "\n"
    "  --table-size SIZE       SETTINGS_HEADER_TABLE_SIZE (default 4096)\n"
    "  --max-header-list SIZE  decode: header list limit (default 256k)\n"
    "  --no-huffman            encode: never Huffman-code strings\n"
    "  --story FILE            encode: an hpack-test-case story (- for stdin)\n"
    "  -h, --help              this help\n"
    "\n"
    "SIZE takes k, M or G (1024-based).\n"
    "\n"
    "Exit status: 0 every block decoded/encoded, 1 a block failed, 2 usage error\n"
    "(a capture file on stdin), 3 the input cannot be read.\n";

/* ---- decode ---- */

/* The largest block one hex line may hold (a field block is far smaller). */
#define HPACK_LINE_MAX (64u << 20)

static int hpack_decode(out_buf *out, uint32_t table_size, uint32_t max_list) {
  h2_hpack_decoder_config cfg = {.max_header_list_size = max_list, .max_string_len = max_list};
  h2_hpack_decoder dec;
  if (h2_hpack_decoder_init(&dec, &cfg) != H2_OK) return EXIT_INPUT;
  if (table_size != H2_HPACK_DEFAULT_TABLE_SIZE)
    h2_hpack_decoder_set_max_table_size(&dec, table_size);
  size_t max_fields = (max_list ? max_list : H2_HPACK_DEFAULT_MAX_LIST) / 32 + 1;
  size_t arena_cap = max_list ? max_list : H2_HPACK_DEFAULT_MAX_LIST;
  h2_header *fields = malloc(max_fields * sizeof *fields);
  char *arena = malloc(arena_cap);
  out_init(out, STDOUT_FILENO);
  char *line = NULL;
  size_t cap = 0;
  h2_buf bin; /* one line's bytes */
  h2_buf_init(&bin, HPACK_LINE_MAX);
  ssize_t n;
  int status = EXIT_OK;
  unsigned long lineno = 0;
  if (!fields || !arena) status = EXIT_INPUT;
  char head[4];
  size_t nhead = 0;
  while (status != EXIT_INPUT && (n = getline(&line, &cap, stdin)) >= 0) {
    lineno++;
    size_t len = (size_t)n, bad;
    if (nhead < 4) { /* a capture piped in by mistake: say which command reads it */
      size_t take = len < 4 - nhead ? len : 4 - nhead;
      memcpy(head + nhead, line, take);
      nhead += take;
      if (nhead == 4 && cli_is_capture_file(head, 4)) {
        cli_usage_error("h2scope hpack", "the input is a capture file (pcap or pcapng): use "
                                         "'h2scope read FILE'");
        status = EXIT_USAGE;
        break;
      }
    }
    if (!h2_buf_reserve(&bin, len / 2 + 1)) {
      fprintf(stderr, "h2scope hpack decode: line %lu: longer than %u MiB of hex\n", lineno,
              HPACK_LINE_MAX >> 20);
      status = EXIT_INPUT;
      break;
    }
    long got = hex_decode(line, len, bin.p, bin.cap, &bad);
    if (got == 0) continue; /* blank or comment-only line */
    if (got < 0) {
      out_puts(out, bad == len ? "{\"v\":1,\"error\":\"not hex: odd number of digits\""
                               : "{\"v\":1,\"error\":\"not hex: unexpected character\"");
      out_puts(out, ",\"offset\":");
      out_u64(out, bad);
      out_puts(out, ",\"code\":\"bad-hex\",\"line\":");
      out_u64(out, lineno);
      out_puts(out, "}\n");
      status = EXIT_FINDINGS;
      continue;
    }
    size_t count = 0;
    h2_error err = {0};
    h2_status st = h2_hpack_decode_list(&dec, bin.p, (size_t)got, fields, NULL, max_fields, &count,
                                        arena, arena_cap, &err);
    if (st != H2_OK) {
      out_puts(out, "{\"v\":1,\"error\":");
      json_cstr(out, h2_strerror(st));
      out_puts(out, ",\"offset\":");
      out_u64(out, err.offset);
      out_puts(out, ",\"code\":");
      json_cstr(out, h2_status_name(st));
      out_puts(out, ",\"section\":");
      json_cstr(out, err.section ? err.section : "");
      out_puts(out, "}\n");
      status = EXIT_FINDINGS;
      continue;
    }
    out_puts(out, "{\"v\":1,\"headers\":[");
    for (size_t i = 0; i < count; i++) {
      out_puts(out, i ? ",[" : "[");
      json_str(out, fields[i].name, fields[i].name_len);
      out_putc(out, ',');
      json_str(out, fields[i].value, fields[i].value_len);
      out_putc(out, ']');
    }
    out_puts(out, "]}\n");
  }
  out_flush(out);
  free(line);
  h2_buf_free(&bin);
  free(fields);
  free(arena);
  h2_hpack_decoder_free(&dec);
  return status;
}

/* ---- encode ---- */

/* Accepts [["n","v"],...], {"headers":[...]} and [{"n":"v"},...]. */
static int list_from_json(const json_value *v, h2_header *out, size_t max, size_t *n) {
  if (v->type == JSON_OBJECT) v = json_object_get(v, "headers");
  if (!v || v->type != JSON_ARRAY) return -1;
  size_t k = 0;
  for (const json_value *item = v->first; item; item = item->next) {
    if (k == max) return -2; /* more fields than MAX_FIELDS */
    const json_value *name, *value;
    if (item->type == JSON_ARRAY && item->count == 2) {
      name = item->first;
      value = item->first->next;
      if (name->type != JSON_STRING || value->type != JSON_STRING) return -1;
      out[k++] = (h2_header){name->str, name->str_len, value->str, value->str_len, 0};
    } else if (item->type == JSON_OBJECT && item->count == 1 && item->first->type == JSON_STRING) {
      value = item->first;
      out[k++] = (h2_header){value->key, value->key_len, value->str, value->str_len, 0};
    } else {
      return -1;
    }
  }
  *n = k;
  return 0;
}

static h2_hpack_encoder *make_encoder(uint32_t table_size, bool no_huffman) {
  h2_hpack_encoder_config cfg = {.huffman = no_huffman ? H2_HUFFMAN_NEVER : H2_HUFFMAN_AUTO};
  h2_hpack_encoder *e = h2_hpack_encoder_new(&cfg);
  if (e && table_size != H2_HPACK_DEFAULT_TABLE_SIZE)
    h2_hpack_encoder_set_max_table_size(e, table_size);
  return e;
}

static int encode_one(out_buf *out, h2_hpack_encoder *e, const h2_header *list, size_t n) {
  size_t bound = h2_hpack_encode_bound(list, n), written;
  uint8_t *buf = malloc(bound);
  h2_error err;
  if (!buf || h2_hpack_encode(e, list, n, buf, bound, &written, &err) != H2_OK) {
    free(buf);
    return -1;
  }
  out_hex(out, buf, written);
  free(buf);
  return 0;
}

#define MAX_FIELDS 4096

static int hpack_encode_lines(out_buf *out, uint32_t table_size, bool no_huffman) {
  out_init(out, STDOUT_FILENO);
  h2_hpack_encoder *e = make_encoder(table_size, no_huffman);
  h2_header *list = malloc(MAX_FIELDS * sizeof *list);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int status = EXIT_OK;
  unsigned long lineno = 0;
  if (!e || !list) status = EXIT_INPUT;
  while (status != EXIT_INPUT && (n = getline(&line, &cap, stdin)) >= 0) {
    lineno++;
    bool blank = true;
    for (ssize_t i = 0; i < n && blank; i++)
      blank = line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r';
    if (blank) continue;
    char err[200];
    json_doc *doc = json_parse(line, (size_t)n, err, sizeof err);
    size_t count;
    int got = doc ? list_from_json(json_doc_root(doc), list, MAX_FIELDS, &count) : -1;
    if (got != 0) {
      out_flush(out);
      fprintf(stderr, "h2scope hpack encode: line %lu: %s\n", lineno,
              !doc        ? err
              : got == -2 ? "more than 4096 header fields"
                          : "expected a header list ([[\"name\",\"value\"],...])");
      json_doc_free(doc);
      status = EXIT_FINDINGS;
      continue;
    }
    if (encode_one(out, e, list, count) != 0) status = EXIT_INPUT;
    out_putc(out, '\n');
    json_doc_free(doc);
  }
  out_flush(out);
  free(line);
  free(list);
  h2_hpack_encoder_free(e);
  return status;
}

/* The largest story file read (it is parsed as one JSON document). */
#define HPACK_STORY_MAX (256u << 20)

/* The whole stream, NUL-terminated; NULL when it is larger than
 * HPACK_STORY_MAX or memory runs out. */
static char *slurp_stream(FILE *f, size_t *len) {
  h2_buf b;
  h2_buf_init(&b, HPACK_STORY_MAX);
  char chunk[65536];
  size_t r;
  while ((r = fread(chunk, 1, sizeof chunk, f)) > 0 && h2_buf_put(&b, chunk, r)) {
  }
  if (!h2_buf_put_u8(&b, 0)) {
    h2_buf_free(&b);
    return NULL;
  }
  *len = b.len - 1;
  return (char *)b.p;
}

static int hpack_encode_story(out_buf *out, const char *path, uint32_t table_size,
                              bool no_huffman) {
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    fprintf(stderr, "h2scope hpack encode: cannot open %s: %s\n", path, strerror(errno));
    return EXIT_INPUT;
  }
  size_t len = 0;
  char *text = slurp_stream(f, &len);
  if (f != stdin) fclose(f);
  char err[200] = "out of memory";
  json_doc *doc = text ? json_parse(text, len, err, sizeof err) : NULL;
  free(text);
  const json_value *cases = doc ? json_object_get(json_doc_root(doc), "cases") : NULL;
  if (!cases || cases->type != JSON_ARRAY) {
    fprintf(stderr, "h2scope hpack encode: %s: %s\n", path,
            doc ? "not an hpack-test-case story (no \"cases\" array)" : err);
    json_doc_free(doc);
    return EXIT_INPUT;
  }
  out_init(out, STDOUT_FILENO);
  h2_hpack_encoder *e = make_encoder(table_size, no_huffman);
  h2_header *list = malloc(MAX_FIELDS * sizeof *list);
  int status = e && list ? EXIT_OK : EXIT_INPUT;
  out_puts(out, "{\n  \"description\": ");
  json_cstr(out, no_huffman ? "h2scope HPACK encoder: default indexing policy, no Huffman coding"
                            : "h2scope HPACK encoder: default indexing policy, Huffman coding "
                              "when shorter");
  out_puts(out, ",\n  \"cases\": [");
  size_t seqno = 0;
  for (const json_value *c = cases->first; c && status == EXIT_OK; c = c->next, seqno++) {
    size_t count;
    if (list_from_json(json_object_get(c, "headers"), list, MAX_FIELDS, &count) != 0) {
      fprintf(stderr, "h2scope hpack encode: %s: case %zu has no header list\n", path, seqno);
      status = EXIT_INPUT;
      break;
    }
    out_puts(out, seqno ? ",\n    {\n      \"seqno\": " : "\n    {\n      \"seqno\": ");
    out_u64(out, seqno);
    if (seqno == 0) {
      out_puts(out, ",\n      \"header_table_size\": ");
      out_u64(out, table_size);
    }
    out_puts(out, ",\n      \"wire\": \"");
    if (encode_one(out, e, list, count) != 0) status = EXIT_INPUT;
    out_puts(out, "\",\n      \"headers\": [");
    for (size_t i = 0; i < count; i++) {
      out_puts(out, i ? ",\n        { " : "\n        { ");
      json_str(out, list[i].name, list[i].name_len);
      out_puts(out, ": ");
      json_str(out, list[i].value, list[i].value_len);
      out_puts(out, " }");
    }
    out_puts(out, "\n      ]\n    }");
  }
  out_puts(out, "\n  ]\n}\n");
  out_flush(out);
  free(list);
  h2_hpack_encoder_free(e);
  json_doc_free(doc);
  return status;
}

enum { OPT_TABLE_SIZE = CLI_LONG_ONLY, OPT_MAX_HEADER_LIST, OPT_NO_HUFFMAN, OPT_STORY };

static const struct option hpack_options[] = {
    CLI_OPTION_HELP,
    {"table-size", required_argument, NULL, OPT_TABLE_SIZE},
    {"max-header-list", required_argument, NULL, OPT_MAX_HEADER_LIST},
    {"no-huffman", no_argument, NULL, OPT_NO_HUFFMAN},
    {"story", required_argument, NULL, OPT_STORY},
    {NULL, 0, NULL, 0},
};

int cmd_hpack(int argc, char **argv) {
  const char *prog = "h2scope hpack";
  uint32_t table_size = H2_HPACK_DEFAULT_TABLE_SIZE, max_list = 0;
  bool no_huffman = false, max_list_set = false;
  const char *story = NULL;
  cli_parser p;
  cli_parser_init(&p, prog, usage, "", hpack_options, argc, argv);
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    bool ok = true;
    switch (opt) {
    case CLI_EXIT:
      return p.status;
    case OPT_TABLE_SIZE:
      ok = cli_size32(&p, 0, UINT32_MAX, &table_size);
      break;
    case OPT_MAX_HEADER_LIST:
      ok = cli_size32(&p, 64, 1u << 30, &max_list);
      max_list_set = true;
      break;
    case OPT_NO_HUFFMAN:
      no_huffman = true;
      break;
    case OPT_STORY:
      story = p.arg;
      break;
    }
    if (!ok) return p.status;
  }
  int first = cli_operands(&p);
  if (first == argc) return cli_error(&p, "decode or encode expected");
  if (first + 1 < argc) return cli_error(&p, "unexpected argument '%s'", argv[first + 1]);
  bool decode = !strcmp(argv[first], "decode");
  if (!decode && strcmp(argv[first], "encode") != 0)
    return cli_error(&p, "unknown action '%s' (decode or encode)", argv[first]);
  if (decode && (no_huffman || story))
    return cli_error(&p, "%s is for encode", no_huffman ? "--no-huffman" : "--story");
  if (!decode && max_list_set) return cli_error(&p, "--max-header-list is for decode");
  /* The output buffer is large: on the heap, not the stack. */
  out_buf *out = malloc(sizeof *out);
  if (!out) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return EXIT_INPUT;
  }
  int status = decode  ? hpack_decode(out, table_size, max_list)
               : story ? hpack_encode_story(out, story, table_size, no_huffman)
                       : hpack_encode_lines(out, table_size, no_huffman);
  free(out);
  return status;
}
