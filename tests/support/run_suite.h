/* run_suite.h — the main() of every Check test executable: runs one suite
 * and turns its failures into the exit status ctest reads. */
#ifndef H2_TESTS_RUN_SUITE_H
#define H2_TESTS_RUN_SUITE_H

#include <check.h>

/* Runs s (and frees it); EXIT_SUCCESS when no test failed. */
int run_suite(Suite *s);

#endif
