"""Helpers of the install tests: `make install` into a folder, a tiny MNIST-like
dataset in IDX format, a JupyterLab server driven over its REST and websocket
API (what a browser does), a kernelspec for a moved install."""
from __future__ import annotations

import asyncio
import gzip
import json
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent  # the venv the tests run in


def clean_env(**extra: str) -> dict:
    """The environment for a nested `make`: no jobserver or flags inherited
    from the `make test` that runs these tests."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(extra)
    return env


def make(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`make -C ROOT ARGS` without apt-get (the packages are there already)."""
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "NO_APT=1", *args],
                          env=clean_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


def write_idx_dataset(folder: Path, n: int, size: int = 4) -> None:
    """n images of size x size pixels (pixel = image index) and labels i % 10,
    as the gzip IDX files datasets_mnist reads (train and t10k)."""
    folder.mkdir(parents=True, exist_ok=True)
    for split in ("train", "t10k"):
        images = struct.pack(">IIII", 0x803, n, size, size) + bytes(
            i % 256 for i in range(n) for _ in range(size * size))
        labels = struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n))
        (folder / f"{split}-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))
        (folder / f"{split}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels))


def write_kernelspec(jupyter_dir: Path, name: str, kernel_exe: Path, env: dict | None = None) -> None:
    spec = jupyter_dir / "kernels" / name
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(kernel_exe), "-f", "{connection_file}"],
        "display_name": f"C (coursDL) {name}", "language": "c",
        "interrupt_mode": "signal", "env": env or {"OPENBLAS_NUM_THREADS": "1"},
    }))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """A JupyterLab server (already started by the caller) seen as a browser
    sees it: REST calls with the token, cells run over the kernel websocket."""

    def __init__(self, port: int, token: str):
        self.base = f"http://127.0.0.1:{port}"
        self.ws_base = f"ws://127.0.0.1:{port}"
        self.token = token

    def request(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
        return json.loads(text) if text else None

    def wait_ready(self, proc: subprocess.Popen, timeout: float = 90.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if proc.poll() is not None:
                raise AssertionError(f"JupyterLab exited with status {proc.returncode}")
            try:
                self.request("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"JupyterLab did not answer on {self.base} within {timeout:g} s")

    def run_cell(self, kernel_id: str, code: str, timeout: float = 60.0) -> dict:
        """Runs code in a kernel of this server; returns {"stdout", "stderr", "error", "status"}."""
        return asyncio.run(self._run_cell(kernel_id, code, timeout))

    async def _run_cell(self, kernel_id: str, code: str, timeout: float) -> dict:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = f"{self.ws_base}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
        ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.token}"}))
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        result = {"stdout": "", "stderr": "", "error": None, "status": None}
        idle = False
        end = time.monotonic() + timeout
        try:
            while not (idle and result["status"]):
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no reply to the cell within {timeout:g} s: {result}")
                raw = await asyncio.wait_for(ws.read_message(), left)
                if raw is None:
                    raise AssertionError("the kernel websocket closed")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    result[content["name"]] += content["text"]
                elif kind == "error":
                    result["error"] = content
                elif kind == "execute_reply":
                    result["status"] = content["status"]
                elif kind == "status" and content["execution_state"] == "idle":
                    idle = True
        finally:
            ws.close()
        return result
