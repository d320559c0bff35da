"""Every doc comment of a public function or function-like macro in the
engine's headers has the full form the kernel's help shows (issue 11,
item 8): what it does, then "Arguments:", "Returns", "Errors:" and an
"Example:" that calls it (or, for a comment over a group of
declarations, one of the group). The headers are the single source of help, so a
one-line comment here is a one-line help page in the notebook.

A doc comment is a comment at file level (not inside a struct or enum)
whose next line declares a function or a function-like macro; section
headers ("/* ---- ... */"), options structs, typedefs and constants are not
held to the form."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADERS = sorted((ROOT / "engine" / "include" / "coursdl").glob("*.h"))
PARTS = ("Arguments:", "Returns", "Errors:", "Example:")
MACRO = re.compile(r"#define\s+(\w+)\(")
PROTOTYPE = re.compile(r"^(?!typedef|#|static\b)[\w\s\*]*?\b(\w+)\s*\([^;{]*\)\s*(CDL_\w+(\([^)]*\))?\s*)*;")


@dataclass
class Doc:
    header: str
    line: int
    name: str
    text: str
    group: tuple[str, ...]  # every name declared under the comment


def doc_comments(path: Path) -> list[Doc]:
    lines = path.read_text().split("\n")
    docs, depth, i = [], 0, 0
    while i < len(lines):
        line = lines[i]
        if depth == 0 and line.startswith("/*") and "----" not in line:
            start = i
            while "*/" not in lines[i]:
                i += 1
            text = "\n".join(lines[start:i + 1])
            j = i + 1
            # the declaration may span lines: join until ';' or a macro's end
            decl = lines[j] if j < len(lines) else ""
            k = j
            while not decl.lstrip().startswith("#") and ";" not in decl and k + 1 < len(lines) and k - j < 6:
                k += 1
                decl += " " + lines[k].strip()
            m = MACRO.match(decl) or PROTOTYPE.match(decl.strip())
            if m:
                group = []
                while j < len(lines) and lines[j].strip() and not lines[j].startswith("/*"):
                    g = MACRO.match(lines[j]) or PROTOTYPE.match(lines[j].strip())
                    if g:
                        group.append(g.group(1))
                    j += 1
                docs.append(Doc(path.name, start + 1, m.group(1), text, tuple(group) or (m.group(1),)))
            i += 1
            continue
        code = re.sub(r"/\*.*?\*/|//.*$|\"(\\.|[^\"])*\"", "", line)
        depth += code.count("{") - code.count("}")
        i += 1
    return docs


ALL = [d for h in HEADERS for d in doc_comments(h)]


def test_the_scan_finds_the_public_functions():
    names = {d.name for d in ALL}
    # a few from each header family, so a broken scan cannot pass by finding nothing
    for name in ("tensor_zeros", "tensor_item", "nn_linear", "data_loader", "plt_plot", "optim_adam"):
        assert name in names, name
    assert len(ALL) > 300, len(ALL)


@pytest.mark.parametrize("doc", ALL, ids=[f"{d.header}:{d.name}" for d in ALL])
def test_doc_comment_is_complete(doc):
    missing = [p for p in PARTS if p not in doc.text]
    assert not missing, f"{doc.header}:{doc.line} {doc.name}: missing {missing}\n{doc.text}"
    example = doc.text.split("Example:", 1)[1]
    assert any(re.search(r"\b" + re.escape(n) + r"\s*\(", example) for n in doc.group), \
        f"{doc.header}:{doc.line} {doc.name}: the example calls none of {doc.group}\n{doc.text}"
