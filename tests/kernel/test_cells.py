"""The notebook-scope C model: what persists from cell to cell, re-running
cells, functions defined after use, redefinitions, Out[n], main-only cells,
compile errors."""
from __future__ import annotations

import re

import pytest

from kernel_helpers import (
    error_of,
    execute_results,
    out,
    outputs,
    run,
    run_error,
    run_ok,
    stderr_of,
    stdout_of,
    summarize,
    traceback_text,
)


# ---- persistence -----------------------------------------------------------------

def test_include_define_typedef_struct_enum_function_variable_persist(kc):
    run_ok(kc, "#include <string.h>\n#define PS_SQUARE(x) ((x) * (x))\n#define PS_N 7")
    run_ok(kc, "typedef long ps_long;\nstruct PsPoint { int x, y; };\n"
               "enum PsColour { PS_RED, PS_GREEN = 5, PS_BLUE };")
    run_ok(kc, "int ps_add(int a, int b) { return a + b; }")
    run_ok(kc, "ps_long ps_total = 40;\nstruct PsPoint ps_pt = { 3, 4 };")
    assert out(kc, "PS_SQUARE(PS_N)") == "49"
    assert out(kc, "(int)PS_BLUE") == "6"
    assert out(kc, "ps_add(ps_total, 2)") == "42"
    assert out(kc, "ps_pt.x * ps_pt.y") == "12"
    assert out(kc, "(int)sizeof(ps_long)") == "8"
    assert out(kc, 'strlen("abcdef")') == "6"


def test_libc_available_without_include(kc):
    assert out(kc, 'strlen("abcd")') == "4"
    assert out(kc, "sin(0.0)") == "0.0"
    assert out(kc, "sqrt(16.0)") == "4.0"
    assert out(kc, "abs(-3)") == "3"
    run_ok(kc, "char *nl_buf = malloc(32);\nsnprintf(nl_buf, 32, \"%d-%s\", 5, \"x\");")
    assert out(kc, "nl_buf") == '"5-x"'
    msgs = run_ok(kc, 'printf("%s %d\\n", "no include", 1);')
    assert stdout_of(msgs) == "no include 1\n"


def test_engine_header_available(kc):
    assert out(kc, "coursdl_version()") == '"0.1.0"'
    assert out(kc, "(int)sizeof(DisplayItem) > 0") == "1"


def test_explicit_includes_work(kc):
    msgs = run_ok(kc, "#include <stdio.h>\n#include <stdlib.h>\n#include <math.h>\n"
                      "#include <string.h>\n#include <stdint.h>\n#include <stdbool.h>\n"
                      "#include <limits.h>\n#include <float.h>\n#include <ctype.h>\n"
                      "#include <time.h>\n#include <assert.h>\n#include <errno.h>\n"
                      "printf(\"%d\\n\", INT_MAX > 0);")
    assert stdout_of(msgs) == "1\n"
    assert out(kc, "(int)toupper('a')") == "65"
    assert out(kc, "(int32_t)-5") == "-5"


