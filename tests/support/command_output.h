/* command_output.h — runs one h2scope subcommand in-process (cmd_read and
 * the like) with its standard output sent to a temporary file, and hands the
 * output back as a string, for suites that assert what a command prints. */
#ifndef H2_TESTS_COMMAND_OUTPUT_H
#define H2_TESTS_COMMAND_OUTPUT_H

#include <stddef.h>

typedef int (*command_fn)(int argc, char **argv);

/* Runs cmd(argc, argv); its stdout, NUL-terminated and cut at cap - 1 bytes,
 * lands in out. tmp_name names the temporary file (pw_temp_path). Returns
 * the command's exit status. */
int command_output(command_fn cmd, int argc, char **argv, const char *tmp_name, char *out,
                   size_t cap);

#endif
