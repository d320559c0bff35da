"""A JupyterLab server (from the venv) with the coursdl kernelspec, and
Debian's headless Chromium driven by Playwright (no browser download:
`executable_path` is Debian's binary). Screenshots go to build/browser/."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
SHOTS = BUILD / "browser"
CHROMIUM = os.environ.get("COURSDL_CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): time limit of a test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, app: str, root: Path):
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.root = root
        env = dict(os.environ,
                   JUPYTER_PATH=str(BUILD / "share" / "jupyter"),
                   JUPYTER_CONFIG_DIR=str(root / ".jupyter-config"),
                   JUPYTER_RUNTIME_DIR=str(root / ".jupyter-runtime"),
                   JUPYTERLAB_WORKSPACES_DIR=str(root / ".jupyter-workspaces"))
        exe = Path(sys.executable).parent / "jupyter"
        cmd = [str(exe), app, "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
               f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={root}",
               "--ServerApp.disable_check_xsrf=True", "--LabApp.news_url=", "--allow-root"]
        self.log = open(root / f"{app}.log", "w")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2).read()
                return
            except Exception:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{app} did not start: see {root / (app + '.log')}")
                time.sleep(0.3)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


def make_root(tmp_path_factory, name: str) -> Path:
    root = tmp_path_factory.mktemp(name)
    shutil.copy(REPO / "notebooks" / "tp1_1_perceptron.ipynb", root)
    return root


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    s = Server("lab", make_root(tmp_path_factory, "lab"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory):
    s = Server("notebook", make_root(tmp_path_factory, "nb7"))
    yield s
    s.stop()