def test_variable_kinds_persist(kc):
    run_ok(kc, "int vk_i = 41;\nlong vk_l = 1234567890123L;\ndouble vk_d = 2.5;\n"
               "float vk_f = 0.5f;\nchar vk_c = 'z';\nunsigned vk_u = 4000000000u;")
    assert out(kc, "vk_i + 1") == "42"
    assert out(kc, "vk_l") == "1234567890123"
    assert out(kc, "vk_d") == "2.5"
    assert out(kc, "vk_f") == "0.5"
    assert out(kc, "vk_c") == "'z' (122)"
    assert out(kc, "vk_u") == "4000000000"

    run_ok(kc, "int vk_arr[5] = {1, 2, 3, 4, 5};\nint vk_auto[] = {1, 2, 3};\n"
               "double vk_m[2][2] = {{1, 2}, {3, 4}};")
    assert out(kc, "(int)(sizeof(vk_auto) / sizeof(vk_auto[0]))") == "3"
    assert out(kc, "vk_arr[4]") == "5"
    assert out(kc, "vk_m[1][0]") == "3.0"
    run_ok(kc, "vk_arr[2] = 30;")
    assert out(kc, "vk_arr[2]") == "30"

    run_ok(kc, 'char *vk_p = malloc(16);\nstrcpy(vk_p, "heap");')
    assert out(kc, "vk_p") == '"heap"'

    run_ok(kc, "int vk_a = 1, vk_b = 2, *vk_pa = &vk_a;")
    assert out(kc, "*vk_pa + vk_b") == "3"
    run_ok(kc, "*vk_pa = 10;")
    assert out(kc, "vk_a") == "10"

    run_ok(kc, "static int vk_s = 7;\nconst int vk_k = 11;")
    assert out(kc, "vk_s") == "7"
    assert out(kc, "vk_k") == "11"

    run_ok(kc, "struct VkPair { int a; double b; };\nstruct VkPair vk_pair = { 3, 0.25 };")
    assert out(kc, "vk_pair.a") == "3"
    assert out(kc, "vk_pair.b") == "0.25"
    run_ok(kc, "vk_pair.a = 9;")
    assert out(kc, "vk_pair.a") == "9"

    run_ok(kc, "int vk_add(int a, int b) { return a + b; }\nint (*vk_op)(int, int) = vk_add;")
    assert out(kc, "vk_op(2, 3)") == "5"
    run_ok(kc, "int vk_mul(int a, int b) { return a * b; }\nvk_op = vk_mul;")
    assert out(kc, "vk_op(2, 3)") == "6"


def test_uninitialised_globals_are_zero(kc):
    run_ok(kc, "int zg_i;\ndouble zg_d;\nint zg_arr[4];\nint *zg_p;")
    assert out(kc, "zg_i + zg_arr[3]") == "0"
    assert out(kc, "zg_d") == "0.0"
    assert out(kc, "zg_p") == "(void *) NULL"


def test_value_changes_persist(kc):
    run_ok(kc, "int cnt_v = 0;")
    for _ in range(3):
        run_ok(kc, "cnt_v++;")
    assert out(kc, "cnt_v") == "3"


def test_same_name_different_type(kc):
    run_ok(kc, "int st_x = 3;")
    assert out(kc, "st_x") == "3"
    run_ok(kc, "double st_x = 2.5;")
    assert out(kc, "st_x") == "2.5"
    assert out(kc, "st_x * 2") == "5.0"
    run_ok(kc, "char *st_x = \"now a string\";")
    assert out(kc, "st_x") == '"now a string"'


def test_functions_see_new_variable_type(kc):
    run_ok(kc, "int nt_v = 3;")
    run_ok(kc, "double nt_v = 0.75;\ndouble nt_get(void) { return nt_v; }")
    assert out(kc, "nt_get()") == "0.75"


# ---- re-running cells ---------------------------------------------------------------

def test_rerun_variable_resets(kc):
    cell = "int rr_x = 5;"
    run_ok(kc, cell)
    run_ok(kc, "rr_x = 9;")
    assert out(kc, "rr_x") == "9"
    run_ok(kc, cell)
    assert out(kc, "rr_x") == "5"


def test_rerun_every_kind_of_cell(kc):
    cells = [
        "#include <stdio.h>\n#define RR_LIMIT 3",
        "typedef struct { int a; double b; } RrPair;",
        "struct RrNode { int v; struct RrNode *next; };",
        "enum RrMode { RR_ON, RR_OFF };",
        "typedef int (*RrFn)(int);",
        "int rr_twice(int v) { return 2 * v; }",
        "RrPair rr_p = { 1, 2.5 };\nstruct RrNode rr_n = { 4, NULL };\nRrFn rr_f = rr_twice;",
        "int rr_arr[] = { 1, 2, 3 };\nstatic double rr_s = 1.5;",
        "rr_p.a += 1;\nrr_n.v *= 2;",
    ]
    for _ in range(3):
        for cell in cells:
            run_ok(kc, cell)
    assert out(kc, "rr_p.a") == "2"
    assert out(kc, "rr_n.v") == "8"
    assert out(kc, "rr_f(RR_LIMIT)") == "6"
    assert out(kc, "rr_p.b + rr_s") == "4.0"
    assert out(kc, "(int)RR_OFF") == "1"


