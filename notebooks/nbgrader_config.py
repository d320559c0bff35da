# nbgrader settings of the C (coursDL) course. Copy this file to the root of an
# nbgrader course directory (`python3 tools/nbgrader_course.py DIR` does it) and
# run nbgrader's own commands there: generate_assignment, autograde,
# generate_feedback. Everything else is nbgrader's default.
import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader)

# nbgrader runs `alembic` (the migrations of its gradebook database) as a program
# found on PATH. Put the folder of the Python running nbgrader first (the project's
# .venv/bin), so that `.venv/bin/nbgrader` works without activating the virtualenv.
_bin = os.path.dirname(sys.executable)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")

# Solutions are delimited by "### BEGIN SOLUTION" / "### END SOLUTION" comment
# lines and replaced by a C comment in the student version; the answers to the
# questions (markdown cells graded by hand) by a text stub: what `make notebooks`
# also produces.
c.ClearSolutions.code_stub = {"c": "// À FAIRE : écrivez votre code ici"}
c.ClearSolutions.text_stub = "*À FAIRE : écrivez votre réponse ici.*"
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"

# Time limits while grading. nbgrader's default (30 s for every cell) cuts the
# teacher's long cells (TP 1.0's 100 products of 2000 x 2000 matrices, the PINN
# trainings). The cells written by the teacher get the course's limit; the answer
# cells and the graded checks only define functions and compare numbers (the
# course keeps them under a few seconds), so a student's infinite loop there is
# interrupted sooner, and grading moves on to the next cell.
COURSE_TIMEOUT = 300
ANSWER_TIMEOUT = 10


def cell_timeout(cell):
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return ANSWER_TIMEOUT if grading.get("solution") or grading.get("grade") else COURSE_TIMEOUT


c.Execute.timeout = COURSE_TIMEOUT
c.Execute.timeout_func = cell_timeout
