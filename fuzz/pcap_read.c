/* pcap_read.c — fuzz target for the capture half of `h2scope read`: the input
 * is a whole pcap or pcapng file, read from memory (a memfd) through
 * capture_run(): libpcap's file reader, then our link/IP/TCP decoding, flow
 * table, role guessing and per-direction reassembly. A finding is itself a
 * capture file, so `h2scope read <finding>` shows it.
 *
 * Oracles (the flow_consumer contract of capture_run.h / flow_events.h):
 * - flow ids increase by one per on_open; every open flow is closed exactly
 *   once, and no callback names a flow after its on_close (each flow's
 *   record is freed there: ASan catches a late use);
 * - per direction, data and gaps are contiguous from offset 0 and
 *   f->bytes[dir] counts exactly the data bytes delivered, chunk included;
 * - the numbering of the directions is fixed once bytes flowed (roles a
 *   layer above learns are its own data): endpoint 0 never changes after the
 *   first on_bytes or on_gap;
 * - the statistics add up (no more flows evicted or idle than opened);
 * - pcapng secrets blocks come up whole and bounded (every byte readable,
 *   at most PCAPNG_MAX_SECRETS), one on_secrets per block counted. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture_run.h"
#include "fuzz_support.h"
#include "pcapng_secrets.h"

typedef struct flow_record {
  uint32_t id;
  uint64_t next[2]; /* offset of the next data or gap per direction */
  uint64_t data[2]; /* data bytes delivered per direction */
  bool flowing;     /* bytes or a gap were delivered: the numbering is fixed */
  char endpoint0[sizeof(((capture_flow *)0)->endpoint[0])];
} flow_record;

typedef struct run_state {
  uint32_t last_id;
  uint64_t opened, closed;
  uint64_t secrets; /* on_secrets calls */
} run_state;

static void on_open(void *user, capture_flow *f, double ts) {
  run_state *s = user;
  (void)ts;
  FUZZ_CHECK(f->user == NULL, "flow %u opened twice", f->id);
  FUZZ_CHECK(f->id == s->last_id + 1, "flow id %u after %u", f->id, s->last_id);
  s->last_id = f->id;
  s->opened++;
  flow_record *rec = calloc(1, sizeof *rec);
  FUZZ_CHECK(rec != NULL, "out of memory");
  rec->id = f->id;
  f->user = rec;
  fuzz_log("open %u %s <-> %s\n", f->id, f->endpoint[0], f->endpoint[1]);
}

static flow_record *record_of(capture_flow *f, int dir) {
  FUZZ_CHECK(f != NULL && f->user != NULL, "callback for a flow that was never opened");
  flow_record *rec = f->user;
  FUZZ_CHECK(rec->id == f->id, "flow %u carries the record of flow %u", f->id, rec->id);
  FUZZ_CHECK(dir == 0 || dir == 1, "direction %d", dir);
  return rec;
}

/* Bytes or a gap of f: from the first on, the numbering stays. */
static void check_numbering(capture_flow *f, flow_record *rec) {
  if (!rec->flowing) {
    rec->flowing = true;
    memcpy(rec->endpoint0, f->endpoint[0], sizeof rec->endpoint0);
    return;
  }
  FUZZ_CHECK(!strcmp(rec->endpoint0, f->endpoint[0]), "flow %u renumbered: %s, then %s", f->id,
             rec->endpoint0, f->endpoint[0]);
}

static void on_bytes(void *user, capture_flow *f, int dir, uint64_t offset, const uint8_t *data,
                     size_t len, double ts) {
  (void)user;
  (void)ts;
  flow_record *rec = record_of(f, dir);
  FUZZ_CHECK(len > 0, "empty on_bytes");
  check_numbering(f, rec);
  FUZZ_CHECK(offset == rec->next[dir], "flow %u dir %d: bytes at %llu, expected %llu", f->id, dir,
             (unsigned long long)offset, (unsigned long long)rec->next[dir]);
  rec->next[dir] += len;
  rec->data[dir] += len;
  FUZZ_CHECK(f->bytes[dir] == rec->data[dir], "flow %u dir %d: f->bytes %llu, delivered %llu",
             f->id, dir, (unsigned long long)f->bytes[dir], (unsigned long long)rec->data[dir]);
  volatile uint8_t sum = 0; /* every byte must be readable during the call */
  for (size_t i = 0; i < len; i++)
    sum ^= data[i];
  (void)sum;
}

