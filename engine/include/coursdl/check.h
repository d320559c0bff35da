/* Checks for exercises and graded notebooks: a failed check ends the cell
 * with an AssertionError whose message says what was expected. */
#ifndef COURSDL_CHECK_H
#define COURSDL_CHECK_H

#include <stdbool.h>

/* Raises AssertionError with the formatted message (printf-style) when
 * `condition` is false; prints nothing otherwise. */
void assert_true(bool condition, const char *fmt, ...);

/* Raises AssertionError when |actual - expected| > tolerance (or either is
 * NaN); the message names `what`, both values and the tolerance. */
void assert_close(double actual, double expected, double tolerance, const char *what);

/* Prints "✓ message" (a passed check, for the student's feedback). */
void check_passed(const char *fmt, ...);

#endif
