"""The Jupyter messaging protocol (5.3) as the coursdl kernel speaks it."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import queue
import time
import uuid
from datetime import datetime, timezone

import pytest
import zmq
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from jupyter_kernel_test.msgspec_v5 import validate_message

from kernel_helpers import (
    KERNEL_EXE,
    KERNEL_NAME,
    collect_iopub,
    error_of,
    execute_results,
    flush,
    get_reply,
    outputs,
    require_kernelspec,
    run,
    run_error,
    run_ok,
    out,
    stop_kernel,
    stdout_of,
    summarize,
)

LANGUAGE_INFO = {
    "name": "c",
    "version": "C11",
    "mimetype": "text/x-csrc",
    "file_extension": ".c",
    "codemirror_mode": "text/x-csrc",
    "pygments_lexer": "c",
}


# ---- kernelspec -----------------------------------------------------------------

def test_kernelspec_installed_in_build():
    require_kernelspec()
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert spec.display_name == "C (coursDL)"
    assert spec.language == "c"
    assert spec.interrupt_mode == "signal"
    assert spec.argv[0] == str(KERNEL_EXE)
    assert os.path.isabs(spec.argv[0])
    assert spec.argv[1:] == ["-f", "{connection_file}"]
    for logo in ("logo-32x32.png", "logo-64x64.png"):
        path = os.path.join(spec.resource_dir, logo)
        assert os.path.isfile(path), f"{logo} missing from the kernelspec"
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{logo} is not a PNG"


# ---- kernel_info ------------------------------------------------------------------

def check_kernel_info(reply):
    validate_message(reply, "kernel_info_reply")
    c = reply["content"]
    assert c["status"] == "ok"
    assert c["protocol_version"] == "5.3"
    assert c["implementation"] == "coursdl"
    assert isinstance(c.get("implementation_version"), str)
    assert isinstance(c["banner"], str)
    li = c["language_info"]
    for key, value in LANGUAGE_INFO.items():
        assert li.get(key) == value, f"language_info[{key!r}] = {li.get(key)!r}, expected {value!r}"


def test_kernel_info_on_shell(kc):
    msg_id = kc.kernel_info()
    reply = get_reply(kc, msg_id, 10)
    check_kernel_info(reply)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["header"]["version"] == "5.3"
    # busy / idle around it, with the request as parent
    msgs = collect_iopub(kc, msg_id, 10)
    states = [m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"]
    assert states == ["busy", "idle"], summarize(msgs)


def test_kernel_info_on_control(kc):
    msg = kc.session.msg("kernel_info_request", {})
    kc.control_channel.send(msg)
    reply = get_reply(kc, msg["header"]["msg_id"], 10, channel="control")
    check_kernel_info(reply)


# ---- one `starting` status --------------------------------------------------------

def test_single_starting_status():
    """The client subscribes to IOPub before the kernel starts; the kernel
    publishes at most one `starting` status and it comes before anything else.
    (A `starting` published before the subscription is complete may be lost:
    ZeroMQ's slow joiner; then there is none to count.)"""
    require_kernelspec()
    ctx = zmq.Context()
    km = KernelManager(kernel_name=KERNEL_NAME, cache_ports=False, context=ctx)
    km.write_connection_file()
    info = km.get_connection_info()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.setsockopt(zmq.RECONNECT_IVL, 5)
    sub.setsockopt(zmq.LINGER, 0)
    sub.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")
    kc = km.client()
    seen = []
    try:
        km.start_kernel()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            if sub.poll(100):
                frames = sub.recv_multipart()
                i = frames.index(b"<IDS|MSG>")
                header = json.loads(frames[i + 2])
                content = json.loads(frames[i + 5])
                seen.append((header["msg_type"], content.get("execution_state")))
    finally:
        sub.close()
        stop_kernel(km, kc)
        ctx.destroy(linger=0)
    starting = [s for s in seen if s == ("status", "starting")]
    assert len(starting) <= 1, f"more than one starting status: {seen}"
    if starting:
        assert seen[0] == ("status", "starting"), f"starting is not the first message: {seen}"
    assert all(t != "status" or s in ("starting", "busy", "idle") for t, s in seen), seen


# ---- execute ----------------------------------------------------------------------------

def test_execute_message_sequence(kc):
    code = 'printf("sequence\\n");\n6 * 7'
    reply, msgs = run(kc, code)
    validate_message(reply, "execute_reply")
    for m in msgs:
        validate_message(m, m["msg_type"])
    assert reply["content"]["status"] == "ok"
    n = reply["content"]["execution_count"]
    types = [m["msg_type"] for m in msgs]
    assert types[0] == "status" and msgs[0]["content"]["execution_state"] == "busy", summarize(msgs)
    assert types[1] == "execute_input", summarize(msgs)
    assert msgs[1]["content"]["code"] == code
    assert msgs[1]["content"]["execution_count"] == n
    assert types[-1] == "status" and msgs[-1]["content"]["execution_state"] == "idle"
    assert types.count("status") == 2
    assert stdout_of(msgs) == "sequence\n"
    results = execute_results(msgs)
    assert len(results) == 1
    assert results[0]["execution_count"] == n
    assert results[0]["data"]["text/plain"] == "42"
    # the stdout of the cell comes before its Out
    assert types.index("stream") < types.index("execute_result")


def test_execution_count_increments(kc):
    reply, msgs = run(kc, "int ec_a = 1;")
    n = reply["content"]["execution_count"]
    reply, msgs = run(kc, "int ec_b = ;")  # compile error: counts too
    assert reply["content"]["status"] == "error"
    assert reply["content"]["execution_count"] == n + 1
    inputs = [m for m in msgs if m["msg_type"] == "execute_input"]
    assert inputs and inputs[0]["content"]["execution_count"] == n + 1
    reply, msgs = run(kc, "volatile int *ec_p = 0; *ec_p = 1;")  # runtime fault: counts too
    assert reply["content"]["status"] == "error"
    assert reply["content"]["execution_count"] == n + 2
    reply, _ = run(kc, "ec_a + 1")
    assert reply["content"]["execution_count"] == n + 3


def test_silent_execute(kc):
    reply, _ = run(kc, "int silent_before = 1;")
    n = reply["content"]["execution_count"]
    reply, msgs = run(kc, 'int silent_v = 17;\nprintf("not shown\\n");\nsilent_v', silent=True)
    assert reply["content"]["status"] == "ok"
    types = [m["msg_type"] for m in msgs]
    assert types == ["status", "status"], f"silent execute published {summarize(msgs)}"
    reply, _ = run(kc, "silent_v + 1")
    assert reply["content"]["execution_count"] == n + 1, "silent execute incremented the count"
    assert out(kc, "silent_v") == "17", "silent execute did not run"


def test_store_history_false_does_not_count(kc):
    reply, _ = run(kc, "int nohist_a = 1;")
    n = reply["content"]["execution_count"]
    reply, msgs = run(kc, "nohist_a = 5;", store_history=False)
    assert reply["content"]["status"] == "ok"
    reply, msgs = run(kc, "nohist_a")
    assert reply["content"]["execution_count"] == n + 1
    assert execute_results(msgs)[0]["data"]["text/plain"] == "5"


def _send_executes(kc, codes, **kwargs):
    return [kc.execute(code, **kwargs) for code in codes]


def test_stop_on_error_aborts_queued(kc):
    run_ok(kc, "int soe_ran = 0;")
    ids = _send_executes(kc, [
        "#include <unistd.h>\nusleep(300000);\nabort();",
        "soe_ran = 1;",
        "soe_ran = 2;",
    ])
    replies = [get_reply(kc, i, 30) for i in ids]
    assert replies[0]["content"]["status"] == "error"
    assert replies[0]["content"]["ename"] == "Aborted"
    assert [r["content"]["status"] for r in replies[1:]] == ["aborted", "aborted"]
    flush(kc, 0.3)
    assert out(kc, "soe_ran") == "0", "an aborted execute ran"


def test_stop_on_error_false_keeps_going(kc):
    run_ok(kc, "int soe2_ran = 0;")
    ids = _send_executes(kc, [
        "#include <unistd.h>\nusleep(200000);\nabort();",
        "soe2_ran = 1;",
    ], stop_on_error=False)
    replies = [get_reply(kc, i, 30) for i in ids]
    assert replies[0]["content"]["status"] == "error"
    assert replies[1]["content"]["status"] == "ok"
    flush(kc, 0.3)
    assert out(kc, "soe2_ran") == "1"


def test_next_execute_after_abort_runs(kc):
    ids = _send_executes(kc, ["#include <unistd.h>\nusleep(200000);\nexit(2);", "1"])
    replies = [get_reply(kc, i, 30) for i in ids]
    assert replies[0]["content"]["status"] == "error"
    assert replies[1]["content"]["status"] == "aborted"
    flush(kc, 0.3)
    assert out(kc, "2 + 3") == "5"


def test_cell_after_error_is_not_aborted(kc):
    """Only executes queued *behind* a failed one are aborted: a cell sent after
    the failed cell's reply and idle status runs (nbclient with allow_errors,
    and every person at a notebook, does exactly that)."""
    statuses = []
    for _ in range(20):
        reply, _ = run(kc, "abort();")
        assert reply["content"]["status"] == "error"
        reply, msgs = run(kc, "1")
        statuses.append(reply["content"]["status"])
    assert statuses == ["ok"] * 20, f"cells sent after a failed cell were answered {statuses}"


def test_user_expressions(kc):
    reply, msgs = run(
        kc,
        "int ue_x = 6;",
        user_expressions={
            "answer": "ue_x * 7",
            "half": "ue_x / 4.0",
            "bad": "ue_no_such_variable + 1",
        },
    )
    validate_message(reply, "execute_reply")
    c = reply["content"]
    assert c["status"] == "ok"
    ue = c["user_expressions"]
    assert set(ue) == {"answer", "half", "bad"}
    assert ue["answer"] == {"status": "ok", "data": {"text/plain": "42"}, "metadata": {}}
    assert ue["half"]["status"] == "ok" and ue["half"]["data"]["text/plain"] == "1.5"
    assert ue["bad"]["status"] == "error"
    assert isinstance(ue["bad"]["ename"], str) and ue["bad"]["ename"]
    assert isinstance(ue["bad"]["evalue"], str)
    # user expressions show nothing on IOPub
    assert outputs(msgs) == [], summarize(msgs)


# ---- is_complete -----------------------------------------------------------------------

def is_complete(kc, code):
    msg_id = kc.is_complete(code)
    reply = get_reply(kc, msg_id, 10)
    validate_message(reply, "is_complete_reply", msg_id)
    return reply["content"]


@pytest.mark.parametrize("code", [
    "int ic_x = 1;",
    "6 * 7",
    'printf("a { b\\n");',
    "int ic_f(void) {\n    return 1;\n}",
    "// a comment with {\nint ic_y = 2;",
    "char ic_c = '{';",
    "%lsmagic",
    "!echo hello",
])
def test_is_complete_complete(kc, code):
    assert is_complete(kc, code)["status"] == "complete"


@pytest.mark.parametrize("code", [
    "int ic_g(void) {",
    "for (int i = 0; i < 3; i++) {\n    printf(\"%d\\n\", i);",
    "int ic_a[] = {1, 2,",
    "/* an open comment",
    "if (1) {\n    if (2) {",
])
def test_is_complete_incomplete(kc, code):
    c = is_complete(kc, code)
    assert c["status"] == "incomplete"
    assert isinstance(c.get("indent"), str), f"incomplete without an indent: {c}"
    assert c["indent"].strip() == "", f"indent should be whitespace: {c['indent']!r}"
    if code.rstrip().endswith("{"):
        assert len(c["indent"]) > 0, "no indent inside an open brace"


@pytest.mark.parametrize("code", [
    "}",
    "int ic_z = (1 + 2));",
    "int ic_w = 1; }",
    "int ic_v[] = {1, 2]);",
])
def test_is_complete_invalid(kc, code):
    assert is_complete(kc, code)["status"] == "invalid"


# ---- history ------------------------------------------------------------------------------

def history(kc, **kwargs):
    kwargs.setdefault("raw", True)
    kwargs.setdefault("output", False)
    msg_id = kc.history(**kwargs)
    reply = get_reply(kc, msg_id, 10)
    validate_message(reply, "history_reply", msg_id)
    assert reply["content"]["status"] == "ok"
    return reply["content"]["history"]


def test_history_tail_range_search(fresh_kernel):
    kc = fresh_kernel.kc
    codes = ["int hist_a = 1;", "int hist_b = 2;", "hist_a + hist_b", "int hist_a = 1;"]
    counts = []
    for code in codes:
        reply, _ = run(kc, code)
        counts.append(reply["content"]["execution_count"])
    assert counts == [1, 2, 3, 4]

    tail = history(kc, hist_access_type="tail", n=3)
    assert [h[2] for h in tail] == codes[1:]
    assert [h[1] for h in tail] == counts[1:]
    session = tail[0][0]
    assert all(h[0] == session for h in tail)

    tail_out = history(kc, hist_access_type="tail", n=2, output=True)
    assert len(tail_out) == 2
    assert [h[2][0] for h in tail_out] == codes[2:]
    assert all(len(h[2]) == 2 for h in tail_out)
    assert tail_out[0][2][1] in (None, "3"), f"output of `hist_a + hist_b`: {tail_out[0][2]!r}"

    rng = history(kc, hist_access_type="range", session=0, start=2, stop=4)
    assert [(h[1], h[2]) for h in rng] == [(2, codes[1]), (3, codes[2])]

    found = history(kc, hist_access_type="search", pattern="*hist_a = 1*")
    assert [h[2] for h in found] == [codes[0], codes[3]]
    found = history(kc, hist_access_type="search", pattern="*hist_a = 1*", unique=True)
    assert [h[2] for h in found] == [codes[0]] or [h[2] for h in found] == [codes[3]]
    assert len(found) == 1
    found = history(kc, hist_access_type="search", pattern="int hist_?*")
    assert len(found) == 3
    found = history(kc, hist_access_type="search", pattern="*nothing like this*")
    assert found == []


# ---- comm_info ------------------------------------------------------------------------------

def test_comm_info(kc):
    msg_id = kc.comm_info()
    reply = get_reply(kc, msg_id, 10)
    validate_message(reply, "comm_info_reply", msg_id)
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["comms"] == {}
    msg_id = kc.comm_info(target_name="jupyter.widget")
    reply = get_reply(kc, msg_id, 10)
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["comms"] == {}


# ---- heartbeat --------------------------------------------------------------------------

def test_heartbeat_echoes(kernel, kc):
    info = kernel.km.get_connection_info()
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.REQ)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
    try:
        for payload in (b"ping", b"\x00binary\xff" * 10):
            sock.send(payload)
            assert sock.poll(3000), "no heartbeat echo within 3 s"
            assert sock.recv() == payload
    finally:
        sock.close()
    assert kc.is_alive()


