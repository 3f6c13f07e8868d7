/* body_export.h — `read --export DIR`: every body of every exchange written
 * to DIR/<conn>-<stream>-request and DIR/<conn>-<stream>-response, as it
 * comes (a body consumer, talk/body_consumer.h): Content-Encoding decoded,
 * or the DATA bytes as they were on the wire with raw set (--export-raw).
 * File names are made of numbers only, never of anything in the capture.
 * DIR is created when missing; files are created new (O_EXCL, mode 0600:
 * a body may hold credentials), so an existing file is an error, not
 * overwritten. A side without DATA frames gets no file. */
#ifndef H2SCOPE_BODY_EXPORT_H
#define H2SCOPE_BODY_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "body_consumer.h"

typedef struct body_export body_export;

/* Opens (creating) DIR; NULL with a message in err. */
body_export *body_export_open(const char *dir, bool raw, char *err, size_t errcap);
/* The consumer to register with the exchange tracker. */
body_consumer body_export_consumer(body_export *e);
/* Files written and failures (each failure was said on stderr once). */
uint64_t body_export_files(const body_export *e);
uint64_t body_export_failures(const body_export *e);
void body_export_close(body_export *e);

#endif
