/* exchange_print.c — text table line and JSON object of an exchange
 * (exchange_print.h). */
#include "exchange_print.h"

#include <stdio.h>
#include <string.h>

#include "flow_events.h"
#include "json_write.h"

static const char *side_name(int side) {
  return side == EXCHANGE_REQUEST ? "request" : "response";
}

/* ---- JSON ---- */

static void json_field(out_buf *o, const char *key, const packed_fields *pf, const char *name) {
  const char *v;
  size_t vl;
  if (!packed_find(pf, name, &v, &vl)) return;
  json_key(o, key, 0);
  json_str(o, v, vl);
}

static void json_time(out_buf *o, const char *key, double ts, bool *first) {
  if (ts <= 0) return;
  json_key(o, key, *first);
  *first = false;
  out_fixed(o, ts, 6);
}

static void json_side(out_buf *o, const exchange *x, int side) {
  const exchange_body *b = &x->body[side];
  const packed_fields *pf = side == EXCHANGE_REQUEST ? &x->request : &x->response;
  json_key(o, side_name(side), 0);
  out_puts(o, "{\"wire\":");
  out_u64(o, b->wire);
  out_puts(o, ",\"decoded\":");
  out_u64(o, b->decoded);
  out_puts(o, ",\"data_frames\":");
  out_u64(o, b->data_frames);
  out_puts(o, b->ended ? ",\"ended\":true" : ",\"ended\":false");
  json_field(o, "content_type", pf, "content-type");
  json_field(o, "content_encoding", pf, "content-encoding");
  json_key(o, "decoding", 0);
  json_cstr(o, body_state_name((enum body_state)b->state));
  if (b->state != BODY_OK) {
    out_puts(o, ",\"decoding_offset\":");
    out_u64(o, b->state_offset);
  }
  out_putc(o, '}');
}

static void json_fields(out_buf *o, const packed_fields *pf) {
  out_putc(o, '[');
  size_t pos = 0, nl, vl;
  const char *n, *v;
  bool first = true;
  while (packed_next(pf, &pos, &n, &nl, &v, &vl)) {
    if (!first) out_putc(o, ',');
    first = false;
    json_str_pair(o, n, nl, v, vl);
  }
  out_putc(o, ']');
}

static void print_json(out_buf *o, const conn_ends *c, const exchange *x) {
  out_puts(o, "{\"v\":1,\"exchange\":{\"conn\":");
  out_u64(o, x->conn);
  out_puts(o, ",\"stream\":");
  out_u64(o, x->stream);
  json_key(o, "client", 0);
  json_cstr(o, c->client);
  json_key(o, "server", 0);
  json_cstr(o, c->server);
  json_field(o, "method", &x->request, ":method");
  json_field(o, "scheme", &x->request, ":scheme");
  const char *v;
  size_t vl;
  if (packed_find(&x->request, ":authority", &v, &vl) ||
      packed_find(&x->request, "host", &v, &vl)) {
    json_key(o, "authority", 0);
    json_str(o, v, vl);
  }
  json_field(o, "path", &x->request, ":path");
  if (x->status) {
    out_puts(o, ",\"status\":");
    out_u64(o, (uint64_t)x->status);
  }
  out_puts(o, ",\"interim\":");
  out_u64(o, x->interim);
  out_puts(o, x->pushed ? ",\"pushed\":true" : ",\"pushed\":false");
  if (x->pushed) {
    out_puts(o, ",\"promised_on\":");
    out_u64(o, x->promised_on);
  }
  out_puts(o, x->incomplete ? ",\"complete\":false" : ",\"complete\":true");
  json_side(o, x, EXCHANGE_REQUEST);
  json_side(o, x, EXCHANGE_RESPONSE);
  out_puts(o, ",\"times\":{");
  bool first = true;
  json_time(o, "request", x->t_request, &first);
  json_time(o, "response", x->t_response, &first);
  json_time(o, "first_data", x->body[EXCHANGE_RESPONSE].t_first_data, &first);
  json_time(o, "last_data", x->body[EXCHANGE_RESPONSE].t_last_data, &first);
  json_time(o, "end", x->t_end, &first);
  out_putc(o, '}');
  if (x->pkt_last) { /* the packets of its first and last frame */
    out_puts(o, ",\"pkt\":[");
    out_u64(o, x->pkt_first ? x->pkt_first : x->pkt_last);
    out_putc(o, ',');
    out_u64(o, x->pkt_last);
    out_putc(o, ']');
    if (x->pkt_file) {
      out_puts(o, ",\"file\":");
      out_u64(o, x->pkt_file);
    }
  }
  if (x->reset) {
    out_puts(o, x->reset_by == FLOW_DIR_C2S ? ",\"reset\":{\"by\":\"client\",\"code\":"
                                            : ",\"reset\":{\"by\":\"server\",\"code\":");
    out_u64(o, x->reset_code);
    const char *en = h2_error_code_name(x->reset_code);
    json_key(o, "name", 0);
    json_cstr(o, en ? en : "UNKNOWN");
    out_putc(o, '}');
  }
  out_puts(o, ",\"trailers\":");
  json_fields(o, &x->trailers);
  out_puts(o, ",\"request_trailers\":");
  out_u64(o, x->request_trailer_count);
  const char *gs, *gm;
  size_t gsl, gml;
  if (exchange_grpc_status(x, &gs, &gsl, &gm, &gml)) {
    json_key(o, "grpc_status", 0);
    json_str(o, gs, gsl);
    if (gm) {
      json_key(o, "grpc_message", 0);
      json_str(o, gm, gml);
    }
  }
  out_puts(o, "}}\n");
}

