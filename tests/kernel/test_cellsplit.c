/* test_cellsplit.c - standalone tests for kernel/cellsplit.c.
 * Build: gcc -std=c11 -Ikernel kernel/cellsplit.c tests/kernel/test_cellsplit.c */
#include "cellsplit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_pass, n_fail;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) n_pass++;                                                  \
        else { n_fail++; printf("%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)

#define CHECK_INT(got, want)                                                 \
    do {                                                                     \
        long g_ = (long)(got), w_ = (long)(want);                            \
        if (g_ == w_) n_pass++;                                              \
        else { n_fail++; printf("%s:%d: %s == %ld, want %ld\n", __FILE__, __LINE__, #got, g_, w_); } \
    } while (0)

/* NULL-aware string comparison */
#define CHECK_STR(got, want)                                                 \
    do {                                                                     \
        const char *g_ = (got), *w_ = (want);                                \
        if ((!g_ && !w_) || (g_ && w_ && strcmp(g_, w_) == 0)) n_pass++;     \
        else { n_fail++; printf("%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, \
                               g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
    } while (0)

static const char *const TYPE_LIST[] = {"Tensor", "size_t", "FILE", "uint8_t", "Module", NULL};
static const char *const MACRO_LIST[] = {"REPEAT", NULL};
static const CellNames KNOWN = {TYPE_LIST, MACRO_LIST};
#define TYPES (&KNOWN)

/* splits, reporting a failure (and returning an empty list) on error */
static ItemList split(const char *code, int line)
{
    ItemList l;
    char err[256];
    int el;
    if (cellsplit(code, TYPES, &l, err, sizeof err, &el) != 0) {
        n_fail++;
        printf("%s:%d: cellsplit failed: %s\n", __FILE__, line, err);
    }
    return l;
}
#define SPLIT(code) split(code, __LINE__)

static const char *kind_name(ItemKind k)
{
    static const char *const names[] = {"PREPROC", "TYPE", "DECL", "FUNC", "VAR", "STMT", "EXPR"};
    return names[k];
}

/* kinds of all items as "PREPROC TYPE ..." for compact checks */
static const char *kinds(const ItemList *l, char *buf, size_t n)
{
    buf[0] = 0;
    for (int i = 0; i < l->n; i++) {
        if (i) strncat(buf, " ", n - strlen(buf) - 1);
        strncat(buf, kind_name(l->items[i].kind), n - strlen(buf) - 1);
    }
    return buf;
}
#define CHECK_KINDS(l, want) do { char kb_[512]; CHECK_STR(kinds(&(l), kb_, sizeof kb_), want); } while (0)

static void test_mixed_cell(void)
{
    const char *code =
        "#include <stdio.h>\n"                                   /* 1 */
        "typedef struct { double x, y; } Point;\n"               /* 2 */
        "// a comment between items\n"                           /* 3 */
        "Point p = {1.0, 2.0};\n"                                /* 4 */
        "printf(\"%g\\n\", area(p));\n"                          /* 5 */
        "double area(Point q) {\n"                               /* 6 */
        "    return q.x * q.y; /* kept */\n"                     /* 7 */
        "}\n"                                                    /* 8 */
        "area(p)\n";                                             /* 9 */
    ItemList l = SPLIT(code);
    CHECK_KINDS(l, "PREPROC TYPE VAR STMT FUNC EXPR");
    if (l.n == 6) {
        CHECK_STR(l.items[0].text, "#include <stdio.h>");
        CHECK_STR(l.items[0].name, NULL);
        CHECK_STR(l.items[1].name, "Point");
        CHECK_STR(l.items[1].text, "typedef struct { double x, y; } Point;");
        CHECK_STR(l.items[2].name, "p");
        CHECK_STR(l.items[2].type_key, "Point @");
        CHECK_STR(l.items[2].init, "{1.0, 2.0}");
        CHECK_INT(l.items[2].line, 4);
        CHECK_STR(l.items[3].text, "printf(\"%g\\n\", area(p));");
        CHECK_INT(l.items[3].line, 5);
        CHECK_STR(l.items[4].name, "area");
        CHECK_STR(l.items[4].proto, "double area(Point q);");
        CHECK_STR(l.items[4].params, "Point q");
        CHECK_INT(l.items[4].line, 6);
        CHECK_INT(l.items[4].end_line, 8);
        CHECK(strstr(l.items[4].text, "/* kept */") != NULL);
        CHECK_STR(l.items[5].text, "area(p)");
        CHECK_INT(l.items[5].line, 9);
    }
    itemlist_free(&l);
}

static void test_variables(void)
{
    const char *code =
        "int n = 10;\n"
        "double xs[5] = {1, 2, 3};\n"
        "int a[] = {1,2,3};\n"
        "char s[] = \"a;b,c\";\n"
        "Tensor *X = tensor_randn(200, 2);\n"
        "static int count = 0;\n"
        "const int K = 3;\n"
        "const char *msg = \"hi, there\";\n"
        "char *const cp = 0;\n"
        "unsigned long long big;\n"
        "size_t len = sizeof(int);\n";
    ItemList l = SPLIT(code);
    CHECK_INT(l.n, 11);
    if (l.n == 11) {
        for (int i = 0; i < 11; i++) CHECK_INT(l.items[i].kind, ITEM_VAR);
        CHECK_STR(l.items[0].type_key, "int @");
        CHECK_STR(l.items[0].init, "10");
        CHECK_STR(l.items[0].text, "int n = 10");
        CHECK_STR(l.items[1].type_key, "double @[5]");
        CHECK_STR(l.items[1].init, "{1, 2, 3}");
        CHECK_STR(l.items[2].type_key, "int @[]");
        CHECK_STR(l.items[2].init, "{1,2,3}");
        CHECK_STR(l.items[3].type_key, "char @[]");
        CHECK_STR(l.items[3].init, "\"a;b,c\"");
        CHECK_STR(l.items[4].name, "X");
        CHECK_STR(l.items[4].type_key, "Tensor *@");
        CHECK_STR(l.items[4].init, "tensor_randn(200, 2)");
        CHECK_INT(l.items[4].init_line, 5);
        CHECK_STR(l.items[5].type_key, "int @");
        CHECK_STR(l.items[5].name, "count");
        CHECK_STR(l.items[5].text, "static int count = 0");
        CHECK_STR(l.items[6].type_key, "const int @");
        CHECK_STR(l.items[6].storage_key, "int @");
        CHECK_STR(l.items[7].type_key, "const char *@");
        CHECK_STR(l.items[7].storage_key, "const char *@");
        CHECK_STR(l.items[7].init, "\"hi, there\"");
        CHECK_STR(l.items[8].type_key, "char *const @");
        CHECK_STR(l.items[8].storage_key, "char *@");
        CHECK_STR(l.items[9].type_key, "unsigned long long @");
        CHECK_STR(l.items[9].init, NULL);
        CHECK_INT(l.items[9].init_line, 0);
        CHECK_STR(l.items[10].type_key, "size_t @");
    }
    itemlist_free(&l);
}

static void test_several_declarators(void)
{
    ItemList l = SPLIT("int a = 1, b[3] = {0}, *p = &a;\n");
    CHECK_KINDS(l, "VAR VAR VAR");
    if (l.n == 3) {
        CHECK_STR(l.items[0].type_key, "int @");
        CHECK_STR(l.items[1].type_key, "int @[3]");
        CHECK_STR(l.items[2].type_key, "int *@");
        CHECK_STR(l.items[0].init, "1");
        CHECK_STR(l.items[1].init, "{0}");
        CHECK_STR(l.items[2].init, "&a");
        CHECK_STR(l.items[1].text, "int b[3] = {0}");
        CHECK_STR(l.items[2].name, "p");
    }
    itemlist_free(&l);

    /* declarators on separate lines keep their own lines */
    l = SPLIT("const int\n  lo = 0,\n  hi = f(1, 2);\n");
    CHECK_KINDS(l, "VAR VAR");
    if (l.n == 2) {
        CHECK_INT(l.items[0].line, 1);
        CHECK_INT(l.items[1].line, 3);
        CHECK_INT(l.items[1].init_line, 3);
        CHECK_STR(l.items[1].init, "f(1, 2)");
        CHECK_STR(l.items[1].storage_key, "int @");
    }
    itemlist_free(&l);
}

static void test_struct_vars(void)
{
    ItemList l = SPLIT("struct P { int x, y; } p, q = {1};\nstruct P r;\nconst struct P o = {0};\n");
    CHECK_KINDS(l, "TYPE VAR VAR VAR VAR");
    if (l.n == 5) {
        CHECK_STR(l.items[0].name, "struct P");
        CHECK_STR(l.items[0].text, "struct P { int x, y; };");
        CHECK_STR(l.items[1].type_key, "struct P @");
        CHECK_STR(l.items[1].name, "p");
        CHECK_STR(l.items[2].init, "{1}");
        CHECK_STR(l.items[2].text, "struct P q = {1}");
        CHECK_STR(l.items[3].type_key, "struct P @");
        CHECK_STR(l.items[4].type_key, "const struct P @");
        CHECK_STR(l.items[4].storage_key, "struct P @");
    }
    itemlist_free(&l);

    l = SPLIT("struct { int x; } anon;\n");
    CHECK_KINDS(l, "VAR");
    if (l.n == 1) CHECK_STR(l.items[0].type_key, "struct { int x; } @");
    itemlist_free(&l);

    /* same type written differently gives the same key */
    l = SPLIT("struct {int x;}anon2;\nTensor*Y;\n");
    CHECK_KINDS(l, "VAR VAR");
    if (l.n == 2) {
        CHECK_STR(l.items[0].type_key, "struct { int x; } @");
        CHECK_STR(l.items[1].type_key, "Tensor *@");
    }
    itemlist_free(&l);
}

static void test_types(void)
{
    ItemList l = SPLIT(
        "struct P { double x; };\n"
        "union U { int i; float f; };\n"
        "enum E { RED, GREEN };\n"
        "enum { A = 1, B = A + 2, C };\n"
        "typedef int (*binop)(int, int);\n"
        "binop op2 = 0;\n"
        "typedef unsigned char byte, *bytes;\n"
        "bytes buf;\n"
        "struct Fwd;\n");
    CHECK_KINDS(l, "TYPE TYPE TYPE TYPE TYPE VAR TYPE VAR TYPE");
    if (l.n == 9) {
        CHECK_STR(l.items[0].name, "struct P");
        CHECK_STR(l.items[1].name, "union U");
        CHECK_STR(l.items[2].name, "enum E");
        CHECK_STR(l.items[3].name, "enum{A,B,C}");
        CHECK_STR(l.items[3].text, "enum { A = 1, B = A + 2, C };");
        CHECK_STR(l.items[4].name, "binop");
        CHECK_STR(l.items[5].type_key, "binop @");
        CHECK_STR(l.items[6].name, "byte");
        CHECK_STR(l.items[7].type_key, "bytes @");
        CHECK_STR(l.items[8].name, NULL);
    }
    itemlist_free(&l);
}

static void test_function_pointer(void)
{
    ItemList l = SPLIT(
        "int add(int a, int b) { return a + b; }\n"
        "int (*op)(int, int) = add;\n"
        "double (*fs[2])(double) = {sin, cos};\n"
        "op(2, 3)\n");
    CHECK_KINDS(l, "FUNC VAR VAR EXPR");
    if (l.n == 4) {
        CHECK_STR(l.items[0].params, "int a, int b");
        CHECK_STR(l.items[1].name, "op");
        CHECK_STR(l.items[1].type_key, "int (*@)(int, int)");
        CHECK_STR(l.items[1].storage_key, "int (*@)(int, int)");
        CHECK_STR(l.items[1].init, "add");
        CHECK_STR(l.items[2].type_key, "double (*@[2])(double)");
        CHECK_STR(l.items[3].text, "op(2, 3)");
    }
    itemlist_free(&l);
}

static void test_functions(void)
{
    ItemList l = SPLIT(
        "static inline int sq(int x) { return x * x; }\n"
        "_Noreturn void die(const char *m);\n"
        "int main(int argc, char **argv) {\n"
        "    return 0;\n"
        "}\n"
        "struct P *mk(void) { return 0; }\n"
        "Matrix *mat_new(int r, int c) { return 0; }\n"
        "extern int shared;\n"
        "extern double f1(double), f2(double);\n"
        "int proto(void);\n");
    CHECK_KINDS(l, "FUNC DECL FUNC FUNC FUNC DECL DECL DECL DECL");
    if (l.n == 9) {
        CHECK_STR(l.items[0].text, "              int sq(int x) { return x * x; }");
        CHECK_STR(l.items[0].proto, "int sq(int x);");
        CHECK_STR(l.items[1].name, "die");
        CHECK_STR(l.items[1].text, "          void die(const char *m);");
        CHECK_STR(l.items[2].name, "main");
        CHECK_STR(l.items[2].params, "int argc, char **argv");
        CHECK_STR(l.items[2].proto, "int main(int argc, char **argv);");
        CHECK_INT(l.items[2].end_line, 5);
        CHECK_STR(l.items[3].name, "mk");
        CHECK_STR(l.items[3].proto, "struct P *mk(void);");
        CHECK_STR(l.items[3].params, "void");
        CHECK_STR(l.items[4].name, "mat_new");
        CHECK_STR(l.items[5].name, "shared");
        CHECK_STR(l.items[5].text, "extern int shared;");
        CHECK_STR(l.items[6].name, "f1");
        CHECK_STR(l.items[6].text, "extern double f1(double);");
        CHECK_STR(l.items[7].name, "f2");
        CHECK_STR(l.items[8].text, "int proto(void);");
    }
    itemlist_free(&l);

    /* a cell holding a whole program */
    l = SPLIT("#include <stdio.h>\n\nint main(void) {\n    printf(\"hi\\n\");\n    return 0;\n}\n");
    CHECK_KINDS(l, "PREPROC FUNC");
    if (l.n == 2) {
        CHECK_STR(l.items[1].name, "main");
        CHECK_STR(l.items[1].params, "void");
        CHECK_INT(l.items[1].line, 3);
        CHECK_INT(l.items[1].end_line, 6);
    }
    itemlist_free(&l);

    /* empty parameter list, trailing ';' after the body */
    l = SPLIT("void hello() {\n}\n;\n");
    CHECK_KINDS(l, "FUNC");
    if (l.n == 1) CHECK_STR(l.items[0].params, "");
    itemlist_free(&l);
}

static void test_statements(void)
{
    const char *code =
        "for (int i = 0; i < 3; i++)\n"                          /* 1 */
        "    printf(\"%d\\n\", i);\n"                            /* 2 */
        "if (n > 0) {\n"                                         /* 3 */
        "    n--;\n"                                             /* 4 */
        "} else if (n < 0) n++;\n"                               /* 5 */
        "// between\n"                                           /* 6 */
        "else {\n"                                               /* 7 */
        "    n = 1;\n"                                           /* 8 */
        "}\n"                                                    /* 9 */
        "do n++; while (n < 10);\n"                              /* 10 */
        "do {\n  n--;\n} while (n);\n"                           /* 11-13 */
        "while (n < 3) { n++; }\n"                               /* 14 */
        "switch (n) { case 1: break; default: n = 0; }\n"        /* 15 */
        "{ int tmp = n; n = tmp; }\n"                            /* 16 */
        "_Static_assert(sizeof(int) == 4, \"int\");\n"          /* 17 */
        "x = y * z;\n"                                           /* 18 */
        "again: n++;\n"                                          /* 19 */
        "return;\n";                                             /* 20 */
    ItemList l = SPLIT(code);
    CHECK_KINDS(l, "STMT STMT STMT STMT STMT STMT STMT STMT STMT STMT STMT");
    if (l.n == 11) {
        CHECK_INT(l.items[0].line, 1);
        CHECK_INT(l.items[0].end_line, 2);
        CHECK_INT(l.items[1].line, 3);
        CHECK_INT(l.items[1].end_line, 9);
        CHECK(strstr(l.items[1].text, "// between") != NULL);
        CHECK_STR(l.items[2].text, "do n++; while (n < 10);");
        CHECK_INT(l.items[3].line, 11);
        CHECK_INT(l.items[3].end_line, 13);
        CHECK_STR(l.items[5].text, "switch (n) { case 1: break; default: n = 0; }");
        CHECK_STR(l.items[8].text, "x = y * z;");
        CHECK_STR(l.items[9].text, "again: n++;");
        CHECK_STR(l.items[10].text, "return;");
    }
    itemlist_free(&l);
}

static void test_braces_in_literals(void)
{
    ItemList l = SPLIT(
        "char open = '{';\n"
        "const char *close = \"}\";\n"
        "if (c == '}') { puts(\"{ not a block\"); /* } */ }\n"
        "// }\n"
        "char q = '\\'';\n");
    CHECK_KINDS(l, "VAR VAR STMT VAR");
    if (l.n == 4) {
        CHECK_STR(l.items[0].init, "'{'");
        CHECK_STR(l.items[1].init, "\"}\"");
        CHECK_STR(l.items[2].text, "if (c == '}') { puts(\"{ not a block\"); /* } */ }");
        CHECK_STR(l.items[3].init, "'\\''");
    }
    itemlist_free(&l);
}

static void test_out_expressions(void)
{
    const char *exprs[] = {"x", "a + b", "f(3)", "\"hello\"", "3.5 * y", "p->x", "*p", "sizeof x", NULL};
    for (int i = 0; exprs[i]; i++) {
        char code[128];
        snprintf(code, sizeof code, "int z = 1;\n%s\n", exprs[i]);
        ItemList l = SPLIT(code);
        CHECK_KINDS(l, "VAR EXPR");
        if (l.n == 2) {
            CHECK_STR(l.items[1].text, exprs[i]);
            CHECK_INT(l.items[1].line, 2);
        }
        itemlist_free(&l);
    }

    ItemList l = SPLIT("x = 2;\nx  // shows x\n");
    CHECK_KINDS(l, "STMT EXPR");
    if (l.n == 2) CHECK_STR(l.items[1].text, "x");
    itemlist_free(&l);

    /* trailing comments after the last ';' make no item */
    l = SPLIT("x = 2;  // done\n/* end */\n\n");
    CHECK_KINDS(l, "STMT");
    itemlist_free(&l);

    /* a declaration without ';' is still the last item, for the compiler to report */
    l = SPLIT("int x = 3");
    CHECK_KINDS(l, "EXPR");
    if (l.n == 1) CHECK_STR(l.items[0].text, "int x = 3");
    itemlist_free(&l);

    /* multi-line last expression */
    l = SPLIT("tensor_add(a,\n           b)\n");
    CHECK_KINDS(l, "EXPR");
    if (l.n == 1) {
        CHECK_INT(l.items[0].line, 1);
        CHECK_INT(l.items[0].end_line, 2);
    }
    itemlist_free(&l);

    l = SPLIT("");
    CHECK_INT(l.n, 0);
    itemlist_free(&l);
}

static void test_preproc(void)
{
    const char *code =
        "#define MAX(a, b) \\\n"
        "    ((a) > (b) ? (a) : (b))\n"
        "  #undef N\n"
        "#pragma once\n"
        "#define SQ(x) ((x)*(x)) /* squared */\n"
        "MAX(1, 2)\n";
    ItemList l = SPLIT(code);
    CHECK_KINDS(l, "PREPROC PREPROC PREPROC PREPROC EXPR");
    if (l.n == 5) {
        CHECK_STR(l.items[0].name, "MAX");
        CHECK_STR(l.items[0].text, "#define MAX(a, b) \\\n    ((a) > (b) ? (a) : (b))");
        CHECK_INT(l.items[0].line, 1);
        CHECK_INT(l.items[0].end_line, 2);
        CHECK_STR(l.items[1].name, "N");
        CHECK_STR(l.items[1].text, "#undef N");
        CHECK_STR(l.items[2].name, NULL);
        CHECK_STR(l.items[3].name, "SQ");
        CHECK_INT(l.items[4].line, 6);
    }
    itemlist_free(&l);
}

static void test_decl_detection(void)
{
    /* unknown type names: `IDENT IDENT` and `IDENT *IDENT =` are declarations */
    ItemList l = SPLIT("Foo f;\nBar *b = make();\nBaz **pp;\na * b\n");
    CHECK_KINDS(l, "VAR VAR VAR EXPR");
    if (l.n == 4) {
        CHECK_STR(l.items[0].type_key, "Foo @");
        CHECK_STR(l.items[1].type_key, "Bar *@");
        CHECK_STR(l.items[2].type_key, "Baz **@");
    }
    itemlist_free(&l);

    /* typedef names from this cell become known */
    l = SPLIT("typedef double real;\nreal r = 1.5;\nreal *pr = &r;\nr\n");
    CHECK_KINDS(l, "TYPE VAR VAR EXPR");
    if (l.n == 4) CHECK_STR(l.items[2].type_key, "real *@");
    itemlist_free(&l);

    /* expressions are not mistaken for declarations */
    l = SPLIT("a = b * c;\nf(x);\n(void)g();\n*p = 1;\ni++;\n");
    CHECK_KINDS(l, "STMT STMT STMT STMT STMT");
    itemlist_free(&l);

    /* qualifiers and attributes */
    l = SPLIT("volatile int flag;\n_Alignas(16) float v[4];\nstatic Module *net;\n");
    CHECK_KINDS(l, "VAR VAR VAR");
    if (l.n == 3) {
        CHECK_STR(l.items[0].storage_key, "volatile int @");
        CHECK_STR(l.items[1].type_key, "_Alignas (16) float @[4]");
        CHECK_STR(l.items[2].type_key, "Module *@");
    }
    itemlist_free(&l);
}

static void test_more_declarations(void)
{
    ItemList l = SPLIT(
        "int f(int), x = 3;\n"
        "static int helper(int);\n"
        "enum Color { R, G } c = R;\n"
        "extern struct Q { int z; } gq;\n"
        "const int *const cp = 0;\n"
        "int (*const fp)(int) = f;\n"
        "const int m[2][3];\n"
        "T const *tq;\n"
        "main() { return 0; }\n");
    CHECK_KINDS(l, "DECL VAR DECL TYPE VAR TYPE DECL VAR VAR VAR VAR FUNC");
    if (l.n == 12) {
        CHECK_STR(l.items[0].text, "int f(int);");
        CHECK_STR(l.items[1].text, "int x = 3");
        CHECK_STR(l.items[2].text, "       int helper(int);");
        CHECK_STR(l.items[3].name, "enum Color");
        CHECK_STR(l.items[3].text, "enum Color { R, G };");
        CHECK_STR(l.items[4].type_key, "enum Color @");
        CHECK_STR(l.items[5].name, "struct Q");
        CHECK_STR(l.items[6].text, "extern struct Q gq;");
        CHECK_STR(l.items[6].name, "gq");
        CHECK_STR(l.items[7].type_key, "const int *const @");
        CHECK_STR(l.items[7].storage_key, "const int *@");
        CHECK_STR(l.items[8].type_key, "int (*const @)(int)");
        CHECK_STR(l.items[8].storage_key, "int (*@)(int)");
        CHECK_STR(l.items[9].storage_key, "int @[2][3]");
        CHECK_STR(l.items[10].type_key, "T const *@");
        CHECK_STR(l.items[11].name, "main");
        CHECK_STR(l.items[11].proto, "int main();");
    }
    itemlist_free(&l);

    /* statement expressions and compound literals stay inside their item */
    l = SPLIT("int v = ({ int t = 3; t; });\r\np = (Point){1, 2};\r\nv\r\n");
    CHECK_KINDS(l, "VAR STMT EXPR");
    if (l.n == 3) {
        CHECK_STR(l.items[0].init, "({ int t = 3; t; })");
        CHECK_STR(l.items[2].text, "v");
    }
    itemlist_free(&l);
}

static void test_errors(void)
{
    ItemList l;
    char err[256];
    int el = 0;

    CHECK_INT(cellsplit("int x;\nint f(void) {\n  if (x) {\n    x++;\n}\n", TYPES, &l, err, sizeof err, &el), -1);
    CHECK_STR(err, "line 3: unbalanced '{' (missing '}')");
    CHECK_INT(el, 3);
    CHECK_INT(l.n, 0);

    CHECK_INT(cellsplit("x = 1;\n}\n", TYPES, &l, err, sizeof err, &el), -1);
    CHECK_STR(err, "line 2: unexpected '}'");
    CHECK_INT(el, 2);

    CHECK_INT(cellsplit("int a;\nputs(\"oops);\nint b;\n", TYPES, &l, err, sizeof err, &el), -1);
    CHECK_STR(err, "line 2: unterminated string literal");
    CHECK_INT(el, 2);

    CHECK_INT(cellsplit("a;\nb;\nc;\n/* never\nclosed\n", TYPES, &l, err, sizeof err, &el), -1);
    CHECK_STR(err, "line 4: unterminated comment");
    CHECK_INT(el, 4);

    CHECK_INT(cellsplit("char c = 'x;\n", TYPES, &l, err, sizeof err, &el), -1);
    CHECK_STR(err, "line 1: unterminated character literal");

    CHECK_INT(cellsplit("f(a, b};\n", TYPES, &l, err, sizeof err, &el), -1);
    CHECK_STR(err, "line 1: unbalanced '(' (missing ')')");

    CHECK_INT(cellsplit("if (x) {\n  y = (1 + 2));\n}\n", TYPES, &l, err, sizeof err, &el), -1);
    CHECK_STR(err, "line 2: unexpected ')'");

    /* line continuation inside a string is fine */
    l = SPLIT("const char *s = \"ab\\\ncd\";\n");
    CHECK_KINDS(l, "VAR");
    if (l.n == 1) CHECK_INT(l.items[0].end_line, 2);
    itemlist_free(&l);
}

/* issue 11: a macro that opens a block ends with its block */
static void test_macro_blocks(void)
{
    char buf[256];
    ItemList l = SPLIT("no_grad { x = 1; }\ndouble accuracy = 0.5;\n");
    CHECK_STR(kinds(&l, buf, sizeof buf), "STMT VAR");
    itemlist_free(&l);
    l = SPLIT("REPEAT(3) { x++; }\nint b;\n");  /* a known macro, whatever its arguments */
    CHECK_STR(kinds(&l, buf, sizeof buf), "STMT VAR");
    itemlist_free(&l);
    l = SPLIT("with_scope(y + 1) { x++; }\nint c;\n");  /* arguments that declare nothing */
    CHECK_STR(kinds(&l, buf, sizeof buf), "STMT VAR");
    itemlist_free(&l);
    l = SPLIT("main() { return 0; }\nf(void) { }\ng(int a, Tensor *t) { }\n");  /* K&R-style definitions */
    CHECK_STR(kinds(&l, buf, sizeof buf), "FUNC FUNC FUNC");
    itemlist_free(&l);
    l = SPLIT("int twice(int x) { return 2 * x; }\n");
    CHECK_INT(l.items[0].name_off, 4);
    itemlist_free(&l);
}

/* the tokenizer other modules use */
static void test_tokenizer(void)
{
    CToken *t;
    int n;
    CHECK_INT(cell_tokenize("#define N 3 // c\nint x; /* d */", CELL_LEX_DIRECTIVES | CELL_LEX_COMMENTS, &t, &n), 0);
    CHECK_INT(n, 9);  /* # define N 3, the line comment, int x ;, the block comment */
    CHECK_INT(t[0].kind, TOK_PUNCT);
    CHECK_INT(t[4].kind, TOK_COMMENT);
    CHECK_INT(t[5].line, 2);
    CHECK_INT(t[8].kind, TOK_COMMENT);
    free(t);
    CHECK_INT(cell_tokenize("#define N 3\nx", 0, &t, &n), 0);
    CHECK_INT(n, 2);
    CHECK_INT(t[0].kind, TOK_PP);
    free(t);
    CHECK_INT(cell_tokenize("\"open", 0, &t, &n), -1);
    free(t);
}

static void test_is_complete(void)
{
    char ind[64];
    CHECK_INT(cellsplit_is_complete("int x = 1;\nx", ind, sizeof ind), CODE_COMPLETE);
    CHECK_STR(ind, "");
    CHECK_INT(cellsplit_is_complete("", ind, sizeof ind), CODE_COMPLETE);
    CHECK_INT(cellsplit_is_complete("int f(void) {", ind, sizeof ind), CODE_INCOMPLETE);
    CHECK_STR(ind, "    ");
    CHECK_INT(cellsplit_is_complete("int f(void) {\n  for (;;) {\n", ind, sizeof ind), CODE_INCOMPLETE);
    CHECK_STR(ind, "        ");
    CHECK_INT(cellsplit_is_complete("x = 1; /* still", ind, sizeof ind), CODE_INCOMPLETE);
    CHECK_INT(cellsplit_is_complete("printf(\"%d\\n\",\n", ind, sizeof ind), CODE_INCOMPLETE);
    CHECK_STR(ind, "");
    CHECK_INT(cellsplit_is_complete("#define F(x) \\\n", ind, sizeof ind), CODE_INCOMPLETE);
    CHECK_INT(cellsplit_is_complete("puts(\"abc", ind, sizeof ind), CODE_INCOMPLETE);
    CHECK_INT(cellsplit_is_complete("#define F(x) \\\n  (x)\n", ind, sizeof ind), CODE_COMPLETE);
    CHECK_INT(cellsplit_is_complete("if (x) {\n  y = (1,\n", ind, sizeof ind), CODE_INCOMPLETE);
    CHECK_STR(ind, "    ");
    CHECK_INT(cellsplit_is_complete("}\n", ind, sizeof ind), CODE_INVALID);
    CHECK_STR(ind, "");
    CHECK_INT(cellsplit_is_complete("f(a];", ind, sizeof ind), CODE_INVALID);
    CHECK_INT(cellsplit_is_complete("char c = '{'; // {", ind, sizeof ind), CODE_COMPLETE);
    CHECK_INT(cellsplit_is_complete("puts(\"a\n  b\");", ind, sizeof ind), CODE_INVALID);
    /* a tiny buffer is never overrun */
    char small[3];
    CHECK_INT(cellsplit_is_complete("{{{", small, sizeof small), CODE_INCOMPLETE);
    CHECK_STR(small, "  ");
}

int main(void)
{
    test_mixed_cell();
    test_variables();
    test_several_declarators();
    test_struct_vars();
    test_types();
    test_function_pointer();
    test_functions();
    test_statements();
    test_braces_in_literals();
    test_out_expressions();
    test_preproc();
    test_decl_detection();
    test_more_declarations();
    test_errors();
    test_is_complete();
    test_macro_blocks();
    test_tokenizer();
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
