/* session_new.c — the session's creation and release: configuration
 * defaults, the tables and buffers sized from them, and the first frames
 * each side queues (§3.4: the preface and SETTINGS). It sits above both
 * session_core.c (the primitives) and session_send.c (the frame senders),
 * so neither of those two calls the other's direction. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session_internal.h"

void h2_session_config_init(h2_session_config *cfg, uint8_t role) {
  memset(cfg, 0, sizeof *cfg);
  cfg->role = role;
}

static uint32_t or_default(uint32_t v, uint32_t d) {
  return v ? v : d;
}

static uint64_t monotonic_ms(void *user) {
  (void)user;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void normalize(h2_session_config *c) {
  c->header_table_size = or_default(c->header_table_size, 4096);
  c->max_concurrent_streams = or_default(c->max_concurrent_streams, 128);
  if (c->initial_window_size == 0)
    c->initial_window_size = 65535;
  else if (c->initial_window_size == UINT32_MAX)
    c->initial_window_size = 0;
  c->max_frame_size = or_default(c->max_frame_size, H2_DEFAULT_MAX_FRAME_SIZE);
  c->max_header_list_size = or_default(c->max_header_list_size, 65536);
  c->connection_window = or_default(c->connection_window, 16u << 20);
  if (c->connection_window < 65535) c->connection_window = 65535;
  if (c->connection_window > H2_MAX_WINDOW_SIZE) c->connection_window = H2_MAX_WINDOW_SIZE;
  c->flood.rst_per_sec = or_default(c->flood.rst_per_sec, 1000);
  c->flood.settings_per_sec = or_default(c->flood.settings_per_sec, 100);
  c->flood.ping_per_sec = or_default(c->flood.ping_per_sec, 100);
  c->flood.empty_frames_per_sec = or_default(c->flood.empty_frames_per_sec, 100);
  c->flood.priority_per_sec = or_default(c->flood.priority_per_sec, 10000);
  c->flood.continuation_frames = or_default(c->flood.continuation_frames, 64);
  c->flood.pending_output = or_default(c->flood.pending_output, 64u << 10);
  c->max_streams = or_default(c->max_streams, 4 * c->max_concurrent_streams + 64);
  c->event_queue = or_default(c->event_queue, 256);
  c->output_buffer = or_default(c->output_buffer, 128u << 10);
  if (!c->now_ms) c->now_ms = monotonic_ms;
}

static void settings_defaults(uint32_t v[7]) {
  v[0] = 0;
  v[H2_SETTINGS_HEADER_TABLE_SIZE] = 4096;
  v[H2_SETTINGS_ENABLE_PUSH] = 1;
  v[H2_SETTINGS_MAX_CONCURRENT_STREAMS] = UINT32_MAX; /* unlimited until announced */
  v[H2_SETTINGS_INITIAL_WINDOW_SIZE] = 65535;
  v[H2_SETTINGS_MAX_FRAME_SIZE] = H2_DEFAULT_MAX_FRAME_SIZE;
  v[H2_SETTINGS_MAX_HEADER_LIST_SIZE] = UINT32_MAX;
}

/* The SETTINGS this endpoint sends first (§3.4): the ones that differ from
 * the defaults, and the limits it always announces. set holds 6. */
static size_t initial_settings(const h2_session_config *c, h2_setting *set) {
  size_t n = 0;
  if (c->header_table_size != 4096)
    set[n++] = (h2_setting){H2_SETTINGS_HEADER_TABLE_SIZE, c->header_table_size};
  if (c->role == H2_ROLE_CLIENT)
    set[n++] = (h2_setting){H2_SETTINGS_ENABLE_PUSH, c->enable_push ? 1u : 0u};
  set[n++] = (h2_setting){H2_SETTINGS_MAX_CONCURRENT_STREAMS, c->max_concurrent_streams};
  if (c->initial_window_size != 65535)
    set[n++] = (h2_setting){H2_SETTINGS_INITIAL_WINDOW_SIZE, c->initial_window_size};
  if (c->max_frame_size != H2_DEFAULT_MAX_FRAME_SIZE)
    set[n++] = (h2_setting){H2_SETTINGS_MAX_FRAME_SIZE, c->max_frame_size};
  set[n++] = (h2_setting){H2_SETTINGS_MAX_HEADER_LIST_SIZE, c->max_header_list_size};
  return n;
}

size_t h2_session_settings_payload(const h2_session_config *cfg, uint8_t *buf, size_t cap) {
  h2_session_config c = *cfg;
  normalize(&c);
  h2_setting set[6];
  size_t n = initial_settings(&c, set);
  return 6 * n <= cap ? h2_settings_pack(set, n, buf, cap) : 0;
}

static void queue_initial_frames(h2_session *s) {
  const h2_session_config *c = &s->cfg;
  if (s->role == H2_ROLE_CLIENT && !c->skip_preface)
    h2s_out_bytes(s, (const uint8_t *)H2_PREFACE, H2_PREFACE_LEN);
  /* §3.4: the first frame each side sends is SETTINGS. */
  h2_setting set[6];
  h2_session_send_settings(s, set, initial_settings(c, set));
  if (c->connection_window > 65535) {
    h2_session_send_window_update(s, 0, c->connection_window - 65535);
  }
}

