/* capture_run.c — drives the capture engine from libpcap: opens a pcap or
 * pcapng file (or stdin, "-") or a live interface, applies the BPF filter,
 * loops over the records and stops cleanly on SIGINT/SIGTERM or
 * capture_stop(): both only raise a flag, which the loops check after every
 * packet and every wait (a live capture waits in poll() at most
 * CAPTURE_FLUSH_MS, and a signal ends the wait at once). */
#include "capture_run.h"

#include <errno.h>
#include <malloc.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_engine.h"
#include "capture_open.h"

/* The stop request: the one flag the signal handler sets (a signal flag is
 * the only state a handler may touch; the capture loops poll it). One
 * capture runs at a time per process (the CLI runs exactly one). */
static volatile sig_atomic_t g_stop;

void capture_stop(void) {
  g_stop = 1;
}

static void on_signal(int sig) {
  (void)sig;
  capture_stop();
}

void capture_options_default(capture_options *o) {
  memset(o, 0, sizeof *o);
  capture_limits_default(&o->limits);
}

typedef struct run_state {
  capture_engine engine;
  pcap_t *p;
  int linktype;
  int ts_divisor; /* ts.tv_usec units per second: 1e6 or 1e9 */
  uint64_t max_packets;
  uint64_t seen;
  /* pcap_stats' last raw counters: 32-bit, they wrap on a long capture, so
   * the totals grow by the (modulo 2^32) difference. */
  uint32_t last_drop, last_ifdrop;
} run_state;

/* libpcap's read error as a notice of kind: what came before still counts. */
static void read_error(run_state *rs, const char *kind) {
  char msg[PCAP_ERRBUF_SIZE + 96];
  snprintf(msg, sizeof msg, "%s (packets before this point were processed)", pcap_geterr(rs->p));
  capture_engine_notice(&rs->engine, kind, msg);
}

/* Live packets are handed over in batches of at most this many, so the
 * output timer and the drop check run between them even under full load. */
enum { LIVE_BATCH = 1024, FILE_BATCH = 4096 };

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes) {
  run_state *rs = (run_state *)user;
  double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / rs->ts_divisor;
  capture_engine_packet(&rs->engine, rs->linktype, bytes, h->caplen, h->len, ts);
  rs->seen++;
  if (g_stop || (rs->max_packets && rs->seen >= rs->max_packets)) pcap_breakloop(rs->p);
}

/* A file (or stdin) whose pcapng secrets blocks go to the engine as it is
 * read (capture_open.h). */
static pcap_t *open_file(const char *path, capture_engine *engine, char *err, size_t errcap) {
  return capture_open_file(path, capture_engine_secrets, engine, err, errcap);
}

static pcap_t *open_live(const capture_options *o, capture_engine *engine, char *err,
                         size_t errcap) {
  char pcap_err[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create(o->iface, pcap_err);
  if (!p) {
    snprintf(err, errcap, "cannot capture on %s: %s", o->iface, pcap_err);
    return NULL;
  }
  (void)pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : 262144);
  (void)pcap_set_promisc(p, o->no_promisc ? 0 : 1);
  /* The block timeout bounds how long a quiet capture holds packets back. */
  (void)pcap_set_timeout(p, CAPTURE_FLUSH_MS);
  /* A large kernel buffer rides out the moments this process is not
   * scheduled (libpcap's 2 MiB default lost most packets of a busy
   * loopback on a loaded machine). */
  (void)pcap_set_buffer_size(p, o->buffer_size ? (int)o->buffer_size : CAPTURE_DEFAULT_BUFFER);
  (void)pcap_set_immediate_mode(p, o->immediate ? 1 : 0);
  (void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  int rc = pcap_activate(p);
  /* read_live waits in poll() itself, where a signal or the flush timer
   * ends the wait; pcap_dispatch only hands over what is there. (Without a
   * selectable descriptor the dispatch blocks for at most the timeout.) */
  if (rc >= 0 && pcap_get_selectable_fd(p) >= 0 && pcap_setnonblock(p, 1, pcap_err) != 0) {
    snprintf(err, errcap, "cannot capture on %s: %s", o->iface, pcap_err);
    pcap_close(p);
    return NULL;
  }
  if (rc < 0) {
    snprintf(err, errcap, "cannot capture on %s: %s%s%s", o->iface, pcap_statustostr(rc),
             rc == PCAP_ERROR ? ": " : "", rc == PCAP_ERROR ? pcap_geterr(p) : "");
    pcap_close(p);
    return NULL;
  }
  if (rc > 0) {
    char msg[PCAP_ERRBUF_SIZE + 64];
    snprintf(msg, sizeof msg, "%s: %s", pcap_statustostr(rc), pcap_geterr(p));
    capture_engine_notice(engine, "capture-warning", msg);
  }
  return p;
}

static bool apply_filter(pcap_t *p, const char *bpf, char *err, size_t errcap) {
  struct bpf_program prog;
  if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
    snprintf(err, errcap, "bad filter \"%s\": %s", bpf, pcap_geterr(p));
    return false;
  }
  int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) {
    snprintf(err, errcap, "cannot apply filter \"%s\": %s", bpf, pcap_geterr(p));
    return false;
  }
  return true;
}

