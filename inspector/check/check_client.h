/* check_client.h — `h2scope check --client`: h2scope listens, plays a
 * misbehaving server for each client case (check_cases_client.c), runs the
 * user's client COMMAND per case (or waits for a connection) and grades the
 * client's reaction like a server's. */
#ifndef H2SCOPE_CHECK_CLIENT_H
#define H2SCOPE_CHECK_CLIENT_H

#include <stddef.h>

#include "check_run.h"

typedef struct check_client_opts {
  int listen_fd;        /* bound, listening socket */
  char *const *command; /* argv of the client to run per case, NULL: wait for one */
  double timeout;       /* seconds per case (connect + reaction) */
} check_client_opts;

/* Runs client case `index` on the next connection. */
void check_client_case(const check_client_opts *co, const check_target *t, const check_case *cs,
                       check_result *r);

#endif