/* ---- text ---- */

void exchange_print_header(out_buf *o) {
  out_puts(o, "conn stream status method        req-body  resp-body    decoded encoding     "
              "start   wait-ms  total-ms path [notes]\n");
}

/* Printable bytes of s (others as '?'), at most max, padded to width. */
static void text_cell(out_buf *o, const char *s, size_t n, size_t max, int width) {
  size_t k = n < max ? n : max;
  for (size_t i = 0; i < k; i++) {
    unsigned char ch = (unsigned char)s[i];
    out_putc(o, ch >= 0x20 && ch < 0x7f ? (char)ch : '?');
  }
  if ((int)k < width) out_spaces(o, width - (int)k);
}

static void ms_cell(out_buf *o, double from, double to) {
  char buf[32];
  if (from <= 0 || to <= 0)
    snprintf(buf, sizeof buf, "%9s", "-");
  else
    snprintf(buf, sizeof buf, "%9.3f", (to - from) * 1000.0 > 0 ? (to - from) * 1000.0 : 0);
  out_puts(o, buf);
}

static void print_text(out_buf *o, const exchange_print_opts *po, const exchange *x) {
  out_u64_pad(o, x->conn, 4);
  out_putc(o, ' ');
  out_u64_pad(o, x->stream, 6);
  out_putc(o, ' ');
  if (x->status)
    out_u64_pad(o, (uint64_t)x->status, 6);
  else
    out_puts(o, "     -");
  out_putc(o, ' ');
  const char *v;
  size_t vl;
  if (packed_find(&x->request, ":method", &v, &vl))
    text_cell(o, v, vl, 7, 7);
  else
    text_cell(o, "-", 1, 7, 7);
  out_putc(o, ' ');
  out_u64_pad(o, x->body[EXCHANGE_REQUEST].wire, 10);
  out_putc(o, ' ');
  out_u64_pad(o, x->body[EXCHANGE_RESPONSE].wire, 10);
  out_putc(o, ' ');
  out_u64_pad(o, x->body[EXCHANGE_RESPONSE].decoded, 10);
  out_putc(o, ' ');
  if (packed_find(&x->response, "content-encoding", &v, &vl))
    text_cell(o, v, vl, 12, 12);
  else
    text_cell(o, "-", 1, 12, 12);
  char ts[40];
  /* When the capture missed the headers: the first DATA frame. */
  double start = x->t_request > 0              ? x->t_request
                 : x->t_response > 0           ? x->t_response
                 : x->body[0].t_first_data > 0 ? x->body[0].t_first_data
                                               : x->body[1].t_first_data;
  if (start <= 0) start = x->t_end;
  snprintf(ts, sizeof ts, po->abs_time ? " %17.6f" : " %9.6f",
           po->abs_time ? start : start - po->first_ts);
  out_puts(o, ts);
  out_putc(o, ' ');
  ms_cell(o, x->t_request, x->t_response);
  out_putc(o, ' ');
  ms_cell(o, start, x->t_end);
  out_putc(o, ' ');
  if (packed_find(&x->request, ":path", &v, &vl))
    text_cell(o, v, vl, 200, 0);
  else
    out_putc(o, '-');
  /* notes */
  if (x->pushed) {
    out_puts(o, " [pushed on ");
    out_u64(o, x->promised_on);
    out_putc(o, ']');
  }
  if (x->interim) {
    out_puts(o, " [1xx x");
    out_u64(o, x->interim);
    out_putc(o, ']');
  }
  if (x->reset) {
    const char *en = h2_error_code_name(x->reset_code);
    out_puts(o, x->reset_by == FLOW_DIR_C2S ? " [reset by client " : " [reset by server ");
    out_puts(o, en ? en : "UNKNOWN");
    out_putc(o, ']');
  }
  if (x->incomplete) out_puts(o, " [incomplete]");
  if (x->trailers.count) {
    out_puts(o, " [trailers ");
    out_u64(o, x->trailers.count);
    out_putc(o, ']');
  }
  const char *gs, *gm;
  size_t gsl, gml;
  if (exchange_grpc_status(x, &gs, &gsl, &gm, &gml)) {
    out_puts(o, " [grpc-status ");
    text_cell(o, gs, gsl, 8, 0);
    if (gm && gml) {
      out_putc(o, ' ');
      text_cell(o, gm, gml, 60, 0);
    }
    out_putc(o, ']');
  }
  for (int s = 0; s < 2; s++)
    if (x->body[s].state != BODY_OK) {
      out_puts(o, " [");
      out_puts(o, side_name(s));
      out_putc(o, ' ');
      out_puts(o, body_state_name((enum body_state)x->body[s].state));
      out_puts(o, " at ");
      out_u64(o, x->body[s].state_offset);
      out_putc(o, ']');
    }
  if (x->pkt_last) { /* the packets of its first and last frame */
    out_puts(o, " [#");
    if (x->pkt_file) {
      out_u64(o, x->pkt_file);
      out_putc(o, ':');
    }
    out_u64(o, x->pkt_first ? x->pkt_first : x->pkt_last);
    out_putc(o, '-');
    out_u64(o, x->pkt_last);
    out_putc(o, ']');
  }
  out_putc(o, '\n');
}

void exchange_print(out_buf *o, const exchange_print_opts *po, const conn_ends *c,
                    const exchange *x) {
  if (po->json)
    print_json(o, c, x);
  else
    print_text(o, po, x);
}
