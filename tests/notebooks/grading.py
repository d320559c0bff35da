"""The course graded as a teacher grades it: an nbgrader course directory made by
tools/nbgrader_course.py, nbgrader's own commands (run from the project's
.venv/bin without the virtualenv on PATH), three submissions per assignment:

  teacher   the teacher notebook (solutions in place)
  student   the student notebook as shipped (notebooks/etudiant/), unchanged
  broken    the teacher notebook with what students get wrong: a forgotten infinite
            loop at the end of the first answer cell, an added cell that dereferences
            NULL, and a compile error in the last answer

The autograded notebooks are the executions that the course tests inspect:
each notebook runs once per submission."""
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NBGRADER = ROOT / ".venv" / "bin" / "nbgrader"
STUDENTS = ("teacher", "student", "broken")
WORKERS = 2  # assignments graded at the same time (one nbgrader process each)

sys.path.insert(0, str(ROOT / "tools"))
from nbgrader_course import make_course, teacher_notebooks  # noqa: E402

INFINITE_LOOP = "for (;;) {}   // une boucle de débogage oubliée"
NULL_WRITE = "int *p = NULL;\n*p = 1;"
COMPILE_ERROR = "    int = ;   // du code qui ne compile pas"


def grading_of(cell):
    return cell.metadata.get("nbgrader", {})


def is_answer(cell):
    return cell.cell_type == "code" and grading_of(cell).get("solution", False)


def is_check(cell):
    return cell.cell_type == "code" and grading_of(cell).get("grade", False)


def broken_submission(teacher_nb):
    """The teacher notebook with three faults; returns (notebook, indices) where indices
    name the cells holding the loop, the NULL write and the compile error."""
    nb = nbformat.from_dict(teacher_nb)
    answers = [i for i, c in enumerate(nb.cells) if is_answer(c)]
    first, last = answers[0], answers[-1]
    nb.cells[first].source = nb.cells[first].source.rstrip("\n") + "\n" + INFINITE_LOOP
    lines, out, inside = nb.cells[last].source.split("\n"), [], False
    for line in lines:
        if "### BEGIN SOLUTION" in line:
            inside = True
            out.append(COMPILE_ERROR)
        elif "### END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    nb.cells[last].source = "\n".join(out)
    added = nbformat.v4.new_code_cell(NULL_WRITE)
    nb.cells.insert(first + 1, added)
    return nb, {"loop": first, "segfault": first + 1, "compile_error": last + 1}


def nbgrader_env(course: Path):
    """The environment of a teacher who did not activate the virtualenv."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    venv_bin = str(ROOT / ".venv" / "bin")
    paths = [p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep)
             if p and Path(p).resolve() != Path(venv_bin).resolve()]
    env["PATH"] = os.pathsep.join(paths)
    env["JUPYTER_PATH"] = str(ROOT / "build" / "share" / "jupyter")  # the built kernelspec
    env["JUPYTER_CONFIG_DIR"] = str(course / ".jupyter")  # no personal nbgrader config
    return env


def cell_seconds(cell):
    t = cell.metadata.get("execution", {})
    try:
        start = datetime.fromisoformat(t["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(t["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return start, end


def run_seconds(nb):
    """Seconds from the first cell's start to the last cell's reply."""
    spans = [s for s in (cell_seconds(c) for c in nb.cells if c.cell_type == "code") if s]
    if not spans:
        return 0.0
    return (max(e for _, e in spans) - min(s for s, _ in spans)).total_seconds()


class Graded:
    """An nbgrader course after generate_assignment, autograde and generate_feedback."""

    def __init__(self, course: Path, names):
        self.course = course
        self.names = list(names)
        self.env = nbgrader_env(course)
        self.logs = {}
        self.returncodes = {}
        self.wall = {}
        self.fault_cells = {}

    def nbgrader(self, *args):
        t0 = time.monotonic()
        proc = subprocess.run([str(NBGRADER), *args], cwd=self.course, env=self.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return proc.returncode, proc.stdout, time.monotonic() - t0

    def prepare(self):
        make_course(self.course, self.names)
        rc, log, _ = self.nbgrader("generate_assignment", "*")
        self.returncodes["generate_assignment"] = rc
        self.logs["generate_assignment"] = log
        if rc != 0:
            return
        for name in self.names:
            teacher = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
            student = nbformat.read(NOTEBOOKS / "etudiant" / f"{name}.ipynb", as_version=4)
            broken, cells = broken_submission(teacher)
            self.fault_cells[name] = cells
            for who, nb in (("teacher", teacher), ("student", student), ("broken", broken)):
                folder = self.course / "submitted" / who / name
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / f"{name}.ipynb")

    def grade(self, name):
        rc_a, log_a, seconds = self.nbgrader("autograde", name)
        rc_f, log_f, _ = self.nbgrader("generate_feedback", name)
        self.returncodes[name] = (rc_a, rc_f)
        self.logs[name] = log_a + log_f
        self.wall[name] = seconds

    def run(self):
        t0 = time.monotonic()
        self.prepare()
        if self.returncodes["generate_assignment"] == 0:
            with ThreadPoolExecutor(WORKERS) as pool:
                list(pool.map(self.grade, self.names))
        self.total = time.monotonic() - t0
        return self

    # ---- results ------------------------------------------------------------------
    def failure(self, name):
        """A message when nbgrader itself failed for this assignment, else None."""
        if self.returncodes["generate_assignment"] != 0:
            return "nbgrader generate_assignment failed:\n" + self.logs["generate_assignment"][-3000:]
        rc_a, rc_f = self.returncodes[name]
        if rc_a or rc_f:
            return f"nbgrader autograde / generate_feedback {name} exited {rc_a} / {rc_f}:\n" + self.logs[name][-4000:]
        return None

    def autograded(self, who, name):
        return nbformat.read(self.course / "autograded" / who / name / f"{name}.ipynb", as_version=4)

    def feedback(self, who, name):
        return self.course / "feedback" / who / name / f"{name}.html"

    def grades(self, who, name):
        """{grade_id: (score, max_score, cell_type, needs_manual_grade)}, from nbgrader's gradebook."""
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(name, name, who)
            return {g.name: (g.score, g.max_score, g.cell.cell_type, g.needs_manual_grade) for g in nb.grades}

    def scores(self, who, name):
        """{grade_id: (score, max_score)} of the checks graded automatically (code cells)."""
        return {k: v[:2] for k, v in self.grades(who, name).items() if v[2] == "code"}


def error_names(cell):
    return [o.ename for o in cell.get("outputs", []) if o.output_type == "error"]


def stream_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def check_name(cell):
    return grading_of(cell).get("grade_id", "?")


def names():
    return teacher_notebooks()


def strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
