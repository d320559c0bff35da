/* coursdl_cell.h: what every notebook cell sees before its own code.
 *
 * Parsing glibc's stdio/stdlib/math/string headers costs TinyCC ~5 ms per
 * cell, more than a whole ipykernel round trip, so cells get these compact
 * declarations instead. They are written to be compatible with glibc's
 * (same types; macros token-identical), so a cell may still #include the
 * real headers without conflict. */
#ifndef COURSDL_CELL_H
#define COURSDL_CELL_H

#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

/* <stdint.h>: glibc's costs TinyCC 0.7 ms a cell; its guard is set so an
 * explicit #include <stdint.h> (or one from the engine's headers) is free. */
#define _STDINT_H 1
typedef signed char int8_t;
typedef short int int16_t;
typedef int int32_t;
typedef long int int64_t;
typedef unsigned char uint8_t;
typedef unsigned short int uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long int uint64_t;
typedef signed char int_least8_t;
typedef short int int_least16_t;
typedef int int_least32_t;
typedef long int int_least64_t;
typedef unsigned char uint_least8_t;
typedef unsigned short int uint_least16_t;
typedef unsigned int uint_least32_t;
typedef unsigned long int uint_least64_t;
typedef signed char int_fast8_t;
typedef long int int_fast16_t;
typedef long int int_fast32_t;
typedef long int int_fast64_t;
typedef unsigned char uint_fast8_t;
typedef unsigned long int uint_fast16_t;
typedef unsigned long int uint_fast32_t;
typedef unsigned long int uint_fast64_t;
typedef long int intptr_t;
typedef unsigned long int uintptr_t;
typedef long int intmax_t;
typedef unsigned long int uintmax_t;
#define INT8_MIN (-128)
#define INT16_MIN (-32767-1)
#define INT32_MIN (-2147483647-1)
#define INT64_MIN (-9223372036854775807L-1)
#define INT8_MAX (127)
#define INT16_MAX (32767)
#define INT32_MAX (2147483647)
#define INT64_MAX (9223372036854775807L)
#define UINT8_MAX (255)
#define UINT16_MAX (65535)
#define UINT32_MAX (4294967295U)
#define UINT64_MAX (18446744073709551615UL)
#define INTPTR_MIN (-9223372036854775807L-1)
#define INTPTR_MAX (9223372036854775807L)
#define UINTPTR_MAX (18446744073709551615UL)
#define INTMAX_MIN (-9223372036854775807L-1)
#define INTMAX_MAX (9223372036854775807L)
#define UINTMAX_MAX (18446744073709551615UL)
#define PTRDIFF_MIN (-9223372036854775807L-1)
#define PTRDIFF_MAX (9223372036854775807L)
#define SIZE_MAX (18446744073709551615UL)
#define INT8_C(c) c
#define INT16_C(c) c
#define INT32_C(c) c
#define INT64_C(c) c ## L
#define UINT8_C(c) c
#define UINT16_C(c) c
#define UINT32_C(c) c ## U
#define UINT64_C(c) c ## UL
#define INTMAX_C(c) c ## L
#define UINTMAX_C(c) c ## UL

/* <stdio.h> */
typedef struct _IO_FILE FILE;
extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
#define EOF (-1)
int printf(const char *format, ...);
int fprintf(FILE *stream, const char *format, ...);
int sprintf(char *s, const char *format, ...);
int snprintf(char *s, size_t maxlen, const char *format, ...);
int vprintf(const char *format, va_list arg);
int vfprintf(FILE *s, const char *format, va_list arg);
int vsnprintf(char *s, size_t maxlen, const char *format, va_list arg);
int puts(const char *s);
int putchar(int c);
int fputs(const char *s, FILE *stream);
int fputc(int c, FILE *stream);
int getchar(void);
int fgetc(FILE *stream);
char *fgets(char *s, int n, FILE *stream);
int scanf(const char *format, ...);
int sscanf(const char *s, const char *format, ...);
int fscanf(FILE *stream, const char *format, ...);
int fflush(FILE *stream);
FILE *fopen(const char *filename, const char *modes);
int fclose(FILE *stream);
size_t fread(void *ptr, size_t size, size_t n, FILE *stream);
size_t fwrite(const void *ptr, size_t size, size_t n, FILE *s);
int feof(FILE *stream);
int remove(const char *filename);
void perror(const char *s);