# ---- shutdown and interrupt on control --------------------------------------------------

def test_shutdown_request_exits(fresh_kernel):
    km, kc = fresh_kernel.km, fresh_kernel.kc
    msg = kc.session.msg("shutdown_request", {"restart": False})
    kc.control_channel.send(msg)
    reply = get_reply(kc, msg["header"]["msg_id"], 10, channel="control")
    validate_message(reply, "shutdown_reply")
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["restart"] is False
    proc = km.provisioner.process
    deadline = time.monotonic() + 10
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is not None, "kernel process still running 10 s after shutdown_request"
    assert proc.returncode == 0, f"kernel exited with status {proc.returncode}"


def test_shutdown_request_restart(fresh_kernel):
    kc = fresh_kernel.kc
    msg = kc.session.msg("shutdown_request", {"restart": True})
    kc.control_channel.send(msg)
    reply = get_reply(kc, msg["header"]["msg_id"], 10, channel="control")
    validate_message(reply, "shutdown_reply")
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["restart"] is True


def test_interrupt_request_when_idle(km, kc):
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)
    reply = get_reply(kc, msg["header"]["msg_id"], 10, channel="control")
    validate_message(reply, "interrupt_reply")
    assert reply["content"]["status"] == "ok"
    time.sleep(0.2)
    assert km.is_alive()
    assert out(kc, "3 * 3") == "9"


