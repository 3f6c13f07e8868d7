/* test_session_conformance.c — runs every case of
 * session_conformance_cases.h against the sans-I/O server: builds the
 * described frames, feeds them, and checks the reaction RFC 9113 requires
 * (GOAWAY code, RST_STREAM code, response, ACK, or nothing). */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "session_conformance_cases.h"
#include "session_harness.h"

typedef struct bytes {
  uint8_t p[40000];
  size_t n;
} bytes;

static void put(bytes *b, const void *p, size_t n) {
  ck_assert_uint_le(b->n + n, sizeof b->p);
  memcpy(b->p + b->n, p, n);
  b->n += n;
}

static void put_be(bytes *b, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; i--) {
    uint8_t c = (uint8_t)(v >> (8 * i));
    put(b, &c, 1);
  }
}

static void put_hex(bytes *b, const char *hex) {
  size_t n = strlen(hex);
  ck_assert_msg(n % 2 == 0, "odd hex '%s'", hex);
  for (size_t i = 0; i < n; i += 2) {
    unsigned v;
    ck_assert(sscanf(hex + i, "%2x", &v) == 1);
    uint8_t c = (uint8_t)v;
    put(b, &c, 1);
  }
}

/* literal field without indexing, new name (RFC 7541 §6.2.2), lengths < 127 */
static void put_literal(bytes *b, const char *name, size_t nl, const char *value, size_t vl) {
  ck_assert(nl < 127 && vl < 127);
  put_be(b, 0, 1);
  put_be(b, nl, 1);
  put(b, name, nl);
  put_be(b, vl, 1);
  put(b, value, vl);
}

static void put_fields(bytes *b, const char *spec) {
  while (*spec) {
    const char *end = strchr(spec, ',');
    if (!end) end = spec + strlen(spec);
    const char *eq = memchr(spec + 1, '=', (size_t)(end - spec - 1));
    ck_assert_ptr_nonnull(eq);
    put_literal(b, spec, (size_t)(eq - spec), eq + 1, (size_t)(end - eq - 1));
    spec = *end ? end + 1 : end;
  }
}

static void put_request(bytes *b, const char *method, const char *path) {
  put_literal(b, ":method", 7, method, strlen(method));
  put_literal(b, ":scheme", 7, "http", 4);
  put_literal(b, ":path", 5, path, strlen(path));
  put_literal(b, ":authority", 10, "localhost", 9);
}

