/* serve_loop.c — the poll loop of `serve`: one round reads and writes every
 * ready connection, ends those past their deadline (serve_limits.h), drops
 * closed ones, then accepts new clients, evicting the most evictable
 * connection when the client's address or the server is at its limit. */
#define _GNU_SOURCE /* accept4: non-blocking, close-on-exec sockets in one call */
#include "serve_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* After accept fails for want of descriptors or memory, the listener is
 * left alone this long (it stays readable: polling it at once would spin). */
#define SERVE_ACCEPT_PAUSE_MS 100u
/* Clients accepted per round at most, so a connect storm cannot starve the
 * connections already served. */
#define SERVE_ACCEPTS_PER_ROUND 64

typedef struct serve_table {
  serve_conn **conns;
  struct pollfd *pfd;
  size_t n, cap;
  uint64_t accept_resume_ms;
  size_t freed; /* connections freed since the last malloc_trim */
  uint64_t trimmed_ms;
} serve_table;

static uint64_t monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static serve_addr addr_of(const struct sockaddr_storage *ss) {
  serve_addr a = {{0}};
  if (ss->ss_family == AF_INET6) {
    memcpy(a.b, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
  } else if (ss->ss_family == AF_INET) {
    a.b[10] = a.b[11] = 0xff;
    memcpy(a.b + 12, &((const struct sockaddr_in *)ss)->sin_addr, 4);
  }
  return a;
}

static void refresh_busy(serve_conn *c) {
  c->t.busy = c->nbodies || c->out_len ||
              (c->s && (h2_session_want_write(c->s) || h2_session_open_streams(c->s, true)));
}

/* The most evictable open connection (of address only, when given). */
static size_t pick_victim(serve_table *tb, const serve_addr *only) {
  size_t v = SIZE_MAX;
  for (size_t i = 0; i < tb->n; i++) {
    serve_conn *c = tb->conns[i];
    if (c->closed || (only && !serve_addr_equal(&c->addr, only))) continue;
    refresh_busy(c);
    if (v == SIZE_MAX || serve_evict_before(&c->t, &tb->conns[v]->t)) v = i;
  }
  return v;
}

static void drop(serve_ctx *sv, serve_table *tb, size_t i) {
  serve_conn_free(sv, tb->conns[i]);
  tb->conns[i] = tb->conns[--tb->n];
  tb->freed++;
}

static void evict(serve_ctx *sv, serve_table *tb, size_t i, const char *reason) {
  serve_conn_shut(sv, tb->conns[i], reason);
  drop(sv, tb, i);
}

static void accept_clients(serve_ctx *sv, serve_table *tb, int lfd) {
  bool evicted = false; /* for want of a descriptor, since the last accept */
  for (int k = 0; k < SERVE_ACCEPTS_PER_ROUND; k++) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      /* EMFILE, ENFILE, ENOBUFS, ENOMEM: the client stays queued and the
       * listener readable. Evicting the most evictable connection frees a
       * descriptor for it; when that does not help, accepting pauses. */
      size_t v = evicted ? SIZE_MAX : pick_victim(tb, NULL);
      if (v != SIZE_MAX) {
        evict(sv, tb, v, "server out of descriptors");
        evicted = true;
        continue;
      }
      tb->accept_resume_ms = sv->now_ms + SERVE_ACCEPT_PAUSE_MS;
      return;
    }
    evicted = false;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    serve_addr a = addr_of(&ss);
    size_t same = 0;
    for (size_t i = 0; i < tb->n; i++)
      same += serve_addr_equal(&tb->conns[i]->addr, &a);
    /* A full server (or a full share for this address) still serves the new
     * client: the most evictable connection makes room, so idle or
     * half-open connections cannot lock clients out (slowloris). */
    size_t v = SIZE_MAX;
    if (same >= sv->limits.max_conns_per_addr)
      v = pick_victim(tb, &a);
    else if (tb->n >= sv->limits.max_conns)
      v = pick_victim(tb, NULL);
    if (v != SIZE_MAX) evict(sv, tb, v, "connection limit reached");
    serve_conn *c = tb->n < tb->cap ? serve_conn_new(sv, fd, &a) : NULL;
    if (!c) {
      close(fd);
      continue;
    }
    tb->conns[tb->n++] = c;
  }
}

static const char *expiry_reason(const serve_conn *c) {
  if (c->t.phase == SERVE_PHASE_LINGER) return "linger timeout";
  if (c->t.phase == SERVE_PHASE_HANDSHAKE) return "tls handshake timeout";
  if (c->t.phase == SERVE_PHASE_PREFACE) return "preface timeout";
  return "idle timeout";
}

