#!/usr/bin/env python3
"""Sets up an nbgrader course directory for the C (coursDL) course.

    python3 tools/nbgrader_course.py DIR [NAME ...]

Writes DIR/nbgrader_config.py (the project's, notebooks/nbgrader_config.py) and,
for each teacher notebook notebooks/NAME.ipynb (all of them by default), the
assignment DIR/source/NAME/NAME.ipynb: nbgrader's course layout, one assignment
per notebook. Then, in DIR, nbgrader's own commands:

    nbgrader generate_assignment NAME     # release/NAME/: the student version
    # students' work goes to submitted/STUDENT/NAME/NAME.ipynb
    nbgrader autograde NAME               # autograded/: executed and scored
    nbgrader generate_feedback NAME       # feedback/: one HTML page per notebook

(`nbgrader` is .venv/bin/nbgrader of the project; the kernel must be installed:
`make install`.) Existing files of DIR other than those two are left alone.
Standard library only.
"""
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def teacher_notebooks():
    return sorted(p.stem for p in (NOTEBOOKS / "src").glob("*.c"))


def make_course(course: Path, names=None):
    names = list(names) if names else teacher_notebooks()
    unknown = [n for n in names if not (NOTEBOOKS / f"{n}.ipynb").is_file()]
    if unknown:
        sys.exit(f"no teacher notebook notebooks/{unknown[0]}.ipynb (known: {', '.join(teacher_notebooks())})")
    course.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(NOTEBOOKS / "nbgrader_config.py", course / "nbgrader_config.py")
    for name in names:
        folder = course / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NOTEBOOKS / f"{name}.ipynb", folder / f"{name}.ipynb")
    return names


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    course = Path(sys.argv[1])
    names = make_course(course, sys.argv[2:])
    print(f"{course}: nbgrader_config.py and source/ for {len(names)} assignments ({', '.join(names)})")


if __name__ == "__main__":
    main()
