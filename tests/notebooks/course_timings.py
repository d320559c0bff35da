"""Run time of each course notebook, filled by the tests, printed by conftest."""
TIMES = {}
