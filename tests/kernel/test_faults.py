"""Faults in cell code (signals, stack overflow, exit, engine errors): each is
the cell's error, the kernel lives on and earlier state stays intact."""
from __future__ import annotations

import pytest

from kernel_helpers import (
    out,
    run,
    run_error,
    run_ok,
    stderr_of,
    stdout_of,
    summarize,
    traceback_text,
)


def check_fault(km, kc, name, fault_code, ename, evalue_has=()):
    """Defines a variable, runs a cell that changes it then faults; checks the
    error, that the change before the fault stayed, and that the kernel lives."""
    keep = f"fk_{name}_keep"
    changed = f"fk_{name}_changed"
    run_ok(kc, f"int {keep} = 41;\nint {changed} = 0;")
    code = f"{changed} = 1;\n{fault_code}\n{changed} = 2;\n"
    c, err, msgs = run_error(kc, code)
    assert err["ename"] == ename, f"{err['ename']}: {err['evalue']}"
    for text in evalue_has:
        assert text in err["evalue"], f"{text!r} not in evalue {err['evalue']!r}"
    assert isinstance(err["traceback"], list)
    assert all(isinstance(line, str) for line in err["traceback"])
    assert c["evalue"] == err["evalue"]
    assert km.is_alive(), f"kernel died after {ename}"
    assert out(kc, keep) == "41", "state defined before the fault was lost"
    assert out(kc, changed) == "1", "effect of a statement before the fault was lost"
    assert out(kc, "20 + 22") == "42"
    return err, msgs


def test_null_dereference(km, kc):
    check_fault(km, kc, "null", "volatile int *p = 0;\n*p = 1;", "SegmentationFault")


def test_null_read(km, kc):
    check_fault(km, kc, "nullread", "volatile int *p = 0;\nint v = *p;\nprintf(\"%d\\n\", v);",
                "SegmentationFault")


def test_wild_pointer(km, kc):
    check_fault(km, kc, "wild", "volatile char *p = (char *)0x10;\np[0] = 'x';", "SegmentationFault")


def test_segfault_in_named_function(km, kc):
    code = "void crash(void) { volatile int *p = 0; *p = 1; }\ncrash();"
    check_fault(km, kc, "named", code, "SegmentationFault", ("in function crash",))


def test_segfault_in_function_of_earlier_cell(km, kc):
    run_ok(kc, "void fe_deep_crash(int *p) { *p = 7; }\nvoid fe_outer(void) { fe_deep_crash(0); }")
    err, _ = check_fault(km, kc, "earlier", "fe_outer();", "SegmentationFault", ("fe_deep_crash",))


def test_stack_overflow(km, kc):
    code = (
        "int rec(int n) { volatile char pad[256]; pad[0] = (char)n; return rec(n + 1) + pad[0]; }\n"
        "rec(0);"
    )
    check_fault(km, kc, "stack", code, "StackOverflow", ("rec",))


def test_stack_overflow_big_frame(km, kc):
    code = (
        "int so_big(int n) { volatile char pad[1 << 16]; pad[n] = 1; return so_big(n + 1) + pad[0]; }\n"
        "so_big(0);"
    )
    check_fault(km, kc, "stackbig", code, "StackOverflow")


def test_integer_division_by_zero(km, kc):
    check_fault(km, kc, "div", "volatile int zero = 0;\nint q = 10 / zero;\nprintf(\"%d\\n\", q);",
                "FloatingPointError")


def test_integer_modulo_by_zero(km, kc):
    check_fault(km, kc, "mod", "volatile long zero = 0;\nlong q = 10 % zero;\nprintf(\"%ld\\n\", q);",
                "FloatingPointError")


def test_float_division_by_zero_is_not_an_error(kc):
    run_ok(kc, "double fz_zero = 0.0;")
    assert out(kc, "1.0 / fz_zero") == "inf"


def test_abort(km, kc):
    check_fault(km, kc, "abort", "abort();", "Aborted")


def test_failed_assert(km, kc):
    run_ok(kc, "#include <assert.h>")
    err, _ = check_fault(km, kc, "assert", "int av = 3;\nassert(av == 4);", "Aborted", ("av == 4",))


def test_bus_error(km, kc):
    run_ok(kc, "#include <signal.h>")
    check_fault(km, kc, "bus", "raise(SIGBUS);", "BusError")


def test_fault_output_is_not_on_stderr_as_crash_noise(kc):
    reply, msgs = run(kc, "volatile int *fn_p = 0;\n*fn_p = 3;")
    assert reply["content"]["status"] == "error"
    assert "core dumped" not in stderr_of(msgs).lower()


