/* priority_field.c — the priority header field (RFC 9218 §4) and the
 * PRIORITY_UPDATE Priority Field Value: an RFC 8941 Dictionary parsed with
 * the rules of RFC 8941 §4.2 (every member checked for syntax, so an invalid
 * Dictionary is recognised as such; unknown members skipped), of which the
 * urgency `u` (Integer 0..7, §4.1) and incremental `i` (Boolean, §4.2) are
 * kept. */
#include <string.h>

#include "h2/ext_frames.h"

#define SEC_SF "RFC 8941 §4.2"
#define SEC_PRIO "RFC 9218 §4"
#define RULE "priority-field-invalid"

typedef struct sf_parser {
  const char *s;
  size_t len, pos;
} sf_parser;

/* The value of a bare item the caller may want (u and i only need these). */
typedef struct sf_item {
  enum { SF_INTEGER, SF_DECIMAL, SF_STRING, SF_TOKEN, SF_BYTES, SF_BOOLEAN } type;
  long long integer;
  bool boolean;
} sf_item;

static int peek(const sf_parser *p) {
  return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}
static bool is_digit(int c) {
  return c >= '0' && c <= '9';
}
static bool is_lcalpha(int c) {
  return c >= 'a' && c <= 'z';
}
static bool is_alpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(int c) {
  return is_alpha(c) || is_digit(c) || (c > 0 && strchr("!#$%&'*+-.^_`|~", c));
}
static bool is_base64(int c) {
  return is_alpha(c) || is_digit(c) || c == '+' || c == '/' || c == '=';
}
static void skip_sp(sf_parser *p) {
  while (peek(p) == ' ')
    p->pos++;
}
static void skip_ows(sf_parser *p) {
  while (peek(p) == ' ' || peek(p) == '\t')
    p->pos++;
}

