"""A long session in one kernel (issue 10, item 2): more cells than libgc has
root sets (2,048; the kernel used to abort at about the 2,000th cell),
re-definitions of one function, engine garbage, and the memory it costs.
The 20,000-cell soak lives in `make bench` (bench/soak_bench.py)."""
from __future__ import annotations

import time

import pytest

from kernel_helpers import out, run, run_ok, summarize

N_CELLS = 2600


def rss_kb(km) -> int:
    with open(f"/proc/{km.provisioner.process.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.timeout(300)
def test_thousands_of_cells(fresh_kernel, capsys):
    km, kc = fresh_kernel.km, fresh_kernel.kc
    run_ok(kc, "int ls_keep = 31337;\nTensor *ls_t = tensor_full(2.0, 3);\nint ls_f(int x) { return x; }")
    run_ok(kc, "int ls_caller(int x) { return ls_f(x) + 1; }")
    run_ok(kc, "for (int i = 0; i < 50; i++) tensor_randn(200, 200);")  # warm the engine's heap
    rss0, t0 = rss_kb(km), time.monotonic()
    for i in range(N_CELLS):
        kind = i % 4
        if kind == 0:
            code = f"int ls_f(int x) {{ return x + {i}; }}"          # re-definition
        elif kind == 1:
            code = f"int ls_v{i % 100} = {i};"                         # (re-)defined variables
        elif kind == 2:
            code = "Tensor *ls_tmp = tensor_randn(64, 64);"            # engine garbage
        else:
            code = f"ls_caller({i}) == {i} + {i - 3} + 1"              # the latest ls_f, through a caller
        reply, msgs = run(kc, code)
        assert reply["content"]["status"] == "ok", f"cell {i}: {summarize(msgs)}"
        if kind == 3:
            assert msgs[-2]["content"]["data"]["text/plain"] == "1", f"cell {i}: stale ls_f"
    elapsed = time.monotonic() - t0
    run_ok(kc, "void GC_gcollect(void);\nGC_gcollect();")
    rss1 = rss_kb(km)
    assert out(kc, "ls_keep") == "31337"
    assert out(kc, "tensor_item(tensor_sum(ls_t))") == "6.0"
    assert out(kc, "ls_caller(1)") == str(1 + (N_CELLS - 4) + 1)
    assert km.is_alive()
    growth = (rss1 - rss0) / 1024
    with capsys.disabled():
        print(f"\nlong session: {N_CELLS} cells in {elapsed:.1f} s ({1000 * elapsed / N_CELLS:.1f} ms a cell), "
              f"RSS {rss0 / 1024:.1f} -> {rss1 / 1024:.1f} MB ({growth:+.1f} MB, "
              f"{1024 * growth / N_CELLS:.2f} KB a cell)")
    assert growth < 64, f"{growth:.1f} MB more after {N_CELLS} cells"
