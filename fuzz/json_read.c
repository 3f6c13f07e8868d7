/* json_read.c — fuzz target for the strict JSON reader (inspector/cli/json_read.h):
 * any bytes give a tree or an error naming an offset, never a crash; a parsed
 * tree's strings are written back through json_write and must parse again to
 * the same strings (escaping and UTF-8 handling agree with the reader). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "json_read.h"
#include "json_write.h"

static size_t walk(const json_value *v, int depth) {
  size_t n = 1;
  FUZZ_CHECK(depth <= JSON_MAX_DEPTH + 1, "depth %d", depth);
  if (v->type == JSON_STRING) FUZZ_CHECK(v->str[v->str_len] == '\0', "string not terminated");
  size_t count = 0;
  for (const json_value *m = v->first; m; m = m->next, count++)
    n += walk(m, depth + 1);
  FUZZ_CHECK(count == v->count, "member count");
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  json_doc *doc = json_parse((const char *)data, size, err, sizeof err);
  if (!doc) {
    FUZZ_CHECK(strstr(err, "offset") != NULL, "error without an offset: %s", err);
    return 0;
  }
  const json_value *root = json_doc_root(doc);
  walk(root, 0);
  if (root->type == JSON_STRING && root->str_len < 4096) {
    static out_buf o;
    out_init(&o, -1);
    json_str(&o, root->str, root->str_len);
    json_doc *again = json_parse(o.data, o.len, err, sizeof err);
    FUZZ_CHECK(again != NULL, "our own JSON does not parse: %s", err);
    /* Serialising what was read back again must give the same text: the
     * writer and the reader agree on every escape. */
    const json_value *s = json_doc_root(again);
    FUZZ_CHECK(s->type == JSON_STRING, "not a string any more");
    static out_buf o2;
    out_init(&o2, -1);
    json_str(&o2, s->str, s->str_len);
    FUZZ_CHECK(o2.len == o.len && !memcmp(o2.data, o.data, o.len), "writer/reader disagree");
    json_doc_free(again);
  }
  json_doc_free(doc);
  return 0;
}
