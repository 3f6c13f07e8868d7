/* cli_args.h — small helpers shared by the subcommands' option parsing. */
#ifndef H2SCOPE_CLI_ARGS_H
#define H2SCOPE_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>

/* Parses a decimal uint32 in [min, max]; false (with a message on stderr
 * naming the option) otherwise. */
bool cli_parse_u32(const char *prog, const char *opt, const char *text, uint32_t min, uint32_t max,
                   uint32_t *out);
/* One-line usage error on stderr; returns the usage exit status (2). */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether stdout is a terminal (colour decisions). */
bool cli_stdout_is_tty(void);

#endif