static uint8_t parse_flags(const char *s) {
  if (!strcmp(s, "-")) return 0;
  if (isdigit((unsigned char)s[0])) return (uint8_t)strtoul(s, NULL, 0);
  uint8_t f = 0;
  char tmp[128];
  snprintf(tmp, sizeof tmp, "%s", s);
  for (char *save = NULL, *t = strtok_r(tmp, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
    if (!strcmp(t, "END_STREAM") || !strcmp(t, "ACK"))
      f |= 0x1;
    else if (!strcmp(t, "END_HEADERS"))
      f |= 0x4;
    else if (!strcmp(t, "PADDED"))
      f |= 0x8;
    else if (!strcmp(t, "PRIORITY"))
      f |= 0x20;
    else
      ck_abort_msg("unknown flag %s", t);
  }
  return f;
}

/* One line of a case's frames → wire bytes appended to out. */
static void build_line(char *line, bytes *out) {
  char *save = NULL;
  char *type_s = strtok_r(line, " ", &save);
  ck_assert_ptr_nonnull(type_s);
  static bytes payload;
  payload.n = 0;
  long forced_len = -1;
  bool raw = !strcmp(type_s, "RAW");
  uint8_t type = 0, flags = 0;
  uint32_t sid = 0;
  if (!raw) {
    int t = isdigit((unsigned char)type_s[0]) ? (int)strtol(type_s, NULL, 0)
                                              : h2_frame_type_from_name(type_s);
    ck_assert_msg(t >= 0, "unknown frame type %s", type_s);
    type = (uint8_t)t;
    flags = parse_flags(strtok_r(NULL, " ", &save));
    sid = (uint32_t)strtoul(strtok_r(NULL, " ", &save), NULL, 10);
  }
  for (char *tok = strtok_r(NULL, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    if (!strncmp(tok, "hex:", 4))
      put_hex(&payload, tok + 4);
    else if (!strncmp(tok, "u32:", 4))
      put_be(&payload, strtoull(tok + 4, NULL, 10), 4);
    else if (!strncmp(tok, "u16:", 4))
      put_be(&payload, strtoull(tok + 4, NULL, 10), 2);
    else if (!strncmp(tok, "zeros:", 6)) {
      size_t n = strtoul(tok + 6, NULL, 10);
      for (size_t i = 0; i < n; i++)
        put_be(&payload, 0, 1);
    } else if (!strncmp(tok, "str:", 4))
      put(&payload, tok + 4, strlen(tok + 4));
    else if (!strcmp(tok, "req"))
      put_request(&payload, "GET", "/");
    else if (!strcmp(tok, "post"))
      put_request(&payload, "POST", "/");
    else if (!strcmp(tok, "hold"))
      put_request(&payload, "GET", "/hold");
    else if (!strncmp(tok, "fields:", 7))
      put_fields(&payload, tok + 7);
    else if (!strncmp(tok, "len:", 4))
      forced_len = strtol(tok + 4, NULL, 10);
    else
      ck_abort_msg("unknown payload token %s", tok);
  }
  if (raw) {
    put(out, payload.p, payload.n);
    return;
  }
  uint8_t hd[9];
  h2_frame_header_write(hd, forced_len >= 0 ? (uint32_t)forced_len : (uint32_t)payload.n, type,
                        flags, sid);
  put(out, hd, 9);
  put(out, payload.p, payload.n);
}

/* The server application: answers every complete request except /hold. */
static void respond(harness *h, size_t first) {
  for (size_t i = first; i < h->nevents; i++) {
    h2_event *ev = &h->events[i];
    if ((ev->type != H2_EV_HEADERS && ev->type != H2_EV_DATA) || !ev->end_stream) continue;
    bool hold = false;
    for (size_t k = 0; k < ev->header_count; k++)
      if (!strcmp(ev->headers[k].name, ":path") && !strcmp(ev->headers[k].value, "/hold"))
        hold = true;
    if (hold) continue;
    h2_session_send_headers(h->s, ev->stream_id, hs_response, 1, false, NULL);
    h2_session_send_data(h->s, ev->stream_id, hs_body, 2, true);
  }
}

static bool code_named(uint32_t code, const char *name) {
  const char *n = h2_error_code_name(code);
  return n && !strcmp(n, name);
}

static void check_reaction(harness *h, const conformance_case *c);

/* ---- live mode: H2_CONFORMANCE_TARGET=host:port runs the cases over TCP
 * against a running server (tests/cli/test_session_conformance_live.sh runs
 * it against `h2scope serve`). After the case's frames a PING marks the end:
 * everything up to its ACK (or GOAWAY, or the close) is the reaction. A
 * stream error may also be answered with a connection error of the same code
 * (§5.4: the stricter reaction), and a server that answers /hold at once
 * turns half-closed (remote) cases into closed ones (STREAM_CLOSED either way). */

typedef struct live_result {
  hs_frame frames[HS_MAX_FRAMES];
  size_t n;
  bool marker_acked;
  bool closed;
  bool not_http2; /* bytes that are no HTTP/2 frame (an HTTP/1.1 error reply, say) */
} live_result;

enum live_stop { STOP_SETTINGS, STOP_MARKER, STOP_HEADERS, STOP_QUIET };

static int live_connect(const char *target) {
  char host[256];
  snprintf(host, sizeof host, "%s", target);
  char *colon = strrchr(host, ':');
  ck_assert_ptr_nonnull(colon);
  *colon = 0;
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
  ck_assert_int_eq(getaddrinfo(host, colon + 1, &hints, &res), 0);
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(connect(fd, res->ai_addr, res->ai_addrlen), 0);
  freeaddrinfo(res);
  struct timeval tv = {.tv_sec = 5};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

static void live_send(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return; /* the server may already have closed: its reaction is read later */
    p += w;
    n -= (size_t)w;
  }
}

static const uint8_t marker[8] = {'h', '2', 's', 'c', '-', 'e', 'n', 'd'};

/* Reads frames until the server's first SETTINGS, the marker PING's ACK or
 * HEADERS on stream `sid` (enum live_stop), GOAWAY, close or timeout. */
static void live_read(int fd, h2_hpack_decoder *dec, live_result *r, int stop, uint32_t sid) {
  static uint8_t buf[1 << 20];
  static size_t len;
  if (r->closed) return;
  for (;;) {
    size_t off = 0;
    while (len - off >= 9) {
      h2_frame f;
      size_t used = 0;
      h2_error err;
      h2_frame_decode_options o = {.max_frame_size = H2_MAX_FRAME_SIZE_LIMIT,
                                   .sender = H2_SENDER_SERVER};
      h2_status st = h2_frame_decode(buf + off, len - off, &o, &f, &used, &err);
      if (st == H2_NEED_MORE) break;
      if (st != H2_OK) {
        r->not_http2 = r->closed = true;
        len = 0;
        return;
      }
      off += used;
      if (r->n < HS_MAX_FRAMES) {
        hs_frame *x = &r->frames[r->n++];
        memset(x, 0, sizeof *x);
        x->hd = f.hd;
        if (f.hd.type == H2_RST_STREAM) x->error_code = f.u.rst_stream.error_code;
        if (f.hd.type == H2_GOAWAY) x->error_code = f.u.goaway.error_code;
        if (f.hd.type == H2_HEADERS) {
          hs_status_cb c = {x->status};
          h2_hpack_decode_callbacks cb = {.on_field = hs_on_field, .user = &c};
          h2_hpack_decode_block(dec, f.u.headers.fragment, f.u.headers.fragment_len, &cb, &err);
        }
      }
      bool done = false;
      if (f.hd.type == H2_GOAWAY) done = r->closed = true;
      if (f.hd.type == H2_PING && (f.hd.flags & H2_FLAG_ACK) && !memcmp(f.u.ping.opaque, marker, 8))
        r->marker_acked = done = stop == STOP_MARKER;
      if (stop == STOP_SETTINGS && f.hd.type == H2_SETTINGS && !(f.hd.flags & H2_FLAG_ACK))
        done = true;
      if (stop == STOP_HEADERS && f.hd.type == H2_HEADERS && f.hd.stream_id == sid) done = true;
      if (done) {
        memmove(buf, buf + off, len - off);
        len -= off;
        return;
      }
    }
    memmove(buf, buf + off, len - off);
    len -= off;
    ssize_t n = recv(fd, buf + len, sizeof buf - len, 0);
    if (n < 0 && stop == STOP_QUIET && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      r->closed = true;
      len = 0;
      return;
    }
    len += (size_t)n;
  }
}

static const hs_frame *live_find(const live_result *r, uint8_t type, uint32_t sid) {
  for (size_t i = 0; i < r->n; i++)
    if (r->frames[i].hd.type == type && (sid == UINT32_MAX || r->frames[i].hd.stream_id == sid))
      return &r->frames[i];
  return NULL;
}

static void run_live(const conformance_case *c, const char *target) {
  int fd = live_connect(target);
  h2_hpack_decoder dec;
  h2_hpack_decoder_config dc = {0};
  ck_assert_int_eq(h2_hpack_decoder_init(&dec, &dc), H2_OK);
  static live_result r;
  memset(&r, 0, sizeof r);
  static bytes wire;
  if (strcmp(c->handshake, "none") != 0) {
    wire.n = 0;
    put(&wire, H2_PREFACE, H2_PREFACE_LEN);
    char l1[] = "SETTINGS - 0";
    build_line(l1, &wire);
    live_send(fd, wire.p, wire.n);
    live_read(fd, &dec, &r, STOP_SETTINGS, 0); /* the server's SETTINGS */
    wire.n = 0;
    char l2[] = "SETTINGS ACK 0";
    build_line(l2, &wire);
    live_send(fd, wire.p, wire.n);
  }
  r.n = 0;
  char script[4096];
  snprintf(script, sizeof script, "%s", c->frames);
  char *save = NULL;
  /* one line at a time, each followed by the marker PING: once its ACK is
   * back, the server has processed the line (and its application answered) */
  for (char *line = strtok_r(script, ";", &save); line && !r.closed;
       line = strtok_r(NULL, ";", &save)) {
    while (*line == ' ')
      line++;
    bool raw = !strncmp(line, "RAW", 3);
    wire.n = 0;
    build_line(line, &wire);
    /* no marker inside an open field block (§4.3): that would be the error */
    uint8_t type = wire.n >= 9 ? wire.p[3] : 0, flags = wire.n >= 9 ? wire.p[4] : 0;
    if (!raw && (type == H2_HEADERS || type == H2_PUSH_PROMISE || type == H2_CONTINUATION) &&
        !(flags & H2_FLAG_END_HEADERS)) {
      live_send(fd, wire.p, wire.n);
      continue;
    }
    char end[] = "PING - 0 hex:68327363 hex:2d656e64";
    build_line(end, &wire);
    live_send(fd, wire.p, wire.n);
    r.marker_acked = false;
    live_read(fd, &dec, &r, STOP_MARKER, 0);
  }
  unsigned want = 0;
  if (sscanf(c->expect, "RESPONSE %u", &want) == 1 && !live_find(&r, H2_HEADERS, want))
    live_read(fd, &dec, &r, STOP_HEADERS, want);
  /* Servers may send urgent frames (the PING ACK) before a RST_STREAM they
   * queued earlier: also take what arrives within 300 ms of the last ACK. */
  struct timeval quiet = {.tv_usec = 300000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof quiet);
  live_read(fd, &dec, &r, STOP_QUIET, 0);

  char code[64] = "", kind[32] = "";
  unsigned sid = 0;
  const hs_frame *goaway = live_find(&r, H2_GOAWAY, UINT32_MAX);
  if (sscanf(c->expect, "GOAWAY %63s", code) == 1) {
    /* §3.4: "A GOAWAY frame MAY be omitted" after an invalid preface */
    if (!goaway && r.closed && !strcmp(c->section, "RFC 9113 §3.4") && r.n == 0) {
      h2_hpack_decoder_free(&dec);
      close(fd);
      return;
    }
    ck_assert_msg(goaway != NULL, "%s: expected GOAWAY %s, got none", c->title, code);
    ck_assert_msg(code_named(goaway->error_code, code), "%s: expected GOAWAY %s, got %s", c->title,
                  code, h2_error_code_name(goaway->error_code));
  } else if (sscanf(c->expect, "RST_STREAM %u %63s", &sid, code) == 2) {
    const hs_frame *rst = live_find(&r, H2_RST_STREAM, sid);
    const hs_frame *got = rst ? rst : goaway;
    ck_assert_msg(got != NULL, "%s: expected RST_STREAM %u %s, got none", c->title, sid, code);
    ck_assert_msg(code_named(got->error_code, code), "%s: expected %s, got %s", c->title, code,
                  h2_error_code_name(got->error_code));
  } else {
    ck_assert_msg(goaway == NULL, "%s: unexpected GOAWAY %s", c->title,
                  h2_error_code_name(goaway ? goaway->error_code : 0));
    ck_assert_msg(live_find(&r, H2_RST_STREAM, UINT32_MAX) == NULL, "%s: unexpected RST_STREAM",
                  c->title);
    ck_assert_msg(r.marker_acked, "%s: the connection does not answer PING", c->title);
    sscanf(c->expect, "%31s", kind);
    if (sscanf(c->expect, "RESPONSE %u", &sid) == 1) {
      const hs_frame *hd = live_find(&r, H2_HEADERS, sid);
      ck_assert_msg(hd != NULL, "%s: no response on stream %u", c->title, sid);
      /* any final status: the server's resources are not ours to know */
      ck_assert_msg(hd->status[0] >= '2' && hd->status[0] <= '5', "%s: status '%s'", c->title,
                    hd->status);
    } else if (!strcmp(kind, "SETTINGS_ACK")) {
      const hs_frame *a = live_find(&r, H2_SETTINGS, 0);
      ck_assert_msg(a && a->hd.flags == H2_FLAG_ACK, "%s: no SETTINGS ACK", c->title);
    }
  }
  h2_hpack_decoder_free(&dec);
  close(fd);
}

START_TEST(conformance) {
  const conformance_case *c = &conformance_cases[_i];
  const char *target = getenv("H2_CONFORMANCE_TARGET");
  if (target && *target) {
    run_live(c, target);
    return;
  }
  harness h;
  h2_session_config cfg;
  hs_config(&h, &cfg, H2_ROLE_SERVER);
  hs_start(&h, &cfg);
  hs_drain(&h);
  if (strcmp(c->handshake, "none") != 0) hs_client_handshake(&h);
  hs_clear(&h);

  char script[4096];
  snprintf(script, sizeof script, "%s", c->frames);
  char *save = NULL;
  for (char *line = strtok_r(script, ";", &save); line; line = strtok_r(NULL, ";", &save)) {
    while (*line == ' ')
      line++;
    static bytes wire;
    wire.n = 0;
    build_line(line, &wire);
    size_t first = h.nevents;
    hs_feed(&h, wire.p, wire.n);
    respond(&h, first); /* the application answers what this line completed */
    hs_drain(&h);
  }

  check_reaction(&h, c);
  hs_stop(&h);
}
END_TEST

static void check_reaction(harness *h, const conformance_case *c) {
  char kind[32] = "", code[64] = "";
  unsigned sid = 0;
  const hs_frame *goaway = hs_find(h, H2_GOAWAY, UINT32_MAX);
  if (sscanf(c->expect, "GOAWAY %63s", code) == 1) {
    ck_assert_msg(goaway != NULL, "%s: expected GOAWAY %s, got none", c->title, code);
    ck_assert_msg(code_named(goaway->error_code, code), "%s: expected GOAWAY %s, got %s", c->title,
                  code, h2_error_code_name(goaway->error_code));
    ck_assert_msg(!h2_session_want_read(h->s), "%s: connection not closed", c->title);
    const h2_event *ev = hs_event(h, H2_EV_CONNECTION_ERROR, 0);
    ck_assert_ptr_nonnull(ev);
    ck_assert_msg(ev->section && !strncmp(ev->section, "RFC ", 4), "%s: no RFC section", c->title);
    return;
  }
  ck_assert_msg(goaway == NULL, "%s: unexpected GOAWAY %s", c->title,
                h2_error_code_name(goaway ? goaway->error_code : 0));
  if (sscanf(c->expect, "RST_STREAM %u %63s", &sid, code) == 2) {
    const hs_frame *r = hs_find(h, H2_RST_STREAM, sid);
    ck_assert_msg(r != NULL, "%s: expected RST_STREAM %u %s, got none", c->title, sid, code);
    ck_assert_msg(code_named(r->error_code, code), "%s: expected RST_STREAM %s, got %s", c->title,
                  code, h2_error_code_name(r->error_code));
    const h2_event *ev = hs_event(h, H2_EV_STREAM_ERROR, sid);
    ck_assert_ptr_nonnull(ev);
    ck_assert_ptr_nonnull(ev->section);
    return;
  }
  ck_assert_msg(hs_find(h, H2_RST_STREAM, UINT32_MAX) == NULL, "%s: unexpected RST_STREAM",
                c->title);
  if (sscanf(c->expect, "RESPONSE %u", &sid) == 1) {
    const hs_frame *r = hs_find(h, H2_HEADERS, sid);
    ck_assert_msg(r != NULL, "%s: no response on stream %u", c->title, sid);
    ck_assert_str_eq(r->status, "200");
  } else if (sscanf(c->expect, "%31s", kind) == 1 && !strcmp(kind, "PING_ACK")) {
    const hs_frame *p = hs_find(h, H2_PING, 0);
    ck_assert_msg(p && p->hd.flags == H2_FLAG_ACK, "%s: no PING ACK", c->title);
  } else if (!strcmp(kind, "SETTINGS_ACK")) {
    const hs_frame *p = hs_find(h, H2_SETTINGS, 0);
    ck_assert_msg(p && p->hd.flags == H2_FLAG_ACK, "%s: no SETTINGS ACK", c->title);
  } else {
    ck_assert_str_eq(kind, "NOTHING");
    hs_clear(h);
    hs_frame_send(h, H2_PING, 0, 0, "alive?!!", 8);
    const hs_frame *p = hs_find(h, H2_PING, 0);
    ck_assert_msg(p && p->hd.flags == H2_FLAG_ACK, "%s: connection does not answer", c->title);
  }
}

static Suite *suite(void) {
  Suite *s = suite_create("session_conformance");
  TCase *t = tcase_create("rfc9113");
  tcase_set_timeout(t, 120);
  tcase_add_loop_test(t, conformance, 0,
                      (int)(sizeof conformance_cases / sizeof *conformance_cases));
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
