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
    "prints every frame with all its fields and the decoded header lists.\n"
    "\n"
    "  --hex                 the input is hex text (whitespace, '#' comments ignored)\n"
    "  --json                JSON Lines, one object per frame or event\n"
    "  --client              the client side: the connection preface must come first\n"
    "  --server              the server side: no preface\n"
    "                        (default: a preface at offset 0 is recognised)\n"
    "  --table-size N        the receiver's SETTINGS_HEADER_TABLE_SIZE (default 4096)\n"
    "  --max-frame-size N    SETTINGS_MAX_FRAME_SIZE of the receiver (default 16384)\n"
    "  --max-header-list N   decoded header list limit in octets (default 262144)\n"
    "  --hpack               show how each header field was encoded\n"
    "  --data none|text|hex  DATA payload preview (default none)\n"
    "  --data-max N          preview bytes (default 64)\n"
    "  --redact              hide the values of authorization, cookie, set-cookie,\n"
    "                        proxy-authorization and never-indexed fields (RFC 7541\n"
    "                        §7.1.3)\n"
    "  --color / --no-color  colour text output (default: when stdout is a terminal)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 clean, 1 when a frame broke a rule or the input was truncated,\n"
    "2 usage error, 3 input cannot be read.\n";

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

int cmd_frames(int argc, char **argv) {
  const char *prog = "h2scope frames", *path = NULL;
  bool hex = false, color_set = false;
  stream_decoder_config cfg = {0};
  frames_ctx ctx = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      return EXIT_OK;
    } else if (!strcmp(a, "--hex")) {
      hex = true;
    } else if (!strcmp(a, "--json")) {
      ctx.po.json = true;
    } else if ((!strcmp(a, "--client") || !strcmp(a, "--server")) && cfg.sender &&
               strcmp(a, cfg.sender == H2_SENDER_CLIENT ? "--client" : "--server") != 0) {
      return cli_usage_error(prog, "--client and --server exclude each other");
    } else if (!strcmp(a, "--client")) {
      cfg.preface = STREAM_PREFACE_REQUIRE;
      cfg.sender = H2_SENDER_CLIENT;
    } else if (!strcmp(a, "--server")) {
      cfg.preface = STREAM_PREFACE_FORBID;
      cfg.sender = H2_SENDER_SERVER;
    } else if (!strcmp(a, "--hpack")) {
      ctx.po.hpack = true;
    } else if (!strcmp(a, "--redact")) {
      ctx.po.redact = true;
    } else if (!strcmp(a, "--data") || !strcmp(a, "--data-max")) {
      if (i + 1 >= argc) return cli_usage_error(prog, "%s needs a value", a);
      const char *val = argv[++i];
      if (!strcmp(a, "--data-max")) {
        if (!cli_parse_u32(prog, a, val, 1, 1u << 24, &ctx.po.data_max)) return EXIT_USAGE;
      } else if (!strcmp(val, "none") || !strcmp(val, "text") || !strcmp(val, "hex")) {
        ctx.po.data = !strcmp(val, "none")   ? PRINT_DATA_NONE
                      : !strcmp(val, "text") ? PRINT_DATA_TEXT
                                             : PRINT_DATA_HEX;
      } else {
        return cli_usage_error(prog, "--data takes none, text or hex");
      }
    } else if (!strcmp(a, "--color") || !strcmp(a, "--no-color")) {
      ctx.po.color = !strcmp(a, "--color");
      color_set = true;
    } else if (!strcmp(a, "--table-size") || !strcmp(a, "--max-frame-size") ||
               !strcmp(a, "--max-header-list")) {
      if (i + 1 >= argc) return cli_usage_error(prog, "%s needs a value", a);
      uint32_t v;
      bool ok = !strcmp(a, "--table-size") ? cli_parse_u32(prog, a, argv[++i], 0, UINT32_MAX, &v)
                : !strcmp(a, "--max-frame-size")
                    ? cli_parse_u32(prog, a, argv[++i], 16384, H2_MAX_FRAME_SIZE_LIMIT, &v)
                    : cli_parse_u32(prog, a, argv[++i], 64, 1u << 30, &v);
      if (!ok) return EXIT_USAGE;
      if (!strcmp(a, "--table-size"))
        cfg.table_size = v;
      else if (!strcmp(a, "--max-frame-size"))
        cfg.max_frame_size = v;
      else
        cfg.max_header_list = v;
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_usage_error(prog, "unknown option '%s'", a);
    } else if (!path) {
      path = a;
    } else {
      return cli_usage_error(prog, "only one input file");
    }
  }
  if (!color_set) ctx.po.color = !ctx.po.json && cli_stdout_is_tty();
  int fd = STDIN_FILENO;
  if (path && strcmp(path, "-") != 0) {
    fd = open(path, O_RDONLY);
    if (fd < 0) {
      fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
      return EXIT_INPUT;
    }
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
  static char buf[1 << 16];
  static uint8_t bin[(1 << 15) + 1];
  hex_reader hs;
  hex_reader_init(&hs);
  int status = EXIT_OK;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
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