def test_rerun_function_definition_replaces(kc):
    run_ok(kc, "int rf_v(void) { return 1; }")
    run_ok(kc, "int rf_v(void) { return 1; }")
    assert out(kc, "rf_v()") == "1"


def test_changed_struct_definition(kc):
    run_ok(kc, "struct CsThing { int a; };")
    assert out(kc, "(int)sizeof(struct CsThing)") == "4"
    run_ok(kc, "struct CsThing { int a; int b; double c; };")
    assert out(kc, "(int)sizeof(struct CsThing)") == "16"
    run_ok(kc, "struct CsThing cs_t = { 1, 2, 3.5 };")
    assert out(kc, "cs_t.c") == "3.5"


def test_changed_typedef(kc):
    run_ok(kc, "typedef int CtNum;")
    run_ok(kc, "typedef double CtNum;\nCtNum ct_v = 1.25;")
    assert out(kc, "ct_v") == "1.25"


# ---- functions --------------------------------------------------------------------------

def test_function_defined_after_use_in_same_cell(kc):
    code = (
        "int fa_r = fa_later(20);\n"
        'printf("%d\\n", fa_later(1));\n'
        "int fa_later(int a) { return a + 1; }\n"
        "fa_r"
    )
    msgs = run_ok(kc, code)
    assert stdout_of(msgs) == "2\n"
    res = execute_results(msgs)
    assert len(res) == 1 and res[0]["data"]["text/plain"] == "21", summarize(msgs)


def test_functions_in_any_order(kc):
    code = (
        "int fo_main_result2 = fo_a2(3);\n"
        "int fo_a2(int n) { return fo_b2(n) + 1; }\n"
        "int fo_b2(int n) { return n * 10; }\n"
    )
    run_ok(kc, code)
    assert out(kc, "fo_main_result2") == "31"


def test_mutual_recursion(kc):
    run_ok(kc, "int mr_even(int n) { return n == 0 ? 1 : mr_odd(n - 1); }\n"
               "int mr_odd(int n) { return n == 0 ? 0 : mr_even(n - 1); }")
    assert out(kc, "mr_even(10)") == "1"
    assert out(kc, "mr_odd(7)") == "1"


def test_redefinition_seen_by_earlier_callers(kc):
    run_ok(kc, "int rd_f(void) { return 1; }")
    run_ok(kc, "int rd_caller(void) { return rd_f() * 10; }")
    assert out(kc, "rd_caller()") == "10"
    run_ok(kc, "int rd_f(void) { return 2; }")
    assert out(kc, "rd_caller()") == "20"
    assert out(kc, "rd_f()") == "2"
    # and through a function pointer taken before the redefinition
    run_ok(kc, "int (*rd_ptr)(void) = rd_f;")
    run_ok(kc, "int rd_f(void) { return 3; }")
    assert out(kc, "rd_caller()") == "30"
    assert out(kc, "rd_ptr()") == "3"


def test_recursive_function(kc):
    run_ok(kc, "long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }")
    assert out(kc, "fib(20)") == "6765"


def test_static_local_keeps_state(kc):
    run_ok(kc, "int sl_next(void) { static int n = 0; return ++n; }")
    run_ok(kc, "sl_next();")
    run_ok(kc, "sl_next();")
    assert out(kc, "sl_next()") == "3"


