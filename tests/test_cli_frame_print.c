/* test_cli_frame_print.c — frame_print/event_print render every frame type,
 * header lists, rule errors, capture metadata and events exactly as
 * documented in frame_print.h, in text and in JSON Lines. */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow_events.h"
#include "frame_print.h"
#include "hex_read.h"

static out_buf out;
static FILE *sink;

static void begin(void) {
  sink = tmpfile();
  ck_assert_ptr_nonnull(sink);
  out_init(&out, fileno(sink));
}

static char *end(void) {
  out_flush(&out);
  off_t n = lseek(fileno(sink), 0, SEEK_END);
  char *s = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(pread(fileno(sink), s, (size_t)n, 0), n);
  s[n] = '\0';
  fclose(sink);
  return s;
}

/* Frame bytes live here while the decoded frame points into them. */
static uint8_t wire[256];

/* Decodes one frame from hex (as a receiver with the default limits). */
static decoded_frame frame_from_hex(const char *hex, uint64_t offset) {
  size_t bad = 0;
  long n = hex_decode(hex, strlen(hex), wire, sizeof wire, &bad);
  ck_assert_int_gt(n, 0);
  decoded_frame d;
  memset(&d, 0, sizeof d);
  d.offset = offset;
  h2_frame_decode_options opts = {0};
  size_t used = 0;
  d.frame_status = h2_frame_decode(wire, (size_t)n, &opts, &d.frame, &used, &d.frame_err);
  ck_assert_int_ne(d.frame_status, H2_NEED_MORE);
  return d;
}

static char *render(const print_options *po, const frame_meta *m, const decoded_frame *d) {
  begin();
  frame_print(&out, po, m, d);
  return end();
}

static void expect(const print_options *po, const frame_meta *m, const decoded_frame *d,
                   const char *want) {
  char *got = render(po, m, d);
  ck_assert_str_eq(got, want);
  free(got);
}

static const print_options text = {0};
static const print_options json = {.json = true};

START_TEST(settings_text_and_json) {
  /* MAX_CONCURRENT_STREAMS=100, INITIAL_WINDOW_SIZE=65535, unknown id 0xff=1 */
  decoded_frame d =
      frame_from_hex("000012 04 00 00000000 0003 00000064 0004 0000ffff 00ff 00000001", 24);
  ck_assert_int_eq(d.frame_status, H2_OK);
  expect(&text, NULL, &d,
         "[24] SETTINGS stream=0 length=18 flags=0x0\n"
         "    SETTINGS_MAX_CONCURRENT_STREAMS = 100\n"
         "    SETTINGS_INITIAL_WINDOW_SIZE = 65535\n"
         "    UNKNOWN_SETTING(0xff) = 1\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":24,\"stream\":0,\"type\":\"SETTINGS\",\"type_id\":4,\"flags\":0,"
         "\"flag_names\":[],\"length\":18,\"settings\":["
         "{\"id\":3,\"name\":\"SETTINGS_MAX_CONCURRENT_STREAMS\",\"value\":100},"
         "{\"id\":4,\"name\":\"SETTINGS_INITIAL_WINDOW_SIZE\",\"value\":65535},"
         "{\"id\":255,\"name\":\"UNKNOWN\",\"value\":1}]}\n");
  d = frame_from_hex("000000 04 01 00000000", 51);
  expect(&text, NULL, &d, "[51] SETTINGS stream=0 length=0 flags=ACK (0x1)\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":51,\"stream\":0,\"type\":\"SETTINGS\",\"type_id\":4,\"flags\":1,"
         "\"flag_names\":[\"ACK\"],\"length\":0,\"settings\":[]}\n");
}
END_TEST