def test_signal_when_idle(km, kc):
    km.interrupt_kernel()
    time.sleep(0.3)
    assert km.is_alive()
    flush(kc)
    assert out(kc, "4 * 4") == "16"


# ---- raw wire: signatures and malformed messages ----------------------------------------

DELIM = b"<IDS|MSG>"


class RawShell:
    """A plain DEALER socket on the shell port, speaking the wire protocol by hand."""

    def __init__(self, km):
        info = km.get_connection_info()
        self.key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
        assert info["signature_scheme"] == "hmac-sha256"
        assert self.key, "the kernel runs without a signing key"
        self.session = uuid.uuid4().hex
        self.sock = zmq.Context.instance().socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")

    def close(self):
        self.sock.close()

    def sign(self, *frames):
        h = hmac.new(self.key, digestmod=hashlib.sha256)
        for f in frames:
            h.update(f)
        return h.hexdigest().encode()

    def header(self, msg_type, msg_id=None):
        return {
            "msg_id": msg_id or uuid.uuid4().hex,
            "session": self.session,
            "username": "test",
            "date": datetime.now(timezone.utc).isoformat(),
            "msg_type": msg_type,
            "version": "5.3",
        }

    def frames(self, header, content, signature=None):
        parts = [
            json.dumps(header).encode() if not isinstance(header, bytes) else header,
            b"{}",
            b"{}",
            json.dumps(content).encode() if not isinstance(content, bytes) else content,
        ]
        sig = self.sign(*parts) if signature is None else signature
        return [DELIM, sig, *parts]

    def send(self, frames):
        self.sock.send_multipart(frames)

    def recv(self, timeout=5.0):
        """A reply (as a dict) or None when nothing came within timeout."""
        if not self.sock.poll(int(timeout * 1000)):
            return None
        frames = self.sock.recv_multipart()
        i = frames.index(DELIM)
        sig, parts = frames[i + 1], frames[i + 2:i + 6]
        assert hmac.compare_digest(sig, self.sign(*parts)), "the kernel's reply is not signed correctly"
        return {
            "header": json.loads(parts[0]),
            "parent_header": json.loads(parts[1]),
            "metadata": json.loads(parts[2]),
            "content": json.loads(parts[3]),
        }