def test_statements_run_in_order(kc):
    code = (
        "int so_acc = 0;\n"
        "for (int i = 1; i <= 10; i++) so_acc += i;\n"
        'if (so_acc == 55) printf("sum ok\\n"); else printf("sum %d\\n", so_acc);\n'
        "{ int local = 2; so_acc *= local; }\n"
        "so_acc"
    )
    msgs = run_ok(kc, code)
    assert stdout_of(msgs) == "sum ok\n"
    assert execute_results(msgs)[0]["data"]["text/plain"] == "110"


def test_braces_in_strings_and_comments(kc):
    code = (
        '/* { unbalanced in a comment */\n'
        'printf("{ not a block } \\" ; still a string\\n"); // } also a comment\n'
        "char bs_c = '}';\n"
        "bs_c"
    )
    msgs = run_ok(kc, code)
    assert stdout_of(msgs) == '{ not a block } " ; still a string\n'
    assert execute_results(msgs)[0]["data"]["text/plain"] == "'}' (125)"


def test_c11_features(kc):
    run_ok(kc, "typedef struct { float x, y; } C11Vec;\n"
               "C11Vec c11_v = { .y = 2.0f, .x = 1.0f };")
    assert out(kc, "c11_v.x + c11_v.y") == "3.0"
    assert out(kc, "_Generic(1.0, double: 1, default: 2)") == "1"
    assert out(kc, "((int[]){ 5, 6, 7 })[2]") == "7"
    run_ok(kc, "int c11_n = 4;\nint c11_vla_len(int n) { int vla[n]; return (int)(sizeof vla / sizeof vla[0]); }")
    assert out(kc, "c11_vla_len(c11_n)") == "4"


# ---- Out[n] -----------------------------------------------------------------------------

@pytest.mark.parametrize("expr,expected", [
    ("42", "42"),
    ("6 * 7", "42"),
    ("-17", "-17"),
    ("3.5", "3.5"),
    ("0.1", "0.1"),
    ("2.0", "2.0"),
    ("1.0 / 3", "0.3333333333333333"),
    ("1e300 * 10", "1e+301"),
    ("0.1f", "0.1"),
    ("(bool)1", "true"),
    ("(bool)0", "false"),
    ("1 == 2", "0"),
    ("(char)65", "'A' (65)"),
    ("18446744073709551615UL", "18446744073709551615"),
    ("-9223372036854775807LL - 1", "-9223372036854775808"),
    ("(void *)0", "(void *) NULL"),
    ("NULL", "(void *) NULL"),
    ('"hello"', '"hello"'),
    ('(char *)"hello"', '"hello"'),
    ('(const char *)"a\\"b"', '"a\\"b"'),
])
def test_out_values(kc, expr, expected):
    assert out(kc, expr) == expected


def test_out_char_variable(kc):
    run_ok(kc, "char oc_c = 'A';")
    assert out(kc, "oc_c") == "'A' (65)"


def test_out_string_variable(kc):
    run_ok(kc, 'char *os_s = "hello";')
    assert out(kc, "os_s") == '"hello"'
    run_ok(kc, 'char os_arr[] = "tab\\there";')
    assert out(kc, "(char *)os_arr") == '"tab\\there"'


def test_out_pointer(kc):
    run_ok(kc, "int op_v = 1;\nint *op_p = &op_v;")
    text = out(kc, "op_p")
    assert re.fullmatch(r"\(void \*\) 0x[0-9a-f]+", text), text
    run_ok(kc, "int *op_null = NULL;")
    assert out(kc, "op_null") == "(void *) NULL"


def test_out_carries_execution_count(kc):
    reply, msgs = run(kc, "40 + 2")
    res = execute_results(msgs)
    assert len(res) == 1
    assert res[0]["execution_count"] == reply["content"]["execution_count"]
    assert res[0]["data"]["text/plain"] == "42"
    assert isinstance(res[0]["metadata"], dict)


