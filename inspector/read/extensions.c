/* extensions.c — extension frames, the priority field, extended CONNECT and
 * WebSocket streams of one connection (extensions.h). */
#include "extensions.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow_events.h"
#include "h2/ext_frames.h"

/* Kept out of ext_conn_frame: what only some frames need. */
#define EXT_COLD __attribute__((noinline))

/* A stream opened by an extended CONNECT with :protocol websocket: the
 * client's DATA are WebSocket frames from the request on, the server's once
 * it answered 2xx (RFC 8441 §5). */
typedef struct ws_stream {
  uint32_t id;    /* 0: free slot */
  bool active[2]; /* by direction */
  bool ended[2];  /* END_STREAM seen */
  ws_reader rd[2];
} ws_stream;

struct ext_conn {
  ext_conn_head head; /* first: ext_conn_has_work reads it (extensions.h) */
  ext_config cfg;
  bool connect_enabled[2]; /* SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 sent by dir */
  ws_stream *streams;      /* cfg.max_ws_streams slots */
  ws_frame_info *out;      /* cfg.max_ws_per_frame: the frames of the DATA frame at hand */
  size_t out_count;
  uint32_t out_more;
};

ext_conn *ext_conn_new(const ext_config *cfg) {
  ext_conn *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  if (cfg) x->cfg = *cfg;
  if (!x->cfg.max_ws_streams) x->cfg.max_ws_streams = 64;
  if (!x->cfg.max_ws_per_frame) x->cfg.max_ws_per_frame = 32;
  if (!x->cfg.preview_max) x->cfg.preview_max = 64;
  return x;
}

void ext_conn_free(ext_conn *x) {
  if (!x) return;
  free(x->streams);
  free(x->out);
  free(x);
}

bool ext_conn_connect_enabled(const ext_conn *x, int dir) {
  return x && x->connect_enabled[dir ? 1 : 0];
}

static void note(frame_note *notes, size_t *n, size_t cap, const char *rule, const char *message,
                 const char *section) {
  for (size_t i = 0; i < *n; i++)
    if (notes[i].message == message) return; /* one note per violation and frame */
  if (*n < cap) notes[(*n)++] = (frame_note){.rule = rule, .message = message, .section = section};
}

static void note_problem(const h2_ext_problem *p, frame_note *notes, size_t *n, size_t cap) {
  note(notes, n, cap, p->rule, p->message, p->section);
}

static ws_stream *ws_find(ext_conn *x, uint32_t id) {
  for (uint32_t i = 0; x->streams && i < x->cfg.max_ws_streams; i++)
    if (x->streams[i].id == id) return &x->streams[i];
  return NULL;
}

static ws_stream *ws_add(ext_conn *x, uint32_t id) {
  if (!x->streams) {
    x->streams = calloc(x->cfg.max_ws_streams, sizeof *x->streams);
    if (!x->streams) return NULL;
    x->head.ws_followed = true;
  }
  ws_stream *s = ws_find(x, id);
  if (!s) s = ws_find(x, 0); /* a free slot; none: beyond the limit, not followed */
  if (!s) return NULL;
  memset(s, 0, sizeof *s);
  s->id = id;
  ws_reader_init(&s->rd[FLOW_DIR_C2S], true, x->cfg.preview_max);
  ws_reader_init(&s->rd[FLOW_DIR_S2C], false, x->cfg.preview_max);
  return s;
}

/* Which of the fields on_headers looks at h is: by length first, then the
 * name against one literal (compared inline), so the fields it ignores cost
 * a switch. */
enum ext_field { EF_OTHER, EF_METHOD, EF_PROTOCOL, EF_STATUS, EF_WS_EXTENSIONS, EF_PRIORITY };
static enum ext_field field_of(const h2_header *h) {
  if (!h->name || !h->value) return EF_OTHER;
  const char *n = h->name;
  switch (h->name_len) {
  case 7:
    if (!memcmp(n, ":method", 7)) return EF_METHOD;
    return !memcmp(n, ":status", 7) ? EF_STATUS : EF_OTHER;
  case 8:
    return !memcmp(n, "priority", 8) ? EF_PRIORITY : EF_OTHER;
  case 9:
    return !memcmp(n, ":protocol", 9) ? EF_PROTOCOL : EF_OTHER;
  case 24:
    return !memcmp(n, "sec-websocket-extensions", 24) ? EF_WS_EXTENSIONS : EF_OTHER;
  default:
    return EF_OTHER;
  }
}

