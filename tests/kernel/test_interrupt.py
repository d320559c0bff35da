"""Interrupting running cells (SIGINT from the kernel manager, and
interrupt_request on the control channel): KeyboardInterrupt within 1 s, many
times in a row, and the next cell runs normally."""
from __future__ import annotations

import queue
import time

import pytest

from kernel_helpers import KernelTimeout, flush, out, run_ok, stdout_of, summarize

LIMIT = 1.0       # seconds from the interrupt to the execute_reply
REPEAT = 20

LOOPS = {
    "busy-while": "while (1) {}",
    "for-increment": "for (;;) ir_x++;",
    "printf": 'for (long i = 0;; i++) printf("spam %ld\\n", i);',
    "malloc-free": "for (long i = 0;; i++) { void *p = malloc(16 + (i % 4096)); free(p); }",
    # engine-bound: the engine's safe points (interrupt_check at every op)
    "engine-matmul": "for (;;) ir_m = tensor_tanh(tensor_matmul(ir_a, ir_a));",
}


def start_cell(kc, loop: str) -> tuple[str, list]:
    """Starts a cell that says `started` then loops; returns once it is looping."""
    code = 'printf("started\\n");\nfflush(stdout);\n' + loop
    msg_id = kc.execute(code)
    msgs = []
    seen = ""
    deadline = time.monotonic() + 10
    while "started" not in seen:
        if time.monotonic() > deadline:
            raise KernelTimeout(f"cell never started: {summarize(msgs)}")
        try:
            m = kc.get_iopub_msg(timeout=0.5)
        except queue.Empty:
            continue
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "stream":
            seen += m["content"]["text"]
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            raise AssertionError(f"cell ended before it was interrupted: {summarize(msgs)}")
    time.sleep(0.05)  # well inside the loop now
    return msg_id, msgs


def wait_end(kc, msg_id: str, t0: float, control_id: str | None = None, timeout: float = 10.0):
    """Waits for the execute_reply and the idle status; returns (reply, reply_delay, msgs)."""
    reply = None
    reply_delay = None
    idle = False
    control_reply = None
    msgs = []
    deadline = t0 + timeout
    while not (reply and idle and (control_id is None or control_reply)):
        if time.monotonic() > deadline:
            raise KernelTimeout(
                f"no end of the interrupted cell within {timeout} s "
                f"(reply: {reply is not None}, idle: {idle}, control reply: {control_reply is not None})"
            )
        if reply is None:
            try:
                r = kc.get_shell_msg(timeout=0.002)
                if r["parent_header"].get("msg_id") == msg_id:
                    reply = r
                    reply_delay = time.monotonic() - t0
            except queue.Empty:
                pass
        if control_id is not None and control_reply is None:
            try:
                r = kc.get_control_msg(timeout=0.001)
                if r["parent_header"].get("msg_id") == control_id:
                    control_reply = r
            except queue.Empty:
                pass
        try:
            for _ in range(20):  # a bounded drain, so the shell reply is seen in time
                m = kc.get_iopub_msg(timeout=0.002)
                if m["parent_header"].get("msg_id") == msg_id:
                    msgs.append(m)
                    if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                        idle = True
        except queue.Empty:
            pass
    return reply, reply_delay, msgs, control_reply


def check_interrupted(reply, delay, msgs, what):
    c = reply["content"]
    assert c["status"] == "error", f"{what}: status {c['status']} {summarize(msgs)}"
    assert c["ename"] == "KeyboardInterrupt", f"{what}: {c['ename']}: {c.get('evalue')}"
    errs = [m for m in msgs if m["msg_type"] == "error"]
    assert len(errs) == 1 and errs[0]["content"]["ename"] == "KeyboardInterrupt", summarize(msgs)
    assert delay <= LIMIT, f"{what}: reply {delay:.3f} s after the interrupt (limit {LIMIT} s)"


def check_next_cell(km, kc, what):
    assert km.is_alive(), f"{what}: kernel died"
    flush(kc, 0.01)
    msgs = run_ok(kc, 'printf("next cell\\n");\nchar *nc = malloc(1000);\nnc != NULL', timeout=10)
    assert stdout_of(msgs) == "next cell\n", f"{what}: stale output leaked: {stdout_of(msgs)[:200]!r}"
    res = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert res and res[0]["content"]["data"]["text/plain"] == "1"


@pytest.fixture
def prepared(km, kc):
    run_ok(kc, "#include <unistd.h>\nlong ir_x = 0;\nTensor *ir_a = tensor_randn(300, 300), *ir_m = NULL;")
    return km, kc


@pytest.mark.timeout(150)
@pytest.mark.parametrize("kind", list(LOOPS))
def test_signal_interrupt_repeated(prepared, kind):
    km, kc = prepared
    for i in range(REPEAT):
        what = f"{kind} #{i + 1}"
        msg_id, _ = start_cell(kc, LOOPS[kind])
        t0 = time.monotonic()
        km.interrupt_kernel()
        reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
        check_interrupted(reply, delay, msgs, what)
        check_next_cell(km, kc, what)
    if kind == "for-increment":
        assert int(out(kc, "ir_x")) > 0, "effects of the interrupted loop were lost"


@pytest.mark.timeout(150)
def test_control_interrupt_request_repeated(prepared):
    km, kc = prepared
    kinds = list(LOOPS)
    for i in range(REPEAT):
        kind = kinds[i % len(kinds)]
        what = f"interrupt_request {kind} #{i + 1}"
        msg_id, _ = start_cell(kc, LOOPS[kind])
        t0 = time.monotonic()
        req = kc.session.msg("interrupt_request", {})
        kc.control_channel.send(req)
        reply, delay, msgs, control_reply = wait_end(kc, msg_id, t0, control_id=req["header"]["msg_id"])
        assert control_reply["header"]["msg_type"] == "interrupt_reply"
        assert control_reply["content"]["status"] == "ok"
        check_interrupted(reply, delay, msgs, what)
        check_next_cell(km, kc, what)


