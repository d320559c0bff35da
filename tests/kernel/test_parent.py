"""The kernel ends with the front-end that started it: a front-end killed
without a shutdown request (SIGKILL, a crash) leaves no kernel behind."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kernel_helpers import KERNEL_NAME, require_kernelspec

FRONT_END = f"""
import sys, time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name={KERNEL_NAME!r}, startup_timeout=60)
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.timeout(90)
def test_kernel_stops_when_its_front_end_is_killed():
    require_kernelspec()
    front = subprocess.Popen([sys.executable, "-c", FRONT_END], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ))
    kernel_pid = None
    try:
        kernel_pid = int(front.stdout.readline())
        assert alive(kernel_pid)
        time.sleep(1.5)
        assert alive(kernel_pid), "the kernel stopped while its front-end was alive"
        front.send_signal(signal.SIGKILL)
        front.wait()
        deadline = time.monotonic() + 10
        while alive(kernel_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(kernel_pid), "the kernel outlived the front-end that started it"
    finally:
        if front.poll() is None:
            front.kill()
        if kernel_pid and alive(kernel_pid):
            os.kill(kernel_pid, signal.SIGKILL)
