/* frame_preface.c — checks the client connection preface, the 24 octets
 * "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" a client sends first (RFC 9113 §3.4). */
#include "h2/cursor.h"
#include "h2/frame.h"

h2_status h2_preface_check(const uint8_t *buf, size_t len, h2_error *err) {
  static const char preface[H2_PREFACE_LEN + 1] = H2_PREFACE;
  h2_cursor c = h2_cursor_make(buf, buf ? len : 0);
  for (size_t i = 0; i < H2_PREFACE_LEN; i++) {
    uint8_t byte;
    if (!h2_cursor_get_u8(&c, &byte)) {
      /* A strict prefix: wait for the rest. */
      if (err) {
        h2_error_set(err, H2_NEED_MORE, i, 0);
        err->need = H2_PREFACE_LEN - i;
      }
      return H2_NEED_MORE;
    }
    /* §3.4: "MUST treat an invalid connection preface as a connection error
     * of type PROTOCOL_ERROR". */
    if (byte != (uint8_t)preface[i]) return h2_error_set(err, H2_E_BAD_PREFACE, i, 0);
  }
  return H2_OK;
}
