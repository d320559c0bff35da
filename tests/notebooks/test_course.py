"""The course notebooks, executed headless as a teacher's grading run would:
every teacher notebook runs without error, passes every check and shows its
figures; every student notebook runs, and fails only in the checks of the
exercises left to do."""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_timings import TIMES

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted((NOTEBOOKS / "src").glob("*.c"))
NAMES = [p.stem for p in SOURCES]
TIME_LIMIT = 60.0


@pytest.fixture(autouse=True)
def kernelspec_env(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(ROOT / "build" / "share" / "jupyter"))


def execute(path: Path, allow_errors: bool, workdir: Path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="coursdl", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(workdir)}})
    t0 = time.monotonic()
    client.execute()
    return nb, time.monotonic() - t0


def errors_of(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def is_check(cell):
    return cell.metadata.get("nbgrader", {}).get("grade", False)


def expects_error(cell):
    return "raises-exception" in cell.metadata.get("tags", [])


def test_sources_exist():
    assert NAMES, "no notebook sources in notebooks/src"


def test_generated_notebooks_are_up_to_date(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for name in NAMES:
        for sub in ("", "etudiant"):
            fresh = (tmp_path / sub / f"{name}.ipynb").read_text(encoding="utf-8")
            committed = (NOTEBOOKS / sub / f"{name}.ipynb").read_text(encoding="utf-8")
            assert fresh == committed, f"notebooks/{sub}/{name}.ipynb is stale: run `make notebooks`"


@pytest.mark.timeout(400)
@pytest.mark.parametrize("name", NAMES)
def test_teacher_notebook_passes(name, tmp_path):
    nb, seconds = execute(NOTEBOOKS / f"{name}.ipynb", allow_errors=False, workdir=tmp_path)
    TIMES[f"{name} (teacher)"] = seconds
    checks = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errs = errors_of(cell)
        if expects_error(cell):
            assert errs, f"cell {i} is tagged raises-exception but raised nothing"
            continue
        assert not errs, f"cell {i}: {errs[0].ename}: {errs[0].evalue}"
        if is_check(cell):
            checks += 1
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            assert "✓" in text, f"check cell {i} printed no ✓"
        draws = "plt_show" in cell.source or ("plt_figure" in cell.source and "plt_close" not in cell.source)
        if draws:
            pngs = [o for o in cell.outputs if o.output_type == "display_data" and "image/png" in o.data]
            assert pngs, f"cell {i} draws a figure but shows no PNG"
    assert checks > 0, "a teacher notebook without graded checks"
    assert seconds < TIME_LIMIT, f"{name} took {seconds:.1f} s (limit {TIME_LIMIT:.0f} s)"


@pytest.mark.timeout(400)
@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_fails_only_its_checks(name, tmp_path):
    nb, seconds = execute(NOTEBOOKS / "etudiant" / f"{name}.ipynb", allow_errors=True, workdir=tmp_path)
    TIMES[f"{name} (student)"] = seconds
    failed_checks = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errs = errors_of(cell)
        if not errs or expects_error(cell):
            continue
        assert is_check(cell), f"cell {i} (not a check) failed in the student version: {errs[0].ename}: {errs[0].evalue}"
        assert errs[0].ename == "AssertionError", f"check cell {i} failed with {errs[0].ename}: {errs[0].evalue}"
        failed_checks += 1
    assert failed_checks > 0, "the student version passes every check: are the solutions stripped?"