h2_session *h2_session_new(const h2_session_config *cfg_in) {
  if (!cfg_in || (cfg_in->role != H2_ROLE_CLIENT && cfg_in->role != H2_ROLE_SERVER)) return NULL;
  h2_session *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->cfg = *cfg_in;
  normalize(&s->cfg);
  h2_session_config *c = &s->cfg;
  if (c->max_frame_size < H2_DEFAULT_MAX_FRAME_SIZE ||
      c->max_frame_size > H2_MAX_FRAME_SIZE_LIMIT || c->initial_window_size > H2_MAX_WINDOW_SIZE) {
    free(s);
    return NULL;
  }
  s->role = c->role;
  s->peer_role = c->role == H2_ROLE_CLIENT ? H2_ROLE_SERVER : H2_ROLE_CLIENT;
  settings_defaults(s->local);
  settings_defaults(s->peer);
  s->announced_max_frame = c->max_frame_size;

  s->stream_cap = c->max_streams;
  uint32_t nb = 16;
  while (nb < s->stream_cap * 2)
    nb <<= 1;
  s->bucket_mask = nb - 1;
  s->streams = calloc(s->stream_cap, sizeof *s->streams);
  s->buckets = calloc(nb, sizeof *s->buckets);
  s->closed_fifo = calloc(s->stream_cap, sizeof *s->closed_fifo);
  s->ready_cap = 2 * s->stream_cap;
  s->ready = calloc(s->ready_cap, sizeof *s->ready);
  s->closed_ids = calloc(s->stream_cap + 1, sizeof *s->closed_ids);
  s->closed_codes = calloc(s->stream_cap + 1, sizeof *s->closed_codes);

  s->inbuf_cap = H2_FRAME_HEADER_LEN + (size_t)c->max_frame_size;
  s->inbuf = malloc(s->inbuf_cap);
  s->block_buf = malloc(c->max_header_list_size);
  h2_field_block_init(&s->block, s->block_buf, c->max_header_list_size);
  s->fields = calloc(H2_SESSION_MAX_FIELDS, sizeof *s->fields);

  s->ev_soft_cap = c->event_queue;
  s->ev_cap = c->event_queue + s->stream_cap + 16; /* headroom for send-side events */
  s->events = calloc(s->ev_cap, sizeof *s->events);
  /* room for the largest event: a DATA frame, or a header list (its strings
   * count at most max_header_list_size, each field 32 more, §6.5.2) */
  s->arena_reserve = (size_t)c->max_frame_size + c->max_header_list_size +
                     H2_SESSION_MAX_FIELDS * (sizeof(h2_header) + 2) + 64;
  s->arena_cap = c->event_arena ? c->event_arena : 2 * s->arena_reserve;
  if (s->arena_cap < s->arena_reserve) s->arena_cap = s->arena_reserve;
  s->arena = malloc(s->arena_cap);

  s->out_cap = c->output_buffer;
  s->out = malloc(s->out_cap);
  s->hpack_cap = 2u * c->max_header_list_size + 1024;
  s->hpack_buf = malloc(s->hpack_cap);

  h2_hpack_decoder_config dc = {.max_table_size = c->header_table_size,
                                .max_header_list_size = c->max_header_list_size};
  s->decoder_ready = h2_hpack_decoder_init(&s->decoder, &dc) == H2_OK;
  h2_hpack_encoder_config ec = {.max_table_size = 4096};
  s->encoder = h2_hpack_encoder_new(&ec);
  if (!s->streams || !s->buckets || !s->ready || !s->closed_fifo || !s->closed_ids ||
      !s->closed_codes || !s->inbuf || !s->block_buf || !s->fields || !s->events || !s->arena ||
      !s->out || !s->hpack_buf || !s->decoder_ready || !s->encoder) {
    h2_session_free(s);
    return NULL;
  }

  s->conn_send_window = 65535;
  s->conn_recv_window = 65535;
  s->conn_window_target = c->connection_window;
  s->next_local_stream = s->role == H2_ROLE_CLIENT ? 1 : 2;
  s->preface_needed = s->role == H2_ROLE_SERVER && !c->skip_preface;

  queue_initial_frames(s);
  s->conn_recv_window = c->connection_window;

  if (c->upgraded) {
    /* RFC 7540 §3.2: the upgrade request is stream 1, its request is complete. */
    uint8_t st = s->role == H2_ROLE_SERVER ? H2_SS_HALF_CLOSED_REMOTE : H2_SS_HALF_CLOSED_LOCAL;
    h2_stream *one = h2s_stream_create(s, 1, st);
    if (one) one->final_headers = s->role == H2_ROLE_SERVER;
    if (s->role == H2_ROLE_SERVER)
      s->last_peer_stream = 1;
    else {
      s->last_local_stream = 1;
      s->next_local_stream = 3;
    }
  }
  return s;
}

void h2_session_free(h2_session *s) {
  if (!s) return;
  free(s->streams);
  free(s->buckets);
  free(s->closed_fifo);
  free(s->ready);
  free(s->closed_ids);
  free(s->closed_codes);
  free(s->inbuf);
  free(s->block_buf);
  free(s->fields);
  free(s->events);
  free(s->arena);
  free(s->out);
  free(s->hpack_buf);
  if (s->decoder_ready) h2_hpack_decoder_free(&s->decoder);
  h2_hpack_encoder_free(s->encoder);
  free(s);
}
