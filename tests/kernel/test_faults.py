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


# ---- memory (issue 10, item 13) ----------------------------------------------------------------

def kernel_rss_kb(km) -> int:
    with open(f"/proc/{km.provisioner.process.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_big_malloc_is_not_resident(km, kc):
    """malloc(1 GB) with a byte written at each end stays a few pages resident
    (large blocks are not zeroed eagerly)."""
    before = kernel_rss_kb(km)
    run_ok(kc, "char *bm_big = malloc((size_t)1 << 30);\nbm_big[0] = 1;\nbm_big[((size_t)1 << 30) - 1] = 2;")
    grown = kernel_rss_kb(km) - before
    assert grown < 64 * 1024, f"malloc(1 GB) made {grown} KB resident"
    assert out(kc, "bm_big[0] + bm_big[((size_t)1 << 30) - 1]") == "3"
    run_ok(kc, "bm_big = NULL;")


def test_out_of_memory_is_a_memory_error(km, kc):
    _, err, _ = run_error(kc, "char *oom = malloc((size_t)1 << 50);\noom[0] = 1;")
    assert err["ename"] == "MemoryError"
    assert "1125899906842624 bytes" in err["evalue"], err["evalue"]
    _, err, _ = run_error(kc, "realloc(malloc(8), (size_t)1 << 50);")
    assert err["ename"] == "MemoryError"
    assert out(kc, "malloc(10) != NULL") == "1"


def test_free_twice_is_named(km, kc):
    _, err, _ = run_error(kc, "char *ft = malloc(8);\nfree(ft);\nfree(ft);")
    assert err["ename"] == "DoubleFree" and "already freed" in err["evalue"]
    # a freed block is not handed out again while a pointer to it is kept
    assert out(kc, "char *ft2 = malloc(8);\nft2 != ft") == "1"
    run_ok(kc, "free(ft2); ft2 = NULL; ft = NULL;")


# ---- overflows (issue 10, item 1) -------------------------------------------------------------

def test_overflow_names_array_and_index(km, kc):
    _, err, _ = run_error(kc, "void ov_fill(int n) { double w[5]; for (int i = 0; i < n; i++) w[i] = i; }\n"
                              "ov_fill(9);")
    assert err["ename"] == "BufferOverflow"
    assert "index 5" in err["evalue"] and "5 elements of 8 bytes" in err["evalue"], err["evalue"]
    assert "ov_fill" in err["evalue"]


def test_bounds_magic(km, kc):
    run_ok(kc, "int bm_a[4] = {1, 2, 3, 4};\nint bm_x = 0;")
    run_ok(kc, "%bounds off")
    assert "off" in stdout_of(run_ok(kc, "%bounds"))
    # unchecked: reading one past the end is C's undefined behaviour, not an error
    run_ok(kc, "for (int i = 0; i < 5; i++) bm_x += bm_a[i] * 0;")
    run_ok(kc, "%bounds on")
    _, err, _ = run_error(kc, "for (int i = 0; i < 5; i++) bm_x += bm_a[i];")
    assert err["ename"] == "BufferOverflow" and "'bm_a'" in err["evalue"]
    _, err, _ = run_error(kc, "%bounds maybe")
    assert err["ename"] == "UsageError"


def test_bounds_checks_keep_correct_programs_correct(km, kc):
    """Checked code computes what unchecked code does: locals, globals, heap,
    VLAs, structs, strings, doubles returned by functions with arrays."""
    code = (
        "typedef struct { int k; double v[3]; } bc_S;\n"
        "double bc_f(int n) { double a[8]; int vla[n]; for (int i = 0; i < n; i++) { vla[i] = i; a[i] = i * 0.5; }\n"
        "  double s = 0; for (int i = 0; i < n; i++) s += a[i] * vla[i]; return s; }\n"
        "int bc_g[16];\n"
        "char bc_buf[32];\n"
        "bc_S bc_s = {1, {1.5, 2.5, 3.5}};\n"
        "int *bc_h = malloc(100 * sizeof(int));\n"
        "for (int i = 0; i < 16; i++) bc_g[i] = i;\n"
        "for (int i = 0; i < 100; i++) bc_h[i] = 2 * i;\n"
        'strcpy(bc_buf, "hello"); strcat(bc_buf, ", world");\n'
        "int *bc_p = bc_g; int bc_sum = 0; while (bc_p < bc_g + 16) bc_sum += *bc_p++;\n"
        "bc_f(8) + bc_g[15] + bc_h[99] + bc_s.v[2] + strlen(bc_buf) + bc_sum"
    )
    assert out(kc, code) == str(70.0 + 15 + 198 + 3.5 + 12 + 120)


def test_errors_name_the_cell_line(km, kc):
    """Runtime errors in cell code say the line (and the local array's name)."""
    _, err, _ = run_error(kc, "void ln_clear(void) {\n  int a[10];\n  int i;\n  for (i = 0; i <= 20; i++)\n"
                              "    a[i] = 0;\n}\nln_clear();")
    assert err["ename"] == "BufferOverflow"
    assert "'a' (a local array of 40 bytes" in err["evalue"] and "cell line 5" in err["evalue"], err["evalue"]
    _, err, _ = run_error(kc, "void ln_crash(void) {\n  volatile int *p = 0;\n  *p = 1;\n}\nln_crash();")
    assert "cell line 3" in err["evalue"] and "ln_crash" in err["evalue"], err["evalue"]
    _, err, _ = run_error(kc, "int ln_x = 1;\n\nTensor *ln_m = tensor_matmul(tensor_zeros(2, 3), tensor_zeros(4, 5));")
    assert err["ename"] == "ShapeError" and "cell line 3" in err["evalue"], err["evalue"]
    # %bounds off: still the line of a fault
    run_ok(kc, "%bounds off")
    _, err, _ = run_error(kc, "void ln_crash2(void) {\n\n  *(volatile int *)0 = 1;\n}\nln_crash2();")
    assert "cell line 3" in err["evalue"], err["evalue"]
    run_ok(kc, "%bounds on")


def test_bounds_adjacent_heap_blocks(km, kc):
    """A heap block's end is its neighbour's start: accessing the neighbour
    right after the first block is no overflow (a false positive once)."""
    code = (
        "size_t GC_size(const void *);\n"
        "double *ab_b[64]; for (int i = 0; i < 64; i++) ab_b[i] = malloc(24);\n"
        "int ab_pairs = 0;\n"
        "for (int i = 0; i < 64; i++) for (int j = 0; j < 64; j++)\n"
        "  if ((char *)ab_b[j] == (char *)ab_b[i] + GC_size(ab_b[i])) {\n"
        "    ab_b[i][2] = 1; ab_b[j][0] = 2; ab_b[j][1] = ab_b[i][2]; ab_pairs++; }\n"
        "ab_pairs > 0"
    )
    assert out(kc, code) == "1"


def test_fault_location_ignores_pointers_to_cell_data(km, kc):
    """A fault inside a library call is placed by the return address into
    the cell found on the stack; a pointer to a cell's variable there (printf
    keeps its arguments on its stack) is not a frame, even when the bytes
    before the variable look like a call instruction. The fault was once
    reported "in function fl_r", a variable of an earlier cell."""
    run_ok(kc, "unsigned char fl_pad[16] = {0xe8, 0xe8, 0xe8, 0xe8, 0xe8, 0xe8, 0xe8, 0xe8,\n"
               "                           0xe8, 0xe8, 0xe8, 0xe8, 0xe8, 0xe8, 0xe8, 0xe8};\n"
               "int fl_r[4] = {1, 2, 3, 4};")
    _, err, _ = run_error(kc, 'int fl_k = 1;\nprintf("%p %s\\n", (void *)fl_r, (char *)1);')
    assert err["ename"] == "SegmentationFault"
    assert "fl_r" not in err["evalue"] and "in the statements of cell" in err["evalue"], err["evalue"]
    assert "cell line 2" in err["evalue"], err["evalue"]
    _, err, _ = run_error(kc, 'void fl_show(int *p) { printf("%p %s", (void *)p, (char *)1); }\nfl_show(fl_r);')
    assert "in function fl_show" in err["evalue"] and "fl_r" not in err["evalue"], err["evalue"]
    assert out(kc, "fl_r[3] + fl_k") == "5"
