"""Standard input of cells (issue 11, item 10): scanf, getchar, fgets(...,
stdin) and read(0, ...) ask the front end (input_request) when it allows
stdin and go on with its reply; the wait is interruptible; a front end that
does not allow stdin (nbclient) gives end-of-file at once with a warning."""
from __future__ import annotations

import time

import pytest

from kernel_helpers import collect_iopub, errors, get_reply, out, run, stderr_of, stdout_of


def run_with_input(kc, code, answers):
    msg_id = kc.execute(code, allow_stdin=True)
    requests = []
    for a in answers:
        m = kc.get_stdin_msg(timeout=10)
        assert m["msg_type"] == "input_request"
        assert m["parent_header"]["msg_id"] == msg_id
        requests.append(m["content"])
        kc.input(a)
    msgs = collect_iopub(kc, msg_id)
    reply = get_reply(kc, msg_id)
    return reply["content"], msgs, requests


@pytest.mark.parametrize("code,answers,expected", [
    ('int a, b; printf("Two numbers: "); scanf("%d %d", &a, &b); printf("sum %d\\n", a + b);',
     ["3 4"], "Two numbers: sum 7\n"),
    ('int a2, b2; scanf("%d", &a2); scanf("%d", &b2); printf("%d\\n", a2 * b2);', ["6", "7"], "42\n"),
    ('int c = getchar(); int c2 = getchar(); printf("[%c%c]\\n", c, c2);', ["xy"], "[xy]\n"),
    ('char line[64]; fgets(line, sizeof line, stdin); printf("<%s>", line);', ["hello world"], "<hello world\n>"),
    ('char rb[64]; long k = read(0, rb, sizeof rb); printf("%ld %.3s\\n", k, rb);', ["abc"], "4 abc\n"),
])
def test_input_request_and_reply(kc, code, answers, expected):
    c, msgs, requests = run_with_input(kc, code, answers)
    assert c["status"] == "ok", c
    assert stdout_of(msgs) == expected
    assert all(r == {"prompt": "", "password": False} for r in requests)


def test_each_cell_reads_its_own_input(kc):
    # the '\n' left after scanf's number does not answer the next cell's getchar
    c, msgs, _ = run_with_input(kc, 'int n1; scanf("%d", &n1);', ["5"])
    c, msgs, _ = run_with_input(kc, 'int ch = getchar(); printf("%c\\n", ch);', ["z"])
    assert stdout_of(msgs) == "z\n"


def test_no_stdin_gives_end_of_file_and_a_warning(kc):
    reply, msgs = run(kc, 'int w = 5; int got = scanf("%d", &w); int ch = getchar();\n'
                          'printf("%d %d %d\\n", got, w, ch);', allow_stdin=False)
    assert reply["content"]["status"] == "ok"
    assert stdout_of(msgs) == "-1 5 -1\n"
    warning = stderr_of(msgs)
    assert warning.count("\n") == 1 and "allow_stdin is false" in warning


@pytest.mark.timeout(120)
def test_waiting_for_input_is_interruptible(kc, km):
    """getchar waiting on stdin is interrupted within 1 s, 20 times out of 20."""
    for i in range(20):
        msg_id = kc.execute("int got_char = getchar();", allow_stdin=True)
        kc.get_stdin_msg(timeout=10)  # the kernel waits for input now
        t0 = time.monotonic()
        km.interrupt_kernel()
        reply = get_reply(kc, msg_id, timeout=5)
        elapsed = time.monotonic() - t0
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", i
        assert elapsed < 1.0, f"try {i}: interrupt took {elapsed:.2f} s"
        collect_iopub(kc, msg_id)
    assert out(kc, "6 * 7") == "42"
    # and input works again after the interrupts
    c, msgs, _ = run_with_input(kc, 'int after; scanf("%d", &after); printf("%d\\n", after + 1);', ["41"])
    assert stdout_of(msgs) == "42\n"
