#include "bounds.h"

#include <gc.h>
#include <gc/gc_mark.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "celldebug.h"
#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"
#include "strbuf.h"

/* ---- regions ----------------------------------------------------------------------------- */

typedef enum RegionKind { REGION_LOCAL, REGION_GLOBAL, REGION_HEAP } RegionKind;

typedef struct Region {
    uintptr_t lo;
    size_t size;
    const char *name;     /* globals: the variable's name, or NULL */
    RegionKind kind;
    uintptr_t gc_no;      /* heap regions: the g_gc_epoch they were looked up in */
    uintptr_t owner;      /* locals: an address in the function that owns them */
    long frame_off;       /* locals: their offset from that function's frame pointer */
} Region;

#define CACHE_WAYS 4

/* The local arrays of one thread's live frames, deepest (lowest address)
 * last, and the regions it used last. */
typedef struct BoundsThread {
    Region *r;
    int n, cap;
    Region cache[CACHE_WAYS];
    int next;
} BoundsThread;

static BoundsThread g_main_bt;
static __thread BoundsThread *t_bt;

/* Globals of every cell, sorted by address (only appended to between cells). */
static Region *g_glob;
static int g_n_glob, g_cap_glob;

static bool g_enabled = true;

/* Bumped at the start of every collection: a heap region looked up before
 * may have been reclaimed and its memory reused by a block of another size. */
static volatile uintptr_t g_gc_epoch;
static GC_start_callback_proc g_prev_start_cb;
static bool g_cb_set;

static void on_gc_start(void)
{
    g_gc_epoch++;
    if (g_prev_start_cb)
        g_prev_start_cb();
}

bool bounds_enabled(void) { return g_enabled; }
void bounds_set_enabled(bool on) { g_enabled = on; }

static void cache_clear(BoundsThread *b)
{
    for (int i = 0; i < CACHE_WAYS; i++) {
        b->cache[i].lo = UINTPTR_MAX;
        b->cache[i].size = 0;
    }
}

static BoundsThread *this_thread(void)
{
    BoundsThread *b = t_bt;
    if (!b) {
        b = guard_on_cell_thread() ? calloc(1, sizeof *b) : &g_main_bt;
        if (!b)
            abort();
        cache_clear(b);
        t_bt = b;
    }
    return b;
}

void bounds_reset_stack(void)
{
    BoundsThread *b = this_thread();
    b->n = 0;
    cache_clear(b);
}

/* Pops the regions of dead frames: everything below `limit`. */
static void pop_below(BoundsThread *b, uintptr_t limit)
{
    while (b->n > 0 && b->r[b->n - 1].lo < limit)
        b->n--;
    for (int i = 0; i < CACHE_WAYS; i++)
        if (b->cache[i].kind == REGION_LOCAL && b->cache[i].lo < limit) {
            b->cache[i].lo = UINTPTR_MAX;
            b->cache[i].size = 0;
        }
}

static void push_local(BoundsThread *b, uintptr_t lo, size_t size, uintptr_t owner, long frame_off)
{
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 256;
        Region *r = realloc(b->r, sizeof *r * (size_t)cap);
        if (!r)
            return;  /* unchecked rather than dead */
        b->r = r;
        b->cap = cap;
    }
    /* Keep the order (addresses going down) within the frame too. */
    int i = b->n++;
    while (i > 0 && b->r[i - 1].lo < lo) {
        b->r[i] = b->r[i - 1];
        i--;
    }
    b->r[i] = (Region){ lo, size, NULL, REGION_LOCAL, 0, owner, frame_off };
}

/* Largest lo <= p in an array sorted by decreasing (locals) or increasing
 * (globals) address, with p inside [lo, lo + size] (one past the end
 * belongs to the region, as for pointer arithmetic). */
static const Region *search(const Region *r, int n, uintptr_t p, bool decreasing)
{
    int lo = 0, hi = n - 1, best = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (r[mid].lo <= p) {
            best = mid;
            if (decreasing) hi = mid - 1; else lo = mid + 1;
        } else {
            if (decreasing) lo = mid + 1; else hi = mid - 1;
        }
    }
    if (best >= 0 && p - r[best].lo <= r[best].size)
        return &r[best];
    return NULL;
}

