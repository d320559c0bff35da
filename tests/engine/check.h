/* The engine tests' tiny framework: CHECK / CHECK_CLOSE / CHECK_STR count
 * passes and failures (each failure prints file:line and the values),
 * CHECK_RAISES catches an engine error (kind + message text) through a
 * setjmp/longjmp handler, and CHECK_DONE prints "N passed, N failed" and
 * gives the exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <coursdl.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks_passed, checks_failed;
static jmp_buf check_jmp;
static volatile int check_armed;

static void check_handler(ErrorKind kind, const char *message, void *ctx)
{
    (void)kind; (void)message; (void)ctx;
    if (check_armed) {
        check_armed = 0;
        longjmp(check_jmp, 1);
    }
    /* Unexpected error: let the default report it and exit(1). */
    checks_failed++;
    printf("unexpected %s: %s\n%d passed, %d failed\n", error_kind_name(kind), message, checks_passed, checks_failed);
    fflush(stdout);
}

static void check_init(void) { error_set_handler(check_handler, NULL); }

static void check_result(int ok, const char *file, int line, const char *what)
{
    if (ok) {
        checks_passed++;
    } else {
        checks_failed++;
        printf("%s:%d: FAILED: %s\n", file, line, what);
    }
}

#define CHECK(cond) check_result(!!(cond), __FILE__, __LINE__, #cond)

#define CHECK_CLOSE(a, b, tol) do { \
    double check_a_ = (double)(a), check_b_ = (double)(b), check_t_ = (double)(tol); \
    int check_ok_ = fabs(check_a_ - check_b_) <= check_t_ || (isnan(check_a_) && isnan(check_b_)); \
    if (check_ok_) checks_passed++; \
    else { checks_failed++; printf("%s:%d: FAILED: %s = %.10g, expected %s = %.10g (tol %g)\n", \
        __FILE__, __LINE__, #a, check_a_, #b, check_b_, check_t_); } \
} while (0)

#define CHECK_STR(a, b) do { \
    const char *check_a_ = (a), *check_b_ = (b); \
    if (check_a_ && check_b_ && !strcmp(check_a_, check_b_)) checks_passed++; \
    else { checks_failed++; printf("%s:%d: FAILED: %s\n  got:      \"%s\"\n  expected: \"%s\"\n", \
        __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); } \
} while (0)

/* Runs stmt; passes when it raises an engine error of kind whose message
 * contains text. Resets engine state (no_grad...) like the kernel does. */
#define CHECK_RAISES(kind, text, stmt) do { \
    if (setjmp(check_jmp) == 0) { \
        check_armed = 1; \
        stmt; \
        check_armed = 0; \
        checks_failed++; \
        printf("%s:%d: FAILED: %s did not raise\n", __FILE__, __LINE__, #stmt); \
    } else { \
        error_reset_state(); \
        int check_ok_ = error_last_kind() == (kind) && strstr(error_last_message(), (text)) != NULL; \
        if (check_ok_) checks_passed++; \
        else { checks_failed++; printf("%s:%d: FAILED: %s raised %s: \"%s\"; expected %s containing \"%s\"\n", \
            __FILE__, __LINE__, #stmt, error_kind_name(error_last_kind()), error_last_message(), \
            error_kind_name(kind), (text)); } \
    } \
} while (0)

#define CHECK_DONE() (printf("%d passed, %d failed\n", checks_passed, checks_failed), checks_failed ? 1 : 0)

#endif