START_TEST(headers_with_priority_padding_and_list) {
  /* HEADERS, END_STREAM|END_HEADERS|PADDED|PRIORITY, pad 2, exclusive dep 3 weight 256,
   * fragment 82 84 (":method: GET", ":path: /"), 2 bytes of padding. */
  decoded_frame d = frame_from_hex("00000a 01 2d 00000005 02 80000003 ff 8284 0000", 0);
  ck_assert_int_eq(d.frame_status, H2_OK);
  h2_header list[] = {{":method", 7, "GET", 3, 0}, {"x", 1, "caf\xc3\xa9\x01", 6, 0}};
  d.block_complete = true;
  d.headers = list;
  d.header_count = 2;
  expect(&text, NULL, &d,
         "[0] HEADERS stream=5 length=10 flags=END_STREAM|END_HEADERS|PADDED|PRIORITY (0x2d)\n"
         "    padding: 2 bytes\n"
         "    priority: weight=256 depends_on=3 exclusive=1\n"
         "    :method: GET\n"
         "    x: caf\\xc3\\xa9\\x01\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":0,\"stream\":5,\"type\":\"HEADERS\",\"type_id\":1,\"flags\":45,"
         "\"flag_names\":[\"END_STREAM\",\"END_HEADERS\",\"PADDED\",\"PRIORITY\"],\"length\":10,"
         "\"pad_length\":2,\"priority\":{\"exclusive\":true,\"dependency\":3,\"weight\":256},"
         "\"fragment_length\":2,\"headers\":[[\":method\",\"GET\"],[\"x\",\"caf\xc3\xa9\\u0001\"]]}"
         "\n");
}
END_TEST

START_TEST(every_other_type) {
  decoded_frame d = frame_from_hex("000004 03 00 00000001 00000008", 9);
  expect(&text, NULL, &d,
         "[9] RST_STREAM stream=1 length=4 flags=0x0\n"
         "    error_code: CANCEL (0x8)\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":9,\"stream\":1,\"type\":\"RST_STREAM\",\"type_id\":3,\"flags\":0,"
         "\"flag_names\":[],\"length\":4,\"error_code\":8,\"error_name\":\"CANCEL\"}\n");

  d = frame_from_hex("000008 06 01 00000000 0102030405060708", 0);
  expect(&text, NULL, &d,
         "[0] PING stream=0 length=8 flags=ACK (0x1)\n"
         "    opaque: 0102030405060708\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":0,\"stream\":0,\"type\":\"PING\",\"type_id\":6,\"flags\":1,"
         "\"flag_names\":[\"ACK\"],\"length\":8,\"opaque\":\"0102030405060708\"}\n");

  /* GOAWAY with debug data that is not printable / not UTF-8. */
  d = frame_from_hex("00000d 07 00 00000000 00000003 00000001 6869ff0a22", 0);
  expect(&text, NULL, &d,
         "[0] GOAWAY stream=0 length=13 flags=0x0\n"
         "    last_stream: 3 error_code: PROTOCOL_ERROR (0x1)\n"
         "    debug: hi\\xff\\x0a\"\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":0,\"stream\":0,\"type\":\"GOAWAY\",\"type_id\":7,\"flags\":0,"
         "\"flag_names\":[],\"length\":13,\"last_stream\":3,\"error_code\":1,"
         "\"error_name\":\"PROTOCOL_ERROR\",\"debug\":\"hi\\u00ff\\n\\\"\"}\n");

  d = frame_from_hex("000004 08 00 00000001 00001000", 0);
  expect(&text, NULL, &d,
         "[0] WINDOW_UPDATE stream=1 length=4 flags=0x0\n"
         "    increment: 4096\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":0,\"stream\":1,\"type\":\"WINDOW_UPDATE\",\"type_id\":8,"
         "\"flags\":0,\"flag_names\":[],\"length\":4,\"increment\":4096}\n");

  d = frame_from_hex("000005 05 04 00000001 00000002 82", 0);
  expect(&text, NULL, &d,
         "[0] PUSH_PROMISE stream=1 length=5 flags=END_HEADERS (0x4)\n"
         "    promised_stream: 2\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":0,\"stream\":1,\"type\":\"PUSH_PROMISE\",\"type_id\":5,"
         "\"flags\":4,\"flag_names\":[\"END_HEADERS\"],\"length\":5,\"promised_stream\":2,"
         "\"fragment_length\":1}\n");

  d = frame_from_hex("000005 02 00 00000003 00000001 0f", 0);
  expect(&text, NULL, &d,
         "[0] PRIORITY stream=3 length=5 flags=0x0\n"
         "    priority: weight=16 depends_on=1 exclusive=0\n");

  d = frame_from_hex("000006 00 09 00000001 03 4142 000000", 0);
  expect(&text, NULL, &d,
         "[0] DATA stream=1 length=6 flags=END_STREAM|PADDED (0x9)\n"
         "    padding: 3 bytes\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":0,\"stream\":1,\"type\":\"DATA\",\"type_id\":0,\"flags\":9,"
         "\"flag_names\":[\"END_STREAM\",\"PADDED\"],\"length\":6,\"pad_length\":3,"
         "\"data_length\":2}\n");
  print_options preview = {.data = PRINT_DATA_TEXT, .data_max = 1};
  expect(&preview, NULL, &d,
         "[0] DATA stream=1 length=6 flags=END_STREAM|PADDED (0x9)\n"
         "    padding: 3 bytes\n"
         "    data: A...\n");

  /* An extension type with only undefined flags, and an undefined flag on DATA. */
  d = frame_from_hex("000003 ff 05 00000003 aabbcc", 7);
  expect(&text, NULL, &d, "[7] UNKNOWN(0xff) stream=3 length=3 flags=0x5\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":7,\"stream\":3,\"type\":\"UNKNOWN\",\"type_id\":255,\"flags\":5,"
         "\"flag_names\":[\"0x05\"],\"length\":3}\n");
  d = frame_from_hex("000000 00 41 80000001", 0);
  expect(&text, NULL, &d, "[0] DATA stream=1 length=0 flags=END_STREAM|0x40 (0x41) R=1\n");
}
END_TEST

