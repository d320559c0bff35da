"""Differential test of the cell model against gcc (issue 11, item 6).

Random notebooks (celldiff_gen.py) run through the kernel's cell model
(build/tools/cellrun, in process, cell by cell) and, as one C program with the
notebook's meaning, through gcc; the outputs must be the same, case by case.
CELLDIFF_CASES (default 2000) and CELLDIFF_SEED (default 11) change the
sample; a mismatch prints the case's cells and both outputs.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from celldiff_gen import gcc_program, make_case  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
CELLRUN = BUILD / "tools" / "cellrun"
N_CASES = int(os.environ.get("CELLDIFF_CASES", "2000"))
SEED = int(os.environ.get("CELLDIFF_SEED", "11"))
# One cellrun process compiles at most ~1,500 cells (each adds a GC root
# range; libgc allows 2,048), so cases go in batches.
BATCH = 200


def split_cases(text: str) -> dict[int, str]:
    out: dict[int, list[str]] = {}
    cur = None
    for line in text.splitlines():
        if line.startswith("@@case "):
            cur = int(line.split()[1])
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


def run_kernel(cases) -> str:
    text = "".join(c.notebook() for c in cases)
    p = subprocess.run([str(CELLRUN)], input=text, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert p.returncode == 0, f"cellrun failed ({p.returncode}): {p.stderr[-2000:]}"
    return p.stdout


def run_gcc(cases, tmp: Path, k: int) -> str:
    src = tmp / f"prog{k}.c"
    exe = tmp / f"prog{k}"
    src.write_text(gcc_program(cases))
    cc = subprocess.run(
        ["gcc", "-std=c11", "-O0", "-w", "-D_GNU_SOURCE", f"-I{REPO / 'engine' / 'include'}", str(src),
         "-o", str(exe), f"-L{BUILD}", "-lcoursdl", f"-Wl,-rpath,{BUILD}", "-lm"],
        capture_output=True, text=True, timeout=600)
    assert cc.returncode == 0, f"the reference program does not compile (generator bug):\n{cc.stderr[-3000:]}"
    p = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.timeout(600)
def test_cell_model_matches_gcc():
    if not CELLRUN.exists():
        pytest.fail(f"{CELLRUN} is missing: `make build/tools/cellrun`")
    t0 = time.monotonic()
    cases = [make_case(i, SEED) for i in range(N_CASES)]
    batches = [cases[i:i + BATCH] for i in range(0, len(cases), BATCH)]
    with tempfile.TemporaryDirectory(prefix="celldiff-") as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        kernel = pool.map(run_kernel, batches)
        ref = pool.map(lambda kb: run_gcc(kb[1], Path(tmp), kb[0]), enumerate(batches))
        got, want = {}, {}
        for k_out, g_out in zip(kernel, ref):
            got.update(split_cases(k_out))
            want.update(split_cases(g_out))
    n_cells = sum(len([c for c in case.cells if c]) for case in cases)
    bad = [c for c in cases if got.get(c.cid) != want.get(c.cid)]
    elapsed = time.monotonic() - t0
    print(f"celldiff: {len(cases)} cases, {n_cells} cells, {len(bad)} mismatches, {elapsed:.1f} s (seed {SEED})")
    if bad:
        c = bad[0]
        pytest.fail(
            f"{len(bad)} of {len(cases)} cases differ (seed {SEED}); the first, case {c.cid}:\n"
            f"--- cells ---\n{c.notebook()}\n--- kernel ---\n{got.get(c.cid)}\n--- gcc ---\n{want.get(c.cid)}")