@pytest.mark.timeout(60)
def test_interrupt_sleeping_loop(prepared):
    km, kc = prepared
    for i in range(5):
        msg_id, _ = start_cell(kc, "for (;;) usleep(1000);")
        t0 = time.monotonic()
        km.interrupt_kernel()
        reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
        check_interrupted(reply, delay, msgs, f"usleep loop #{i + 1}")
        check_next_cell(km, kc, "usleep loop")


@pytest.mark.timeout(60)
def test_interrupt_in_function_and_state_kept(prepared):
    km, kc = prepared
    run_ok(kc, "long ik_steps = 0;\nvoid ik_spin(void) { for (;;) ik_steps++; }")
    msg_id, _ = start_cell(kc, "ik_spin();")
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
    check_interrupted(reply, delay, msgs, "function loop")
    assert int(out(kc, "ik_steps")) > 0
    # the function is still callable
    run_ok(kc, "long ik_done(void) { return ik_steps > 0; }")
    assert out(kc, "ik_done()") == "1"


@pytest.mark.timeout(60)
def test_interrupt_then_queued_cell(prepared):
    """A cell queued behind the interrupted one is aborted (stop_on_error) or
    runs, but the kernel answers it either way and keeps going."""
    km, kc = prepared
    msg_id, _ = start_cell(kc, LOOPS["busy-while"])
    queued = kc.execute("int iq_after = 1;")
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
    check_interrupted(reply, delay, msgs, "busy loop with a queued cell")
    deadline = time.monotonic() + 10
    while True:
        r = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if r["parent_header"].get("msg_id") == queued:
            break
    assert r["content"]["status"] in ("aborted", "ok")
    check_next_cell(km, kc, "after queued")


# ---- blocking calls (issue 10, item 7) -------------------------------------------------------

# Each in a block of its own: nothing persists from one run to the next.
BLOCKING = {
    "read on an empty pipe": "{ int p[2]; pipe(p); char c; read(p[0], &c, 1); }",
    "sem_wait": "{ sem_t s; sem_init(&s, 0, 0); sem_wait(&s); }",
    "pause": "pause();",
    'system("sleep 30")': 'system("sleep 30");',
    "16 MB memcpy loop": "for (;;) memcpy(bl_a, bl_b, 16 << 20);",
    "waitpid on a sleeping child": "{ pid_t k = fork(); if (k == 0) { sleep(30); _exit(0); } waitpid(k, 0, 0); }",
}


@pytest.fixture
def blocking(km, kc):
    if not getattr(kc, "_blocking_headers", False):
        run_ok(kc, "#include <unistd.h>\n#include <semaphore.h>\n#include <sys/wait.h>\n"
                   "char *bl_a = malloc(16 << 20), *bl_b = malloc(16 << 20);")
        kc._blocking_headers = True
    return km, kc


@pytest.mark.timeout(200)
@pytest.mark.parametrize("kind", list(BLOCKING))
def test_blocking_call_interrupted(blocking, kind):
    """The stop button ends a cell waiting in a blocking call within 1 s, 20 times in 20."""
    km, kc = blocking
    for i in range(REPEAT):
        what = f"{kind} #{i + 1}"
        msg_id, _ = start_cell(kc, BLOCKING[kind])
        t0 = time.monotonic()
        if i % 2:
            km.interrupt_kernel()
            reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
        else:
            req = kc.session.msg("interrupt_request", {})
            kc.control_channel.send(req)
            reply, delay, msgs, _ = wait_end(kc, msg_id, t0, control_id=req["header"]["msg_id"])
        check_interrupted(reply, delay, msgs, what)
        check_next_cell(km, kc, what)


@pytest.mark.timeout(60)
def test_cell_ignoring_sigint_stays_interruptible(km, kc):
    """signal(SIGINT, SIG_IGN) in a cell does not disable the stop button."""
    run_ok(kc, "#include <signal.h>\nsignal(SIGINT, SIG_IGN);")
    for i in range(3):
        msg_id, _ = start_cell(kc, "for (;;) {}")
        t0 = time.monotonic()
        km.interrupt_kernel()
        reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
        check_interrupted(reply, delay, msgs, f"after SIG_IGN #{i + 1}")
    run_ok(kc, "signal(SIGINT, SIG_DFL);")


@pytest.mark.timeout(60)
def test_cell_sigint_handler_gets_the_first_interrupt(km, kc):
    """A cell's own SIGINT handler (a loop that stops cleanly) gets the first
    interrupt; a second one stops the cell anyway."""
    run_ok(kc, "#include <signal.h>\nvolatile int sh_stop = 0;\nvoid sh_on_int(int s) { sh_stop = 1; }\n"
               "signal(SIGINT, sh_on_int);")
    msg_id, _ = start_cell(kc, 'while (!sh_stop) {}\nprintf("stopped cleanly\\n");')
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
    assert reply["content"]["status"] == "ok", summarize(msgs)
    assert "stopped cleanly" in stdout_of(msgs)
    msg_id, _ = start_cell(kc, "for (;;) {}")
    t0 = time.monotonic()
    km.interrupt_kernel()
    time.sleep(0.2)
    km.interrupt_kernel()
    reply, delay, msgs, _ = wait_end(kc, msg_id, t0)
    check_interrupted(reply, delay - 0.2, msgs, "second interrupt")
    run_ok(kc, "signal(SIGINT, SIG_DFL);")
