/* session_client.c — fuzz target: an h2_session in the client role (one GET
 * request open) fed a server's bytes, with the client's own actions
 * interleaved (input format and oracles: fuzz/session_fuzz.c). */
#include "fuzz_support.h"
#include "h2/session.h"
#include "session_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  session_fuzz_run(H2_ROLE_CLIENT, data, size);
  return 0;
}
