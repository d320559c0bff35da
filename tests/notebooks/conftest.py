"""The graded course (one nbgrader run for the whole session) and the run times
of each course notebook, printed at the end of the run."""
import pytest

from course_timings import TIMES
from grading import STUDENTS, Graded, names, run_seconds


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): time limit of a test (informative here)")


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    course = Graded(tmp_path_factory.mktemp("cours"), names()).run()
    for name in course.names:
        if course.failure(name):
            continue
        for who in STUDENTS:
            TIMES[f"{name} ({who})"] = run_seconds(course.autograded(who, name))
        TIMES[f"{name} (grading: 3 submissions, feedback)"] = course.wall[name]
    TIMES["whole grading run (generate, autograde, feedback)"] = course.total
    return course


def pytest_terminal_summary(terminalreporter):
    if TIMES:
        terminalreporter.write_sep("-", "course notebook run times (autograded executions)")
        for name, seconds in sorted(TIMES.items()):
            terminalreporter.write_line(f"{seconds:6.1f} s  {name}")