static void on_gap(void *user, capture_flow *f, int dir, uint64_t offset, uint64_t len, double ts) {
  (void)user;
  (void)ts;
  flow_record *rec = record_of(f, dir);
  FUZZ_CHECK(len > 0, "empty gap");
  check_numbering(f, rec);
  FUZZ_CHECK(offset == rec->next[dir], "flow %u dir %d: gap at %llu, expected %llu", f->id, dir,
             (unsigned long long)offset, (unsigned long long)rec->next[dir]);
  rec->next[dir] += len;
}

static void on_close(void *user, capture_flow *f, int reason, double ts) {
  run_state *s = user;
  (void)ts;
  flow_record *rec = record_of(f, 0);
  FUZZ_CHECK(reason >= FLOW_CLOSE_FIN && reason <= FLOW_CLOSE_REUSED, "close reason %d", reason);
  fuzz_log("close %u reason %d (%llu/%llu bytes)\n", f->id, reason,
           (unsigned long long)rec->data[0], (unsigned long long)rec->data[1]);
  free(rec);
  f->user = NULL;
  s->closed++;
}

static void on_notice(void *user, capture_flow *f, const char *kind, const char *message,
                      double ts) {
  (void)user;
  (void)ts;
  if (f) (void)record_of(f, 0);
  FUZZ_CHECK(kind != NULL && kind[0] != '\0' && message != NULL, "notice without a kind");
  fuzz_log("notice %s: %s\n", kind, message);
}

static void on_secrets(void *user, uint32_t type, const uint8_t *data, size_t len, double ts) {
  run_state *s = user;
  (void)ts;
  FUZZ_CHECK(len <= PCAPNG_MAX_SECRETS, "a secrets block of %zu bytes", len);
  volatile uint8_t sum = 0;
  for (size_t i = 0; i < len; i++)
    sum ^= data[i];
  (void)sum;
  s->secrets++;
  fuzz_log("secrets 0x%08x, %zu bytes\n", (unsigned)type, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = memfd_create("pcap_read", 0);
  FUZZ_CHECK(fd >= 0, "memfd_create failed");
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    FUZZ_CHECK(n > 0, "write to the memfd failed");
    done += (size_t)n;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  run_state s = {0};
  flow_consumer consumer = {.user = &s,
                            .on_open = on_open,
                            .on_bytes = on_bytes,
                            .on_gap = on_gap,
                            .on_close = on_close,
                            .on_notice = on_notice,
                            .on_secrets = on_secrets};
  capture_options opts;
  capture_options_default(&opts);
  opts.file = path;
  opts.no_signal_handler = true;
  /* Small limits so eviction and the out-of-order limit are reachable. */
  opts.limits.max_connections = 4;
  opts.limits.max_ooo_bytes = 2048;
  opts.limits.max_ooo_segments = 8;
  capture_stats stats;
  char err[256];
  int rc = capture_run(&opts, &consumer, &stats, err, sizeof err);
  close(fd);
  fuzz_log("capture_run: %d %s, %llu packets, %llu flows\n", rc, err,
           (unsigned long long)stats.packets, (unsigned long long)stats.connections);
  FUZZ_CHECK(s.opened == s.closed, "%llu flows opened, %llu closed", (unsigned long long)s.opened,
             (unsigned long long)s.closed);
  FUZZ_CHECK(rc == 0 || s.opened == 0, "failed run (%s) after opening flows", err);
  if (rc == 0) {
    FUZZ_CHECK(stats.connections == s.opened, "stats count %llu flows, consumer saw %llu",
               (unsigned long long)stats.connections, (unsigned long long)s.opened);
    FUZZ_CHECK(stats.connections_evicted + stats.connections_idle <= stats.connections,
               "more flows evicted/idle than opened");
    FUZZ_CHECK(stats.tcp_segments <= stats.packets, "more TCP segments than packets");
    FUZZ_CHECK(stats.secrets_blocks == s.secrets, "stats count %llu secrets blocks, saw %llu",
               (unsigned long long)stats.secrets_blocks, (unsigned long long)s.secrets);
  } else {
    FUZZ_CHECK(err[0] != '\0', "failed run without a message");
  }
  return 0;
}
