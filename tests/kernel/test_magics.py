"""Shell commands (`!cmd`) and magics (%who, %%time, %lsmagic, unknown ones)."""
from __future__ import annotations

from kernel_helpers import all_text, out, run, run_error, run_ok, stdout_of, summarize


def test_shell_command(kc):
    msgs = run_ok(kc, "!echo hello")
    assert stdout_of(msgs) == "hello\n"


def test_several_shell_commands(kc):
    msgs = run_ok(kc, "!echo one\n!echo two")
    assert stdout_of(msgs) == "one\ntwo\n"


def test_shell_command_with_pipes_and_quotes(kc):
    msgs = run_ok(kc, "!printf 'a b\\nc\\n' | wc -l")
    assert stdout_of(msgs).strip() == "2"


def test_shell_command_stderr(kc):
    reply, msgs = run(kc, "!echo oops 1>&2")
    text = all_text(msgs)
    assert "oops" in text, summarize(msgs)


def test_shell_command_mixed_with_c(kc):
    msgs = run_ok(kc, 'int sh_v = 2;\n!echo from shell\nprintf("from C %d\\n", sh_v);')
    text = stdout_of(msgs)
    assert "from shell\n" in text
    assert "from C 2\n" in text
    assert out(kc, "sh_v") == "2"


def test_who_lists_persistent_variables(kc):
    run_ok(kc, "int who_alpha = 1;\ndouble who_beta = 2.0;\nchar *who_gamma = \"g\";")
    msgs = run_ok(kc, "%who")
    text = all_text(msgs)
    for name in ("who_alpha", "who_beta", "who_gamma"):
        assert name in text, f"%who does not list {name}: {text!r}"
    # functions and types are not variables
    run_ok(kc, "int who_not_a_variable(void) { return 0; }")
    text = all_text(run_ok(kc, "%who"))
    assert "who_not_a_variable" not in text


def test_cell_magic_time(kc):
    msgs = run_ok(kc, "%%time\nint tm_total = 0;\nfor (int i = 0; i < 1000; i++) tm_total += i;\n"
                      'printf("total %d\\n", tm_total);')
    text = all_text(msgs)
    assert "Wall time" in text, text
    assert "total 499500\n" in stdout_of(msgs)
    assert out(kc, "tm_total") == "499500"


def test_cell_magic_time_with_out(kc):
    msgs = run_ok(kc, "%%time\n6 * 7")
    assert "Wall time" in all_text(msgs)
    res = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert len(res) == 1 and res[0]["content"]["data"]["text/plain"] == "42"


def test_lsmagic(kc):
    text = all_text(run_ok(kc, "%lsmagic"))
    for name in ("%who", "%%time", "%lsmagic"):
        assert name in text, f"%lsmagic does not list {name}: {text!r}"


def test_unknown_line_magic(km, kc):
    _, err, _ = run_error(kc, "%no_such_magic")
    assert err["ename"] == "UsageError"
    assert "no_such_magic" in err["evalue"]
    assert km.is_alive()
    assert out(kc, "5") == "5"


def test_unknown_cell_magic(kc):
    _, err, _ = run_error(kc, "%%no_such_cell_magic\nint um_v = 1;")
    assert err["ename"] == "UsageError"
    assert "no_such_cell_magic" in err["evalue"]
    _, err, _ = run_error(kc, "um_v")
    assert err["ename"] == "CompileError", "the body of a cell with an unknown magic ran"


def test_percent_operator_is_not_a_magic(kc):
    assert out(kc, "17 % 5") == "2"
    run_ok(kc, "int pm_a = 17;")
    assert out(kc, "pm_a\n% 5") == "2"