static bool value_is(const h2_header *h, const char *v) {
  size_t l = strlen(v);
  return h->value && h->value_len == l && !strncasecmp(h->value, v, l);
}

/* A complete header list: the priority field, :protocol, and the answer
 * to a WebSocket CONNECT. */
EXT_COLD static void on_headers(ext_conn *x, int dir, bool roles_known, uint32_t stream,
                                const decoded_frame *d, frame_note *notes, size_t *n, size_t cap) {
  const h2_header *method = NULL, *protocol = NULL, *status = NULL;
  bool extensions = false;
  for (size_t i = 0; i < d->header_count; i++) {
    const h2_header *h = &d->headers[i];
    switch (field_of(h)) {
    case EF_METHOD:
      method = h;
      break;
    case EF_PROTOCOL:
      protocol = h;
      break;
    case EF_STATUS:
      status = h;
      break;
    case EF_WS_EXTENSIONS:
      extensions = true;
      break;
    case EF_PRIORITY: {
      h2_priority_field pf;
      h2_ext_problem why;
      if (h2_priority_field_parse(h->value, h->value_len, &pf, &why) != H2_EXT_OK)
        note_problem(&why, notes, n, cap);
      break;
    }
    case EF_OTHER:
      break;
    }
  }
  if (protocol && method) {
    /* RFC 8441 §4: :protocol goes with CONNECT, and then :scheme and :path
     * are included; §3: only once the server enabled it. */
    bool connect = value_is(method, "CONNECT");
    /* §4's :protocol-without-CONNECT and missing :scheme/:path are field
     * rules (h2/field_rules.h); what needs the connection is here */
    if (roles_known && dir == FLOW_DIR_C2S && !x->connect_enabled[FLOW_DIR_S2C])
      note(notes, n, cap, "extended-connect-invalid",
           ":protocol in a request although the server did not send "
           "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1",
           "RFC 8441 §3");
    if (connect && value_is(protocol, "websocket") && dir == FLOW_DIR_C2S) {
      ws_stream *s = ws_add(x, stream);
      if (s) s->active[FLOW_DIR_C2S] = true;
    }
    return;
  }
  ws_stream *s = status && dir == FLOW_DIR_S2C ? ws_find(x, stream) : NULL;
  if (s && !s->active[FLOW_DIR_S2C]) {
    /* RFC 8441 §5: a 2xx opens the tunnel; anything else refuses it (1xx: wait). */
    char c = status->value_len ? status->value[0] : '0';
    if (c == '2') {
      s->active[FLOW_DIR_S2C] = true;
      s->rd[0].extensions = s->rd[1].extensions = extensions;
    } else if (c != '1') {
      s->id = 0;
    }
  }
}

static void collect_ws(void *user, const ws_frame_info *f) {
  ext_conn *x = user;
  if (!x->out) x->out = calloc(x->cfg.max_ws_per_frame, sizeof *x->out);
  if (x->out && x->out_count < x->cfg.max_ws_per_frame)
    x->out[x->out_count++] = *f;
  else
    x->out_more++;
}

EXT_COLD static void on_data(ext_conn *x, int dir, decoded_frame *d, frame_note *notes, size_t *n,
                             size_t cap) {
  const h2_frame *f = &d->frame;
  ws_stream *s = f->hd.stream_id ? ws_find(x, f->hd.stream_id) : NULL;
  if (!s || !s->active[dir]) return;
  x->out_count = 0;
  x->out_more = 0;
  ws_reader_feed(&s->rd[dir], f->u.data.data, f->u.data.len, collect_ws, x);
  d->ws = x->out;
  d->ws_count = x->out_count;
  d->ws_more = x->out_more;
  for (size_t i = 0; i < x->out_count; i++)
    if (x->out[i].problem)
      note(notes, n, cap, "websocket-frame-invalid", x->out[i].problem, x->out[i].problem_section);
}

static void on_settings(ext_conn *x, int dir, const h2_frame *f) {
  if (f->hd.flags & H2_FLAG_ACK) return;
  for (uint32_t i = 0; i < f->u.settings.count; i++) {
    h2_setting s = h2_settings_at(f, i);
    if (s.id == H2_SETTINGS_ENABLE_CONNECT_PROTOCOL) x->connect_enabled[dir] = s.value == 1;
  }
}

