#!/usr/bin/env python3
"""`make test-install`: the README's install commands on a fresh Debian 12.

A clean Debian 12 root is made with debootstrap (minbase, plus sudo as on a
cloud VM). Two copies of it are taken through the README exactly as a
person would type it, the only change being that `git clone URL coursdl`
unpacks this working tree instead (the test cannot reach the repository's
host):

  root     as root: the "Linux machine" commands (system-wide install), the
           checkout deleted, a course notebook executed by nbclient with the
           installed kernel; then the "Colab" cells in a Python notebook
           (install cell, %%c cells) executed by nbclient on ipykernel.
  student  as a user with sudo: the same commands (install into ~/.local,
           packages through sudo), `make run` (JupyterLab answers at the
           address it prints last, with the kernel listed), the checkout
           deleted, the course notebook executed by nbclient.

Each check prints a line; the last line is `N passed, N failed`. Mounts
made in the roots are undone and processes left in them ended, whatever
happens. Downloaded packages are kept in $COURSDL_INSTALL_CACHE
(default /var/cache/coursdl-test-install) for the next run.

Usage: fresh_system.py [--keep] [--only root|student|make-test] [--suite bookworm|jammy|noble]
(jammy and noble: Ubuntu 22.04 and 24.04, a manual check of their package
versions; make-test: the project's `make test` inside the root.)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
COURSE_NOTEBOOK = "tp1_1_perceptron.ipynb"  # teacher version: every check passes
STUDENT = "student"
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CACHE = Path(os.environ.get("COURSDL_INSTALL_CACHE", "/var/cache/coursdl-test-install"))

RESULTS: list[tuple[str, bool, str]] = []


def log(*args) -> None:
    print(*args, flush=True)


def check(name: str, ok: bool, detail: str = "") -> bool:
    RESULTS.append((name, ok, detail))
    log(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""))
    return ok


# ---- the README's commands ---------------------------------------------------

def readme_block(marker: str) -> str:
    """The first fenced block after `<!-- test-install: MARKER -->` in README.md."""
    text = README.read_text(encoding="utf-8")
    m = re.search(r"<!-- test-install: " + re.escape(marker) + r" -->\s*```[a-z]*\n(.*?)```", text, re.S)
    if not m:
        raise SystemExit(f"README.md has no block marked <!-- test-install: {marker} -->")
    return m.group(1)


def as_script(block: str, archive: str) -> str:
    """The block as a bash script; `git clone URL DIR` unpacks the archive as DIR."""
    lines = ["set -euxo pipefail"]
    for line in block.splitlines():
        m = re.match(r"\s*git clone\s+(?:-\S+\s+)*\S+\s+(\S+)\s*(#.*)?$", line)
        if m:
            target = m.group(1)
            lines.append(f"mkdir {target} && tar -xzf {archive} -C {target} --strip-components=1")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def source_archive(dest: Path) -> None:
    """This working tree (tracked and untracked files git does not ignore), as
    a release archive would hold it: coursdl/..."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    with tarfile.open(dest, "w:gz") as tar:
        for name in sorted(n for n in names if n):
            path = ROOT / name
            if path.is_file() and not path.is_symlink():
                tar.add(path, arcname=f"coursdl/{name}")


# ---- the roots ------------------------------------------------------------------