static bool find(BoundsThread *b, uintptr_t p, Region *out)
{
    for (int i = 0; i < CACHE_WAYS; i++) {
        const Region *c = &b->cache[i];
        /* One past the end belongs to a local or global array (TinyCC pads
         * them); a heap block's end is the next block's start. */
        bool in = c->kind == REGION_HEAP ? p - c->lo < c->size && c->gc_no == g_gc_epoch : p - c->lo <= c->size;
        if (in) {
            *out = *c;
            return true;
        }
    }
    const Region *r = NULL;
    Region heap;
    if (b->n && p >= b->r[b->n - 1].lo && p <= b->r[0].lo + b->r[0].size)
        r = search(b->r, b->n, p, true);
    if (!r && jit_pc_in_arena(p))
        r = search(g_glob, g_n_glob, p, false);
    if (!r) {
        void *base = GC_base((void *)p);
        if (!base)
            return false;
        if (!g_cb_set) {
            g_prev_start_cb = GC_get_start_callback();
            GC_set_start_callback(on_gc_start);
            g_cb_set = true;
        }
        heap = (Region){ (uintptr_t)base, GC_size(base), NULL, REGION_HEAP, g_gc_epoch, 0, 0 };
        r = &heap;
    }
    *out = *r;
    b->cache[b->next] = *r;
    b->next = (b->next + 1) % CACHE_WAYS;
    return true;
}

/* ---- errors ---------------------------------------------------------------------------- */

static void describe_region(const Region *r, size_t elem, char *buf, size_t cap)
{
    char count[64] = "";
    if (elem > 1 && r->size % elem == 0)
        snprintf(count, sizeof count, " = %zu elements of %zu bytes", r->size / elem, elem);
    switch (r->kind) {
    case REGION_LOCAL: {
        char name[128];
        if (r->owner && celldebug_local_name(r->owner, r->frame_off, name, sizeof name))
            snprintf(buf, cap, "'%s' (a local array of %zu bytes%s)", name, r->size, count);
        else
            snprintf(buf, cap, "a local array of %zu bytes%s", r->size, count);
        break;
    }
    case REGION_GLOBAL:
        if (r->name)
            snprintf(buf, cap, "'%s' (%zu bytes%s)", r->name, r->size, count);
        else
            snprintf(buf, cap, "a global array of %zu bytes%s", r->size, count);
        break;
    case REGION_HEAP:
        snprintf(buf, cap, "a block of %zu bytes from malloc or the engine%s", r->size, count);
        break;
    }
}

static _Noreturn void access_error(const Region *r, uintptr_t a, size_t n, void *ret)
{
    char what[256];
    describe_region(r, n, what, sizeof what);
    long long rel = (long long)(a - r->lo);
    if (n > 0 && rel % (long long)n == 0 && r->size % n == 0 && r->size >= n)
        guard_fail_at((uintptr_t)ret, "BufferOverflow",
                      "index %lld is out of bounds for %s: valid indices are 0 to %zu", rel / (long long)n,
                      what, r->size / n - 1);
    guard_fail_at((uintptr_t)ret, "BufferOverflow",
                  "an access of %zu bytes at byte offset %lld is out of bounds for %s", n, rel, what);
}

static _Noreturn void range_error(const char *fn, const Region *r, uintptr_t a, size_t n, bool write,
                                  void *ret)
{
    char what[256];
    describe_region(r, 1, what, sizeof what);
    long long rel = (long long)(a - r->lo);
    if (rel == 0)
        guard_fail_at((uintptr_t)ret, "BufferOverflow", "%s %s %zu bytes %s %s", fn, write ? "writes" : "reads",
                      n, write ? "into" : "from", what);
    guard_fail_at((uintptr_t)ret, "BufferOverflow", "%s %s %zu bytes at byte offset %lld of %s", fn,
                  write ? "writes" : "reads", n, rel, what);
}

