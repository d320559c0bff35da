"""Helpers shared by the kernel tests: start/stop a real coursdl kernel, run a
cell and collect every IOPub message it caused, pick outputs apart.

Everything here talks to a real kernel process over ZeroMQ (jupyter_client);
nothing is mocked.
"""
from __future__ import annotations

import os
import queue
import re
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
JUPYTER_DATA = BUILD / "share" / "jupyter"
KERNEL_NAME = "coursdl"
KERNEL_EXE = BUILD / "coursdl-kernel"
KERNEL_JSON = JUPYTER_DATA / "kernels" / KERNEL_NAME / "kernel.json"

# Must be set before any KernelManager / KernelSpecManager is created.
os.environ["JUPYTER_PATH"] = str(JUPYTER_DATA)

from jupyter_client.manager import KernelManager  # noqa: E402

DEFAULT_TIMEOUT = 30.0
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class KernelTimeout(AssertionError):
    """The kernel did not answer in time (an assertion, so the test fails)."""


class KernelDied(AssertionError):
    """The kernel process exited while a test waited for it."""


def require_kernelspec() -> None:
    if not KERNEL_JSON.is_file() or not KERNEL_EXE.is_file():
        raise RuntimeError(
            f"coursdl kernel not built ({KERNEL_JSON} / {KERNEL_EXE} missing): "
            "run `make build/coursdl-kernel kernelspec` first"
        )


def start_kernel(startup_timeout: float = 60.0, **km_kwargs: Any):
    """Starts a fresh coursdl kernel; returns (km, kc) once kernel_info answered."""
    require_kernelspec()
    km = KernelManager(kernel_name=KERNEL_NAME, **km_kwargs)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=startup_timeout)
    except BaseException:
        stop_kernel(km, kc)
        raise
    return km, kc


def stop_kernel(km, kc) -> None:
    """Shuts the kernel down (politely, then by force); never leaves a process."""
    try:
        if kc is not None:
            kc.stop_channels()
    finally:
        if km is not None and km.has_kernel:
            try:
                km.shutdown_kernel(now=not km.is_alive())
            except Exception:
                km.shutdown_kernel(now=True)


def flush(kc, wait: float = 0.05) -> None:
    """Drops whatever is pending on shell, iopub and control."""
    for get in (kc.get_shell_msg, kc.get_iopub_msg, kc.get_control_msg):
        while True:
            try:
                get(timeout=wait)
            except queue.Empty:
                break


def summarize(msgs: list[dict]) -> str:
    parts = []
    for m in msgs:
        t = m["msg_type"]
        c = m["content"]
        if t == "status":
            parts.append(f"status:{c.get('execution_state')}")
        elif t == "stream":
            parts.append(f"stream:{c.get('name')}:{c.get('text', '')[:60]!r}")
        elif t == "error":
            parts.append(f"error:{c.get('ename')}:{c.get('evalue', '')[:100]!r}")
        else:
            parts.append(t)
    return "[" + ", ".join(parts) + "]"


def collect_iopub(kc, msg_id: str, timeout: float = DEFAULT_TIMEOUT) -> list[dict]:
    """Every IOPub message whose parent is msg_id, up to and including idle."""
    deadline = time.monotonic() + timeout
    msgs: list[dict] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise KernelTimeout(
                f"no idle status for request {msg_id} within {timeout} s; got {summarize(msgs)}"
            )
        try:
            msg = kc.get_iopub_msg(timeout=min(remaining, 1.0))
        except queue.Empty:
            check_alive(kc, f"while waiting for request {msg_id}; got {summarize(msgs)}")
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return msgs


def exit_status(kc):
    """The exit status of the kernel process (None while it runs or if unknown)."""
    km = getattr(kc, "parent", None)
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    return proc.poll() if proc is not None else None


def check_alive(kc, context: str = "") -> None:
    """Fails at once, with the exit status, when the kernel process is gone."""
    km = getattr(kc, "parent", None)
    if km is None or not hasattr(km, "is_alive"):
        return
    if not km.is_alive():
        raise KernelDied(f"kernel process died (exit status {exit_status(kc)}) {context}")


