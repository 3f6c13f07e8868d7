/* cli_args.h — the one option parser of every h2scope command: getopt_long
 * (GNU: `--opt=value` and `--opt value`, bundled short flags, options after
 * operands, `--` ends options) plus what every command needs on top of it:
 * --help, usage errors with one hint line, and validated values (numbers,
 * sizes with k/M/G, durations with ms/s/m, colour, output files).
 *
 * A command declares one `struct option` table and one short-option string,
 * then runs one switch over cli_next(); adding an option is one table line
 * and one case. */
#ifndef H2SCOPE_CLI_ARGS_H
#define H2SCOPE_CLI_ARGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every table has this entry (and the parser adds 'h' to the short options):
 * -h/--help prints the usage text and ends the command with status 0. */
#define CLI_OPTION_HELP                                                                            \
  { "help", no_argument, NULL, 'h' }
/* Values for long options without a short form start here. */
#define CLI_LONG_ONLY 256

enum {
  CLI_END = -1,  /* no more options: operands are argv[cli_operands(p)...] */
  CLI_EXIT = -2, /* the command returns p->status now (help shown, or a usage error) */
};

typedef struct cli_parser {
  const char *prog;  /* "h2scope read": the prefix of every message */
  const char *usage; /* the --help text */
  const struct option *longopts;
  char shortopts[80]; /* ":" + the command's short options + "h" */
  int argc;
  char **argv;
  char *arg;     /* the current option's value (in argv), NULL when it has none */
  char name[64]; /* the current option as written: "--port", "-t" */
  int status;    /* with CLI_EXIT: the status the command exits with */
} cli_parser;

/* shortopts: getopt's syntax ("qt:i:"); longopts ends with a zero entry. */
void cli_parser_init(cli_parser *p, const char *prog, const char *usage, const char *shortopts,
                     const struct option *longopts, int argc, char **argv);
/* The val of the next option; CLI_END after the last one; CLI_EXIT when the
 * command must return p->status (the --help text was printed, or an unknown
 * option, a missing value or a value given to a flag was reported). */
int cli_next(cli_parser *p);
/* The index of the first operand, once cli_next returned CLI_END (GNU
 * getopt has moved the operands to the end of argv, in their order). */
int cli_operands(const cli_parser *p);

/* A usage error about the current command: "PROG: MESSAGE" and the hint
 * "Try 'PROG --help'." on stderr; returns EXIT_USAGE (2). */
int cli_error(const cli_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Values of the current option. Each returns false after reporting a usage
 * error that names the option and the value (the caller returns
 * EXIT_USAGE, which p->status also holds). */
bool cli_u32(cli_parser *p, uint32_t min, uint32_t max, uint32_t *out);
/* A size in octets: a decimal number with an optional k, M or G suffix
 * (binary: 1k = 1024). */
bool cli_size(cli_parser *p, uint64_t min, uint64_t max, uint64_t *out);
/* The same with bare numbers in units of unit (-B: KiB, as tcpdump's). */
bool cli_size_in(cli_parser *p, uint64_t unit, uint64_t min, uint64_t max, uint64_t *out);
/* Parses text as a size without reporting: digits and an optional k, m or
 * g (either case, 1024-based), a bare number counting units; false when it
 * is not one or overflows. */
bool cli_parse_size(const char *text, uint64_t unit, uint64_t *out);
bool cli_size32(cli_parser *p, uint32_t min, uint32_t max, uint32_t *out);
/* A duration: a decimal number (fractions allowed) with an optional unit,
 * ms, s or m; a bare number is seconds. *seconds within [min_s, max_s]
 * (min_s 0 means "more than 0"). */
bool cli_duration(cli_parser *p, double min_s, double max_s, double *seconds);
/* Parses text as a duration without reporting (for callers that accept an
 * old spelling first); false when it is not one. */
bool cli_parse_duration(const char *text, double *seconds, bool *has_unit);
/* --color[=always|never|auto] (bare: always) and --no-color: *when is
 * 1 always, 0 never, -1 auto. */
bool cli_color_when(cli_parser *p, bool no_color, int *when);
/* Whether output to fd is coloured for `when`: auto is a terminal and no
 * NO_COLOR (https://no-color.org: set and not empty disables colour). */
bool cli_use_color(int when, int fd);

/* Output files named by options are checked before any work: opens path
 * for writing ("-" is standard output, not a file) and closes it again,
 * removing it if this made it. False after "PROG: OPT PATH: reason" on
 * stderr (the caller exits EXIT_INPUT, docs/exit-status.md). */
bool cli_output_writable(const char *prog, const char *opt, const char *path);
/* Input files named by options (a certificate, a key): readable regular
 * files. False after "PROG: OPT PATH: reason" on stderr. */
bool cli_input_readable(const char *prog, const char *opt, const char *path);

/* Whether p starts like a pcap or pcapng file: the commands that take raw
 * HTTP/2 bytes or hex say to use `read` instead of decoding it as garbage. */
bool cli_is_capture_file(const void *p, size_t n);

/* Splits "HOST:PORT" or "[V6]:PORT" into *host and *port, pointing into buf
 * (a copy of text); PORT must be a number from 1 to 65535 (a number like
 * every number on the command line: "80x" is a usage error here, not a
 * service name for getaddrinfo). False when text is not such a target. */
bool cli_host_port(const char *text, char *buf, size_t cap, const char **host, const char **port);

/* The old helper, kept for option code not yet on cli_parser. */
bool cli_parse_u32(const char *prog, const char *opt, const char *text, uint32_t min, uint32_t max,
                   uint32_t *out);

#endif
