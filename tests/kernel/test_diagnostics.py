"""Compile errors name the cell line and show it with a caret, for every kind
of top-level item; tracebacks are coloured like IPython's (issue 11, items 4, 12)."""
from __future__ import annotations

import re

import pytest

from kernel_helpers import ANSI, run, run_error, run_ok, stdout_of, traceback_text

# (what, cell, the line TinyCC's error is on)
CASES = [
    ("include", "int ok1 = 1;\n#include <no_such_header_x.h>\n", 2),
    ("type", "int ok2 = 1;\ntypedef struct { int x; no_such_t y; } Bad2;\n", 2),
    ("prototype", "int ok3 = 1;\nint proto3(no_such_t a);\n", 2),
    ("function body", "int ok4 = 1;\nint f4(int a) {\n    return a + no_such_name4;\n}\n", 3),
    ("variable initializer", "int ok5 = 1;\nint bad5 = ;\n", 2),
    ("variable initializer, multi-line", "int ok6 = 1;\nint bad6[] = {\n    1,\n    no_such_name6,\n};\n", 4),
    ("statement", "int ok7 = 1;\nno_such_name7 = 2;\n", 2),
    ("last expression", "int ok8 = 1;\nno_such_name8 + 1", 2),
    ("macro block", "int ok9 = 1;\nno_grad {\n    no_such_name9++;\n}\n", 3),
]


@pytest.mark.parametrize("what,code,line", CASES, ids=[c[0] for c in CASES])
def test_compile_error_names_the_line_and_shows_it(kc, what, code, line):
    c, err, _ = run_error(kc, code)
    assert err["ename"] == "CompileError"
    assert err["evalue"].startswith(f"line {line}:"), err["evalue"]
    tb = traceback_text(err).splitlines()
    src = code.splitlines()[line - 1]
    shown = [i for i, l in enumerate(tb) if l.rstrip() == f"{line:5d} | {src}".rstrip()]
    assert shown, f"line {line} ({src!r}) not shown in:\n" + "\n".join(tb)
    caret = tb[shown[0] + 1]
    assert caret.startswith("      | ") and "^" in caret, tb
    col = caret.index("^") - len("      | ")
    assert 0 <= col < len(src) and not src[col].isspace(), (src, caret)


def test_traceback_is_coloured_like_ipython(kc):
    c, err, _ = run_error(kc, "int col1 = 1;\ncol_undeclared + 1")
    raw = "\n".join(err["traceback"])
    assert "\x1b[0;31mCompileError\x1b[0m" in raw  # the name in red
    assert "\x1b[0;32m    2\x1b[0m | col_undeclared + 1" in raw  # the line number in green
    assert "\x1b[1;31m^^^^^^^^^^^^^^\x1b[0m" in raw  # the caret in bold red, under the name
    # runtime errors too
    c, err, _ = run_error(kc, "int *np = 0; *np = 1;")
    assert err["traceback"][0].startswith("\x1b[0;31mSegmentationFault\x1b[0m: ")


def test_unknown_type_says_which_header(kc):
    c, err, _ = run_error(kc, "struct stat st_info;")
    assert "add #include <sys/stat.h>" in err["evalue"]
    c, err, _ = run_error(kc, "pthread_t worker;")
    assert "<pthread.h>" in err["evalue"], err["evalue"]


def test_prelude_has_c11_and_posix(kc):
    msgs = run_ok(kc, 'struct timespec ts0; clock_gettime(CLOCK_MONOTONIC, &ts0);\n'
                      'printf("%d %ld %d %d\\n", strcasecmp("Hello", "hELLO"), lround(2.5), INT_MAX > 0, isdigit(\'7\') != 0);')
    assert stdout_of(msgs) == "0 3 1 1\n"


def test_aborted_reply_has_no_execution_count(kc):
    bad = kc.execute("usleep(300000);\nabort();")
    skipped = kc.execute("int never_runs = 1;")
    from kernel_helpers import collect_iopub, get_reply
    collect_iopub(kc, bad)
    get_reply(kc, bad)
    collect_iopub(kc, skipped)
    r = get_reply(kc, skipped)["content"]
    assert r["status"] == "aborted"
    assert "execution_count" not in r


def test_time_magic_is_silent_when_the_cell_does_not_compile(kc):
    reply, msgs = run(kc, "%%time\nint t_bad = ;")
    assert reply["content"]["status"] == "error"
    assert "Wall time" not in stdout_of(msgs)
    reply, msgs = run(kc, "%%time\nint t_good = 1;")
    assert "Wall time" in stdout_of(msgs)


@pytest.mark.parametrize("code,literal,macro", [
    ("Tensor *cl1 = tensor_from_f64((double[]){1, 2}, 2);", "(double[]){1, 2}", "tensor_from_f64"),
    ("double clx[] = {0, 1, 2};\n"
     "plt_fill_between(clx, (double[]){1, 4, 9},\n                 (double[]){0, 0, 0}, 3, .alpha = 0.3);",
     "(double[]){1, 4, 9}", "plt_fill_between"),
    ("#define CL_SUM(p, n) cl_sum(p, n)\nint cl_sum(const int *p, int n) { return n ? p[0] + cl_sum(p + 1, n - 1) : 0; }\n"
     "int cl_s = CL_SUM((int[]){1, 2, 3}, 3);", "(int[]){1, 2, 3}", "CL_SUM"),
])
def test_compound_literal_in_a_macro_says_to_wrap_it(kc, code, literal, macro):
    """The preprocessor splits a compound literal's commas into macro
    arguments; TinyCC then says "',' expected": the hint names the literal,
    the macro and the two fixes, and the fix it gives compiles."""
    c, err, _ = run_error(kc, code)
    assert err["ename"] == "CompileError"
    assert f"the commas inside the braces of `{literal}` split the arguments of the macro {macro}" in err["evalue"], \
        err["evalue"]
    assert f"wrap it in parentheses, `({literal})`, or declare the array first" in err["evalue"]
    run_ok(kc, re.sub(r"\(\w+\[\]\)\{[^}]*\}", lambda m: f"({m.group(0)})", code))  # every literal wrapped


def test_no_literal_hint_for_other_errors(kc):
    # a compound literal passed to a function (not a macro), and one already wrapped
    c, err, _ = run_error(kc, "double nl = tensor_item(tensor_sum(tensor_from_f64(((double[]){1, 2}), 2))) + nl_missing;")
    assert "split the arguments" not in err["evalue"], err["evalue"]
    c, err, _ = run_error(kc, "int nl2 = abs((int[]){1, 2}[0]) + nl2_missing;")
    assert "split the arguments" not in err["evalue"], err["evalue"]