START_TEST(rule_errors) {
  /* WINDOW_UPDATE with increment 0 on a stream: §6.9 stream error. */
  decoded_frame d = frame_from_hex("000004 08 00 00000001 00000000", 100);
  ck_assert_int_eq(d.frame_status, H2_E_WINDOW_UPDATE_ZERO);
  char *t = render(&text, NULL, &d);
  ck_assert_msg(strstr(t, "[100] WINDOW_UPDATE stream=1 length=4 flags=0x0\n") == t, "%s", t);
  ck_assert_msg(strstr(t, "    error: ") != NULL, "%s", t);
  ck_assert_msg(strstr(t, " [window-update-zero] stream error PROTOCOL_ERROR (RFC 9113 §6.9)"
                          " at offset 109\n") != NULL,
                "%s", t);
  free(t);
  char *j = render(&json, NULL, &d);
  ck_assert_msg(strstr(j, ",\"error\":{\"code\":\"window-update-zero\",\"message\":") != NULL, "%s",
                j);
  ck_assert_msg(strstr(j, ",\"rfc_code\":\"PROTOCOL_ERROR\",\"scope\":\"stream\",\"section\":"
                          "\"RFC 9113 §6.9\",\"offset\":109}}\n") != NULL,
                "%s", j);
  free(j);

  /* PING of length 7: the size rule makes the fields meaningless, so none are shown. */
  d = frame_from_hex("000007 06 00 00000000 01020304050607", 0);
  ck_assert_int_ne(d.frame_status, H2_OK);
  t = render(&text, NULL, &d);
  ck_assert_msg(strstr(t, "opaque") == NULL, "%s", t);
  ck_assert_msg(strstr(t, "connection error FRAME_SIZE_ERROR (RFC 9113 §6.7) at offset 0\n"), "%s",
                t);
  free(t);

  /* A field block error: offset is relative to the block. */
  d = frame_from_hex("000001 01 05 00000001 80", 0);
  d.block_complete = true;
  d.header_count = 0;
  d.block_status = H2_E_HPACK_INDEX_ZERO;
  d.block_err = (h2_error){.status = H2_E_HPACK_INDEX_ZERO,
                           .code = H2_COMPRESSION_ERROR,
                           .scope = H2_SCOPE_CONNECTION,
                           .section = "RFC 7541 §6.1",
                           .offset = 0};
  t = render(&text, NULL, &d);
  ck_assert_msg(strstr(t, "    header block error: ") != NULL, "%s", t);
  ck_assert_msg(strstr(t, "[hpack-index-zero] connection error COMPRESSION_ERROR (RFC 7541 §6.1) "
                          "at field block offset 0\n"),
                "%s", t);
  free(t);
  j = render(&json, NULL, &d);
  ck_assert_msg(strstr(j, "\"headers\":[],\"error\":{\"code\":\"hpack-index-zero\"") != NULL, "%s",
                j);
  free(j);

  /* Connection-context notes (`read`). */
  frame_note note = {"closed-stream", "DATA on a closed stream", "RFC 9113 §5.1"};
  d = frame_from_hex("000000 00 01 00000009", 0);
  d.notes = &note;
  d.note_count = 1;
  expect(&text, NULL, &d,
         "[0] DATA stream=9 length=0 flags=END_STREAM (0x1)\n"
         "    violation: DATA on a closed stream (RFC 9113 §5.1) [closed-stream]\n");
  expect(&json, NULL, &d,
         "{\"v\":1,\"offset\":0,\"stream\":9,\"type\":\"DATA\",\"type_id\":0,\"flags\":1,"
         "\"flag_names\":[\"END_STREAM\"],\"length\":0,\"data_length\":0,\"notes\":["
         "{\"rule\":\"closed-stream\",\"message\":\"DATA on a closed stream\","
         "\"section\":\"RFC 9113 §5.1\"}]}\n");
}
END_TEST