def test_exit_nonzero_is_system_exit(km, kc):
    run_ok(kc, "int ex_keep = 5;")
    c, err, msgs = run_error(kc, 'printf("before exit\\n");\nex_keep = 6;\nexit(3);\nex_keep = 7;')
    assert err["ename"] == "SystemExit"
    assert "3" in err["evalue"], err["evalue"]
    assert stdout_of(msgs) == "before exit\n"
    assert km.is_alive()
    assert out(kc, "ex_keep") == "6"


def test_exit_zero_is_not_an_error(km, kc):
    run_ok(kc, "int ez_v = 1;")
    reply, msgs = run(kc, 'printf("bye\\n");\nez_v = 2;\nexit(0);\nez_v = 3;')
    assert reply["content"]["status"] == "ok", summarize(msgs)
    assert stdout_of(msgs) == "bye\n"
    assert km.is_alive()
    assert out(kc, "ez_v") == "2", "exit(0) should end the cell where it is"


def test_exit_from_function(km, kc):
    run_ok(kc, "void ef_quit(int code) { exit(code); }")
    _, err, _ = run_error(kc, "ef_quit(4);")
    assert err["ename"] == "SystemExit"
    assert "4" in err["evalue"]
    assert km.is_alive()
    assert out(kc, "1") == "1"


def test_exit_in_main_cell(km, kc):
    _, err, _ = run_error(kc, "int main(void) { exit(5); }")
    assert err["ename"] == "SystemExit"
    assert "5" in err["evalue"]
    assert km.is_alive()


def test_engine_error_value_error(km, kc):
    run_ok(kc, "int eg_keep = 8;")
    code = 'DisplayItem eg_item = { "text/plain", "x", 1 };\ndisplay_update_bundle(9999, &eg_item, 1);'
    c, err, msgs = run_error(kc, code)
    assert err["ename"] == "ValueError"
    assert "9999" in err["evalue"]
    assert "display_update" in err["evalue"]
    assert km.is_alive()
    assert out(kc, "eg_keep") == "8"


def test_engine_error_bad_png(km, kc):
    _, err, _ = run_error(kc, 'display_png("not a png at all, not at all", 27);')
    assert err["ename"] == "ValueError"
    assert "display_png" in err["evalue"]
    assert out(kc, "2 + 2") == "4"


def test_engine_error_raised_by_cell(kc):
    _, err, _ = run_error(kc, 'error_raise(ERR_SHAPE, "shapes %d and %d do not fit", 2, 3);')
    assert err["ename"] == "ShapeError"
    assert "shapes 2 and 3 do not fit" in err["evalue"]
    _, err, _ = run_error(kc, 'error_raise(ERR_IO, "no file %s", "x.bin");')
    assert err["ename"] == "IOError"


def test_engine_error_state_reset(kc):
    run_ok(kc, "int er_hook_runs = 0;\nvoid er_hook(void) { er_hook_runs++; }\n"
               "error_add_reset_hook(er_hook);")
    run_error(kc, 'error_raise(ERR_VALUE, "boom");')
    assert int(out(kc, "er_hook_runs")) >= 1, "reset hooks not run after an engine error"


def test_fault_traceback_mentions_kind(kc):
    _, err, _ = run_error(kc, "volatile int *tb_p = 0;\n*tb_p = 1;")
    tb = traceback_text(err)
    assert "SegmentationFault" in tb, tb


@pytest.mark.timeout(180)
def test_faults_repeated(km, kc):
    """Every kind of fault, many times over: the recovery must hold each time."""
    run_ok(kc, "#include <assert.h>\n#include <signal.h>\nint rp_count = 0;")
    cases = [
        ("volatile int *p = 0; *p = 1;", "SegmentationFault"),
        ("int rp_rec(int n) { volatile char b[128]; b[0] = 1; return rp_rec(n + 1) + b[0]; }\nrp_rec(0);",
         "StackOverflow"),
        ("volatile int z = 0; int q = 1 / z; (void)q;", "FloatingPointError"),
        ("abort();", "Aborted"),
        ("assert(rp_count < 0);", "Aborted"),
        ("raise(SIGBUS);", "BusError"),
        ("exit(9);", "SystemExit"),
        ('error_raise(ERR_VALUE, "again");', "ValueError"),
    ]
    for round_ in range(5):
        for code, ename in cases:
            _, err, _ = run_error(kc, "rp_count++;\n" + code)
            assert err["ename"] == ename, f"round {round_}: {code!r} gave {err['ename']}: {err['evalue']}"
            assert km.is_alive()
        assert out(kc, "rp_count") == str((round_ + 1) * len(cases))
    # malloc still works after all those jumps
    assert out(kc, "malloc(100) != NULL") == "1"
    msgs = run_ok(kc, 'printf("still printing\\n");')
    assert stdout_of(msgs) == "still printing\n"
