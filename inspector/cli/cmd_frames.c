/* cmd_frames.c — `h2scope frames`: decode a raw HTTP/2 byte stream of one
 * direction (binary or a hex dump) and print every frame with its fields,
 * decoded headers and rule violations. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "frame_print.h"
#include "hex_read.h"
#include "out_buf.h"
#include "stream_decoder.h"

static const char usage[] =
    "usage: h2scope frames [FILE|-] [options]\n"
    "Decodes a raw HTTP/2 byte stream of ONE direction (no capture framing) and\n"
    "prints every frame with all its fields and the decoded header lists. A pcap or\n"
    "pcapng file is refused with a pointer to `h2scope read`.\n"
    "\n"
    "  --hex                 the input is hex text (whitespace, '#' comments ignored)\n"
    "  --json                JSON Lines, one object per frame or event\n"
    "  --client              the client side: the connection preface must come first\n"
    "  --server              the server side: no preface\n"
    "                        (default: a preface at offset 0 is recognised)\n"
    "  --table-size SIZE     the receiver's SETTINGS_HEADER_TABLE_SIZE (default 4096)\n"
    "  --max-frame-size SIZE SETTINGS_MAX_FRAME_SIZE of the receiver (default 16k)\n"
    "  --max-header-list SIZE  decoded header list limit (default 256k)\n"
    "  --hpack               show how each header field was encoded\n"
    "  --data none|text|hex  DATA payload preview (default none)\n"
    "  --data-max SIZE       preview bytes (default 64)\n"
    "  --redact              hide the values of authorization, cookie, set-cookie,\n"
    "                        proxy-authorization and never-indexed fields (RFC 7541\n"
    "                        §7.1.3)\n"
    "  --color[=WHEN]        colour text output: always, never or auto (default: auto,\n"
    "                        when stdout is a terminal and NO_COLOR is not set)\n"
    "  --no-color            the same as --color=never\n"
    "  -h, --help            this help\n"
    "\n"
    "SIZE takes k, M or G (1024-based).\n"
    "\n"
    "Exit status: 0 clean, 1 when a frame broke a rule or the input was truncated,\n"
    "2 usage error (a capture file given), 3 input cannot be read.\n";

typedef struct frames_ctx {
  out_buf *out;
  print_options po;
  const stream_decoder *sd;
} frames_ctx;

static void on_frame(void *user, const decoded_frame *d) {
  frames_ctx *c = user;
  frame_print(c->out, &c->po, NULL, d);
}

static void on_event(void *user, const char *ev, uint64_t offset, const char *msg) {
  frames_ctx *c = user;
  char extra[40] = "";
  uint64_t need = c->sd && !strcmp(ev, "truncated") ? stream_decoder_missing(c->sd) : 0;
  if (need) snprintf(extra, sizeof extra, ",\"need\":%llu", (unsigned long long)need);
  event_print(c->out, &c->po, NULL, ev, offset, msg, need ? extra : NULL);
}

enum {
  OPT_HEX = CLI_LONG_ONLY,
  OPT_JSON,
  OPT_CLIENT,
  OPT_SERVER,
  OPT_HPACK,
  OPT_REDACT,
  OPT_DATA,
  OPT_DATA_MAX,
  OPT_COLOR,
  OPT_NO_COLOR,
  OPT_TABLE_SIZE,
  OPT_MAX_FRAME_SIZE,
  OPT_MAX_HEADER_LIST,
};

static const struct option frames_options[] = {
    CLI_OPTION_HELP,
    {"hex", no_argument, NULL, OPT_HEX},
    {"json", no_argument, NULL, OPT_JSON},
    {"client", no_argument, NULL, OPT_CLIENT},
    {"server", no_argument, NULL, OPT_SERVER},
    {"hpack", no_argument, NULL, OPT_HPACK},
    {"redact", no_argument, NULL, OPT_REDACT},
    {"data", required_argument, NULL, OPT_DATA},
    {"data-max", required_argument, NULL, OPT_DATA_MAX},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"table-size", required_argument, NULL, OPT_TABLE_SIZE},
    {"max-frame-size", required_argument, NULL, OPT_MAX_FRAME_SIZE},
    {"max-header-list", required_argument, NULL, OPT_MAX_HEADER_LIST},
    {NULL, 0, NULL, 0},
};

/* Reads until buf holds at least `want` bytes or the input ends; the byte
 * count, or -1 on a read error before any byte. */
