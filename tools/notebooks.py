#!/usr/bin/env python3
"""Builds the course notebooks (`make notebooks`).

Sources are C files in notebooks/src/ split into cells by marker lines:

    // %% [markdown]              prose (each line starts with "// ")
    // %% [code]                  a code cell
    // %% [code] tags=raises-exception
    // %% [solution] id=NAME      an exercise: lines between "// ### BEGIN SOLUTION"
                                  and "// ### END SOLUTION" are the answer
    // %% [check] id=NAME points=N  a graded check
    // %% [answer] id=NAME points=N  the answer to a question of the text, in prose
                                  (lines start with "// "): graded by hand

Writes, for each source, the teacher notebook notebooks/NAME.ipynb (solutions
in place, nbgrader cell metadata) and the student notebook
notebooks/etudiant/NAME.ipynb (each solution region replaced by a stub, each
answer by a text stub). notebooks/nbgrader_config.py sets the same stubs for
nbgrader's generate_assignment.
Standard library only.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "notebooks" / "src"
OUT = ROOT / "notebooks"
STUDENT = OUT / "etudiant"
MARKER = re.compile(r"^// %% \[(markdown|code|solution|check|answer)\](.*)$")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "// À FAIRE : écrivez votre code ici"
TEXT_STUB = "*À FAIRE : écrivez votre réponse ici.*"

KERNELSPEC = {"name": "coursdl", "display_name": "C (coursDL)", "language": "c"}
LANGUAGE_INFO = {"name": "c", "version": "C11", "mimetype": "text/x-csrc", "file_extension": ".c",
                 "codemirror_mode": "text/x-csrc", "pygments_lexer": "c"}


def parse(path):
    cells, kind, attrs, lines = [], None, {}, []

    def flush():
        if kind is None:
            return
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        cells.append((kind, attrs, list(lines)))

    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = MARKER.match(line)
        if m:
            flush()
            kind, lines = m.group(1), []
            attrs = dict(a.split("=", 1) for a in m.group(2).split())
        elif kind is None:
            if line.strip():
                sys.exit(f"{path}:{n}: text before the first cell marker")
        else:
            lines.append(line)
    flush()
    return cells


def source(lines):
    text = "\n".join(lines)
    return text.splitlines(keepends=True)


def markdown_lines(lines, path):
    out = []
    for line in lines:
        if line.startswith("// "):
            out.append(line[3:])
        elif line.strip() in ("//", ""):
            out.append("")
        else:
            sys.exit(f"{path}: markdown line not starting with '// ': {line!r}")
    return out


def strip_solutions(lines, path):
    out, inside = [], False
    for line in lines:
        if BEGIN in line:
            if inside:
                sys.exit(f"{path}: nested {BEGIN}")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + STUB)
        elif END in line:
            if not inside:
                sys.exit(f"{path}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        sys.exit(f"{path}: {BEGIN} without {END}")
    return out


def build(path):
    teacher, student = [], []
    for i, (kind, attrs, lines) in enumerate(parse(path)):
        meta = {}
        if "tags" in attrs:
            meta["tags"] = attrs["tags"].split(",")
        grade_id = attrs.get("id", f"cell{i}")
        if kind in ("markdown", "answer"):
            if kind == "answer":  # nbgrader's "manually graded answer"
                meta["nbgrader"] = {"grade": True, "solution": True, "locked": False, "task": False,
                                    "grade_id": grade_id, "points": int(attrs.get("points", 1)),
                                    "schema_version": 3}
            cell = {"cell_type": "markdown", "metadata": meta, "source": source(markdown_lines(lines, path))}
            teacher.append(cell)
            scell = json.loads(json.dumps(cell))
            if kind == "answer":
                scell["source"] = source([TEXT_STUB])
            student.append(scell)
            continue
        if kind == "solution":
            if not any(BEGIN in l for l in lines):
                sys.exit(f"{path}: solution cell {grade_id} has no {BEGIN}")
            meta["nbgrader"] = {"grade": False, "solution": True, "locked": False, "task": False,
                                "grade_id": grade_id, "schema_version": 3}
        elif kind == "check":
            meta["nbgrader"] = {"grade": True, "solution": False, "locked": True, "task": False,
                                "grade_id": grade_id, "points": int(attrs.get("points", 1)),
                                "schema_version": 3}
        cell = {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [],
                "source": source(lines)}
        teacher.append(cell)
        scell = json.loads(json.dumps(cell))
        if kind == "solution":
            scell["source"] = source(strip_solutions(lines, path))
        student.append(scell)
    meta = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    for cells, folder in ((teacher, OUT), (student, STUDENT)):
        nb = {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
        for k, c in enumerate(cells):
            c["id"] = f"{path.stem.replace('_', '-')}-{k}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / (path.stem + ".ipynb")).write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n",
                                                     encoding="utf-8")


def main():
    global OUT, STUDENT
    if len(sys.argv) > 1:  # another output folder (tests compare with the committed files)
        OUT = Path(sys.argv[1])
        STUDENT = OUT / "etudiant"
    sources = sorted(SRC.glob("*.c"))
    for path in sources:
        build(path)
        print(f"{OUT / path.stem}.ipynb, {STUDENT / path.stem}.ipynb")


if __name__ == "__main__":
    main()