@pytest.fixture
def raw(km, kc):
    r = RawShell(km)
    yield r
    r.close()


def execute_content(code):
    return {"code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}


def test_raw_good_signature_runs(raw, kc):
    h = raw.header("execute_request")
    raw.send(raw.frames(h, execute_content("int good_sig_ran = 1;")))
    reply = raw.recv(10)
    assert reply is not None, "no reply to a correctly signed execute_request"
    assert reply["header"]["msg_type"] == "execute_reply"
    assert reply["parent_header"]["msg_id"] == h["msg_id"]
    assert reply["content"]["status"] == "ok"
    assert out(kc, "good_sig_ran") == "1"


@pytest.mark.parametrize("signature", [b"0" * 64, b"", b"not-hex", None])
def test_raw_bad_signature_dropped(raw, km, kc, signature):
    h = raw.header("execute_request")
    content = execute_content("int bad_sig_ran = 1;")
    frames = raw.frames(h, content)
    if signature is None:
        # a signature computed with the wrong key
        wrong = hmac.new(b"wrong key", digestmod=hashlib.sha256)
        for f in frames[2:]:
            wrong.update(f)
        frames[1] = wrong.hexdigest().encode()
    else:
        frames[1] = signature
    raw.send(frames)
    assert raw.recv(1.0) is None, "the kernel answered a badly signed message"
    # nothing about it on IOPub either
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=0.1)
        except queue.Empty:
            continue
        assert m["parent_header"].get("msg_id") != h["msg_id"], "badly signed request was processed"
    assert km.is_alive()
    _, err, _ = run_error(kc, "bad_sig_ran")
    assert err["ename"] == "CompileError", "a badly signed execute_request ran"