START_TEST(capture_meta_and_redaction) {
  frame_meta m = {
      .conn = 7, .ts = 1.5, .src = "10.0.0.1:443", .dst = "10.0.0.2:5000", .dir = FLOW_DIR_S2C};
  decoded_frame d = frame_from_hex("000001 01 04 00000001 82", 33);
  h2_header list[] = {{"cookie", 6, "secret", 6, 0}, {"a", 1, "b", 1, H2_HEADER_NEVER_INDEX}};
  d.block_complete = true;
  d.headers = list;
  d.header_count = 2;
  print_options po = {.redact = true, .ts_decimals = 3};
  expect(&po, &m, &d,
         "#7 1.500 10.0.0.1:443 -> 10.0.0.2:5000 [33] HEADERS stream=1 length=1 "
         "flags=END_HEADERS (0x4)\n"
         "    cookie: [redacted]\n"
         "    a: [redacted]\n");
  po.json = true;
  expect(&po, &m, &d,
         "{\"v\":1,\"conn\":7,\"ts\":1.500,\"src\":\"10.0.0.1:443\",\"dst\":\"10.0.0.2:5000\","
         "\"dir\":\"s2c\",\"offset\":33,\"stream\":1,\"type\":\"HEADERS\",\"type_id\":1,"
         "\"flags\":4,\"flag_names\":[\"END_HEADERS\"],\"length\":1,\"fragment_length\":1,"
         "\"headers\":[[\"cookie\",\"[redacted]\"],[\"a\",\"[redacted]\"]]}\n");
  ck_assert(print_redacts(&po, &list[0], NULL));
  po.redact = false;
  ck_assert(!print_redacts(&po, &list[0], NULL));

  /* Colour only adds escapes around the type name. */
  print_options color = {.color = true};
  char *c = render(&color, NULL, &d);
  static const char colored[] = "[33] \x1b[1;36mHEADERS\x1b[0m stream=1 ";
  ck_assert_msg(strncmp(c, colored, strlen(colored)) == 0, "%s", c);
  free(c);
}
END_TEST

START_TEST(events) {
  begin();
  event_print(&out, &text, NULL, "preface", 0, "(24 bytes)", NULL);
  event_print(&out, &text, NULL, "truncated", 45, "truncated frame at offset 45: need 9 more bytes",
              NULL);
  event_print(&out, &json, NULL, "truncated", 45, "truncated frame at offset 45: need 9 more bytes",
              &(event_data){.kind = EVENT_DATA_NEED, .need = 9});
  frame_meta m = {.conn = 2, .ts = 0.25, .src = "a:1", .dst = "b:2", .dir = FLOW_DIR_C2S};
  event_print(&out, &json, &m, "gap", 10, NULL, NULL);
  event_print(&out, &text, &m, "gap", 10, "bytes lost", NULL);
  char *got = end();
  ck_assert_str_eq(got,
                   "preface (24 bytes)\n"
                   "truncated frame at offset 45: need 9 more bytes\n"
                   "{\"v\":1,\"event\":\"truncated\",\"offset\":45,\"message\":\"truncated frame "
                   "at offset 45: need 9 more bytes\",\"need\":9}\n"
                   "{\"v\":1,\"conn\":2,\"ts\":0.250000,\"src\":\"a:1\",\"dst\":\"b:2\","
                   "\"dir\":\"c2s\",\"event\":\"gap\",\"offset\":10}\n"
                   "#2 0.250000 a:1 -> b:2 gap bytes lost\n");
  free(got);
}
END_TEST