/* §4.2.3.3 key: ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ). */
static bool parse_key(sf_parser *p, size_t *start, size_t *n) {
  int c = peek(p);
  if (!is_lcalpha(c) && c != '*') return false;
  *start = p->pos;
  while ((c = peek(p)) >= 0 &&
         (is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' || c == '*'))
    p->pos++;
  *n = p->pos - *start;
  return true;
}

/* §4.2.4 Integer or Decimal. */
static bool parse_number(sf_parser *p, sf_item *it) {
  bool neg = false;
  if (peek(p) == '-') {
    neg = true;
    p->pos++;
  }
  if (!is_digit(peek(p))) return false;
  long long v = 0;
  size_t digits = 0, frac = 0;
  bool decimal = false;
  for (int c; (c = peek(p)) >= 0; p->pos++) {
    if (is_digit(c)) {
      if (decimal)
        frac++;
      else {
        digits++;
        v = v * 10 + (c - '0');
      }
    } else if (c == '.' && !decimal) {
      if (digits > 12) return false;
      decimal = true;
    } else {
      break;
    }
    if (!decimal && digits > 15) return false;
    if (decimal && frac > 3) return false;
  }
  if (decimal && frac == 0) return false; /* "1." */
  it->type = decimal ? SF_DECIMAL : SF_INTEGER;
  it->integer = neg ? -v : v;
  return true;
}

/* §4.2.5 String: printable ASCII, \" and \\ the only escapes. */
static bool parse_string(sf_parser *p) {
  p->pos++; /* the DQUOTE */
  for (int c; (c = peek(p)) >= 0;) {
    p->pos++;
    if (c == '\\') {
      c = peek(p);
      if (c != '"' && c != '\\') return false;
      p->pos++;
    } else if (c == '"') {
      return true;
    } else if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return false; /* no closing DQUOTE */
}

/* §4.2.7 Byte Sequence: ":" base64 ":". */
static bool parse_bytes(sf_parser *p) {
  p->pos++;
  for (int c; (c = peek(p)) >= 0; p->pos++) {
    if (c == ':') {
      p->pos++;
      return true;
    }
    if (!is_base64(c)) return false;
  }
  return false;
}

/* §4.2.3.1 Bare Item. */
static bool parse_bare_item(sf_parser *p, sf_item *it) {
  int c = peek(p);
  if (c == '-' || is_digit(c)) return parse_number(p, it);
  if (c == '"') {
    it->type = SF_STRING;
    return parse_string(p);
  }
  if (c == ':') {
    it->type = SF_BYTES;
    return parse_bytes(p);
  }
  if (c == '?') {
    p->pos++;
    c = peek(p);
    if (c != '0' && c != '1') return false;
    p->pos++;
    it->type = SF_BOOLEAN;
    it->boolean = c == '1';
    return true;
  }
  if (is_alpha(c) || c == '*') { /* §4.2.6 Token */
    while ((c = peek(p)) >= 0 && (is_tchar(c) || c == ':' || c == '/'))
      p->pos++;
    it->type = SF_TOKEN;
    return true;
  }
  return false;
}

/* §4.2.3.2 Parameters: *( ";" *SP key [ "=" bare-item ] ). */
static bool parse_parameters(sf_parser *p) {
  while (peek(p) == ';') {
    p->pos++;
    skip_sp(p);
    size_t ks, kn;
    if (!parse_key(p, &ks, &kn)) return false;
    if (peek(p) == '=') {
      p->pos++;
      sf_item it;
      if (!parse_bare_item(p, &it)) return false;
    }
  }
  return true;
}

/* §4.2.1.2 Inner List: "(" *SP [ item *( 1*SP item ) *SP ] ")" parameters. */
static bool parse_inner_list(sf_parser *p) {
  p->pos++;
  for (;;) {
    skip_sp(p);
    if (peek(p) == ')') {
      p->pos++;
      return parse_parameters(p);
    }
    sf_item it;
    if (!parse_bare_item(p, &it) || !parse_parameters(p)) return false;
    int c = peek(p);
    if (c != ' ' && c != ')') return false;
  }
}

static bool key_is(const sf_parser *p, size_t start, size_t n, const char *k) {
  return n == strlen(k) && !memcmp(p->s + start, k, n);
}

h2_ext_result h2_priority_field_parse(const char *s, size_t len, h2_priority_field *out,
                                      h2_ext_problem *why) {
  h2_priority_field f = {.urgency = 3, .incremental = false};
  h2_priority_field member_ok = f;
  *out = f;
  sf_parser p = {s, len, 0};
  /* §4.2: leading and trailing SP are discarded. */
  while (p.len && s[p.len - 1] == ' ')
    p.len--;
  skip_sp(&p);
  const char *member_problem = NULL;
  size_t member_at = 0;
  while (p.pos < p.len) {
    size_t ks, kn, at = p.pos;
    if (!parse_key(&p, &ks, &kn)) goto invalid;
    sf_item it = {.type = SF_BOOLEAN, .boolean = true}; /* a bare key is true */
    if (peek(&p) == '=') {
      p.pos++;
      if (peek(&p) == '(') {
        if (!parse_inner_list(&p)) goto invalid;
        it.type = SF_STRING; /* neither Integer nor Boolean */
      } else if (!parse_bare_item(&p, &it)) {
        goto invalid;
      }
    }
    if (!parse_parameters(&p)) goto invalid;
    /* RFC 9218 §4: "parameters with out-of-range values, or values of
     * unexpected types MUST be ignored"; a repeated key overrides (§4.2.2). */
    if (key_is(&p, ks, kn, "u")) {
      if (it.type == SF_INTEGER && it.integer >= 0 && it.integer <= 7) {
        member_ok.urgency = (uint8_t)it.integer;
        member_ok.urgency_set = true;
      } else {
        member_ok.urgency = 3;
        member_ok.urgency_set = false;
        member_problem = "priority urgency u not an Integer from 0 to 7 (ignored)";
        member_at = at;
      }
    } else if (key_is(&p, ks, kn, "i")) {
      if (it.type == SF_BOOLEAN) {
        member_ok.incremental = it.boolean;
        member_ok.incremental_set = true;
      } else {
        member_ok.incremental = false;
        member_ok.incremental_set = false;
        member_problem = "priority incremental i not a Boolean (ignored)";
        member_at = at;
      }
    }
    skip_ows(&p);
    if (p.pos >= p.len) break;
    if (peek(&p) != ',') goto invalid;
    p.pos++;
    skip_ows(&p);
    if (p.pos >= p.len) goto invalid; /* trailing comma */
  }
  *out = member_ok;
  if (member_problem) {
    if (why) *why = (h2_ext_problem){RULE, member_problem, SEC_PRIO, member_at, 0};
    return H2_EXT_IGNORE;
  }
  return H2_EXT_OK;
invalid:
  if (why)
    *why = (h2_ext_problem){
        RULE, "priority field value is not a Structured Field Dictionary (field ignored)", SEC_SF,
        p.pos, 0};
  return H2_EXT_IGNORE;
}