def test_raw_tampered_content_dropped(raw, km, kc):
    h = raw.header("execute_request")
    frames = raw.frames(h, execute_content("int tampered_ran = 0;"))
    frames[5] = json.dumps(execute_content("int tampered_ran = 1;")).encode()
    raw.send(frames)
    assert raw.recv(1.0) is None
    assert km.is_alive()
    _, err, _ = run_error(kc, "tampered_ran")
    assert err["ename"] == "CompileError"


def _after_malformed(km, kc):
    time.sleep(0.1)
    assert km.is_alive(), "the kernel died on a malformed message"
    flush(kc, 0.1)
    assert out(kc, "40 + 2") == "42"


def test_raw_content_not_json(raw, km, kc):
    h = raw.header("execute_request")
    raw.send(raw.frames(h, b"{this is not json"))
    reply = raw.recv(5)
    assert reply is not None, "no reply to an execute_request whose content is not JSON"
    assert reply["header"]["msg_type"] == "execute_reply"
    assert reply["parent_header"].get("msg_id") == h["msg_id"]
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "InvalidRequest"
    _after_malformed(km, kc)


@pytest.mark.parametrize("content", [{}, {"code": 42}, {"code": None}, {"code": ["a"]}],
                         ids=["no-code", "int-code", "null-code", "list-code"])
