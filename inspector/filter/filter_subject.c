/* filter_subject.c — the fields of what `read` decodes (filter_subject.h). */
#include "filter_subject.h"

#include <string.h>
#include <strings.h>

static bool num(filter_value *out, uint64_t v) {
  *out = (filter_value){.num = v};
  return true;
}

static bool str(filter_value *out, const char *s, size_t n) {
  *out = (filter_value){.is_str = true, .str = s, .len = n};
  return true;
}

/* The i-th header named name (case-insensitive) of the frame's list. */
static const h2_header *nth_header(const decoded_frame *d, const char *name, size_t len, size_t i) {
  if (!d || !d->block_complete || !d->headers) return NULL;
  for (size_t k = 0; k < d->header_count; k++) {
    const h2_header *h = &d->headers[k];
    if (h->name_len == len && !strncasecmp(h->name, name, len) && i-- == 0) return h;
  }
  return NULL;
}

/* RFC 9113 §6: which types define a flag (flags.ack is 0x100 | ACK). */
static bool flag_defined(uint8_t type, uint32_t flag) {
  switch (flag) {
  case H2_FLAG_END_STREAM:
    return type == H2_DATA || type == H2_HEADERS;
  case 0x100 | H2_FLAG_ACK:
    return type == H2_SETTINGS || type == H2_PING;
  case H2_FLAG_END_HEADERS:
    return type == H2_HEADERS || type == H2_PUSH_PROMISE || type == H2_CONTINUATION;
  case H2_FLAG_PADDED:
    return type == H2_DATA || type == H2_HEADERS || type == H2_PUSH_PROMISE;
  case H2_FLAG_PRIORITY:
    return type == H2_HEADERS;
  default:
    return false;
  }
}

/* A request/response fact: from the frame's own list, else the stream's. */
static bool fact(const filter_subject *s, const char *pseudo, int fact_id, size_t i,
                 filter_value *out) {
  if (i > 0) return false;
  const h2_header *h = nth_header(s->d, pseudo, strlen(pseudo), 0);
  if (h) return str(out, h->value, h->value_len);
  if (s->facts && (s->facts->seen & (1u << fact_id)))
    return str(out, (const char *)s->facts->value[fact_id].p, s->facts->value[fact_id].len);
  return false;
}

static bool status(const filter_subject *s, size_t i, filter_value *out) {
  if (i > 0) return false;
  const h2_header *h = nth_header(s->d, ":status", 7, 0);
  if (h) {
    if (h->value_len == 0 || h->value_len > 3) return false;
    uint64_t v = 0;
    for (size_t k = 0; k < h->value_len; k++) {
      if (h->value[k] < '0' || h->value[k] > '9') return false;
      v = v * 10 + (uint64_t)(h->value[k] - '0');
    }
    return num(out, v);
  }
  if (s->facts && s->facts->has_status) return num(out, s->facts->status);
  return false;
}

static bool frame_value(const filter_subject *s, const filter_field *f, size_t i,
                        filter_value *out) {
  const decoded_frame *d = s->d;
  const h2_frame_header *hd = &d->frame.hd;
  bool fields_ok = d->frame_status == H2_OK && !d->payload_skipped;
  switch (f->id) {
  case FF_FRAME:
    return i == 0 && num(out, 1);
  case FF_STREAM:
    return i == 0 && num(out, hd->stream_id);
  case FF_TYPE:
    return i == 0 && num(out, hd->type);
  case FF_FLAGS:
    return i == 0 && num(out, hd->flags);
  case FF_FLAG:
    return i == 0 && flag_defined(hd->type, f->arg) && num(out, (hd->flags & f->arg & 0xff) != 0);
  case FF_LENGTH:
    return i == 0 && num(out, hd->length);
  case FF_OFFSET:
    return i == 0 && num(out, d->offset);
  case FF_PACKET:
    return i == 0 && d->pkt_last && num(out, d->pkt_last);
  case FF_PACKET_FIRST:
    return i == 0 && d->pkt_first && num(out, d->pkt_first);
  case FF_HEADER: {
    const h2_header *h = nth_header(d, f->name, f->name_len, i);
    return h && str(out, h->value, h->value_len);
  }
  case FF_METHOD:
    return fact(s, ":method", FACT_METHOD, i, out);
  case FF_PATH:
    return fact(s, ":path", FACT_PATH, i, out);
  case FF_AUTHORITY:
    return fact(s, ":authority", FACT_AUTHORITY, i, out);
  case FF_SCHEME:
    return fact(s, ":scheme", FACT_SCHEME, i, out);
  case FF_CTYPE:
    return fact(s, "content-type", s->dir == 1 ? FACT_CTYPE_S2C : FACT_CTYPE_C2S, i, out);
  case FF_STATUS:
    return status(s, i, out);
  case FF_ERROR:
    if (i > 0 || !fields_ok) return false;
    if (hd->type == H2_RST_STREAM) return num(out, d->frame.u.rst_stream.error_code);
    if (hd->type == H2_GOAWAY) return num(out, d->frame.u.goaway.error_code);
    return false;
  case FF_SETTING:
    if (hd->type != H2_SETTINGS || !fields_ok || (hd->flags & H2_FLAG_ACK)) return false;
    for (uint32_t k = 0; k < d->frame.u.settings.count; k++) {
      h2_setting st = h2_settings_at(&d->frame, k);
      if (st.id == f->arg && i-- == 0) return num(out, st.value);
    }
    return false;
  default:
    return false;
  }
}

