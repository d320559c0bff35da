"""The course notebooks, executed headless by nbgrader's autograde (see grading.py):
every teacher notebook runs without error, passes every check and shows its
figures; every student notebook runs, and fails only in the checks of the
exercises left to do."""
import subprocess
import sys

import pytest

from grading import (NOTEBOOKS, ROOT, cell_seconds, error_names, grading_of, is_answer, is_check, names,
                     stream_text)

NAMES = names()
# Answer and check cells only define functions and compare numbers: nbgrader_config.py
# gives them 10 s while grading; in the teacher's run they take milliseconds.
SHORT_CELL_LIMIT = 2.0


def expects_error(cell):
    return "raises-exception" in cell.metadata.get("tags", [])


def autograded(graded, who, name):
    failure = graded.failure(name)
    if failure:
        pytest.fail(failure)
    return graded.autograded(who, name)


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


@pytest.mark.parametrize("name", NAMES)
def test_teacher_notebook_passes(name, graded):
    nb = autograded(graded, "teacher", name)
    checks = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errs = error_names(cell)
        if expects_error(cell):
            assert errs, f"cell {i} is tagged raises-exception but raised nothing"
            continue
        assert not errs, f"cell {i}: {errs[0]}: {[o for o in cell.outputs if o.output_type == 'error'][0].evalue}"
        if is_check(cell):
            checks += 1
            assert "✓" in stream_text(cell), f"check cell {i} printed no ✓"
        draws = "plt_show" in cell.source or ("plt_figure" in cell.source and "plt_close" not in cell.source)
        if draws:
            pngs = [o for o in cell.outputs if o.output_type == "display_data" and "image/png" in o.data]
            assert pngs, f"cell {i} draws a figure but shows no PNG"
        if is_answer(cell) or is_check(cell):
            start, end = cell_seconds(cell)
            seconds = (end - start).total_seconds()
            assert seconds < SHORT_CELL_LIMIT, (
                f"cell {i} ({grading_of(cell)['grade_id']}) took {seconds:.1f} s: answer and check cells must stay "
                f"short (long computations go in the cells that follow an answer)")
    # Run times are printed at the end of the run (the aim: under 60 s each on an idle
    # machine); a cell that hangs is cut by the course timeout of nbgrader_config.py.
    assert checks > 0, "a teacher notebook without graded checks"


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_fails_only_its_checks(name, graded):
    nb = autograded(graded, "student", name)
    failed_checks = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errs = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if not errs or expects_error(cell):
            continue
        assert is_check(cell), f"cell {i} (not a check) failed in the student version: {errs[0].ename}: {errs[0].evalue}"
        assert errs[0].ename == "AssertionError", f"check cell {i} failed with {errs[0].ename}: {errs[0].evalue}"
        failed_checks += 1
    assert failed_checks > 0, "the student version passes every check: are the solutions stripped?"
