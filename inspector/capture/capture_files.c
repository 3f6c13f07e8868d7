/* capture_files.c — expands the capture files and directories of the
 * command line and orders them by the time of their first packet (libpcap
 * reads each file's header and first record). */
#include "capture_files.h"

#include <dirent.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct probed_file {
  char *path;
  bool has_packets;
  long long sec, nsec; /* first packet time */
} probed_file;

typedef struct file_list {
  probed_file *items;
  size_t count, cap;
} file_list;

static bool list_add(file_list *l, const char *path, const struct pcap_pkthdr *first) {
  if (l->count == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    probed_file *items = realloc(l->items, cap * sizeof *items);
    if (!items) return false;
    l->items = items;
    l->cap = cap;
  }
  probed_file *f = &l->items[l->count];
  f->path = strdup(path);
  if (!f->path) return false;
  f->has_packets = first != NULL;
  f->sec = first ? (long long)first->ts.tv_sec : 0;
  f->nsec = first ? (long long)first->ts.tv_usec : 0; /* nanoseconds: opened with NANO */
  l->count++;
  return true;
}

/* Opens path as a capture and adds it with its first packet time. Returns
 * 0, 1 if it is not a capture (pcap's message in err), -1 out of memory. */
static int probe(file_list *l, const char *path, char *err, size_t errcap) {
  char pcap_err[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
  if (!p) {
    snprintf(err, errcap, "cannot read capture %s: %s", path, pcap_err);
    return 1;
  }
  struct pcap_pkthdr *h = NULL;
  const u_char *data = NULL;
  bool has = pcap_next_ex(p, &h, &data) == 1;
  struct pcap_pkthdr first;
  if (has) first = *h;
  pcap_close(p);
  return list_add(l, path, has ? &first : NULL) ? 0 : -1;
}

static int compare_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The capture files of a directory, in name order (so equal first times
 * keep it). */
static int expand_dir(file_list *l, const char *dir, char *err, size_t errcap) {
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errcap, "cannot read directory %s", dir);
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue; /* ., .., hidden files */
    size_t len = strlen(dir) + strlen(de->d_name) + 2;
    char *path = malloc(len);
    if (!path) {
      rc = -1;
      break;
    }
    snprintf(path, len, "%s/%s", dir, de->d_name);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(path);
      continue;
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      char **nn = realloc(names, ncap * sizeof *nn);
      if (!nn) {
        free(path);
        rc = -1;
        break;
      }
      names = nn;
      cap = ncap;
    }
    names[n++] = path;
  }
  closedir(d);
  if (rc == 0 && n) qsort(names, n, sizeof *names, compare_name);
  size_t found = 0;
  for (size_t i = 0; i < n; i++) {
    if (rc == 0) {
      char perr[512];
      int r = probe(l, names[i], perr, sizeof perr);
      if (r < 0)
        rc = -1;
      else if (r == 0)
        found++;
    }
    free(names[i]);
  }
  free(names);
  if (rc < 0) {
    snprintf(err, errcap, "out of memory");
    return rc;
  }
  if (!found) {
    snprintf(err, errcap, "no capture files in directory %s", dir);
    return 1;
  }
  return 0;
}

/* Time order; files without packets last; ties by name. */
static int compare_time(const void *a, const void *b) {
  const probed_file *x = a, *y = b;
  if (x->has_packets != y->has_packets) return x->has_packets ? -1 : 1;
  if (x->sec != y->sec) return x->sec < y->sec ? -1 : 1;
  if (x->nsec != y->nsec) return x->nsec < y->nsec ? -1 : 1;
  return strcmp(x->path, y->path);
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void list_free(file_list *l) {
  for (size_t i = 0; i < l->count; i++)
    free(l->items[i].path);
  free(l->items);
}

int capture_file_set_build(capture_file_set *s, const char *const *args, size_t nargs, char *err,
                           size_t errcap) {
  memset(s, 0, sizeof *s);
  if (errcap) err[0] = '\0';
  if (nargs == 0) {
    snprintf(err, errcap, "no capture file given");
    return 1;
  }
  file_list l = {0};
  int rc = 0;
  if (nargs == 1 && !is_dir(args[0])) {
    rc = list_add(&l, args[0], NULL) ? 0 : -1;
  } else {
    for (size_t i = 0; i < nargs && rc == 0; i++) {
      if (!strcmp(args[i], "-")) {
        snprintf(err, errcap, "stdin (-) cannot be read together with other captures");
        rc = 1;
      } else if (is_dir(args[i])) {
        rc = expand_dir(&l, args[i], err, errcap);
      } else {
        rc = probe(&l, args[i], err, errcap);
      }
    }
    if (rc == 0) qsort(l.items, l.count, sizeof *l.items, compare_time);
  }
  if (rc == 0) {
    s->paths = malloc(l.count * sizeof *s->paths);
    if (!s->paths) rc = -1;
  }
  if (rc != 0) {
    if (rc < 0) snprintf(err, errcap, "out of memory");
    list_free(&l);
    return 1;
  }
  for (size_t i = 0; i < l.count; i++)
    s->paths[i] = l.items[i].path; /* ownership moves */
  s->count = l.count;
  free(l.items);
  return 0;
}

void capture_file_set_free(capture_file_set *s) {
  for (size_t i = 0; i < s->count; i++)
    free(s->paths[i]);
  free(s->paths);
  memset(s, 0, sizeof *s);
}