static double clock_seconds(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A live capture runs for hours while connections come and go, each with
 * large buffers (the 1 MiB field-block buffer and the HPACK scratch of both
 * directions). glibc raises its mmap threshold each time such a mapped
 * block is freed, after which the next ones come from the heap, where the
 * pages a closed connection touched stay resident: the process grew by
 * about 20 KiB per connection. A fixed threshold keeps them mapped, so a
 * closed connection's buffers go back to the system whole. */
static void keep_big_buffers_mapped(void) {
  (void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

/* Makes rs read from p: its link type and timestamp unit. */
static void use_handle(run_state *rs, pcap_t *p) {
  rs->p = p;
  rs->linktype = pcap_datalink(p);
  rs->ts_divisor =
      pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO ? 1000000000 : 1000000;
}

/* Reads the records of a file until its end, an error, a stop request or
 * max_packets. A read error (a file cut in the middle of a record) becomes a
 * notice: what came before it was processed. Returns false to stop. */
static bool read_file(run_state *rs) {
  for (;;) {
    if (g_stop) return false;
    int n = pcap_dispatch(rs->p, FILE_BATCH, on_packet, (u_char *)rs);
    if (n == PCAP_ERROR_BREAK) return false;
    if (n == PCAP_ERROR) {
      read_error(rs, "capture-file-error");
      return true;
    }
    if (rs->max_packets && rs->seen >= rs->max_packets) return false;
    if (n == 0) return true; /* end of file */
  }
}

/* The kernel's drop counters (pcap_stats: cumulative since activation);
 * growth goes to the on_drops hook. */
static void check_drops(run_state *rs, const capture_options *o) {
  struct pcap_stat ps;
  if (pcap_stats(rs->p, &ps) != 0) return;
  capture_stats *st = rs->engine.stats;
  uint32_t drop = (uint32_t)ps.ps_drop - rs->last_drop;
  uint32_t ifdrop = (uint32_t)ps.ps_ifdrop - rs->last_ifdrop;
  rs->last_drop = (uint32_t)ps.ps_drop;
  rs->last_ifdrop = (uint32_t)ps.ps_ifdrop;
  if (drop == 0 && ifdrop == 0) return;
  st->kernel_dropped += drop;
  st->interface_dropped += ifdrop;
  if (o->hooks.on_drops)
    o->hooks.on_drops(o->hooks.user, st->kernel_dropped, st->interface_dropped,
                      (uint64_t)drop + ifdrop, clock_seconds(CLOCK_REALTIME));
}

/* Waits until the live handle has packets, at most CAPTURE_FLUSH_MS (the
 * flush timer's period): true when it has (or an error to report), false
 * when the capture stayed idle. SIGINT/SIGTERM end the wait at once: the
 * handler is installed without SA_RESTART, so poll() returns EINTR (a
 * signal that lands on another thread, or just before the wait, is seen at
 * its end). A handle without a selectable descriptor blocked in
 * pcap_dispatch instead. */
static bool wait_live(const run_state *rs) {
  int fd = pcap_get_selectable_fd(rs->p);
  if (fd < 0) return false;
  struct pollfd pf = {.fd = fd, .events = POLLIN};
  return poll(&pf, 1, CAPTURE_FLUSH_MS) > 0;
}

/* Live: batches of packets until a stop request, an error or max_packets;
 * between batches, idle expiry (wall clock), the output timer and, about
 * once a second, the drop counters. */
static void read_live(run_state *rs, const capture_options *o) {
  double last_flush = clock_seconds(CLOCK_MONOTONIC), last_stats = last_flush;
  for (;;) {
    if (g_stop) break;
    int n = pcap_dispatch(rs->p, LIVE_BATCH, on_packet, (u_char *)rs);
    if (n == PCAP_ERROR_BREAK) break;
    if (n == PCAP_ERROR) {
      read_error(rs, "capture-error");
      break;
    }
    if (rs->max_packets && rs->seen >= rs->max_packets) break;
    bool idle = n == 0 && !wait_live(rs); /* nothing there, nothing came */
    capture_engine_tick(&rs->engine, clock_seconds(CLOCK_REALTIME));
    double now = clock_seconds(CLOCK_MONOTONIC);
    if (o->hooks.on_flush &&
        (o->immediate || idle || now - last_flush >= CAPTURE_FLUSH_MS / 1000.0)) {
      o->hooks.on_flush(o->hooks.user);
      last_flush = now;
    }
    if (now - last_stats >= 1.0) {
      check_drops(rs, o);
      last_stats = now;
    }
  }
  check_drops(rs, o);
}

/* Every file in turn, as one capture. A file that cannot be opened any more
 * (it was there when the set was put in order) is reported and skipped.
 * Returns false (with err) only when the filter is unusable. */
static bool read_files(run_state *rs, const capture_options *o, const char *const *files,
                       size_t nfiles, char *err, size_t errcap) {
  for (size_t i = 0; i < nfiles; i++) {
    char ferr[1024];
    pcap_t *p = open_file(files[i], &rs->engine, ferr, sizeof ferr);
    if (!p) {
      capture_engine_notice(&rs->engine, "capture-file-error", ferr);
      continue;
    }
    if (o->bpf && o->bpf[0] && !apply_filter(p, o->bpf, err, errcap)) {
      pcap_close(p);
      return false;
    }
    use_handle(rs, p);
    if (nfiles > 1) capture_engine_begin_file(&rs->engine, files, nfiles, (uint32_t)i);
    rs->engine.stats->files++;
    bool go_on = read_file(rs);
    rs->p = NULL;
    pcap_close(p);
    if (!go_on) break;
  }
  return true;
}

int capture_run(const capture_options *opts, const flow_consumer *consumer, capture_stats *stats,
                char *err, size_t errcap) {
  capture_stats local_stats;
  if (!stats) stats = &local_stats;
  memset(stats, 0, sizeof *stats);
  if (errcap) err[0] = '\0';
  bool live = opts->file == NULL && opts->nfiles == 0;
  if (live && !opts->iface) {
    snprintf(err, errcap, "no capture file or interface given");
    return 1;
  }
  run_state rs;
  memset(&rs, 0, sizeof rs);
  if (!capture_engine_init(&rs.engine, &opts->limits, consumer, stats)) {
    snprintf(err, errcap, "out of memory");
    return 1;
  }
  rs.max_packets = opts->max_packets;
  stats->live = live;
  /* One file (or stdin) keeps its open errors fatal; a set was checked
   * when it was put in order. */
  const char *const *files = opts->nfiles ? opts->files : &opts->file;
  size_t nfiles = opts->nfiles ? opts->nfiles : 1;
  pcap_t *p = NULL;
  if (live || nfiles == 1) {
    p = live ? open_live(opts, &rs.engine, err, errcap)
             : open_file(files[0], &rs.engine, err, errcap);
    if (!p) {
      capture_engine_free(&rs.engine);
      return 1;
    }
    if (opts->bpf && opts->bpf[0] && !apply_filter(p, opts->bpf, err, errcap)) {
      pcap_close(p);
      capture_engine_free(&rs.engine);
      return 1;
    }
  }

  struct sigaction old_int, old_term, sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns */
  g_stop = 0;
  if (!opts->no_signal_handler) {
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    /* A signal the caller ignores (nohup, a background job) stays ignored. */
    if (old_int.sa_handler == SIG_IGN) sigaction(SIGINT, &old_int, NULL);
    if (old_term.sa_handler == SIG_IGN) sigaction(SIGTERM, &old_term, NULL);
  }

  bool ok = true;
  if (p) {
    use_handle(&rs, p);
    if (live) {
      keep_big_buffers_mapped();
      read_live(&rs, opts);
    } else {
      stats->files = 1;
      (void)read_file(&rs);
    }
  } else {
    ok = read_files(&rs, opts, files, nfiles, err, errcap);
  }
  stats->interrupted = g_stop != 0;

  if (!opts->no_signal_handler) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  g_stop = 0;
  capture_engine_finish(&rs.engine);
  capture_engine_free(&rs.engine);
  if (p) pcap_close(p);
  return ok ? 0 : 1;
}
