/* session_fuzz.h — the driver shared by the session_server and session_client
 * fuzz targets (fuzz/session_fuzz.c has the input format and the oracles). */
#ifndef H2_FUZZ_SESSION_FUZZ_H
#define H2_FUZZ_SESSION_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* role: H2_ROLE_SERVER or H2_ROLE_CLIENT (h2/session.h). */
void session_fuzz_run(uint8_t role, const uint8_t *data, size_t size);

#endif
