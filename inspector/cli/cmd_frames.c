/* cmd_frames.c — `h2scope frames`: decode a raw HTTP/2 byte stream of one
 * direction (binary or a hex dump) and print every frame with its fields,
 * decoded headers and rule violations. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

static void on_frame(void *user, decoded_frame *d) {
  frames_ctx *c = user;
  frame_print(c->out, &c->po, NULL, d);
}

static void on_event(void *user, const char *ev, uint64_t offset, const char *msg) {
  frames_ctx *c = user;
  uint64_t need = c->sd && !strcmp(ev, "truncated") ? stream_decoder_missing(c->sd) : 0;
  event_data data = {.kind = EVENT_DATA_NEED, .need = need};
  event_print(c->out, &c->po, NULL, ev, offset, msg, need ? &data : NULL);
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

/* What the options ask for, besides the print options. */
typedef struct frames_args {
  const char *path;
  bool hex;
  int color_when;
  stream_decoder_config cfg;
  print_options *po;
} frames_args;

enum { FRAMES_RUN = -1 }; /* parse_frames_args: go on and decode */

/* The options and the input file operand; FRAMES_RUN, or the exit status
 * (help, usage error). */
static int parse_frames_args(cli_parser *p, frames_args *a) {
  for (int opt; (opt = cli_next(p)) != CLI_END;) {
    bool ok = true;
    switch (opt) {
    case CLI_EXIT:
      return p->status;
    case OPT_HEX:
      a->hex = true;
      break;
    case OPT_JSON:
      a->po->json = true;
      break;
    case OPT_CLIENT:
    case OPT_SERVER: {
      uint8_t s = opt == OPT_CLIENT ? H2_SENDER_CLIENT : H2_SENDER_SERVER;
      if (a->cfg.sender && a->cfg.sender != s)
        return cli_error(p, "--client and --server exclude each other");
      a->cfg.sender = s;
      a->cfg.preface = opt == OPT_CLIENT ? STREAM_PREFACE_REQUIRE : STREAM_PREFACE_FORBID;
      break;
    }
    case OPT_HPACK:
      a->po->hpack = true;
      break;
    case OPT_REDACT:
      a->po->redact = true;
      break;
    case OPT_DATA:
      if (!strcmp(p->arg, "none") || !strcmp(p->arg, "text") || !strcmp(p->arg, "hex"))
        a->po->data = !strcmp(p->arg, "none")   ? PRINT_DATA_NONE
                      : !strcmp(p->arg, "text") ? PRINT_DATA_TEXT
                                                : PRINT_DATA_HEX;
      else
        return cli_error(p, "--data takes none, text or hex, not '%s'", p->arg);
      break;
    case OPT_DATA_MAX:
      ok = cli_size32(p, 1, 1u << 24, &a->po->data_max);
      break;
    case OPT_COLOR:
    case OPT_NO_COLOR:
      ok = cli_color_when(p, opt == OPT_NO_COLOR, &a->color_when);
      break;
    case OPT_TABLE_SIZE:
      ok = cli_size32(p, 0, UINT32_MAX, &a->cfg.table_size);
      break;
    case OPT_MAX_FRAME_SIZE:
      ok = cli_size32(p, 16384, H2_MAX_FRAME_SIZE_LIMIT, &a->cfg.max_frame_size);
      break;
    case OPT_MAX_HEADER_LIST:
      ok = cli_size32(p, 64, 1u << 30, &a->cfg.max_header_list);
      break;
    }
    if (!ok) return p->status;
  }
  for (int i = cli_operands(p); i < p->argc; i++) {
    if (a->path) return cli_error(p, "only one input file, not '%s' too", p->argv[i]);
    a->path = p->argv[i];
  }
  return FRAMES_RUN;
}

/* The large buffers of one run, on the heap: input, hex-decoded bytes,
 * output. */
typedef struct frames_io {
  char buf[1 << 16];
  uint8_t bin[(1 << 15) + 1];
  out_buf out;
} frames_io;

/* Feeds the input to the decoder, its first n bytes already in io->buf
 * (hex text decoded first with --hex); the exit status so far. */
static int feed_input(const char *prog, int fd, ssize_t n, bool hex, frames_io *io,
                      stream_decoder *sd) {
  hex_reader hs;
  hex_reader_init(&hs);
  for (;; n = read(fd, io->buf, sizeof io->buf)) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out_flush(&io->out);
      fprintf(stderr, "%s: read error: %s\n", prog, strerror(errno));
      return EXIT_INPUT;
    }
    if (n == 0) break;
    if (!hex) {
      stream_decoder_feed(sd, (const uint8_t *)io->buf, (size_t)n);
      continue;
    }
    uint64_t bad = 0;
    long got = hex_reader_feed(&hs, io->buf, (size_t)n, io->bin, &bad);
    if (got < 0) {
      out_flush(&io->out);
      fprintf(stderr, "%s: not a hex dump: unexpected character at offset %llu\n", prog,
              (unsigned long long)bad);
      return EXIT_INPUT;
    }
    stream_decoder_feed(sd, io->bin, (size_t)got);
  }
  if (hex && !hex_reader_complete(&hs)) {
    out_flush(&io->out);
    fprintf(stderr, "%s: not a hex dump: odd number of hex digits\n", prog);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

/* Decodes the opened input (fd) and prints it; the exit status. */
static int decode_input(cli_parser *p, const frames_args *a, frames_ctx *ctx, int fd,
                        frames_io *io) {
  const char *prog = "h2scope frames", *path = a->path;
  ssize_t n = read_head(fd, io->buf, sizeof io->buf, 4);
  if (n >= 4 && cli_is_capture_file(io->buf, (size_t)n)) {
    const char *name = path && strcmp(path, "-") ? path : "-";
    return cli_error(p, "%s is a capture file (pcap or pcapng): use 'h2scope read %s'",
                     path && strcmp(path, "-") ? path : "the input", name);
  }
  out_init(&io->out, STDOUT_FILENO);
  ctx->out = &io->out;
  stream_decoder_callbacks cb = {.on_frame = on_frame, .on_event = on_event, .user = ctx};
  stream_decoder *sd = stream_decoder_new(&a->cfg, &cb);
  ctx->sd = sd;
  if (!sd) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return EXIT_INPUT;
  }
  int status = feed_input(prog, fd, n, a->hex, io, sd);
  if (status == EXIT_OK) {
    stream_decoder_finish(sd);
    if (stream_decoder_errors(sd)) status = EXIT_FINDINGS;
  }
  out_flush(&io->out);
  stream_decoder_free(sd);
  return status;
}

int cmd_frames(int argc, char **argv) {
  const char *prog = "h2scope frames";
  frames_ctx ctx = {0};
  frames_args a = {.color_when = -1, .po = &ctx.po};
  cli_parser p;
  cli_parser_init(&p, prog, usage, "", frames_options, argc, argv);
  int rc = parse_frames_args(&p, &a);
  if (rc != FRAMES_RUN) return rc;
  ctx.po.color = !ctx.po.json && cli_use_color(a.color_when, STDOUT_FILENO);
  int fd = STDIN_FILENO;
  if (a.path && strcmp(a.path, "-") != 0) {
    fd = open(a.path, O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "%s: cannot open %s: %s\n", prog, a.path, strerror(errno));
      return EXIT_INPUT;
    }
  }
  frames_io *io = malloc(sizeof *io);
  int status = EXIT_INPUT;
  if (!io)
    fprintf(stderr, "%s: out of memory\n", prog);
  else
    status = decode_input(&p, &a, &ctx, fd, io);
  free(io);
  if (fd != STDIN_FILENO) close(fd);
  return status;
}
