/* Checks for exercises and graded notebooks: a failed check ends the cell
 * with an AssertionError whose message says what was expected. */
#ifndef COURSDL_CHECK_H
#define COURSDL_CHECK_H

#include <stdbool.h>

/* Checks a condition of an exercise, like Python's assert condition, message:
 * raises AssertionError with the formatted message when `condition` is false;
 * prints nothing otherwise.
 * Arguments: condition; fmt and what follows, a printf-style message saying what
 * was expected (at most 1023 characters kept; NULL: "check failed").
 * Returns nothing when the condition holds.
 * Errors: AssertionError when it does not (the cell stops there).
 * Example:
 *   assert_true(tensor_size(logits, 1) == 10,
 *               "the output layer must have 10 units, not %lld",
 *               (long long)tensor_size(logits, 1)); */
void assert_true(bool condition, const char *fmt, ...);

/* Checks that a number is close to the expected one, like
 * pytest.approx(expected, abs=tolerance) or np.testing.assert_allclose.
 * Arguments: actual, the student's value; expected; tolerance, the largest
 * accepted |actual - expected| (>= 0); what, the name the message gives the
 * value (NULL: "value").
 * Returns nothing when |actual - expected| <= tolerance.
 * Errors: AssertionError otherwise, or when either value is NaN (two equal
 * infinities fail too); the message names `what`, both values, the difference
 * and the tolerance.
 * Example:
 *   assert_close(tensor_item(acc), 0.97, 0.02, "test accuracy"); */
void assert_close(double actual, double expected, double tolerance, const char *what);

/* Prints "✓ message" on stdout: the feedback of a passed check, after the
 * assert_* calls of an exercise cell.
 * Arguments: fmt and what follows, a printf-style message.
 * Returns nothing.
 * Errors: none.
 * Example:
 *   check_passed("Exercice 2 : la perte décroît (%.3f -> %.3f)", first, last); */
void check_passed(const char *fmt, ...);

#endif
