/* weak_server.c — an HTTP/2 server WITHOUT mitigations, for the robustness
 * verdicts of `h2scope check -- CMD` (tests/cli/test_check_robust.sh): the
 * session library with every flood limit off (UINT32_MAX), and an
 * application that does what naive ones do: each request costs 2 ms of CPU
 * when it arrives (a handler that starts working at once, whatever happens
 * to the stream after: rapid reset, MadeYouReset), and each response is a
 * 1 MiB body built whole in memory and kept until it has been sent (data
 * that a client which never reads makes the server buffer: CVE-2019-9517).
 * One process per connection (fork), loopback only.
 *
 *   weak_server PORT */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "h2/session_io.h"

#define BODY_LEN (1u << 20)
#define HANDLER_CPU_NS 2000000L
#define MAX_BODIES 4096

static long cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* The application's work for one request: 2 ms of CPU time. */
static void handle(void) {
  long until = cpu_ns() + HANDLER_CPU_NS;
  while (cpu_ns() < until) {
  }
}

typedef struct body {
  uint32_t id;
  uint8_t *p;
} body;

static void reply(h2_session *s, body *bodies, size_t *n, uint32_t id) {
  handle();
  const h2_header h[] = {{":status", 7, "200", 3, 0}};
  if (*n == MAX_BODIES || h2_session_send_headers(s, id, h, 1, false, NULL) != H2_OK) return;
  uint8_t *p = malloc(BODY_LEN);
  if (!p) return;
  memset(p, 'x', BODY_LEN);
  if (h2_session_send_data(s, id, p, BODY_LEN, true) != H2_OK) {
    free(p);
    return;
  }
  bodies[(*n)++] = (body){id, p};
}

static void release(body *bodies, size_t *n, uint32_t id) {
  for (size_t i = 0; i < *n; i++)
    if (bodies[i].id == id) {
      free(bodies[i].p);
      bodies[i] = bodies[--*n];
      return;
    }
}

static void serve(int fd) {
  h2_session_config cfg;
  h2_session_config_init(&cfg, H2_ROLE_SERVER);
  cfg.max_concurrent_streams = 4096;
  cfg.flood = (h2_flood_limits){UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX,
                                UINT32_MAX, UINT32_MAX, UINT32_MAX};
  h2_session *s = h2_session_new(&cfg);
  h2_session_io *io = s ? h2_session_io_new_fd(s, fd) : NULL;
  body *bodies = calloc(MAX_BODIES, sizeof *bodies);
  size_t n = 0;
  h2_event ev;
  while (io && bodies && h2_session_io_take(io, &ev)) {
    if (ev.type == H2_EV_HEADERS && !ev.end_stream) handle(); /* work starts at once */
    if ((ev.type == H2_EV_HEADERS || ev.type == H2_EV_DATA) && ev.end_stream)
      reply(s, bodies, &n, ev.stream_id);
    if (ev.type == H2_EV_DATA_SENT || ev.type == H2_EV_STREAM_CLOSED)
      release(bodies, &n, ev.stream_id);
  }
  for (size_t i = 0; i < n; i++)
    free(bodies[i].p);
  free(bodies);
  h2_session_io_free(io);
  h2_session_free(s);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: weak_server PORT\n");
    return 2;
  }
  struct sockaddr_in addr = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(argv[1])),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int one = 1, lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lfd, 128) != 0) {
    perror("weak_server: listen");
    return 1;
  }
  signal(SIGCHLD, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) continue;
    pid_t pid = fork();
    if (pid == 0) {
      close(lfd);
      serve(fd);
      _exit(0);
    }
    close(fd);
  }
}