class Root:
    """A Debian root with /proc, /sys, /dev and the package caches mounted."""

    def __init__(self, path: Path):
        self.path = path
        self.mounts: list[Path] = []

    def mount(self, *args: str, target: str) -> None:
        where = self.path / target.lstrip("/")
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", *args, str(where)], check=True)
        self.mounts.append(where)

    def __enter__(self):
        try:
            self.mount("-t", "proc", "proc", target="/proc")
            self.mount("-t", "sysfs", "sysfs", target="/sys")
            self.mount("--bind", "/dev", target="/dev")
            self.mount("--bind", "/dev/pts", target="/dev/pts")
            self.mount("-t", "tmpfs", "tmpfs", target="/dev/shm")
            apt_cache = CACHE / "apt-archives"
            (apt_cache / "partial").mkdir(parents=True, exist_ok=True)
            self.mount("--bind", str(apt_cache), target="/var/cache/apt/archives")
            self.mount("--bind", str(CACHE / "pip"), target="/var/cache/pip-test")
            shutil.copy("/etc/resolv.conf", self.path / "etc/resolv.conf")
            self.trust_host_network()
        except BaseException:
            self.__exit__()
            raise
        return self

    def trust_host_network(self) -> None:
        """This machine reaches PyPI through TLS it trusts with its own CA
        bundle (pip's `cert` setting): the root gets the same setting, as a
        VM on this network would."""
        bundle = Path(os.environ.get("PIP_CERT") or "/etc/ssl/certs/ca-certificates.crt")
        if bundle.is_file():
            shutil.copy(bundle, self.path / "etc/host-ca-bundle.crt")
            (self.path / "etc/pip.conf").write_text("[global]\ncert = /etc/host-ca-bundle.crt\n")

    def processes(self) -> list[int]:
        me = os.getpid()
        found = []
        real = os.path.realpath(self.path)
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == me:
                continue
            try:
                if os.path.realpath(f"/proc/{entry}/root") == real:
                    found.append(int(entry))
            except OSError:
                pass
        return found

    def __exit__(self, *exc):
        # End what the commands left running in the root (a server, kernels),
        # then undo the mounts, last first.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = self.processes()
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            if pids:
                time.sleep(2)
        for where in reversed(self.mounts):
            if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(where)], capture_output=True)
        self.mounts.clear()
        return False

    def run(self, script: str, user: str = "root", timeout: float = 900, env: dict | None = None,
            background: bool = False, log_path: Path | None = None):
        """Runs a bash script in the root as `user` (a login-like environment)."""
        home = "/root" if user == "root" else f"/home/{user}"
        base = {"HOME": home, "USER": user, "LOGNAME": user, "PATH": BASE_PATH,
                "LANG": "C.UTF-8", "TERM": "dumb", "SHELL": "/bin/bash"}
        base.update(env or {})
        envs = [f"{k}={v}" for k, v in base.items()]
        inner = ["env", "-i", *envs, "bash", "-c", f"cd {home} && {script}"]
        if user != "root":
            inner = ["runuser", "-u", user, "--", *inner]
        cmd = ["chroot", str(self.path), *inner]
        if background:
            out = open(log_path, "wb")
            return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)


UBUNTU = {"jammy": "22.04", "noble": "24.04"}


