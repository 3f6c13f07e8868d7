/* commands.h — the subcommands of h2scope, one function each (main.c only
 * dispatches). Exit status conventions, the same for every command:
 *   0 ok, 1 findings (errors in the input, failed checks), 2 usage error,
 *   3 input unusable (cannot open or read). */
#ifndef H2SCOPE_COMMANDS_H
#define H2SCOPE_COMMANDS_H

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_INPUT = 3 };

int cmd_frames(int argc, char **argv);
int cmd_hpack(int argc, char **argv);
int cmd_read(int argc, char **argv);
/* HTTP/2 client and server over the session library (cmd_get.c, cmd_serve.c). */
int cmd_get(int argc, char **argv);
int cmd_serve(int argc, char **argv);
/* Conformance checker against live servers and clients (cmd_check.c). */
int cmd_check(int argc, char **argv);
/* Captured requests re-sent to a live server, responses compared (cmd_replay.c). */
int cmd_replay(int argc, char **argv);
/* Stateful fuzzing of live servers and clients (cmd_fuzz.c, the fuzzer wing). */
int cmd_fuzz(int argc, char **argv);

#endif
