"""A class server: one system-wide install (as the README's classroom section
says: `make install KERNEL_THREADS=1`, datasets in PREFIX/share/coursdl/data),
two students, each running their own JupyterLab as their own Unix user. Each
student's kernel runs as that student, sees the thread cap of the
kernelspec, and finds the class's dataset or, when COURSDL_DATA is set, their
own."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from install_helpers import VENV_BIN, JupyterServer, free_port, make, write_idx_dataset

STUDENTS = {"alice": 40101, "bob": 40102}  # uids with no other use on a test machine

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                                reason="needs root and setpriv to start servers as other users")


@pytest.fixture
def server_root():
    """World-readable (pytest's own temporary folders are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="coursdl-classroom-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def start_lab(user: str, home: Path, jupyter_path: Path, extra_env: dict):
    uid = STUDENTS[user]
    for path in [home, *home.rglob("*")]:
        os.chown(path, uid, uid)
    port, token = free_port(), secrets.token_hex(16)
    env = {"HOME": str(home), "USER": user, "LOGNAME": user, "PATH": "/usr/bin:/bin",
           "JUPYTER_PATH": str(jupyter_path), "LANG": "C.UTF-8", **extra_env}
    cmd = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
           str(VENV_BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}"]
    log = open(home.parent / f"{user}.log", "wb")
    proc = subprocess.Popen(cmd, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    return proc, JupyterServer(port, token)


CELL = ('#include <unistd.h>\n'
        'Dataset *d = datasets_mnist(NULL, true);\n'
        'printf("uid=%d threads=%d images=%lld\\n", (int)getuid(), get_num_threads(),'
        ' (long long)data_len(d));')


def test_two_students_one_install(server_root):
    prefix = server_root / "usr-local"
    make("install", f"PREFIX={prefix}", "KERNEL_THREADS=1")
    # The class's dataset, where the README tells the teacher to put it.
    write_idx_dataset(prefix / "share/coursdl/data/mnist-subset", 5)
    (server_root / "home").mkdir(mode=0o755)
    homes = {u: server_root / "home" / u for u in STUDENTS}
    for home in homes.values():
        home.mkdir()
    # Bob's own copy in his home, chosen with COURSDL_DATA.
    write_idx_dataset(homes["bob"] / "data/mnist-subset", 3)
    procs = []
    try:
        procs.append(start_lab("alice", homes["alice"], prefix / "share/jupyter", {}))
        procs.append(start_lab("bob", homes["bob"], prefix / "share/jupyter",
                               {"COURSDL_DATA": str(homes["bob"] / "data")}))
        for proc, server in procs:  # both start at once
            server.wait_ready(proc)
        results = {}
        for user, (_, server) in zip(STUDENTS, procs):
            specs = server.request("GET", "/api/kernelspecs")["kernelspecs"]
            assert specs["coursdl"]["spec"]["display_name"] == "C (coursDL)"
            kernel = server.request("POST", "/api/kernels", {"name": "coursdl"})
            results[user] = server.run_cell(kernel["id"], CELL)
        for user, r in results.items():
            assert r["status"] == "ok", (user, r)
        assert results["alice"]["stdout"] == f"uid={STUDENTS['alice']} threads=1 images=5\n"
        assert results["bob"]["stdout"] == f"uid={STUDENTS['bob']} threads=1 images=3\n"
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
