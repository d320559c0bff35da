"""A real notebook executed headless with nbclient (what nbconvert --execute
and nbgrader do) on the coursdl kernel."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from kernel_helpers import KERNEL_NAME, require_kernelspec

NOTEBOOK = Path(__file__).resolve().parent / "notebooks" / "basic.ipynb"


def execute(nb, tmp_path, **kwargs):
    require_kernelspec()
    client = NotebookClient(
        nb,
        timeout=60,
        startup_timeout=60,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(tmp_path)}},
        **kwargs,
    )
    client.execute()
    return nb


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def text_of(cell, output_type, name=None):
    parts = []
    for o in cell.outputs:
        if o.output_type != output_type:
            continue
        if output_type == "stream":
            if name is None or o.name == name:
                parts.append(o.text)
        else:
            parts.append(o.data.get("text/plain", ""))
    return "".join(parts)


def result_of(cell):
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert len(results) == 1, f"cell {cell.source!r}: outputs {cell.outputs}"
    assert results[0].execution_count == cell.execution_count
    return results[0].data["text/plain"]


@pytest.mark.timeout(120)
def test_basic_notebook(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata.kernelspec.name == KERNEL_NAME
    execute(nb, tmp_path)
    cells = code_cells(nb)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    for c in cells:
        assert not [o for o in c.outputs if o.output_type == "error"], f"error in {c.source!r}"
        assert not text_of(c, "stream", "stderr"), f"stderr in {c.source!r}: {text_of(c, 'stream', 'stderr')!r}"

    (include, count, later, printing, display, vec, half, counter, cmp, greeting, main) = cells
    assert include.outputs == []
    assert result_of(count) == "42"
    assert result_of(later) == "42"
    assert text_of(printing, "stream", "stdout") == "hello from the notebook\ni = 0\ni = 1\ni = 2\n"
    shown = [o for o in display.outputs if o.output_type == "display_data"]
    assert len(shown) == 1 and shown[0].data["text/plain"] == "a display from the engine"
    assert result_of(vec) == "5.0"
    assert result_of(half) == "2.5"
    assert result_of(counter) == "41"
    assert result_of(cmp) == "1"
    assert result_of(greeting) == '"bonjour"'
    assert text_of(main, "stream", "stdout") == "main ran, counter = 41\n"

    # the executed notebook is still a valid notebook
    nbformat.validate(nb)
    assert nb.metadata.language_info.name == "c"


@pytest.mark.timeout(120)
def test_notebook_runs_twice_same_results(tmp_path):
    nb1 = execute(nbformat.read(NOTEBOOK, as_version=4), tmp_path)
    nb2 = execute(nbformat.read(NOTEBOOK, as_version=4), tmp_path)

    def strip(nb):
        out = []
        for c in code_cells(nb):
            out.append([
                {k: v for k, v in o.items() if k not in ("transient",)}
                for o in c.outputs
            ])
        return out
    assert strip(nb1) == strip(nb2)


@pytest.mark.timeout(120)
def test_notebook_error_stops_execution(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": "C (coursDL)", "language": "c"}})
    nb.cells = [
        nbformat.v4.new_code_cell("int ok_before = 1;"),
        nbformat.v4.new_code_cell("int broken = ;"),
        nbformat.v4.new_code_cell("int never = 1;"),
    ]
    with pytest.raises(CellExecutionError) as info:
        execute(nb, tmp_path)
    assert info.value.ename == "CompileError"
    assert nb.cells[2].execution_count is None


@pytest.mark.timeout(120)
def test_notebook_allow_errors(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": "C (coursDL)", "language": "c"}})
    nb.cells = [
        nbformat.v4.new_code_cell("int ae_v = 1;"),
        nbformat.v4.new_code_cell("volatile int *ae_p = 0;\n*ae_p = 1;"),
        nbformat.v4.new_code_cell("ae_v + 1"),
    ]
    execute(nb, tmp_path, allow_errors=True)
    errs = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert len(errs) == 1 and errs[0].ename == "SegmentationFault"
    assert [o.data["text/plain"] for o in nb.cells[2].outputs if o.output_type == "execute_result"] == ["2"]


@pytest.mark.timeout(180)
def test_nbconvert_execute_cli(tmp_path):
    """`jupyter nbconvert --to notebook --execute` on the basic notebook."""
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.skip("jupyter command not in the venv")
    require_kernelspec()
    target = tmp_path / "executed.ipynb"
    proc = subprocess.run(
        [str(jupyter), "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=60", "--output", str(target), str(NOTEBOOK)],
        cwd=tmp_path, capture_output=True, text=True, timeout=150,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(target, as_version=4)
    cells = code_cells(nb)
    assert result_of(cells[1]) == "42"
    assert result_of(cells[2]) == "42"