def debootstrap(suite: str, dest: Path, work: Path) -> None:
    debs = CACHE / f"debootstrap-{suite}"
    debs.mkdir(parents=True, exist_ok=True)
    opts, env = [], dict(os.environ)
    if suite in UBUNTU:
        # A manual check of Ubuntu's package versions (CI uses bookworm).
        # Debian has no Ubuntu keyring to verify the archive with, and this
        # debootstrap may predate the suite: its Ubuntu script serves all.
        opts = ["--no-check-gpg", "--components=main,universe"]
        scripts = work / "debootstrap"
        shutil.copytree("/usr/share/debootstrap", scripts, symlinks=True)
        if not (scripts / "scripts" / suite).exists():
            (scripts / "scripts" / suite).symlink_to("gutsy")
        env["DEBOOTSTRAP_DIR"] = str(scripts)
    t0 = time.monotonic()
    proc = subprocess.run(["debootstrap", "--variant=minbase", "--include=sudo", f"--cache-dir={debs}",
                           *opts, suite, str(dest)], capture_output=True, text=True, timeout=1200, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"debootstrap failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    log(f"debootstrap {suite}: {time.monotonic() - t0:.0f} s")
    # dpkg without fsync, as in Debian's container images: the test measures
    # the install, not this disk's sync latency.
    (dest / "etc/dpkg/dpkg.cfg.d/force-unsafe-io").write_text("force-unsafe-io\n")


def packages(root: Root) -> int:
    out = root.run("dpkg-query -W -f='${Status}\\n' | grep -c 'install ok installed'").stdout
    return int(out.strip() or 0)


def disk_used(path: Path) -> int:
    """Bytes used under path (one filesystem: the root, not its mounts)."""
    out = subprocess.run(["du", "-sxb", str(path)], capture_output=True, text=True).stdout
    return int(out.split()[0])


def step(root: Root, name: str, script: str, **kw) -> subprocess.CompletedProcess | None:
    t0 = time.monotonic()
    try:
        proc = root.run(script, **kw)
    except subprocess.TimeoutExpired as e:
        check(name, False, f"timed out after {e.timeout:g} s")
        return None
    seconds = time.monotonic() - t0
    ok = proc.returncode == 0
    detail = f"exit status {proc.returncode}\n{(proc.stdout + proc.stderr)[-4000:]}"
    check(f"{name} ({seconds:.0f} s)", ok, detail)
    return proc if ok else None


# ---- what is checked in the roots ----------------------------------------------

CHECKER_VENV = "/opt/checker"
# nbclient, run by the roots' Python, executes a notebook and writes it back.
RUN_NOTEBOOK = r'''
import sys, nbformat
from nbclient import NotebookClient
path, kernel = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, kernel_name=kernel, timeout=600, allow_errors=True,
               resources={"metadata": {"path": "/tmp"}}).execute()
nbformat.write(nb, path)
'''


def course_notebook_ok(nb: dict) -> tuple[bool, str]:
    """Every cell ran; errors only where a cell is tagged raises-exception;
    every graded check passed; figures were drawn."""
    checks = figures = 0
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("execution_count") is None:
            return False, f"cell {i} did not run"
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        expected = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        if errors and not expected:
            return False, f"cell {i}: {errors[0]['ename']}: {errors[0]['evalue']}"
        if expected and not errors:
            return False, f"cell {i} is tagged raises-exception but raised nothing"
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            checks += 1
        figures += sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
    if not checks or not figures:
        return False, f"{checks} graded checks and {figures} figures ran"
    return True, ""


def run_course_notebook(root: Root, user: str, label: str, work: Path) -> None:
    home = Path("/root") if user == "root" else Path("/home") / user
    target = root.path / str(home).lstrip("/") / COURSE_NOTEBOOK
    shutil.copy(ROOT / "notebooks" / COURSE_NOTEBOOK, target)
    if user != "root":
        uid = int(root.run(f"id -u {user}").stdout)
        os.chown(target, uid, uid)
    (root.path / "tmp/run_notebook.py").write_text(RUN_NOTEBOOK)
    proc = step(root, f"{label}: {COURSE_NOTEBOOK} executed by nbclient with the installed kernel",
                f"{CHECKER_VENV}/bin/python /tmp/run_notebook.py {COURSE_NOTEBOOK} coursdl",
                user=user, timeout=600)
    if proc:
        ok, detail = course_notebook_ok(json.loads(target.read_text()))
        check(f"{label}: the course notebook's outputs (checks pass, figures drawn)", ok, detail)


def checker_venv(root: Root) -> bool:
    """nbclient and ipykernel for the roots' notebooks (what a person's own
    Jupyter brings); made after the install so that it cannot help it."""
    return step(root, "checker: python3-venv, nbclient and ipykernel in /opt/checker",
                "apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends python3-venv"
                f" >/dev/null && python3 -m venv {CHECKER_VENV} && "
                f"{CHECKER_VENV}/bin/pip install -q --disable-pip-version-check nbclient ipykernel",
                timeout=900, env={"PIP_CACHE_DIR": "/var/cache/pip-test"}) is not None


def install_block(root: Root, user: str, label: str) -> bool:
    script = as_script(readme_block("vm-install"), "/tmp/coursdl.tar.gz")
    before_pkgs, before_disk = packages(root), disk_used(root.path)
    t0 = time.monotonic()
    proc = step(root, f"{label}: the README's Linux install commands", script, user=user, timeout=1500)
    if proc is None:
        return False
    seconds = time.monotonic() - t0
    after_pkgs, after_disk = packages(root), disk_used(root.path)
    log(f"     measured: {seconds:.0f} s, {after_pkgs - before_pkgs} Debian packages added "
        f"({before_pkgs} -> {after_pkgs}), {(after_disk - before_disk) / 1e6:.0f} MB more on disk "
        "(checkout and build folder included)")
    compiler = root.run("gcc --version | head -n 1; dpkg-query -W -f='tcc ${Version}\n' tcc").stdout.split("\n")
    warnings = sorted({l for l in (proc.stdout + proc.stderr).splitlines() if "warning:" in l})
    log(f"     {'; '.join(c for c in compiler if c)}: {len(warnings)} compiler warnings")
    for w in warnings[:20]:
        log(f"       {w}")
    home = "/root" if user == "root" else f"/home/{user}"
    prefix = "/usr/local" if user == "root" else f"{home}/.local"
    spec = root.path / prefix.lstrip("/") / "share/jupyter/kernels/coursdl/kernel.json"
    ok = spec.is_file() and json.loads(spec.read_text())["argv"][0] == f"{prefix}/bin/coursdl-kernel"
    check(f"{label}: kernelspec in {prefix}/share/jupyter/kernels names {prefix}/bin/coursdl-kernel", ok)
    return ok


def make_run(root: Root, work: Path) -> None:
    """The README's `make run`: JupyterLab answers at the address printed last."""
    block = readme_block("vm-run")
    script = f"cd coursdl && {block.strip()}"
    log_path = work / "make-run.log"
    proc = root.run(script, user=STUDENT, background=True, log_path=log_path,
                    env={"PIP_CACHE_DIR": f"/home/{STUDENT}/.cache/pip"})
    url, t0 = None, time.monotonic()
    try:
        while time.monotonic() - t0 < 600 and proc.poll() is None:
            lines = [l for l in log_path.read_text(errors="replace").splitlines() if l.strip()]
            if lines and lines[-1].startswith("Open: http"):
                url = lines[-1].split()[-1]
                break
            time.sleep(1)
        text = log_path.read_text(errors="replace")
        if not check(f"student: `{block.strip()}` prints the address last ({time.monotonic() - t0:.0f} s)",
                     url is not None, text[-3000:]):
            return
        m = re.match(r"http://127\.0\.0\.1:(\d+)/lab\?token=(\w+)$", url)
        check("student: the address is http://127.0.0.1:PORT/lab?token=TOKEN", m is not None, url)
        if not m:
            return
        probe = (f"import json, urllib.request; r = urllib.request.Request('http://127.0.0.1:{m[1]}/api/kernelspecs',"
                 f" headers={{'Authorization': 'token {m[2]}'}}); "
                 "print(json.load(urllib.request.urlopen(r))['kernelspecs']['coursdl']['spec']['display_name'])")
        res = root.run(f"coursdl/.venv/bin/python -c {shlex.quote(probe)}", user=STUDENT, timeout=60)
        check("student: that JupyterLab offers \"C (coursDL)\"", res.stdout.strip() == "C (coursDL)",
              res.stdout + res.stderr)
        check("student: `make run` lists how to reach it from another machine",
              "From another machine" in text, text[-2000:])
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def colab_notebook(root: Root, work: Path) -> None:
    """The README's Colab cells in a Python notebook, executed by nbclient as
    root (as Colab runs them), the source unpacked where the first cell
    would clone it."""
    install_cell, c_cell = readme_block("colab-install"), readme_block("colab-c")
    m = re.search(r'SRC = "([^"]+)"', install_cell)
    if not check("colab: the install cell names its folder (SRC = \"...\")", m is not None):
        return
    src = m.group(1)
    step(root, f"colab: the source unpacked in {src}",
         f"mkdir -p {src} && tar -xzf /tmp/coursdl.tar.gz -C {src} --strip-components=1")
    cells = [install_cell, c_cell,
             "%%c\ndouble x[] = {0, 1, 2}, y[] = {0, 1, 4};\nplt_plot(x, y, 3);\nplt_show();",
             "%%c\nint *p = NULL;\n*p = 1;"]
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": s, "outputs": [],
                     "execution_count": None} for i, s in enumerate(cells)]}
    path = root.path / "tmp/colab.ipynb"
    path.write_text(json.dumps(nb))
    (root.path / "tmp/run_notebook.py").write_text(RUN_NOTEBOOK)
    proc = step(root, "colab: a Python notebook with the README's cells executed by nbclient",
                f"{CHECKER_VENV}/bin/python /tmp/run_notebook.py /tmp/colab.ipynb python3",
                timeout=1200, env={"PIP_CACHE_DIR": "/var/cache/pip-test"})
    if not proc:
        return
    cells = json.loads(path.read_text())["cells"]

    def errors(cell):
        return [o for o in cell["outputs"] if o["output_type"] == "error"]

    check("colab: the install cell ran without error", not errors(cells[0]),
          json.dumps(errors(cells[0]))[-2000:])
    text = "".join("".join(o.get("text", "")) for o in cells[1]["outputs"] if o["output_type"] == "stream")
    shown = [o for o in cells[1]["outputs"] if o["output_type"] == "display_data"]
    check("colab: the %%c cell printed and showed its Out value",
          not errors(cells[1]) and "libcoursdl" in text and len(shown) == 1, json.dumps(cells[1]["outputs"])[-2000:])
    pngs = [o for o in cells[2]["outputs"] if "image/png" in o.get("data", {})]
    check("colab: a %%c figure came back as a PNG", len(pngs) == 1, json.dumps(cells[2]["outputs"])[-1000:])
    errs = errors(cells[3])
    check("colab: a segfault in %%c is a SegmentationFault error",
          [e["ename"] for e in errs] == ["SegmentationFault"], json.dumps(cells[3]["outputs"])[-1000:])


