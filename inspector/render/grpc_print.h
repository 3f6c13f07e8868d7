/* grpc_print.h — gRPC records (talk/grpc_reader.h: messages with their
 * protobuf fields, trailers' status, notes) as text or as one JSON object
 * per line, {"v":1,<capture context>,"grpc":{...}} (docs/read-output.md).
 * Text fields look like `protoc --decode_raw` (raw) or `protoc --decode`
 * (with a descriptor set: names, enum names), indented under the line. */
#ifndef H2SCOPE_GRPC_PRINT_H
#define H2SCOPE_GRPC_PRINT_H

#include <stdbool.h>

#include "frame_print.h"
#include "grpc_reader.h"
#include "out_buf.h"

/* fields: print the message's fields in text (JSON always has them). */
void grpc_print(out_buf *o, const print_options *po, const frame_meta *m, const grpc_record *r,
                bool fields);
/* The fields alone, as text lines indented by `indent` spaces (tests). */
void grpc_print_fields_text(out_buf *o, const pb_items *d, int indent);
/* gRPC status code names (grpc/doc/statuscodes.md); NULL past 16. */
const char *grpc_status_name(uint32_t code);

#endif