static inline void *check(void *p, size_t off, size_t n, void *ret)
{
    uintptr_t a = (uintptr_t)p + off;
    Region r;
    if (!find(this_thread(), (uintptr_t)p, &r))
        return (void *)a;
    uintptr_t rel = a - r.lo;
    if (rel >= r.size || r.size - rel < n)
        access_error(&r, a, n, ret);
    return (void *)a;
}

/* [p, p + n) must lie in p's region (when p has a known one). */
static void check_range(const char *fn, const void *p, size_t n, bool write, void *ret)
{
    if (n == 0 || !p)
        return;
    Region r;
    if (!find(this_thread(), (uintptr_t)p, &r))
        return;
    uintptr_t rel = (uintptr_t)p - r.lo;
    if (rel >= r.size || r.size - rel < n)
        range_error(fn, &r, (uintptr_t)p, n, write, ret);
}

/* ---- the interface TinyCC's -b code calls ---------------------------------------------- */

/* Pointer arithmetic: never an error by itself (a loop's pointer may step
 * past the end and stop there; `a - 1` for 1-based indexing is common);
 * dereferencing is checked. */
static void *bound_ptr_add(void *p, size_t off) { return (char *)p + off; }

#define INDIR(N) \
    static void *bound_ptr_indir##N(void *p, size_t off) { return check(p, off, N, __builtin_return_address(0)); }
INDIR(1)
INDIR(2)
INDIR(4)
INDIR(8)
INDIR(12)
INDIR(16)

/* Entered with the table of the function's local arrays (pairs frame
 * offset, size; 0 ends it) and, from the assembly below, the function's
 * frame pointer. */
__attribute__((visibility("hidden"))) void cdl_bound_local_new_impl(const size_t *table, uintptr_t fp,
                                                                     uintptr_t ret);
__attribute__((visibility("hidden"))) void cdl_bound_local_delete_impl(const size_t *table, uintptr_t fp);

void cdl_bound_local_new_impl(const size_t *table, uintptr_t fp, uintptr_t ret)
{
    BoundsThread *b = this_thread();
    pop_below(b, fp);  /* frames a longjmp or a fault abandoned */
    for (const size_t *t = table; t[0]; t += 2)
        push_local(b, fp + t[0], t[1], ret - 1, (long)t[0]);
}

void cdl_bound_local_delete_impl(const size_t *table, uintptr_t fp)
{
    (void)table;
    pop_below(this_thread(), fp);
}

/* TinyCC calls these with the caller's %rbp untouched; the epilogue call
 * saves %rax and %rdx but not %xmm0/%xmm1, where a double is returned. */
void cdl_bound_local_new(const size_t *table);
void cdl_bound_local_delete(const size_t *table);
__asm__(".text\n"
        ".globl cdl_bound_local_new\n"
        ".hidden cdl_bound_local_new\n"
        ".type cdl_bound_local_new, @function\n"
        "cdl_bound_local_new:\n"
        "  mov %rbp, %rsi\n"
        "  mov (%rsp), %rdx\n"
        "  jmp cdl_bound_local_new_impl\n"
        ".size cdl_bound_local_new, .-cdl_bound_local_new\n"
        ".globl cdl_bound_local_delete\n"
        ".hidden cdl_bound_local_delete\n"
        ".type cdl_bound_local_delete, @function\n"
        "cdl_bound_local_delete:\n"
        "  sub $40, %rsp\n"
        "  movdqu %xmm0, (%rsp)\n"
        "  movdqu %xmm1, 16(%rsp)\n"
        "  mov %rbp, %rsi\n"
        "  call cdl_bound_local_delete_impl\n"
        "  movdqu (%rsp), %xmm0\n"
        "  movdqu 16(%rsp), %xmm1\n"
        "  add $40, %rsp\n"
        "  ret\n"
        ".size cdl_bound_local_delete, .-cdl_bound_local_delete\n");

