/* Notebook checks (see coursdl/check.h). */
#include "coursdl.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

void assert_true(bool condition, const char *fmt, ...)
{
    if (condition)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt ? fmt : "check failed", ap);
    va_end(ap);
    error_raise(ERR_ASSERT, "%s", msg);
}

void assert_close(double actual, double expected, double tolerance, const char *what)
{
    double diff = fabs(actual - expected);
    if (isnan(actual) || isnan(expected) || !(diff <= tolerance))
        error_raise(ERR_ASSERT, "%s: got %.10g, expected %.10g (difference %.3g > tolerance %.3g)",
                    what ? what : "value", actual, expected, diff, tolerance);
}

void check_passed(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("\xe2\x9c\x93 ", stdout);  /* ✓ */
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}