static ssize_t read_head(int fd, char *buf, size_t cap, size_t want) {
  size_t got = 0;
  while (got < want) {
    ssize_t r = read(fd, buf + got, cap - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return got ? (ssize_t)got : -1;
    if (r == 0) break;
    got += (size_t)r;
  }
  return (ssize_t)got;
}

int cmd_frames(int argc, char **argv) {
  const char *prog = "h2scope frames", *path = NULL;
  bool hex = false;
  int color_when = -1;
  stream_decoder_config cfg = {0};
  frames_ctx ctx = {0};
  cli_parser p;
  cli_parser_init(&p, prog, usage, "", frames_options, argc, argv);
  for (int opt; (opt = cli_next(&p)) != CLI_END;) {
    bool ok = true;
    switch (opt) {
    case CLI_EXIT:
      return p.status;
    case OPT_HEX:
      hex = true;
      break;
    case OPT_JSON:
      ctx.po.json = true;
      break;
    case OPT_CLIENT:
    case OPT_SERVER: {
      uint8_t s = opt == OPT_CLIENT ? H2_SENDER_CLIENT : H2_SENDER_SERVER;
      if (cfg.sender && cfg.sender != s)
        return cli_error(&p, "--client and --server exclude each other");
      cfg.sender = s;
      cfg.preface = opt == OPT_CLIENT ? STREAM_PREFACE_REQUIRE : STREAM_PREFACE_FORBID;
      break;
    }
    case OPT_HPACK:
      ctx.po.hpack = true;
      break;
    case OPT_REDACT:
      ctx.po.redact = true;
      break;
    case OPT_DATA:
      if (!strcmp(p.arg, "none") || !strcmp(p.arg, "text") || !strcmp(p.arg, "hex"))
        ctx.po.data = !strcmp(p.arg, "none")   ? PRINT_DATA_NONE
                      : !strcmp(p.arg, "text") ? PRINT_DATA_TEXT
                                               : PRINT_DATA_HEX;
      else
        return cli_error(&p, "--data takes none, text or hex, not '%s'", p.arg);
      break;
    case OPT_DATA_MAX:
      ok = cli_size32(&p, 1, 1u << 24, &ctx.po.data_max);
      break;
    case OPT_COLOR:
    case OPT_NO_COLOR:
      ok = cli_color_when(&p, opt == OPT_NO_COLOR, &color_when);
      break;
    case OPT_TABLE_SIZE:
      ok = cli_size32(&p, 0, UINT32_MAX, &cfg.table_size);
      break;
    case OPT_MAX_FRAME_SIZE:
      ok = cli_size32(&p, 16384, H2_MAX_FRAME_SIZE_LIMIT, &cfg.max_frame_size);
      break;
    case OPT_MAX_HEADER_LIST:
      ok = cli_size32(&p, 64, 1u << 30, &cfg.max_header_list);
      break;
    }
    if (!ok) return p.status;
  }
  for (int i = cli_operands(&p); i < argc; i++) {
    if (path) return cli_error(&p, "only one input file, not '%s' too", argv[i]);
    path = argv[i];
  }
  ctx.po.color = !ctx.po.json && cli_use_color(color_when, STDOUT_FILENO);
  int fd = STDIN_FILENO;
  if (path && strcmp(path, "-") != 0) {
    fd = open(path, O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
      return EXIT_INPUT;
    }
  }
  static char buf[1 << 16];
  ssize_t n = read_head(fd, buf, sizeof buf, 4);
  if (n >= 4 && cli_is_capture_file(buf, (size_t)n)) {
    const char *name = path && strcmp(path, "-") ? path : "-";
    if (fd != STDIN_FILENO) close(fd);
    return cli_error(&p, "%s is a capture file (pcap or pcapng): use 'h2scope read %s'",
                     path && strcmp(path, "-") ? path : "the input", name);
  }
  static out_buf out;
  out_init(&out, STDOUT_FILENO);
  ctx.out = &out;
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = &ctx};
  stream_decoder *sd = stream_decoder_new(&cfg, &cb);
  ctx.sd = sd;
  if (!sd) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return EXIT_INPUT;
  }
  static uint8_t bin[(1 << 15) + 1];
  hex_reader hs;
  hex_reader_init(&hs);
  int status = EXIT_OK;
  for (;; n = read(fd, buf, sizeof buf)) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out_flush(&out);
      fprintf(stderr, "%s: read error: %s\n", prog, strerror(errno));
      status = EXIT_INPUT;
      break;
    }
    if (n == 0) break;
    if (!hex) {
      stream_decoder_feed(sd, (const uint8_t *)buf, (size_t)n);
      continue;
    }
    uint64_t bad = 0;
    long got = hex_reader_feed(&hs, buf, (size_t)n, bin, &bad);
    if (got < 0) {
      out_flush(&out);
      fprintf(stderr, "%s: not a hex dump: unexpected character at offset %llu\n", prog,
              (unsigned long long)bad);
      status = EXIT_INPUT;
      break;
    }
    stream_decoder_feed(sd, bin, (size_t)got);
  }
  if (status == EXIT_OK && hex && !hex_reader_complete(&hs)) {
    out_flush(&out);
    fprintf(stderr, "%s: not a hex dump: odd number of hex digits\n", prog);
    status = EXIT_INPUT;
  }
  if (status == EXIT_OK) {
    stream_decoder_finish(sd);
    if (stream_decoder_errors(sd)) status = EXIT_FINDINGS;
  }
  out_flush(&out);
  stream_decoder_free(sd);
  if (fd != STDIN_FILENO) close(fd);
  return status;
}
