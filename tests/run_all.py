#!/usr/bin/env python3
"""Runs every test of the project; `make test` calls it (venv python, cwd = repo root).

Suites:
  engine      the C test programs in build/tests/engine/
  engine-san  the same programs built with ASan/UBSan, in build/tests/engine-san/
  kernel-c    the kernel's C test programs in build/tests/kernel/
  pytest      pytest on tests/ (kernel protocol, cells, notebooks...)

A C test program prints `N passed, N failed` as its last output line; one that
crashes, times out or exits non-zero without such a line counts as 1 failed
(and one that exits non-zero after reporting no failure gets 1 failed added).

Standard output: one line per suite, then exactly one summary line
`N passed, N failed` (`, N skipped` appended when some were skipped). Details
of failures (program output, pytest's report) go to standard error. Exit
status 1 if anything failed.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
RESULT_LINE = re.compile(r"^\s*(\d+)\s+passed,\s*(\d+)\s+failed\b")
PROGRAM_TIMEOUT = float(os.environ.get("TEST_PROGRAM_TIMEOUT", "600"))
PYTEST_TIMEOUT = float(os.environ.get("TEST_PYTEST_TIMEOUT", "3600"))

C_SUITES = [
    ("engine", BUILD / "tests" / "engine", {}),
    ("engine-san", BUILD / "tests" / "engine-san",
     {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0", "UBSAN_OPTIONS": "print_stacktrace=1"}),
    ("kernel-c", BUILD / "tests" / "kernel", {}),
]


def err(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def test_programs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and os.access(p, os.X_OK) and not p.name.startswith(".")
    )


def run_program(path: Path, extra_env: dict) -> tuple[int, int, str]:
    """Runs one C test program; returns (passed, failed, note)."""
    env = dict(os.environ, **extra_env)
    try:
        proc = subprocess.run(
            [str(path)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=PROGRAM_TIMEOUT,
        )
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b"").decode("utf-8", "replace")
        err(f"--- {path.relative_to(ROOT)}: timed out after {PROGRAM_TIMEOUT:g} s\n{tail(output)}")
        return 0, 1, "timeout"
    except OSError as e:
        err(f"--- {path.relative_to(ROOT)}: cannot run: {e}")
        return 0, 1, "cannot run"
    output = proc.stdout.decode("utf-8", "replace")
    last = next((l for l in reversed(output.splitlines()) if l.strip()), "")
    m = RESULT_LINE.match(last)
    rc = proc.returncode
    if m:
        passed, failed = int(m.group(1)), int(m.group(2))
        if rc != 0 and failed == 0:
            failed = 1
        note = ""
    else:
        passed, failed = 0, 1
        note = f"no result line, exit status {rc}" if rc >= 0 else f"killed by signal {-rc}"
    if failed:
        err(f"--- {path.relative_to(ROOT)}: {passed} passed, {failed} failed"
            f"{' (' + note + ')' if note else ''}, exit status {rc}\n{tail(output)}")
    return passed, failed, note


def run_c_suite(name: str, folder: Path, extra_env: dict) -> tuple[int, int, int]:
    programs = test_programs(folder)
    if not programs:
        print(f"{name}: 0 passed, 0 failed (no test programs)", flush=True)
        return 0, 0, 0
    passed = failed = 0
    bad = []
    for p in programs:
        p_pass, p_fail, _ = run_program(p, extra_env)
        passed += p_pass
        failed += p_fail
        if p_fail:
            bad.append(p.name)
    extra = f"; failing: {', '.join(bad)}" if bad else ""
    print(f"{name}: {passed} passed, {failed} failed ({len(programs)} programs{extra})", flush=True)
    return passed, failed, 0


def run_pytest() -> tuple[int, int, int]:
    tests_dir = ROOT / "tests"
    with tempfile.TemporaryDirectory(prefix="coursdl-tests-") as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [
            sys.executable, "-m", "pytest", str(tests_dir),
            "-p", "no:cacheprovider",
            f"--junitxml={junit}",
            "-q", "-rfEs", "--color=no",
            f"--basetemp={Path(tmp) / 'pytest'}",
        ]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                  stdout=sys.stderr, stderr=sys.stderr, timeout=PYTEST_TIMEOUT)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            err(f"--- pytest timed out after {PYTEST_TIMEOUT:g} s")
            rc = None
        counts = parse_junit(junit) if junit.exists() else None
    if counts is None:
        if rc == 5:  # no tests collected
            counts = (0, 0, 0)
        else:
            counts = (0, 1, 0)
            err(f"--- pytest gave no report (exit status {rc})")
    passed, failed, skipped = counts
    if rc not in (0, 1, 5) and failed == 0:
        failed = 1  # internal error, interrupted, usage error...
    if rc == 1 and failed == 0:
        failed = 1
    line = f"pytest: {passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line, flush=True)
    return passed, failed, skipped


def parse_junit(path: Path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = failures = errors = skipped = 0
    for s in suites:
        tests += int(s.get("tests", 0))
        failures += int(s.get("failures", 0))
        errors += int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
    passed = tests - failures - errors - skipped
    return max(passed, 0), failures + errors, skipped


def main() -> int:
    os.chdir(ROOT)
    total_pass = total_fail = total_skip = 0
    for name, folder, env in C_SUITES:
        p, f, s = run_c_suite(name, folder, env)
        total_pass += p
        total_fail += f
        total_skip += s
    p, f, s = run_pytest()
    total_pass += p
    total_fail += f
    total_skip += s
    summary = f"{total_pass} passed, {total_fail} failed"
    if total_skip:
        summary += f", {total_skip} skipped"
    print(summary, flush=True)
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