/* <stdlib.h> */
#define RAND_MAX 2147483647
#define EXIT_FAILURE 1
#define EXIT_SUCCESS 0
void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
void exit(int status);
void abort(void);
int abs(int x);
long int labs(long int x);
int rand(void);
void srand(unsigned int seed);
int atoi(const char *nptr);
long int atol(const char *nptr);
double atof(const char *nptr);
long int strtol(const char *nptr, char **endptr, int base);
double strtod(const char *nptr, char **endptr);
void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *));
char *getenv(const char *name);
int system(const char *command);

/* <string.h> */
void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *s1, const void *s2, size_t n);
size_t strlen(const char *s);
int strcmp(const char *s1, const char *s2);
int strncmp(const char *s1, const char *s2, size_t n);
char *strcpy(char *dest, const char *src);
char *strncpy(char *dest, const char *src, size_t n);
char *strcat(char *dest, const char *src);
char *strncat(char *dest, const char *src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strdup(const char *s);
char *strtok(char *s, const char *delim);

/* <math.h> (macros exactly as glibc spells them for a non-GNU compiler) */
#define M_E 2.7182818284590452354
#define M_LN2 0.69314718055994530942
#define M_PI 3.14159265358979323846
#define M_SQRT2 1.41421356237309504880
#define HUGE_VAL 1e10000
#define HUGE_VALF 1e10000f
#define INFINITY HUGE_VALF
#define NAN (0.0f / 0.0f)
/* Functions, not glibc's macros: a function-like macro defined before
 * <math.h> would break the declarations <math.h> makes of these names. */
int isnan(double);
int isinf(double);
int finite(double);
#define isfinite(x) finite(x)
double sin(double); double cos(double); double tan(double);
double asin(double); double acos(double); double atan(double); double atan2(double, double);
double sinh(double); double cosh(double); double tanh(double);
double exp(double); double log(double); double log10(double); double log2(double); double log1p(double); double expm1(double);
double pow(double, double); double sqrt(double); double cbrt(double); double hypot(double, double);
double fabs(double); double floor(double); double ceil(double); double round(double); double trunc(double);
double fmod(double, double); double fmin(double, double); double fmax(double, double); double erf(double);
float sinf(float); float cosf(float); float tanf(float); float tanhf(float); float atan2f(float, float);
float expf(float); float logf(float); float powf(float, float); float sqrtf(float);
float fabsf(float); float floorf(float); float ceilf(float); float roundf(float);
float fminf(float, float); float fmaxf(float, float);

/* <time.h> */
typedef long int __clock_t;
typedef long int __time_t;
typedef __clock_t clock_t;
typedef __time_t time_t;
#define CLOCKS_PER_SEC ((__clock_t) 1000000)
clock_t clock(void);
time_t time(time_t *timer);

/* <unistd.h> */
unsigned int sleep(unsigned int seconds);
int usleep(unsigned int useconds);

/* ---- More of C11 and POSIX that programs use without an #include ----
 * Declared as glibc does; macros token-identical to glibc's; glibc's
 * include guards set where it checks them, so including the real header
 * afterwards changes nothing. */
#include <float.h>  /* TinyCC's own: FLT_EPSILON, DBL_MAX ... */
/* <limits.h> */
#define CHAR_BIT	8
#define SCHAR_MIN	(-128)
#define SCHAR_MAX	127
#define UCHAR_MAX	255
#define CHAR_MIN	SCHAR_MIN
#define CHAR_MAX	SCHAR_MAX
#define SHRT_MIN	(-32768)
#define SHRT_MAX	32767
#define USHRT_MAX	65535
#define INT_MIN	(-INT_MAX - 1)
#define INT_MAX	2147483647
#define UINT_MAX	4294967295U
#define LONG_MAX	9223372036854775807L
#define LONG_MIN	(-LONG_MAX - 1L)
#define ULONG_MAX	18446744073709551615UL
#define LLONG_MAX	9223372036854775807LL
#define LLONG_MIN	(-LLONG_MAX - 1LL)
#define ULLONG_MAX	18446744073709551615ULL
/* <errno.h> */
extern int *__errno_location (void);
#define errno (*__errno_location ())
#define ENOENT 2
#define EINTR 4
#define EAGAIN 11
#define EINVAL 22
#define EDOM 33
#define ERANGE 34
/* <stdio.h> */
#define BUFSIZ 8192
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
typedef long int ssize_t;
#define __ssize_t_defined
int getc(FILE *stream);
int putc(int c, FILE *stream);
int ungetc(int c, FILE *stream);
int vsprintf(char *s, const char *format, va_list arg);
int fseek(FILE *stream, long int off, int whence);
long int ftell(FILE *stream);
void rewind(FILE *stream);
int ferror(FILE *stream);
ssize_t getline(char **lineptr, size_t *n, FILE *stream);
int rename(const char *old, const char *new);
/* <stdlib.h> */
long long int atoll(const char *nptr);
long long int llabs(long long int x);
unsigned long int strtoul(const char *nptr, char **endptr, int base);
long long int strtoll(const char *nptr, char **endptr, int base);
unsigned long long int strtoull(const char *nptr, char **endptr, int base);
float strtof(const char *nptr, char **endptr);
void *bsearch(const void *key, const void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *));
int setenv(const char *name, const char *value, int replace);
/* <string.h>, <strings.h> */
void *memchr(const void *s, int c, size_t n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
size_t strnlen(const char *s, size_t maxlen);
char *strndup(const char *s, size_t n);
char *strtok_r(char *s, const char *delim, char **save_ptr);
char *strerror(int errnum);
int strcasecmp(const char *s1, const char *s2);
int strncasecmp(const char *s1, const char *s2, size_t n);
/* <ctype.h> (functions: glibc's header adds its macros over them) */
int isalnum(int); int isalpha(int); int isdigit(int); int isxdigit(int);
int islower(int); int isupper(int); int isspace(int); int ispunct(int);
int isprint(int); int iscntrl(int); int isgraph(int);
int tolower(int); int toupper(int);
/* <math.h> */
long int lround(double); long long int llround(double); long int lrint(double);
double rint(double); double nearbyint(double); double exp2(double); double copysign(double, double);
double remainder(double, double); double ldexp(double, int); double frexp(double, int *); double modf(double, double *);
double fma(double, double, double); double nextafter(double, double); double fdim(double, double);
double tgamma(double); double lgamma(double); double erfc(double);
double asinh(double); double acosh(double); double atanh(double);
float log2f(float); float log10f(float); float exp2f(float); float truncf(float); float fmodf(float, float);
float hypotf(float, float); float asinf(float); float acosf(float); float atanf(float); float sinhf(float); float coshf(float);
long int lroundf(float);
#define M_LN10 2.30258509299404568402
#define M_PI_2 1.57079632679489661923
#define M_PI_4 0.78539816339744830962
#define M_1_PI 0.31830988618379067154
#define M_2_PI 0.63661977236758134308
#define M_2_SQRTPI 1.12837916709551257390
#define M_SQRT1_2 0.70710678118654752440
#define M_LOG2E 1.4426950408889634074
#define M_LOG10E 0.43429448190325182765
/* <time.h>, <sys/time.h> */
#define _STRUCT_TIMESPEC 1
struct timespec { __time_t tv_sec; long int tv_nsec; };
#define __timeval_defined 1
struct timeval { __time_t tv_sec; long int tv_usec; };
typedef int clockid_t;
#define __clockid_t_defined 1
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
int clock_gettime(clockid_t clock_id, struct timespec *tp);
int nanosleep(const struct timespec *requested_time, struct timespec *remaining);
int gettimeofday(struct timeval *tv, void *tz);
double difftime(time_t time1, time_t time0);
/* <unistd.h> */
ssize_t read(int fd, void *buf, size_t nbytes);
ssize_t write(int fd, const void *buf, size_t n);
int isatty(int fd);
int getpid(void);

#include <coursdl.h>

/* Declarations of variables kept from earlier cells (see kernel/jit.h).
 * Spelled __attribute, not __attribute__: glibc's <sys/cdefs.h> defines
 * __attribute__(x) away for compilers that are not GCC, TinyCC included. */
#define __cdl_persistent __attribute((visibility("hidden")))

/* The kernel's runtime, called by the code it generates around cells. */
void *__cdl_memcpy(void *dest, const void *src, size_t n);
void __cdl_shell(const char *command);
void __cdl_main_returned(int status);
void __cdl_zero(void *dest, size_t n);

#endif
