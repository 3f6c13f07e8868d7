/* command_output.c — see command_output.h. */
#include "command_output.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "pcap_write.h"

int command_output(command_fn cmd, int argc, char **argv, const char *tmp_name, char *out,
                   size_t cap) {
  char path[512];
  pw_temp_path(tmp_name, path, sizeof path);
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_ge(fd, 0);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  int rc = cmd(argc, argv);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  size_t n = fread(out, 1, cap - 1, f);
  out[n] = '\0';
  fclose(f);
  return rc;
}