def test_out_only_for_last_expression(kc):
    msgs = run_ok(kc, "1 + 1;\n2 + 2;\n3 + 3")
    res = execute_results(msgs)
    assert [r["data"]["text/plain"] for r in res] == ["6"]


def test_trailing_semicolon_suppresses_out(kc):
    msgs = run_ok(kc, "6 * 7;")
    assert execute_results(msgs) == []
    msgs = run_ok(kc, "int ts_v = 3;\nts_v;")
    assert execute_results(msgs) == []


def test_out_after_comment_and_blank_lines(kc):
    msgs = run_ok(kc, "int ob_v = 5;\nob_v * 2  // the answer\n\n")
    assert [r["data"]["text/plain"] for r in execute_results(msgs)] == ["10"]


def test_void_last_expression(kc):
    run_ok(kc, "void vo_nothing(void) { }\nint vo_calls = 0;\nvoid vo_count(void) { vo_calls++; }")
    msgs = run_ok(kc, "vo_nothing()")
    assert execute_results(msgs) == []
    assert outputs(msgs) == [], summarize(msgs)
    run_ok(kc, "vo_count()")
    assert out(kc, "vo_calls") == "1"


def test_out_expression_with_side_effect(kc):
    run_ok(kc, "int se_n = 0;")
    assert out(kc, "++se_n") == "1"
    assert out(kc, "se_n") == "1"


# ---- main-only cells ---------------------------------------------------------------------

def test_main_only_cell_runs(kc):
    code = (
        "#include <stdio.h>\n\n"
        "int main(void)\n{\n"
        '    printf("from main\\n");\n'
        "    return 0;\n}\n"
    )
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", summarize(msgs)
    assert stdout_of(msgs) == "from main\n"
    # again: a second main is fine
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok"
    assert stdout_of(msgs) == "from main\n"


def test_main_with_argc_argv(kc):
    code = (
        "#include <stdio.h>\n"
        "static int helper(int v) { return v + 1; }\n"
        "int main(int argc, char **argv)\n{\n"
        '    printf("argc>=0 %d, helper %d, argv %s\\n", argc >= 0, helper(1), argv && !argv[argc] ? "ok" : "bad");\n'
        "    return 0;\n}\n"
    )
    reply, msgs = run(kc, code)
    assert reply["content"]["status"] == "ok", summarize(msgs)
    assert stdout_of(msgs) == "argc>=0 1, helper 2, argv ok\n"


def test_main_nonzero_is_system_exit(km, kc):
    code = 'int main(void) { printf("failing\\n"); return 3; }'
    c, err, msgs = run_error(kc, code)
    assert err["ename"] == "SystemExit"
    assert "3" in err["evalue"]
    assert stdout_of(msgs) == "failing\n"
    assert km.is_alive()
    assert out(kc, "1 + 2") == "3"


def test_whole_program_pasted(kc):
    code = (
        "#include <stdio.h>\n#include <stdlib.h>\n\n"
        "typedef struct { int n; int *items; } WpList;\n\n"
        "static int wp_sum(const WpList *l)\n{\n"
        "    int s = 0;\n    for (int i = 0; i < l->n; i++) s += l->items[i];\n    return s;\n}\n\n"
        "int main(void)\n{\n"
        "    WpList l = { 4, malloc(4 * sizeof(int)) };\n"
        "    for (int i = 0; i < 4; i++) l.items[i] = i + 1;\n"
        '    printf("sum = %d\\n", wp_sum(&l));\n'
        "    free(l.items);\n    return EXIT_SUCCESS;\n}\n"
    )
    msgs = run_ok(kc, code)
    assert stdout_of(msgs) == "sum = 10\n"


# ---- compile errors ------------------------------------------------------------------------