KEEP = False  # --keep: the roots stay for a look; otherwise each goes once checked (disk)


def drop(path: Path) -> None:
    if not KEEP:
        shutil.rmtree(path, ignore_errors=True)


def scenario_root(base: Path, work: Path) -> None:
    path = work / "root-as-root"
    subprocess.run(["cp", "-a", str(base), str(path)], check=True)
    shutil.copy(work / "coursdl.tar.gz", path / "tmp/coursdl.tar.gz")
    with Root(path) as root:
        if not install_block(root, "root", "root"):
            return
        step(root, "root: checkout deleted", "rm -rf /root/coursdl")
        if not checker_venv(root):
            return
        run_course_notebook(root, "root", "root", work)
        colab_notebook(root, work)
    drop(path)


def scenario_student(base: Path, work: Path) -> None:
    path = work / "root-as-student"
    subprocess.run(["cp", "-a", str(base), str(path)], check=True)
    shutil.copy(work / "coursdl.tar.gz", path / "tmp/coursdl.tar.gz")
    with Root(path) as root:
        step(root, "student: a user account with sudo (as on a cloud VM)",
             f"useradd -m -s /bin/bash {STUDENT} && echo '{STUDENT} ALL=(ALL) NOPASSWD:ALL'"
             f" > /etc/sudoers.d/{STUDENT} && chmod 440 /etc/sudoers.d/{STUDENT}")
        pip_cache = CACHE / "pip-student"
        pip_cache.mkdir(parents=True, exist_ok=True)
        uid = int(root.run(f"id -u {STUDENT}").stdout)
        for p in [pip_cache, *pip_cache.rglob("*")]:
            os.chown(p, uid, uid)
        root.mount("--bind", str(pip_cache), target=f"/home/{STUDENT}/.cache/pip")
        if not install_block(root, STUDENT, "student"):
            return
        make_run(root, work)
        if not checker_venv(root):
            return
        step(root, "student: checkout deleted", "rm -rf coursdl", user=STUDENT)
        run_course_notebook(root, STUDENT, "student", work)
    drop(path)