/* alloca() and variable-length arrays. */
static void bound_new_region(void *p, size_t size)
{
    BoundsThread *b = this_thread();
    pop_below(b, (uintptr_t)p);
    push_local(b, (uintptr_t)p, size, 0, 0);
}

static void bound_setjmp(void *env) { (void)env; }
static void bound_longjmp(jmp_buf env, int val) { longjmp(env, val); }
static void bound_noop(void) {}

static void *bound_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
    return mmap(a, n, prot, flags, fd, off);
}

static int bound_munmap(void *a, size_t n) { return munmap(a, n); }

/* ---- checked string and memory functions ---------------------------------------------- */

#define BIG_COPY ((size_t)1 << 16)

static void *bound_memcpy(void *d, const void *s, size_t n)
{
    void *ret = __builtin_return_address(0);
    check_range("memcpy", d, n, true, ret);
    check_range("memcpy", s, n, false, ret);
    memcpy(d, s, n);
    if (n >= BIG_COPY)
        interrupt_check();  /* a loop of big copies spends all its time here */
    return d;
}

static void *bound_memmove(void *d, const void *s, size_t n)
{
    void *ret = __builtin_return_address(0);
    check_range("memmove", d, n, true, ret);
    check_range("memmove", s, n, false, ret);
    memmove(d, s, n);
    if (n >= BIG_COPY)
        interrupt_check();
    return d;
}

static void *bound_memset(void *d, int c, size_t n)
{
    check_range("memset", d, n, true, __builtin_return_address(0));
    memset(d, c, n);
    if (n >= BIG_COPY)
        interrupt_check();
    return d;
}

static int bound_memcmp(const void *a, const void *b, size_t n)
{
    void *ret = __builtin_return_address(0);
    check_range("memcmp", a, n, false, ret);
    check_range("memcmp", b, n, false, ret);
    return memcmp(a, b, n);
}

/* strlen within the string's region: a missing '\0' is an overflow. */
static size_t checked_strlen(const char *fn, const char *s, void *ret)
{
    Region r;
    if (s && find(this_thread(), (uintptr_t)s, &r)) {
        uintptr_t rel = (uintptr_t)s - r.lo;
        if (rel >= r.size || !memchr(s, 0, r.size - rel))
            guard_fail_at((uintptr_t)ret, "BufferOverflow", "%s: the string has no final '\\0' inside its "
                          "array (%zu bytes): it reads past the end", fn, r.size);
    }
    return strlen(s);
}

static size_t bound_strlen(const char *s) { return checked_strlen("strlen", s, __builtin_return_address(0)); }

static char *bound_strcpy(char *d, const char *s)
{
    void *ret = __builtin_return_address(0);
    size_t n = checked_strlen("strcpy", s, ret) + 1;
    check_range("strcpy", d, n, true, ret);
    return memcpy(d, s, n);
}

static char *bound_strncpy(char *d, const char *s, size_t n)
{
    check_range("strncpy", d, n, true, __builtin_return_address(0));
    return strncpy(d, s, n);
}

static char *bound_strcat(char *d, const char *s)
{
    void *ret = __builtin_return_address(0);
    size_t dl = checked_strlen("strcat", d, ret), sl = checked_strlen("strcat", s, ret);
    check_range("strcat", d, dl + sl + 1, true, ret);
    memcpy(d + dl, s, sl + 1);
    return d;
}

static int bound_strcmp(const char *a, const char *b)
{
    void *ret = __builtin_return_address(0);
    checked_strlen("strcmp", a, ret);
    checked_strlen("strcmp", b, ret);
    return strcmp(a, b);
}

static int bound_strncmp(const char *a, const char *b, size_t n) { return strncmp(a, b, n); }

static char *bound_strchr(const char *s, int c)
{
    checked_strlen("strchr", s, __builtin_return_address(0));
    return strchr(s, c);
}

static char *bound_strdup(const char *s)
{
    checked_strlen("strdup", s, __builtin_return_address(0));
    return strdup(s);
}

