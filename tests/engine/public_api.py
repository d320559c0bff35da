"""The engine's public functions and their parameters, read from its headers
(engine/include/coursdl.h preprocessed by gcc, parsed by pycparser): what the
generated tests call. A parameter's kind is "tensor" (Tensor *), "object"
(another object the engine hands out by pointer: Module *, Optimizer *,
Dataset *... and the ParamList / Evaluation structs), "pointer" (strings,
arrays, options, callbacks), "scalar" or "variadic"."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pycparser import c_ast, c_parser

ROOT = Path(__file__).resolve().parents[2]
INCLUDE = ROOT / "engine" / "include"
# Public structs with fields that the engine returns by pointer and takes back.
OBJECT_STRUCTS = {"ParamList", "Evaluation"}


@dataclass
class Param:
    name: str
    kind: str
    base: str | None = None


@dataclass
class Function:
    name: str
    params: list[Param]

    @property
    def object_params(self) -> list[tuple[int, Param]]:
        return [(i, p) for i, p in enumerate(self.params) if p.kind in ("tensor", "object")]


def _base(t) -> str | None:
    if isinstance(t, c_ast.TypeDecl):
        tt = t.type
        if isinstance(tt, c_ast.IdentifierType):
            return " ".join(tt.names)
        if isinstance(tt, c_ast.Struct):
            return "struct " + tt.name
    return None


def functions() -> list[Function]:
    src = subprocess.run(
        ["gcc", "-E", "-P", "-std=c11", "-D__attribute__(x)=", "-D__extension__=", f"-I{INCLUDE}",
         str(INCLUDE / "coursdl.h")], capture_output=True, text=True, check=True).stdout
    ast = c_parser.CParser().parse(src)
    objects = set(OBJECT_STRUCTS)
    for d in ast.ext:
        if isinstance(d, c_ast.Typedef) and isinstance(d.type.type, c_ast.Struct) and d.type.type.decls is None:
            objects.add(d.name)
    out = []
    for d in ast.ext:
        if not (isinstance(d, c_ast.Decl) and isinstance(d.type, c_ast.FuncDecl)):
            continue
        params = []
        for p in d.type.args.params if d.type.args else []:
            if isinstance(p, c_ast.EllipsisParam):
                params.append(Param("...", "variadic"))
                continue
            t = p.type
            if _base(t) == "void" and not p.name:
                continue  # f(void)
            if isinstance(t, c_ast.PtrDecl):
                base = _base(t.type)
                if base in ("Tensor", "struct Tensor"):
                    params.append(Param(p.name, "tensor", "Tensor"))
                elif base in objects:
                    params.append(Param(p.name, "object", base))
                else:
                    params.append(Param(p.name, "pointer", base))
            elif isinstance(t, c_ast.ArrayDecl):
                params.append(Param(p.name, "pointer"))
            else:
                params.append(Param(p.name, "scalar", _base(t)))
        out.append(Function(d.name, params))
    return out


def macros() -> set[str]:
    names = set()
    for h in sorted(INCLUDE.rglob("*.h")):
        names |= set(re.findall(r"^#define\s+(\w+)\(", h.read_text(), re.M))
    return names


def display_name(fn: str, macro_names: set[str]) -> str:
    """The name users call: nn_mse for nn_mse_, which its macro calls."""
    return fn[:-1] if fn.endswith("_") and fn[:-1] in macro_names else fn