def test_raw_execute_bad_code(raw, km, kc, content):
    h = raw.header("execute_request")
    raw.send(raw.frames(h, content))
    reply = raw.recv(5)
    assert reply is not None, f"no reply to execute_request with content {content}"
    assert reply["header"]["msg_type"] == "execute_reply"
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "InvalidRequest"
    _after_malformed(km, kc)


def test_raw_kernel_info_content_not_json(raw, km, kc):
    h = raw.header("kernel_info_request")
    raw.send(raw.frames(h, b"\xff\xfe garbage"))
    reply = raw.recv(5)
    assert reply is not None
    assert reply["header"]["msg_type"] == "kernel_info_reply"
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "InvalidRequest"
    _after_malformed(km, kc)


def test_raw_header_without_msg_type(raw, km, kc):
    h = raw.header("execute_request")
    del h["msg_type"]
    raw.send(raw.frames(h, execute_content("int no_type_ran = 1;")))
    reply = raw.recv(1.0)
    if reply is not None:
        assert reply["content"]["status"] == "error"
    _after_malformed(km, kc)
    _, err, _ = run_error(kc, "no_type_ran")
    assert err["ename"] == "CompileError"


@pytest.mark.parametrize("case", [
    "missing-frames", "only-delimiter", "no-delimiter", "header-not-json",
    "header-not-object", "empty", "unknown-msg-type", "extra-frames",
])
def test_raw_malformed_never_crashes(raw, km, kc, case):
    h = raw.header("execute_request")
    good = raw.frames(h, execute_content("1"))
    if case == "missing-frames":
        parts = good[2:4]
        frames = [DELIM, raw.sign(*parts), *parts]
    elif case == "only-delimiter":
        frames = [DELIM]
    elif case == "no-delimiter":
        frames = [b"garbage", b"more garbage"]
    elif case == "header-not-json":
        parts = [b"{header", b"{}", b"{}", b"{}"]
        frames = [DELIM, raw.sign(*parts), *parts]
    elif case == "header-not-object":
        parts = [b"[1, 2]", b"{}", b"{}", b"{}"]
        frames = [DELIM, raw.sign(*parts), *parts]
    elif case == "empty":
        frames = [b""]
    elif case == "unknown-msg-type":
        frames = raw.frames(raw.header("no_such_request"), {})
    else:  # extra-frames: buffers after content are allowed (and not signed)
        frames = good + [b"buffer"]
    raw.send(frames)
    reply = raw.recv(1.0)
    if reply is not None and case != "extra-frames":
        assert reply["content"]["status"] == "error", reply
    _after_malformed(km, kc)


