/* frame_names.c — the name tables of the frame layer: frame types with the
 * flags each one defines (RFC 9113 §6), and settings parameters (§6.5.2,
 * RFC 8441 §3, RFC 9218 §2.1). One table each; everything else looks up here. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "frame_rules.h"
#include "h2/frame.h"

typedef struct frame_flag_name {
  uint8_t bit;
  const char *name;
} frame_flag_name;

typedef struct frame_type_entry {
  const char *name;
  const char *section;      /* where §6 defines the type */
  frame_flag_name flags[5]; /* flags §6 defines for this type, ended by bit 0 */
} frame_type_entry;

/* RFC 9113 §6.1–§6.10 ("The X frame defines the following flags"). */
static const frame_type_entry frame_types[] = {
    [H2_DATA] = {"DATA",
                 "RFC 9113 §6.1",
                 {{H2_FLAG_END_STREAM, "END_STREAM"}, {H2_FLAG_PADDED, "PADDED"}}},
    [H2_HEADERS] = {"HEADERS",
                    "RFC 9113 §6.2",
                    {{H2_FLAG_END_STREAM, "END_STREAM"},
                     {H2_FLAG_END_HEADERS, "END_HEADERS"},
                     {H2_FLAG_PADDED, "PADDED"},
                     {H2_FLAG_PRIORITY, "PRIORITY"}}},
    [H2_PRIORITY] = {"PRIORITY", "RFC 9113 §6.3", {{0, NULL}}},
    [H2_RST_STREAM] = {"RST_STREAM", "RFC 9113 §6.4", {{0, NULL}}},
    [H2_SETTINGS] = {"SETTINGS", "RFC 9113 §6.5", {{H2_FLAG_ACK, "ACK"}}},
    [H2_PUSH_PROMISE] = {"PUSH_PROMISE",
                         "RFC 9113 §6.6",
                         {{H2_FLAG_END_HEADERS, "END_HEADERS"}, {H2_FLAG_PADDED, "PADDED"}}},
    [H2_PING] = {"PING", "RFC 9113 §6.7", {{H2_FLAG_ACK, "ACK"}}},
    [H2_GOAWAY] = {"GOAWAY", "RFC 9113 §6.8", {{0, NULL}}},
    [H2_WINDOW_UPDATE] = {"WINDOW_UPDATE", "RFC 9113 §6.9", {{0, NULL}}},
    [H2_CONTINUATION] = {"CONTINUATION", "RFC 9113 §6.10", {{H2_FLAG_END_HEADERS, "END_HEADERS"}}},
};

#define FRAME_TYPE_COUNT (sizeof frame_types / sizeof frame_types[0])

const char *h2_frame_type_name(uint8_t type) {
  return type < FRAME_TYPE_COUNT ? frame_types[type].name : NULL;
}

const char *h2_frame_type_section(uint8_t type) {
  return type < FRAME_TYPE_COUNT ? frame_types[type].section : "RFC 9113 §5.5";
}

int h2_frame_type_from_name(const char *name) {
  if (!name) return -1;
  for (size_t i = 0; i < FRAME_TYPE_COUNT; i++)
    if (strcasecmp(name, frame_types[i].name) == 0) return (int)i;
  return -1;
}

/* RFC 9113 §6.5.2 plus the two extension settings h2scope knows. */
static const char *const settings_names[] = {
    [H2_SETTINGS_HEADER_TABLE_SIZE] = "SETTINGS_HEADER_TABLE_SIZE",
    [H2_SETTINGS_ENABLE_PUSH] = "SETTINGS_ENABLE_PUSH",
    [H2_SETTINGS_MAX_CONCURRENT_STREAMS] = "SETTINGS_MAX_CONCURRENT_STREAMS",
    [H2_SETTINGS_INITIAL_WINDOW_SIZE] = "SETTINGS_INITIAL_WINDOW_SIZE",
    [H2_SETTINGS_MAX_FRAME_SIZE] = "SETTINGS_MAX_FRAME_SIZE",
    [H2_SETTINGS_MAX_HEADER_LIST_SIZE] = "SETTINGS_MAX_HEADER_LIST_SIZE",
    [H2_SETTINGS_ENABLE_CONNECT_PROTOCOL] = "SETTINGS_ENABLE_CONNECT_PROTOCOL",
    [H2_SETTINGS_NO_RFC7540_PRIORITIES] = "SETTINGS_NO_RFC7540_PRIORITIES",
};

const char *h2_settings_name(uint16_t id) {
  return id < sizeof settings_names / sizeof settings_names[0] ? settings_names[id] : NULL;
}

/* Appends s at *pos, truncating (always NUL-terminated) when cap is short. */
static void append_text(char *buf, size_t cap, size_t *pos, const char *s) {
  size_t n = strlen(s);
  if (*pos + 1 >= cap) return;
  if (n > cap - 1 - *pos) n = cap - 1 - *pos;
  memcpy(buf + *pos, s, n);
  *pos += n;
  buf[*pos] = '\0';
}

const char *h2_frame_flags_str(uint8_t type, uint8_t flags, char *buf, size_t cap) {
  size_t pos = 0;
  uint8_t undefined = flags;
  if (!buf || cap == 0) return buf;
  buf[0] = '\0';
  if (type < FRAME_TYPE_COUNT) {
    for (const frame_flag_name *f = frame_types[type].flags; f->bit; f++) {
      if (!(flags & f->bit)) continue;
      if (pos) append_text(buf, cap, &pos, "|");
      append_text(buf, cap, &pos, f->name);
      undefined &= (uint8_t)~f->bit;
    }
  }
  if (undefined) {
    /* §4.1: undefined flags are ignored on receipt but shown, as one hex value. */
    char hex[8];
    snprintf(hex, sizeof hex, "0x%02x", undefined);
    if (pos) append_text(buf, cap, &pos, "|");
    append_text(buf, cap, &pos, hex);
  }
  return buf;
}
