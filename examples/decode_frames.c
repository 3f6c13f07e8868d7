/* decode_frames.c — an example program OUTSIDE the h2scope tree: it links the
 * installed codec (pkg-config h2scope-codec) and decodes one direction of an
 * HTTP/2 byte stream from stdin, printing each frame and the header fields of
 * every complete field block. Build it against an installed h2scope with:
 *
 *   cc -std=c11 decode_frames.c $(pkg-config --cflags --libs h2scope-codec) -o decode_frames
 *   ./decode_frames < stream.bin
 */
#include <h2/frame.h>
#include <h2/hpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_field(void *user, const h2_header *h, const h2_hpack_field_info *info) {
  (void)user;
  (void)info;
  printf("    %.*s: %.*s\n", (int)h->name_len, h->name ? h->name : "?", (int)h->value_len,
         h->value ? h->value : "?");
}

int main(void) {
  /* Slurping is fine for an example; h2scope itself streams. */
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
    len += n;
    if (len == cap)
      buf = realloc(buf, cap *= 2);
  }
  if (!buf)
    return 3;

  size_t off = 0;
  h2_error err;
  if (h2_preface_check(buf, len, &err) == H2_OK) {
    printf("preface\n");
    off = H2_PREFACE_LEN;
  }
  static uint8_t block[1 << 16];
  h2_field_block fb;
  h2_field_block_init(&fb, block, sizeof block);
  h2_hpack_decoder dec;
  if (h2_hpack_decoder_init(&dec, NULL) != H2_OK)
    return 3;
  h2_hpack_decode_callbacks cb = {.on_field = print_field};
  int status = 0;
  while (off < len) {
    h2_frame f;
    size_t used = 0;
    h2_status st = h2_frame_decode(buf + off, len - off, NULL, &f, &used, &err);
    if (st == H2_NEED_MORE || used == 0) {
      printf("truncated frame at offset %zu\n", off);
      status = 1;
      break;
    }
    const char *name = h2_frame_type_name(f.hd.type);
    char flags[64];
    printf("%s stream=%u length=%u flags=%s\n", name ? name : "UNKNOWN", f.hd.stream_id,
           f.hd.length, h2_frame_flags_str(f.hd.type, f.hd.flags, flags, sizeof flags));
    if (st != H2_OK) {
      printf("  error: %s (%s)\n", h2_strerror(st), err.section ? err.section : "");
      status = 1;
    } else {
      bool complete = false;
      if (h2_field_block_feed(&fb, &f, &complete, &err) == H2_OK && complete &&
          h2_hpack_decode_block(&dec, fb.buf, fb.len, &cb, &err) != H2_OK) {
        printf("  header block error: %s\n", h2_strerror(err.status));
        status = 1;
      }
    }
    off += used;
  }
  h2_hpack_decoder_free(&dec);
  free(buf);
  return status;
}
