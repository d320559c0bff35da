"""Prints the run time of each course notebook at the end of the run."""
from course_timings import TIMES


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): time limit of a test (informative here)")


def pytest_terminal_summary(terminalreporter):
    if TIMES:
        terminalreporter.write_sep("-", "course notebook run times")
        for name, seconds in sorted(TIMES.items()):
            terminalreporter.write_line(f"{seconds:6.1f} s  {name}")