/* The i-th value of a header named name in a packed list (case-insensitive). */
static bool packed_nth(const packed_fields *pf, const char *name, size_t len, size_t *i,
                       filter_value *out) {
  size_t pos = 0, nl, vl;
  const char *n, *v;
  while (packed_next(pf, &pos, &n, &nl, &v, &vl))
    if (nl == len && !strncasecmp(n, name, len) && (*i)-- == 0) return str(out, v, vl);
  return false;
}

static bool exchange_value(const filter_subject *s, const filter_field *f, size_t i,
                           filter_value *out) {
  const exchange *x = s->x;
  static const char *const pseudo[] = {[FF_METHOD] = ":method",
                                       [FF_PATH] = ":path",
                                       [FF_AUTHORITY] = ":authority",
                                       [FF_SCHEME] = ":scheme"};
  switch (f->id) {
  case FF_EXCHANGE:
    return i == 0 && num(out, 1);
  case FF_STREAM:
    return i == 0 && num(out, x->stream);
  case FF_STATUS:
    return i == 0 && x->status && num(out, (uint64_t)x->status);
  case FF_PACKET:
    return i == 0 && x->pkt_last && num(out, x->pkt_last);
  case FF_PACKET_FIRST:
    return i == 0 && x->pkt_first && num(out, x->pkt_first);
  case FF_ERROR:
    return i == 0 && x->reset && num(out, x->reset_code);
  case FF_METHOD:
  case FF_PATH:
  case FF_AUTHORITY:
  case FF_SCHEME:
    return packed_nth(&x->request, pseudo[f->id], strlen(pseudo[f->id]), &i, out);
  case FF_CTYPE: /* the response's, else the request's */
    return packed_nth(&x->response, "content-type", 12, &i, out) ||
           packed_nth(&x->request, "content-type", 12, &i, out);
  case FF_HEADER: /* the request's fields, then the response's */
    return packed_nth(&x->request, f->name, f->name_len, &i, out) ||
           packed_nth(&x->response, f->name, f->name_len, &i, out);
  default:
    return false;
  }
}

bool filter_subject_value(const void *ctx, const filter_field *f, size_t i, filter_value *out) {
  const filter_subject *s = ctx;
  /* Connection and direction: every subject that has them. */
  if (f->id == FF_CONN) return i == 0 && s->conn && num(out, s->conn);
  if (f->id == FF_DIR) return i == 0 && s->dir >= 0 && num(out, (uint64_t)s->dir);
  if (f->id == FF_SRC) return i == 0 && s->src && str(out, s->src, strlen(s->src));
  if (f->id == FF_DST) return i == 0 && s->dst && str(out, s->dst, strlen(s->dst));
  switch (s->kind) {
  case FS_FRAME:
    return frame_value(s, f, i, out);
  case FS_EVENT:
    return f->id == FF_EVENT && i == 0 && s->event && str(out, s->event, strlen(s->event));
  case FS_FINDING:
    if (i > 0) return false;
    if (f->id == FF_STREAM) return num(out, s->stream);
    if (f->id == FF_PACKET) return s->packet && num(out, s->packet);
    if (f->id == FF_LINT && s->lint) return str(out, s->lint, strlen(s->lint));
    if (f->id == FF_SEVERITY && s->severity) return str(out, s->severity, strlen(s->severity));
    return false;
  case FS_EXCHANGE:
    return s->x && exchange_value(s, f, i, out);
  }
  return false;
}

filter_source filter_subject_source(const filter_subject *s) {
  return (filter_source){.value = filter_subject_value, .ctx = s};
}
