/* get_body.h — where `get` puts what it prints of each response (the -i
 * head, the body): straight to the output as it arrives for the response
 * whose turn it is (argument order), and held back for the later ones until
 * their turn — in memory up to GET_BODY_MEM_MAX bytes each, then in an
 * unlinked temporary file under $TMPDIR — so a long body never sits in
 * memory. */
#ifndef H2SCOPE_GET_BODY_H
#define H2SCOPE_GET_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include "out_buf.h"

/* Bytes of a held-back response kept in memory before it moves to a file. */
#define GET_BODY_MEM_MAX (64 * 1024)

typedef struct get_body get_body;

/* n responses written to out in index order; NULL when memory is short. */
get_body *get_body_new(size_t n, out_buf *out);
void get_body_free(get_body *b);

/* Appends bytes of response i. false (with a message on stderr) when they
 * cannot be written or held back: the output failed (e.g. a closed pipe), or
 * memory or the temporary file ran out. */
bool get_body_write(get_body *b, size_t i, const void *p, size_t len);
/* Writes out what is buffered for the output now, not when 64 KiB have
 * gathered: a slow stream shows as it comes. false as for get_body_write. */
bool get_body_flush(get_body *b);
/* Response i has nothing more to print; when it was the one being written,
 * the next ones' held-back bytes follow. false as for get_body_write. */
bool get_body_end(get_body *b, size_t i);

#endif