def test_compile_error_reports_line_and_runs_nothing(kc):
    run_ok(kc, "int ce_var = 1;")
    code = (
        'printf("should not print\\n");\n'
        "ce_var = 99;\n"
        "int ce_y = );\n"
        "ce_var = 100;\n"
    )
    c, err, msgs = run_error(kc, code)
    assert err["ename"] == "CompileError"
    assert "line 3" in err["evalue"], err["evalue"]
    tb = traceback_text(err)
    assert "int ce_y = );" in tb, tb
    assert "^" in tb, f"no caret under the error in the traceback:\n{tb}"
    assert c["evalue"] == err["evalue"]
    assert stdout_of(msgs) == ""
    assert stderr_of(msgs) == "", "compile errors must not go to stderr"
    assert [m["msg_type"] for m in outputs(msgs)] == ["error"], summarize(msgs)
    assert out(kc, "ce_var") == "1"


def test_compile_error_names_the_problem(kc):
    code = "int ce2_ok = 1;\nce2_undeclared_thing + 1;\n"
    _, err, _ = run_error(kc, code)
    assert err["ename"] == "CompileError"
    assert "line 2" in err["evalue"], err["evalue"]
    assert "ce2_undeclared_thing" in err["evalue"], err["evalue"]
    assert "ce2_undeclared_thing" in traceback_text(err)


def test_compile_error_line_after_includes_and_functions(kc):
    code = (
        "#include <stdio.h>\n"            # 1
        "int ce3_f(int a)\n"              # 2
        "{\n"                             # 3
        "    return a * 2;\n"             # 4
        "}\n"                             # 5
        "int ce3_v = ce3_f(2);\n"         # 6
        "ce3_v = ce3_v + );\n"           # 7
    )
    _, err, _ = run_error(kc, code)
    assert err["ename"] == "CompileError"
    assert "line 7" in err["evalue"], err["evalue"]
    assert "ce3_v = ce3_v + );" in traceback_text(err)


def test_compile_error_in_one_line_expression_cell(kc):
    _, err, _ = run_error(kc, "ce5_nope + 1")
    assert err["ename"] == "CompileError"
    assert "line 1" in err["evalue"], err["evalue"]
    assert "ce5_nope" in err["evalue"]
    _, err, _ = run_error(kc, "int ce5_ok = 1;\nsizeof(struct Ce5Undefined)")
    assert "line 2" in err["evalue"], err["evalue"]


def test_compile_error_inside_function(kc):
    code = (
        "int ce4_g(void)\n"
        "{\n"
        "    return ce4_missing;\n"
        "}\n"
    )
    _, err, _ = run_error(kc, code)
    assert err["ename"] == "CompileError"
    assert "line 3" in err["evalue"], err["evalue"]
    assert "ce4_missing" in err["evalue"]


def test_failed_cell_leaves_no_trace(kc):
    run_ok(kc, "int lt_keep = 5;")
    _, err, _ = run_error(kc, "int lt_new = 5;\nint lt_fn(void) { return 1; }\nlt_keep = 6;\nint lt_bad = ;")
    assert err["ename"] == "CompileError"
    assert out(kc, "lt_keep") == "5"
    _, err, _ = run_error(kc, "lt_new")
    assert err["ename"] == "CompileError"
    # later cells compile as if the failed cell never happened
    run_ok(kc, "double lt_new = 1.5;\nint lt_fn(void) { return 7; }")
    assert out(kc, "lt_fn() + lt_new") == "8.5"


def test_compile_error_then_fixed_cell(kc):
    _, err, _ = run_error(kc, "int fx_v = 3\nint fx_w = 4;")
    assert err["ename"] == "CompileError"
    run_ok(kc, "int fx_v = 3;\nint fx_w = 4;")
    assert out(kc, "fx_v * fx_w") == "12"


def test_calling_undefined_function_is_an_error(kc, km):
    reply, msgs = run(kc, "ud_never_defined(3);")
    assert reply["content"]["status"] == "error", summarize(msgs)
    err = error_of(msgs)
    assert "ud_never_defined" in err["evalue"], err
    assert km.is_alive()