/* The data an event carries (event_data.h) becomes its JSON members, in a
 * fixed order; text shows the message alone. */
START_TEST(event_data_members) {
  begin();
  h2_window_stall st = {.sender = 1, .stream = 3, .window = -5};
  event_print(&out, &json, NULL, "stall-begin", 7, NULL,
              &(event_data){.kind = EVENT_DATA_STALL, .stall = &st});
  st = (h2_window_stall){.end = true,
                         .stream = 1,
                         .connection = true,
                         .why = "window-update",
                         .begin_offset = 40,
                         .begin_pkt = 12};
  event_data stall_end = {.kind = EVENT_DATA_STALL, .stall = &st, .stall_ms = 1.2345};
  event_print(&out, &json, NULL, "stall-end", 9, NULL, &stall_end);
  event_print(&out, &text, NULL, "stall-end", 9, "waited", &stall_end);
  event_print(
      &out, &json, NULL, "limit", 0, NULL,
      &(event_data){
          .kind = EVENT_DATA_KIND, .kind_id = "limit-streams", .has_stream = true, .stream = 5});
  event_print(&out, &json, NULL, "notice", 0, NULL,
              &(event_data){.kind = EVENT_DATA_KIND, .kind_id = "tls"});
  event_print(&out, &json, NULL, "body-bomb", 3, NULL,
              &(event_data){.kind = EVENT_DATA_BODY, .stream = 1, .side = 1, .decoded_offset = 99});
  event_print(&out, &json, NULL, "capture-drops", 0, NULL,
              &(event_data){
                  .kind = EVENT_DATA_DROPS, .ts = 2.5, .dropped = 1, .if_dropped = 2, .added = 3});
  event_print(&out, &json, NULL, "close", 0, NULL,
              &(event_data){.kind = EVENT_DATA_CLOSE, .reason = "fin"});
  char *got = end();
  ck_assert_str_eq(
      got, "{\"v\":1,\"event\":\"stall-begin\",\"offset\":7,\"stream\":3,\"window\":\"stream\","
           "\"sender\":\"server\",\"value\":-5}\n"
           "{\"v\":1,\"event\":\"stall-end\",\"offset\":9,\"stream\":1,\"window\":\"connection\","
           "\"sender\":\"client\",\"value\":0,\"why\":\"window-update\",\"duration_ms\":1.234,"
           "\"begin_offset\":40,\"begin_pkt\":12}\n"
           "stall-end waited\n"
           "{\"v\":1,\"event\":\"limit\",\"offset\":0,\"kind\":\"limit-streams\",\"stream\":5}\n"
           "{\"v\":1,\"event\":\"notice\",\"offset\":0,\"kind\":\"tls\"}\n"
           "{\"v\":1,\"event\":\"body-bomb\",\"offset\":3,\"stream\":1,\"side\":\"response\","
           "\"decoded_offset\":99}\n"
           "{\"v\":1,\"event\":\"capture-drops\",\"offset\":0,\"ts\":2.500000,\"dropped\":1,"
           "\"interface_dropped\":2,\"new\":3}\n"
           "{\"v\":1,\"event\":\"close\",\"offset\":0,\"reason\":\"fin\"}\n");
  free(got);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("cli_frame_print");
  TCase *t = tcase_create("frame_print");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, settings_text_and_json);
  tcase_add_test(t, headers_with_priority_padding_and_list);
  tcase_add_test(t, every_other_type);
  tcase_add_test(t, rule_errors);
  tcase_add_test(t, capture_meta_and_redaction);
  tcase_add_test(t, events);
  tcase_add_test(t, event_data_members);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  return run_suite(suite());
}
