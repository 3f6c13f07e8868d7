/* serve_limits.c — timeouts, eviction order and the open-file budget of
 * `serve` (see serve_limits.h and docs/serve-security.md). */
#include "serve_limits.h"

#include <string.h>

void serve_limits_init(serve_limits *l) {
  l->max_conns = SERVE_DEFAULT_MAX_CONNS;
  l->max_conns_per_addr = SERVE_DEFAULT_MAX_CONNS_PER_ADDR;
  l->idle_timeout_ms = SERVE_DEFAULT_IDLE_TIMEOUT_S * 1000u;
  l->preface_timeout_ms = SERVE_DEFAULT_PREFACE_TIMEOUT_S * 1000u;
  l->handshake_timeout_ms = SERVE_DEFAULT_HANDSHAKE_TIMEOUT_S * 1000u;
}

uint64_t serve_expiry(const serve_limits *l, const serve_timing *t) {
  uint64_t idle = t->last_active_ms + l->idle_timeout_ms;
  uint64_t phase = UINT64_MAX;
  /* Slowloris: a peer that trickles a byte now and then keeps the idle
   * timer fresh, so the handshake and the preface have deadlines of their
   * own, counted from the start of the phase and never extended. */
  if (t->phase == SERVE_PHASE_HANDSHAKE)
    phase = t->phase_start_ms + l->handshake_timeout_ms;
  else if (t->phase == SERVE_PHASE_PREFACE)
    phase = t->phase_start_ms + l->preface_timeout_ms;
  else if (t->phase == SERVE_PHASE_LINGER)
    phase = t->phase_start_ms + SERVE_LINGER_MS;
  return idle < phase ? idle : phase;
}

static int evict_class(const serve_timing *t) {
  if (t->phase == SERVE_PHASE_LINGER) return 0;
  if (t->phase != SERVE_PHASE_H2) return 1;
  return t->busy ? 3 : 2;
}

bool serve_evict_before(const serve_timing *a, const serve_timing *b) {
  int ca = evict_class(a), cb = evict_class(b);
  if (ca != cb) return ca < cb;
  return a->last_active_ms < b->last_active_ms;
}

bool serve_addr_equal(const serve_addr *a, const serve_addr *b) {
  return memcmp(a->b, b->b, sizeof a->b) == 0;
}

uint32_t serve_fit_fd_limit(uint32_t max_conns, uint64_t soft, uint64_t hard, uint64_t *new_soft) {
  uint64_t need = (uint64_t)max_conns + SERVE_FD_RESERVE;
  *new_soft = soft;
  if (soft >= need) return max_conns;
  /* An unprivileged process may raise its soft limit up to the hard one. */
  *new_soft = hard < need ? hard : need;
  if (*new_soft < soft) *new_soft = soft;
  if (*new_soft >= need) return max_conns;
  return *new_soft > SERVE_FD_RESERVE ? (uint32_t)(*new_soft - SERVE_FD_RESERVE) : 0;
}
