/* check_case_file.h — the check case language (docs/check-language.md): a
 * line-oriented text file of cases, one block per case ("case ID", then
 * group/rfc/title/handshake/send/expect/needs/alone lines), loaded into a
 * check_set; and the writer that prints built-in cases in it (check
 * --print-cases), so that printing and loading back gives the same cases. */
#ifndef H2SCOPE_CHECK_CASE_FILE_H
#define H2SCOPE_CHECK_CASE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "check_set.h"
#include "out_buf.h"

#define CHECK_FILE_LINE_MAX 4096 /* characters in one line, newline excluded */
#define CHECK_FILE_SENDS_MAX 64  /* send lines in one case */
#define CHECK_FILE_CASES_MAX 10000

/* Loads the cases of a file (name: path, used in messages) read from f and
 * appends them to s. false with "NAME:LINE:COL: message" in err at the first
 * error (the set then holds the cases before it). */
bool check_file_load(check_set *s, FILE *f, const char *name, char *err, size_t errcap);

/* Writes one case as a block of the language (a blank line before it). */
void check_file_print(out_buf *o, const check_item *it);

#endif
