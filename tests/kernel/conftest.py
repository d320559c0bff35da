"""Fixtures of the kernel tests.

- `kernel` (module scope): one real coursdl kernel shared by a module's tests
  (fast); a test that fails leaves it checked and, if it no longer answers,
  replaced by a fresh one so later tests are not blamed.
- `kc`: its blocking client, channels flushed. `km`: its manager.
- `fresh_kernel`: a kernel of its own for a test that needs clean state.
- Per-test timeout: 30 s unless a test says `@pytest.mark.timeout(N)`, so a
  hang fails the test instead of blocking CI.

Helpers (run, outputs, stdout_of, error_of, execute_results...) live in
kernel_helpers.py and are re-exported here.
"""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kernel_helpers import *  # noqa: E402,F401,F403  (re-exported helpers)
from kernel_helpers import (  # noqa: E402
    KernelTimeout,
    flush,
    out,
    start_kernel,
    stop_kernel,
)

TEST_TIMEOUT = 30.0


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "timeout(seconds): per-test time limit of the kernel tests (default 30 s)"
    )


class TestTimeout(Exception):
    pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Fails a test that runs longer than its limit (SIGALRM in the main thread)."""
    marker = item.get_closest_marker("timeout")
    seconds = float(marker.args[0]) if marker else TEST_TIMEOUT

    def on_alarm(signum, frame):
        raise TestTimeout(f"test exceeded its time limit of {seconds:g} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


class KernelHandle:
    """A kernel process and its client; `restart()` replaces both."""

    def __init__(self):
        self.km = None
        self.kc = None
        self.start()

    def start(self):
        self.km, self.kc = start_kernel()

    def stop(self):
        km, kc = self.km, self.kc
        self.km = self.kc = None
        stop_kernel(km, kc)

    def restart(self):
        self.stop()
        self.start()

    def healthy(self) -> bool:
        if self.km is None or not self.km.is_alive():
            return False
        # Two tries: a probe sent right after a failed cell may be answered
        # "aborted" (stop_on_error) without anything being wrong.
        for _ in range(2):
            try:
                flush(self.kc)
                if out(self.kc, "1 + 1", timeout=5) == "2":
                    return True
            except Exception:
                pass
            time.sleep(0.2)
        return False

    def recover(self):
        """After a failed test: make sure the kernel answers, else restart it."""
        if self.healthy():
            return
        if self.km is not None and self.km.is_alive():
            # Perhaps a cell still runs: interrupt it and look again.
            try:
                self.km.interrupt_kernel()
            except Exception:
                pass
            if self.healthy():
                return
        self.restart()


@pytest.fixture(scope="module")
def kernel():
    handle = KernelHandle()
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def kc(kernel, request):
    flush(kernel.kc)
    yield kernel.kc
    rep = getattr(request.node, "rep_call", None)
    if rep is None or rep.failed:
        kernel.recover()


@pytest.fixture
def km(kernel, kc):
    return kernel.km


@pytest.fixture
def fresh_kernel():
    handle = KernelHandle()
    try:
        yield handle
    finally:
        handle.stop()
