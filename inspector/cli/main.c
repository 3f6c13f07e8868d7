/* main.c — h2scope's entry point: dispatches to the subcommands (commands.h). */
#include <openssl/crypto.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "cli_args.h"
#include "commands.h"

#ifndef H2SCOPE_VERSION
#define H2SCOPE_VERSION "0.0.0"
#endif

static const char usage[] =
    "usage: h2scope COMMAND [ARGS...]\n"
    "A frame-level HTTP/2 inspector and codec toolkit (RFC 9113, RFC 7541).\n"
    "\n"
    "Commands:\n"
    "  read      decode every HTTP/2 connection of a capture (pcap, pcapng, live)\n"
    "  frames    decode a raw HTTP/2 byte stream of one direction\n"
    "  hpack     decode or encode HPACK header blocks (hex lines / JSON lists)\n"
    "  get       fetch URLs over HTTP/2 (h2c, Upgrade, or TLS with ALPN h2)\n"
    "  serve     an HTTP/2 server (h2c prior knowledge and Upgrade, or TLS)\n"
    "  replay    re-send a capture's requests to a live server, compare the responses\n"
    "  check     RFC 9113 / RFC 7541 conformance cases against a live server or client\n"
    "  fuzz      stateful fuzzing of a live server or client (crash, hang, memory, protocol)\n"
    "\n"
    "  h2scope help COMMAND     shows the options of a command (= COMMAND --help)\n"
    "  h2scope -V, --version    shows the version and the libraries linked\n"
    "\n"
    "Options of every command: --opt=value or --opt value, bundled short flags (-qv),\n"
    "-- ends the options. Durations take ms, s or m (default s: 1.5, 250ms, 2m);\n"
    "sizes take k, M or G (1024-based: 64k). FILE - is standard input or output.\n"
    "NO_COLOR (set, not empty) turns colour off unless --color is given.\n"
    "\n"
    "Exit status: 0 ok, 1 findings (protocol errors in the input, failed checks),\n"
    "2 usage error, 3 input cannot be read.\n";

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"check", cmd_check}, {"frames", cmd_frames}, {"fuzz", cmd_fuzz},     {"get", cmd_get},
    {"hpack", cmd_hpack}, {"read", cmd_read},     {"replay", cmd_replay}, {"serve", cmd_serve},
};

static const command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(name, commands[i].name)) return &commands[i];
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) return cli_usage_error("h2scope", "a command is needed");
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
      (!strcmp(argv[1], "help") && argc == 2)) {
    fputs(usage, stdout);
    return EXIT_OK;
  }
  if (!strcmp(argv[1], "help")) { /* help CMD: the command's own --help */
    const command *c = find_command(argv[2]);
    if (!c) return cli_usage_error("h2scope", "unknown command '%s'", argv[2]);
    if (argc > 3) return cli_usage_error("h2scope", "help takes one command");
    char help_opt[] = "--help";
    char *help_argv[] = {argv[2], help_opt, NULL};
    return c->run(2, help_argv);
  }
  if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
    /* The libraries as linked at run time, not the headers built against. */
    printf("h2scope %s\n%s\n%s\n", H2SCOPE_VERSION, pcap_lib_version(),
           OpenSSL_version(OPENSSL_VERSION));
    return EXIT_OK;
  }
  const command *c = find_command(argv[1]);
  if (c) return c->run(argc - 1, argv + 1);
  if (argv[1][0] == '-') return cli_usage_error("h2scope", "unknown option '%s'", argv[1]);
  return cli_usage_error("h2scope", "unknown command '%s'", argv[1]);
}