static const JitExtern g_externs[] = {
    { "__bound_ptr_add", (void *)bound_ptr_add, 0 },
    { "__bound_ptr_indir1", (void *)bound_ptr_indir1, 0 },
    { "__bound_ptr_indir2", (void *)bound_ptr_indir2, 0 },
    { "__bound_ptr_indir4", (void *)bound_ptr_indir4, 0 },
    { "__bound_ptr_indir8", (void *)bound_ptr_indir8, 0 },
    { "__bound_ptr_indir12", (void *)bound_ptr_indir12, 0 },
    { "__bound_ptr_indir16", (void *)bound_ptr_indir16, 0 },
    { "__bound_local_new", (void *)cdl_bound_local_new, 0 },
    { "__bound_local_delete", (void *)cdl_bound_local_delete, 0 },
    { "__bound_new_region", (void *)bound_new_region, 0 },
    { "__bound_setjmp", (void *)bound_setjmp, 0 },
    { "__bound_longjmp", (void *)bound_longjmp, 0 },
    { "__bound_main_arg", (void *)bound_noop, 0 },
    { "__bound_init", (void *)bound_noop, 0 },
    { "__bound_exit", (void *)bound_noop, 0 },
    { "__bound_mmap", (void *)bound_mmap, 0 },
    { "__bound_munmap", (void *)bound_munmap, 0 },
    { "__bound_memcpy", (void *)bound_memcpy, 0 },
    { "__bound_memmove", (void *)bound_memmove, 0 },
    { "__bound_memset", (void *)bound_memset, 0 },
    { "__bound_memcmp", (void *)bound_memcmp, 0 },
    { "__bound_strlen", (void *)bound_strlen, 0 },
    { "__bound_strcpy", (void *)bound_strcpy, 0 },
    { "__bound_strncpy", (void *)bound_strncpy, 0 },
    { "__bound_strcat", (void *)bound_strcat, 0 },
    { "__bound_strcmp", (void *)bound_strcmp, 0 },
    { "__bound_strncmp", (void *)bound_strncmp, 0 },
    { "__bound_strchr", (void *)bound_strchr, 0 },
    { "__bound_strdup", (void *)bound_strdup, 0 },
};

int bounds_externs(const JitExtern **out)
{
    *out = g_externs;
    return (int)(sizeof g_externs / sizeof *g_externs);
}

/* ---- globals ---------------------------------------------------------------------------- */

/* Cells are relocated at increasing addresses, so a new cell's globals
 * come after all earlier ones: appending keeps the array sorted. A grown
 * array never frees the old one: a thread a cell left running may still
 * be searching it. */
static void add_global(uintptr_t lo, size_t size, const char *name)
{
    if (g_n_glob == g_cap_glob) {
        int cap = g_cap_glob ? g_cap_glob * 2 : 1024;
        Region *r = xmalloc(sizeof *r * (size_t)cap);
        if (g_n_glob)
            memcpy(r, g_glob, sizeof *r * (size_t)g_n_glob);
        g_glob = r;
        g_cap_glob = cap;
    }
    int i = g_n_glob;
    while (i > 0 && g_glob[i - 1].lo > lo) {  /* within one cell's table only */
        g_glob[i] = g_glob[i - 1];
        i--;
    }
    g_glob[i] = (Region){ lo, size, name ? xstrdup(name) : NULL, REGION_GLOBAL, 0, 0, 0 };
    __atomic_store_n(&g_n_glob, g_n_glob + 1, __ATOMIC_RELEASE);
}

void bounds_add_globals(const unsigned char *table, const char *(*name_of)(void *ctx, const void *addr),
                        void *ctx)
{
    for (const unsigned char *p = table;; p += 2 * sizeof(size_t)) {
        size_t e[2];
        memcpy(e, p, sizeof e);  /* TinyCC packs the table without alignment */
        if (!e[0])
            break;
        add_global(e[0], e[1], name_of ? name_of(ctx, (const void *)e[0]) : NULL);
    }
}