# ---- limits (issue 10, item 10) ----------------------------------------------------------------

WIRE_MAX_FRAME = 64 << 20
WIRE_MAX_FRAMES = 4096


@pytest.mark.timeout(120)
def test_raw_oversize_request_gets_an_error_reply(raw, km, kc):
    """A request whose content frame is over the frame limit: an error reply,
    not silence (the kernel stays up and runs the next cell)."""
    h = raw.header("execute_request")
    content = json.dumps({"code": "/*" + "x" * (WIRE_MAX_FRAME + 10) + "*/", "silent": False}).encode()
    raw.send(raw.frames(h, content))
    reply = raw.recv(60)
    assert reply is not None, "no reply to an oversize execute_request"
    assert reply["header"]["msg_type"] == "execute_reply"
    assert reply["parent_header"].get("msg_id") == h["msg_id"]
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "InvalidRequest"
    assert "bytes" in reply["content"]["evalue"]
    _after_malformed(km, kc)


@pytest.mark.timeout(60)
def test_raw_thousands_of_buffers_get_an_error_reply(raw, km, kc):
    h = raw.header("execute_request")
    frames = raw.frames(h, execute_content("int many_buffers_ran = 1;")) + [b"b"] * (WIRE_MAX_FRAMES + 100)
    raw.send(frames)
    reply = raw.recv(20)
    assert reply is not None, "no reply to a request with thousands of buffers"
    assert reply["content"]["status"] == "error" and "frames" in reply["content"]["evalue"]
    _after_malformed(km, kc)
    _, err, _ = run_error(kc, "many_buffers_ran")
    assert err["ename"] == "CompileError", "the over-long request ran"


@pytest.mark.timeout(60)
def test_stdin_socket_is_size_limited(km, kc):
    """Nothing unauthenticated is buffered without bound: the stdin channel
    takes frames of at most 1 MB (bigger: the connection is dropped)."""
    info = km.get_connection_info()
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"{info['transport']}://{info['ip']}:{info['stdin_port']}")
    try:
        for _ in range(20):
            sock.send_multipart([DELIM, b"0" * 64, b"x" * (4 << 20), b"{}", b"{}", b"{}"])
        time.sleep(0.5)
        with open(f"/proc/{km.provisioner.process.pid}/status") as f:
            rss_mb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
        assert rss_mb < 200, f"the kernel holds {rss_mb:.0f} MB after 80 MB sent to stdin"
    finally:
        sock.close()
    assert km.is_alive()
    assert out(kc, "1 + 2") == "3"


@pytest.mark.timeout(60)
def test_empty_key_is_a_logged_warning(tmp_path):
    """A connection file with an empty key: the kernel starts (unsigned
    messages work) and its log warns that messages are not signed."""
    import subprocess
    import sys as _sys
    from jupyter_client import BlockingKernelClient
    from jupyter_client.connect import write_connection_file
    require_kernelspec()
    fname, info = write_connection_file(str(tmp_path / "conn.json"), key=b"")
    assert info["key"] in ("", b"")
    log = tmp_path / "kernel.log"
    with open(log, "wb") as logf:
        proc = subprocess.Popen([str(KERNEL_EXE), "-f", fname], stdout=logf, stderr=subprocess.STDOUT)
    kc = BlockingKernelClient()
    kc.load_connection_file(fname)
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        assert out(kc, "6 * 7") == "42"
        text = log.read_text()
        assert "empty key" in text and "not signed" in text, text
    finally:
        kc.stop_channels()
        proc.kill()
        proc.wait()
