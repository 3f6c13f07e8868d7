/* serve_limits.h — `serve`'s defences against peers that hold connections
 * without using them (slowloris, connection exhaustion, EMFILE), as pure
 * policy: the timeouts of each connection phase, which connection to evict
 * when a new client needs its slot, and how many connections the open-file
 * limit allows. No sockets here: the poll loop (serve_loop.c) applies it. */
#ifndef H2SCOPE_SERVE_LIMITS_H
#define H2SCOPE_SERVE_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Defaults (docs/serve-security.md explains each). */
#define SERVE_DEFAULT_MAX_CONNS 1024u
#define SERVE_DEFAULT_MAX_CONNS_PER_ADDR 128u
#define SERVE_DEFAULT_IDLE_TIMEOUT_S 60u
#define SERVE_DEFAULT_PREFACE_TIMEOUT_S 10u
#define SERVE_DEFAULT_HANDSHAKE_TIMEOUT_S 10u
/* File descriptors kept apart from connections: the listener, stdio, the
 * --dir directory, files being streamed (SERVE_MAX_OPEN_FILES) and slack. */
#define SERVE_MAX_OPEN_FILES 64u
#define SERVE_FD_RESERVE (SERVE_MAX_OPEN_FILES + 16u)

typedef struct serve_limits {
  uint32_t max_conns;
  uint32_t max_conns_per_addr;
  uint32_t idle_timeout_ms;      /* no byte read or written for this long: closed */
  uint32_t preface_timeout_ms;   /* from accept (h2c) or the end of the TLS handshake to
                                    the client's first SETTINGS */
  uint32_t handshake_timeout_ms; /* TLS handshake, from accept */
} serve_limits;

void serve_limits_init(serve_limits *l);

enum serve_phase {
  SERVE_PHASE_HANDSHAKE = 0, /* TLS handshake */
  SERVE_PHASE_PREFACE,       /* waiting for the preface (or an HTTP/1.1 Upgrade request) */
  SERVE_PHASE_H2,            /* the client's SETTINGS arrived */
  SERVE_PHASE_LINGER,        /* closing: our side is shut, what the client still sends is
                                read and dropped until it closes (serve_conn_linger) */
};

/* How long a closing connection waits for the client to close its side
 * (from the start of the phase, never extended), and how much it reads
 * meanwhile before it gives up. */
#define SERVE_LINGER_MS 2000u
#define SERVE_LINGER_MAX_BYTES (4u << 20)

/* What the policy needs to know of one connection. */
typedef struct serve_timing {
  uint8_t phase;           /* enum serve_phase */
  bool busy;               /* a response is in flight or output waits */
  uint64_t phase_start_ms; /* when the current phase began */
  uint64_t last_active_ms; /* last byte read or written */
} serve_timing;

/* The time (ms, same clock) at which the connection has waited too long:
 * the phase's deadline (handshake, preface) or the idle timeout. */
uint64_t serve_expiry(const serve_limits *l, const serve_timing *t);

/* Whether a should be evicted before b when a new client needs a slot:
 * closing connections first, then those that never completed a handshake or
 * preface (they cost the attacker nothing), then idle HTTP/2 connections,
 * then busy ones; within each, the one silent for longest. */
bool serve_evict_before(const serve_timing *a, const serve_timing *b);

/* The peer address a connection counts against (IPv4 as ::ffff:a.b.c.d). */
typedef struct serve_addr {
  uint8_t b[16];
} serve_addr;
bool serve_addr_equal(const serve_addr *a, const serve_addr *b);

/* Fits max_conns into the open-file limit (soft, hard; UINT64_MAX =
 * unlimited): *new_soft is the soft limit to set (raised toward the hard
 * one as far as needed), the result the connections it allows (0 when not
 * even one fits beside SERVE_FD_RESERVE). */
uint32_t serve_fit_fd_limit(uint32_t max_conns, uint64_t soft, uint64_t hard, uint64_t *new_soft);

#endif