def scenario_make_test(base: Path, work: Path) -> None:
    """The project's own `make test` in the root, warnings as errors (to try
    another distribution's compiler and libraries; not part of CI)."""
    path = work / "root-make-test"
    subprocess.run(["cp", "-a", str(base), str(path)], check=True)
    shutil.copy(work / "coursdl.tar.gz", path / "tmp/coursdl.tar.gz")
    with Root(path) as root:
        step(root, "make-test: make and gcc", "apt-get update -qq && apt-get -o DPkg::Lock::Timeout=600"
             " install -y -qq --no-install-recommends make gcc >/dev/null", timeout=900)
        step(root, "make-test: `make test` passes",
             "set -o pipefail && mkdir coursdl && tar -xzf /tmp/coursdl.tar.gz -C coursdl --strip-components=1 && "
             "cd coursdl && make test 2>&1 | tee /tmp/make-test.log | tail -n 40",
             timeout=5400, env={"PIP_CACHE_DIR": "/var/cache/pip-test"})
        log_file = path / "tmp/make-test.log"
        if log_file.exists():
            tail = log_file.read_text(errors="replace").splitlines()[-30:]
            log("     " + "\n     ".join(tail))
    drop(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", action="store_true", help="keep the roots (in /var/tmp) for a look")
    ap.add_argument("--only", choices=["root", "student", "make-test"],
                    help="one scenario (make-test runs only when named)")
    ap.add_argument("--suite", default="bookworm")
    args = ap.parse_args()
    global KEEP
    KEEP = args.keep
    if os.geteuid() != 0 or not shutil.which("debootstrap"):
        log("test-install needs root and debootstrap (`make deps` installs it)")
        log("0 passed, 1 failed")
        return 1
    t0 = time.monotonic()
    (CACHE / "pip").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="coursdl-test-install-", dir="/var/tmp"))
    try:
        source_archive(work / "coursdl.tar.gz")
        base = work / "base"
        debootstrap(args.suite, base, work)
        if args.only in (None, "root"):
            scenario_root(base, work)
        if args.only in (None, "student"):
            scenario_student(base, work)
        if args.only == "make-test":
            scenario_make_test(base, work)
    finally:
        if args.keep:
            log(f"roots kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    passed = sum(ok for _, ok, _ in RESULTS)
    failed = len(RESULTS) - passed
    log(f"test-install: {time.monotonic() - t0:.0f} s")
    log(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