/* Ends connections past their deadline (and frees the output buffer of
 * quiet ones); the poll timeout until the next deadline. */
static int expire(serve_ctx *sv, serve_table *tb) {
  uint64_t next = sv->now_ms + 1000;
  for (size_t i = 0; i < tb->n; i++) {
    serve_conn *c = tb->conns[i];
    if (c->closed) continue;
    serve_conn_trim(sv, c);
    uint64_t at = serve_expiry(&sv->limits, &c->t);
    if (at <= sv->now_ms)
      serve_conn_shut(sv, c, expiry_reason(c));
    else if (at < next)
      next = at;
  }
  if (tb->accept_resume_ms > sv->now_ms && tb->accept_resume_ms < next) next = tb->accept_resume_ms;
  return (int)(next - sv->now_ms);
}

/* glibc keeps freed heap memory for reuse; after connections close it is
 * given back (at most once a second), so a burst of clients does not leave
 * the server at its peak size. */
static void return_memory(serve_table *tb, uint64_t now, int *timeout) {
  if (!tb->freed) return;
  if (now - tb->trimmed_ms < 1000) {
    /* wake up for it even when no client stirs */
    int wait = (int)(tb->trimmed_ms + 1000 - now);
    if (wait < *timeout) *timeout = wait;
    return;
  }
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  tb->freed = 0;
  tb->trimmed_ms = now;
}

bool serve_run(serve_ctx *sv, int lfd, volatile sig_atomic_t *stopping) {
#ifdef __GLIBC__
  /* A fixed threshold (the default one grows with every large free) keeps
   * the session's large buffers in mmap, returned to the system on close. */
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
  serve_table tb = {.cap = (size_t)sv->limits.max_conns + 1};
  tb.conns = calloc(tb.cap, sizeof *tb.conns);
  tb.pfd = calloc(tb.cap + 1, sizeof *tb.pfd);
  if (!tb.conns || !tb.pfd) {
    free(tb.conns);
    free(tb.pfd);
    return false;
  }
  sv->now_ms = monotonic_ms();
  int timeout = 1000;
  while (!*stopping) {
    bool accepting = sv->now_ms >= tb.accept_resume_ms;
    tb.pfd[0] = (struct pollfd){.fd = lfd, .events = accepting ? POLLIN : 0};
    for (size_t i = 0; i < tb.n; i++) {
      serve_conn *c = tb.conns[i];
      short ev = POLLIN;
      if (serve_conn_wants_write(c)) ev |= POLLOUT;
      tb.pfd[i + 1] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    int r = poll(tb.pfd, tb.n + 1, timeout);
    sv->now_ms = monotonic_ms();
    size_t shed = r < 0 && errno == EINVAL ? pick_victim(&tb, NULL) : SIZE_MAX;
    if (shed != SIZE_MAX) {
      /* More descriptors than RLIMIT_NOFILE (lowered while running, e.g.
       * by prlimit): shed the most evictable connection and poll again. */
      evict(sv, &tb, shed, "server out of descriptors");
      timeout = 0;
      continue;
    }
    if (r < 0 && errno != EINTR) break;
    size_t polled = r > 0 ? tb.n : 0;
    for (size_t i = 0; i < polled; i++) {
      serve_conn *c = tb.conns[i];
      short re = tb.pfd[i + 1].revents;
      if (re & (POLLIN | POLLHUP | POLLERR)) serve_conn_readable(sv, c);
      if (!c->closed && c->t.phase != SERVE_PHASE_HANDSHAKE)
        serve_conn_flush(sv, c);
      else if (!c->closed && (re & POLLOUT))
        serve_conn_readable(sv, c); /* the TLS handshake wanted to write */
      if (c->s && h2_session_done(c->s) && c->out_len == 0) c->closed = true;
    }
    timeout = expire(sv, &tb);
    for (size_t i = 0; i < tb.n;)
      if (tb.conns[i]->closed && !serve_conn_linger(sv, tb.conns[i]))
        drop(sv, &tb, i);
      else
        i++;
    if (r > 0 && (tb.pfd[0].revents & POLLIN)) accept_clients(sv, &tb, lfd);
    if (tb.accept_resume_ms > sv->now_ms) {
      int pause = (int)(tb.accept_resume_ms - sv->now_ms);
      if (pause < timeout) timeout = pause;
    }
    return_memory(&tb, sv->now_ms, &timeout);
  }
  while (tb.n)
    drop(sv, &tb, tb.n - 1);
  free(tb.conns);
  free(tb.pfd);
  return true;
}
