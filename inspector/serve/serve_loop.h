/* serve_loop.h — `serve`'s poll loop over the listening socket and every
 * connection: accepting (per-address limit, eviction when full, a pause
 * when descriptors run out), timeouts, and returning memory after closes. */
#ifndef H2SCOPE_SERVE_LOOP_H
#define H2SCOPE_SERVE_LOOP_H

#include <signal.h>

#include "serve_conn.h"

/* Runs until *stopping; false when memory for the connection table is short. */
bool serve_run(serve_ctx *sv, int listen_fd, volatile sig_atomic_t *stopping);

#endif
