"""Grading with nbgrader's own commands (generate_assignment, autograde,
generate_feedback), the project's nbgrader_config.py and nbgrader's defaults,
without the virtualenv on PATH: three submissions per assignment (grading.py)."""
import nbformat
import pytest

from grading import (NOTEBOOKS, cell_seconds, check_name, error_names, is_answer, is_check, names, strip_ansi)

NAMES = names()


def scores(graded, who, name):
    failure = graded.failure(name)
    if failure:
        pytest.fail(failure)
    return graded.scores(who, name)


def test_generate_assignment_without_the_virtualenv(graded):
    assert ".venv" not in graded.env["PATH"]
    assert graded.returncodes["generate_assignment"] == 0, graded.logs["generate_assignment"][-3000:]


@pytest.mark.parametrize("name", NAMES)
def test_release_is_the_shipped_student_version(name, graded):
    """nbgrader's student version (release/) is the one `make notebooks` writes."""
    if graded.returncodes["generate_assignment"] != 0:
        pytest.fail(graded.failure(name))
    released = nbformat.read(graded.course / "release" / name / f"{name}.ipynb", as_version=4)
    shipped = nbformat.read(NOTEBOOKS / "etudiant" / f"{name}.ipynb", as_version=4)
    assert [c.source for c in released.cells] == [c.source for c in shipped.cells]


@pytest.mark.parametrize("name", NAMES)
def test_teacher_solution_gets_full_marks(name, graded):
    got = scores(graded, "teacher", name)
    assert got, "no graded cell"
    lost = {k: v for k, v in got.items() if v[0] != v[1]}
    assert not lost, f"the teacher's solution loses points in {lost}"


@pytest.mark.parametrize("name", NAMES)
def test_unchanged_student_version_gets_zero(name, graded):
    got = scores(graded, "student", name)
    free = {k: v for k, v in got.items() if v[0] != 0}
    assert not free, f"points given for no work (checks that pass without the student's answers): {free}"


@pytest.mark.parametrize("name", NAMES)
def test_broken_submission_gets_partial_marks_and_grading_goes_on(name, graded):
    got = scores(graded, "broken", name)
    nb = graded.autograded("broken", name)
    cells = graded.fault_cells[name]
    answers = [i for i, c in enumerate(nb.cells) if is_answer(c)]
    checks_before_last = [i for i, c in enumerate(nb.cells) if is_check(c) and i < answers[-1]]
    assert len(answers) >= 2 and checks_before_last, (
        "partial marks need two exercises at least, with a check between the first and the last answer cell")

    loop = nb.cells[cells["loop"]]
    assert "CellTimeoutError" in error_names(loop), f"infinite loop not stopped by the timeout: {error_names(loop)}"
    start, end = cell_seconds(loop)
    assert (end - start).total_seconds() < 60, "the answer cell's short limit (nbgrader_config.py) did not apply"
    segfault = nb.cells[cells["segfault"]]
    assert error_names(segfault) == ["SegmentationFault"], error_names(segfault)
    compile_error = nb.cells[cells["compile_error"]]
    assert error_names(compile_error) == ["CompileError"], error_names(compile_error)
    ran = [c for c in nb.cells[cells["compile_error"] + 1:] if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in ran), "cells after the faults were not executed"

    # The kernel kept every variable through the timeout and the fault: the checks
    # of the exercises before the broken one keep their points.
    for i in checks_before_last:
        grade_id = check_name(nb.cells[i])
        score, top = got[grade_id]
        detail = "".join(strip_ansi("\n".join(o.get("traceback", []))) for o in nb.cells[i].outputs
                         if o.output_type == "error")
        assert score == top, f"{grade_id} lost its points after the faults: {detail}"
    total, top = sum(s for s, _ in got.values()), sum(m for _, m in got.values())
    assert 0 < total < top, f"broken submission scored {total} / {top}"


@pytest.mark.parametrize("name", NAMES)
def test_feedback_for_every_submission(name, graded):
    if graded.failure(name):
        pytest.fail(graded.failure(name))
    for who in ("teacher", "student", "broken"):
        page = graded.feedback(who, name)
        assert page.is_file(), f"no feedback page {page}"
        total = sum(s for s, _ in graded.scores(who, name).values())
        text = page.read_text(encoding="utf-8")
        assert "Score" in text and f"{total:g}" in text, f"{page} does not show the score {total:g}"


def questions_of(name):
    teacher = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in teacher.cells
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")]


@pytest.mark.parametrize("name", [n for n in NAMES if questions_of(n)])
def test_questions_wait_for_the_teacher(name, graded):
    """The answers to the text's questions are graded by hand: students get the text stub
    in their place, nbgrader flags a written answer for the teacher and gives 0 to an
    answer left as it was released."""
    if graded.failure(name):
        pytest.fail(graded.failure(name))
    questions = questions_of(name)
    written, untouched = graded.grades("teacher", name), graded.grades("student", name)
    for q in questions:
        assert written[q][3], f"{q}: a written answer is not flagged for manual grading"
        assert untouched[q][0] == 0 and not untouched[q][3], f"{q}: an untouched answer should get 0 without review"
    released = nbformat.read(graded.course / "release" / name / f"{name}.ipynb", as_version=4)
    stubs = [c.source for c in released.cells if c.metadata.get("nbgrader", {}).get("grade_id") in questions]
    assert stubs and all("À FAIRE" in s for s in stubs), stubs