EXT_COLD static void on_extension_frame(int dir, bool roles_known, const h2_frame *f,
                                        frame_note *notes, size_t *n, size_t cap) {
  h2_ext_problem why;
  switch (f->hd.type) {
  case H2_ALTSVC: {
    h2_altsvc a;
    if (h2_altsvc_decode(f, &a, &why) != H2_EXT_OK) note_problem(&why, notes, n, cap);
    /* RFC 7838 §4: "The ALTSVC frame is intended for receipt by clients. A
     * device acting as a server MUST ignore it." */
    if (roles_known && dir == FLOW_DIR_C2S)
      note(notes, n, cap, "altsvc-invalid", "ALTSVC sent by a client (a server ignores it)",
           "RFC 7838 §4");
    break;
  }
  case H2_ORIGIN: {
    h2_origin_iter it;
    const uint8_t *o;
    size_t len;
    if (h2_origin_begin(f, &it, &why) != H2_EXT_OK) note_problem(&why, notes, n, cap);
    int r;
    while ((r = h2_origin_next(&it, &o, &len, &why)) != 0)
      if (r < 0) note_problem(&why, notes, n, cap);
    break;
  }
  case H2_PRIORITY_UPDATE: {
    h2_priority_update u;
    if (h2_priority_update_decode(f, &u, &why) != H2_EXT_OK) {
      note_problem(&why, notes, n, cap);
    } else {
      h2_priority_field pf;
      if (h2_priority_field_parse((const char *)u.value, u.value_len, &pf, &why) != H2_EXT_OK)
        note_problem(&why, notes, n, cap);
    }
    /* RFC 9218 §7.1: "If a client receives a PRIORITY_UPDATE frame, it MUST
     * respond with a connection error of type PROTOCOL_ERROR." */
    if (roles_known && dir == FLOW_DIR_S2C)
      note(notes, n, cap, "priority-update-invalid", "PRIORITY_UPDATE sent by a server",
           "RFC 9218 §7.1");
    break;
  }
  default:
    break;
  }
}

/* ext_conn_frame's work, for the frames that have some. */
EXT_COLD static void frame_work(ext_conn *x, int dir, bool roles_known, uint32_t block_stream,
                                decoded_frame *d, const h2_field_facts *facts, frame_note *notes,
                                size_t *n, size_t cap) {
  const h2_frame *f = &d->frame;
  dir = dir ? 1 : 0;
  /* Most frames need nothing here: the work is out of line (EXT_COLD), so
   * that they do not pay for its stack frame. Without a WebSocket stream
   * (x->streams: none ever followed) DATA and RST_STREAM find none. */
  switch (f->hd.type) {
  case H2_SETTINGS:
    on_settings(x, dir, f);
    break;
  case H2_DATA:
    if (x->streams) on_data(x, dir, d, notes, n, cap);
    break;
  case H2_RST_STREAM: {
    ws_stream *s = f->hd.stream_id ? ws_find(x, f->hd.stream_id) : NULL;
    if (s) s->id = 0;
    break;
  }
  case H2_ALTSVC:
  case H2_ORIGIN:
  case H2_PRIORITY_UPDATE:
    on_extension_frame(dir, roles_known, f, notes, n, cap);
    break;
  default:
    break;
  }
  /* The list is scanned for :protocol, priority, or a WebSocket answer
   * (only while a stream waits for one): a list the field rules found
   * neither in is passed over. */
  if (d->block_complete && d->block_status == H2_OK &&
      (!facts || facts->has_protocol || facts->has_priority || x->streams))
    on_headers(x, dir, roles_known, block_stream, d, notes, n, cap);
  /* END_STREAM of both sides ends the tunnel: its slot is free again. */
  if (x->streams && (f->hd.type == H2_DATA || f->hd.type == H2_HEADERS) &&
      (f->hd.flags & H2_FLAG_END_STREAM) && f->hd.stream_id) {
    ws_stream *s = ws_find(x, f->hd.stream_id);
    if (s) {
      s->ended[dir] = true;
      if (s->ended[0] && s->ended[1]) s->id = 0;
    }
  }
}

void ext_conn_frame(ext_conn *x, int dir, bool roles_known, uint32_t block_stream, decoded_frame *d,
                    const h2_field_facts *facts, frame_note *notes, size_t *n, size_t cap) {
  /* Without a WebSocket stream (none ever followed), DATA, RST_STREAM and
   * END_STREAM find none; a list the field rules found no :protocol or
   * priority field in is passed over (frame_work): the common frame has
   * nothing to do here (ext_conn_has_work, which callers test inline). */
  bool list = d->block_complete && d->block_status == H2_OK;
  if (ext_conn_has_work(x, d->frame.hd.type, list ? facts : NULL) || (list && !facts))
    frame_work(x, dir, roles_known, block_stream, d, facts, notes, n, cap);
}