def get_reply(kc, msg_id: str, timeout: float = DEFAULT_TIMEOUT, channel: str = "shell") -> dict:
    """The reply to msg_id on shell (or control); other replies are skipped."""
    get = kc.get_shell_msg if channel == "shell" else kc.get_control_msg
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise KernelTimeout(f"no {channel} reply to {msg_id} within {timeout} s")
        try:
            msg = get(timeout=min(remaining, 1.0))
        except queue.Empty:
            check_alive(kc, f"while waiting for the reply to {msg_id}")
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def run(kc, code: str, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any):
    """Executes code; returns (execute_reply, iopub messages for that request).

    The IOPub list holds everything with the request as parent, in order:
    status busy, execute_input, outputs..., status idle."""
    msg_id = kc.execute(code, **kwargs)
    deadline = time.monotonic() + timeout
    msgs = collect_iopub(kc, msg_id, timeout)
    reply = get_reply(kc, msg_id, max(0.5, deadline - time.monotonic()))
    return reply, msgs


# ---- picking outputs apart --------------------------------------------------

def outputs(msgs: list[dict]) -> list[dict]:
    """The output messages: everything but status and execute_input."""
    return [m for m in msgs if m["msg_type"] not in ("status", "execute_input")]


def stream_text(msgs: list[dict], name: str = "stdout") -> str:
    return "".join(
        m["content"]["text"]
        for m in msgs
        if m["msg_type"] == "stream" and m["content"]["name"] == name
    )


def stdout_of(msgs: list[dict]) -> str:
    return stream_text(msgs, "stdout")


def stderr_of(msgs: list[dict]) -> str:
    return stream_text(msgs, "stderr")


def errors(msgs: list[dict]) -> list[dict]:
    return [m["content"] for m in msgs if m["msg_type"] == "error"]


def error_of(msgs: list[dict]) -> dict:
    """The content of the one IOPub error message (fails if not exactly one)."""
    errs = errors(msgs)
    assert len(errs) == 1, f"expected exactly one error message, got {summarize(msgs)}"
    return errs[0]


def execute_results(msgs: list[dict]) -> list[dict]:
    return [m["content"] for m in msgs if m["msg_type"] == "execute_result"]


def displays(msgs: list[dict], kind: str = "display_data") -> list[dict]:
    return [m["content"] for m in msgs if m["msg_type"] == kind]


def traceback_text(err: dict) -> str:
    return ANSI.sub("", "\n".join(err.get("traceback", [])))


def all_text(msgs: list[dict]) -> str:
    """Every bit of text a cell showed: streams, text/plain displays and results."""
    parts = []
    for m in msgs:
        c = m["content"]
        if m["msg_type"] == "stream":
            parts.append(c["text"])
        elif m["msg_type"] in ("display_data", "execute_result", "update_display_data"):
            parts.append(c.get("data", {}).get("text/plain", ""))
    return "".join(parts)


# ---- assertions that read well in tests ----------------------------------------

def run_ok(kc, code: str, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any) -> list[dict]:
    """Runs code, asserts it succeeded; returns the IOPub messages."""
    reply, msgs = run(kc, code, timeout, **kwargs)
    if reply["content"]["status"] != "ok":
        c = reply["content"]
        raise AssertionError(
            f"cell failed (status {c.get('status')!r}): {c.get('ename')}: {c.get('evalue')}\n"
            f"--- cell ---\n{code}\n--- iopub ---\n{summarize(msgs)}\n"
            f"{traceback_text(c)}"
        )
    return msgs


def out(kc, code: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Runs code whose last expression has no `;`; returns Out's text/plain."""
    msgs = run_ok(kc, code, timeout)
    results = execute_results(msgs)
    assert len(results) == 1, f"expected one execute_result for {code!r}, got {summarize(msgs)}"
    return results[0]["data"]["text/plain"]


def run_error(kc, code: str, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any):
    """Runs code, asserts it failed; returns (reply content, iopub error content, msgs)."""
    reply, msgs = run(kc, code, timeout, **kwargs)
    c = reply["content"]
    assert c["status"] == "error", (
        f"expected the cell to fail, got status {c['status']!r}: {summarize(msgs)}\n--- cell ---\n{code}"
    )
    err = error_of(msgs)
    assert c.get("ename") == err["ename"], (c.get("ename"), err["ename"])
    return c, err, msgs


def alive_check(km, kc, expr: str = "20 + 22", expected: str = "42") -> None:
    """The kernel process lives and runs a cell."""
    assert km.is_alive(), "kernel process died"
    assert out(kc, expr) == expected
