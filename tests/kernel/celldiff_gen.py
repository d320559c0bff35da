"""Random notebooks for the differential test of the cell model (test_cell_diff.py).

A case is a random sequence of top-level C items (includes, macros, typedefs,
structs, enums, functions defined before and after their callers,
re-definitions, globals with and without initializers, unsized arrays,
statements, macro blocks, a last expression) cut into cells at random points.
Each case is rendered twice:

- as notebook cells, the text a student would type (run by the kernel's cell
  model, build/tools/cellrun);
- as one C program for gcc with the meaning the notebook has
  (README, "What a cell may hold"): every function called through a stable
  entry point set when its cell is compiled (late binding: callers see the
  latest definition, also through function pointers), a variable
  re-declared with the same type keeps its storage and is re-initialized
  where the declaration stands, one re-declared with another type (or
  whose struct changed) is new storage from its declaration on (items of
  the cell before it still mean the old variable), a macro redefined part
  way through a cell applies from there on, statements run in order.

Where no re-definition happens the gcc program is the notebook's code in its
own order, with the statements of each cell in a function of their own.
Names carry the case's prefix so that many cases make one gcc program.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Func:
    name: str
    version: int = 0
    index: int = 0          # calls only go to functions of a lower index: recursion ends


@dataclass
class Var:
    name: str
    ctype: str              # "int", "double", "long", "int[3]" (array of n), "struct" (a struct var)
    version: int = 0
    n: int = 0              # array length
    struct: str | None = None


@dataclass
class Struct:
    name: str               # a typedef name
    fields: list[str] = field(default_factory=list)
    version: int = 0


class Case:
    """Builds one case: cells (kernel text) and its gcc translation."""

    def __init__(self, cid: int, rng: random.Random):
        self.cid = cid
        self.r = rng
        self.p = f"c{cid}_"
        self.funcs: list[Func] = []
        self.vars: dict[str, Var] = {}
        self.structs: list[Struct] = []
        self.macros: dict[str, int] = {}      # object-like macro -> value
        self.enums: list[str] = []
        self.block_macro = False
        self.cells: list[list[str]] = [[]]    # kernel text of each item, per cell
        self.g_top: list[str] = []            # gcc: file-scope declarations (before everything)
        self.g_items: list[list[str]] = [[]]  # gcc: file-scope text, per cell, in order
        self.g_run: list[list[str]] = [[]]    # gcc: statements of each cell
        self.g_bind: list[list[str]] = [[]]   # gcc: entry points set at the start of each cell
        self.g_macro_start: list[dict[str, int]] = [{}]  # the macros as each cell starts
        self.g_macro_set: list[list[str]] = [[]]  # macros each cell (re)defines
        self.cell_structs: set[str] = set()   # structs defined, or given variables, in the current cell
        self.n_names = 0
        self.pending_calls: list[str] = []    # functions called before their definition in this cell
        self.cell_names: set[str] = set()     # defined in the current cell (C forbids twice)

    # ---- names -----------------------------------------------------------
    def fresh(self, kind: str) -> str:
        self.n_names += 1
        return f"{self.p}{kind}{self.n_names}"

    def vname(self, v: Var) -> str:
        return f"{v.name}__v{v.version}"

    def sname(self, s: Struct) -> str:
        return f"{s.name}__v{s.version}"

    # ---- cells -------------------------------------------------------------
    def new_cell(self):
        if self.cells[-1]:
            if self.pending_calls:
                return  # a call waits for its definition in this cell
            self.cells.append([])
            self.cell_names = set()
            self.cell_structs = set()
            self.g_items.append([])
            self.g_run.append([])
            self.g_bind.append([])
            self.g_macro_start.append(dict(self.macros))
            self.g_macro_set.append([])

    def emit(self, text: str, g_item: str | None = None, g_run: str | None = None):
        self.cells[-1].append(text)
        if g_item:
            self.g_items[-1].append(g_item)
        if g_run:
            self.g_run[-1].append(g_run)

    # ---- expressions -----------------------------------------------------------
    def int_expr(self, depth: int = 0, max_func: int | None = None, in_func: bool = False) -> tuple[str, str]:
        """A random int expression: (kernel text, gcc text)."""
        r = self.r
        choices = ["lit"]
        ints = [v for v in self.vars.values() if v.ctype in ("int", "long")]
        arrays = [v for v in self.vars.values() if v.ctype == "array"]
        svars = [v for v in self.vars.values() if v.ctype == "struct"]
        funcs = self.funcs if max_func is None else [f for f in self.funcs if f.index < max_func]
        if ints:
            choices += ["var"] * 3
        if arrays:
            choices.append("arr")
        if svars and not in_func:
            choices.append("field")
        if self.macros:
            choices.append("macro")
        if self.enums:
            choices.append("enum")
        if funcs and depth < 2:
            choices += ["call"] * 2
        if depth < 2:
            choices += ["bin"] * 2
        c = r.choice(choices)
        if c == "lit":
            v = str(r.randint(0, 9))
            return v, v
        if c == "var":
            v = r.choice(ints)
            return f"(int){v.name}", f"(int){self.vname(v)}"
        if c == "arr":
            v = r.choice(arrays)
            i = r.randrange(v.n)
            return f"{v.name}[{i}]", f"{self.vname(v)}[{i}]"
        if c == "field":
            v = r.choice(svars)
            s = next(s for s in self.structs if s.name == v.struct)
            f = r.choice(s.fields)
            return f"{v.name}.{f}", f"{self.vname(v)}.{f}"
        if c == "macro":
            m = r.choice(sorted(self.macros))
            return m, m
        if c == "enum":
            e = r.choice(self.enums)
            return e, e
        if c == "call":
            f = r.choice(funcs)
            a, ga = self.int_expr(depth + 1, max_func, in_func)
            return f"{f.name}(({a}) % 5)", f"{f.name}(({ga}) % 5)"
        a, ga = self.int_expr(depth + 1, max_func, in_func)
        b, gb = self.int_expr(depth + 1, max_func, in_func)
        op = r.choice(["+", "-", "*"])
        return f"({a} {op} {b})", f"({ga} {op} {gb})"

    # ---- items -----------------------------------------------------------------
    def item_include(self):
        h = self.r.choice(["stdio.h", "string.h", "math.h", "stdlib.h", "stdint.h"])
        self.emit(f"#include <{h}>", f"#include <{h}>")

    def item_macro(self):
        # anywhere in a cell: the items before it keep the macro's earlier
        # value (gcc: the directive at its place among the file-scope items
        # and among the cell's statements, see program())
        r = self.r
        if self.macros and r.random() < 0.4:
            name = r.choice(sorted(self.macros))
        else:
            name = self.fresh("M").upper()
        val = r.randint(1, 9)
        self.macros[name] = val
        self.g_macro_set[-1].append(name)
        # gcc: a redefinition needs #undef first (the notebook replaces it)
        text = f"#undef {name}\n#define {name} {val}"
        self.emit(f"#define {name} {val}", text, text)

    def item_block_macro(self):
        if self.block_macro:
            return
        name = f"{self.p}REPEAT"
        text = f"#define {name}(n) for (int {self.p}i = 0; {self.p}i < (n); {self.p}i++)"
        self.emit(text, text)
        self.block_macro = True

    def item_enum(self):
        a, b = self.fresh("E"), self.fresh("E")
        v = self.r.randint(0, 5)
        text = f"enum {{ {a} = {v}, {b} }};"
        self.enums += [a, b]
        self.emit(text, text)

    def item_struct(self):
        r = self.r
        if self.structs and r.random() < 0.3:
            # a struct changed is new storage for its variables from there on
            # (statements before it in the cell read the old ones); not twice
            # in a cell, nor after a variable of it in the same cell (the
            # kernel puts a cell's types before its declarations)
            s = r.choice(self.structs)
            if s.name in self.cell_structs:
                self.new_cell()
                if self.cells[-1]:
                    return
            olds = [v for v in self.vars.values() if v.struct == s.name]
            if olds and r.random() < 0.5:
                # read an old variable in the cell, before the change
                v = r.choice(olds)
                f = r.choice(s.fields)
                self.emit(f'printf("%d\\n", {v.name}.{f});', g_run=f'printf("%d\\n", {self.vname(v)}.{f});')
            s.version += 1
            s.fields = s.fields + [f"f{len(s.fields)}"] if r.random() < 0.5 else s.fields
            redefined = True
        else:
            s = Struct(self.fresh("T"), [f"f{i}" for i in range(r.randint(1, 3))])
            self.structs.append(s)
            redefined = False
        self.cell_structs.add(s.name)
        body = " ".join(f"int {f};" for f in s.fields)
        self.emit(f"typedef struct {{ {body} }} {s.name};", f"typedef struct {{ {body} }} {self.sname(s)};")
        if redefined:
            # variables of the old layout are forgotten by the kernel: declare them again here
            for v in list(self.vars.values()):
                if v.struct == s.name:
                    self.declare_struct_var(s, v.name)

    def declare_struct_var(self, s: Struct, name: str | None = None):
        old = self.vars.get(name) if name else None
        v = Var(name or self.fresh("s"), "struct", struct=s.name)
        same = old is not None and old.ctype == "struct" and old.struct == s.name and old.version >= 0 and \
            getattr(old, "sver", None) == s.version
        v.version = old.version if same else (old.version + 1 if old else 0)
        v.sver = s.version  # type: ignore[attr-defined]
        self.vars[v.name] = v
        self.cell_names.add(v.name)
        self.cell_structs.add(s.name)
        gv = self.vname(v)
        if not same:  # after its typedef: at this point of the file
            self.g_items[-1].append(f"{self.sname(s)} {gv};")
        if self.r.random() < 0.7:
            vals = [self.r.randint(0, 9) for _ in s.fields]
            init = ", ".join(map(str, vals))
            self.emit(f"{s.name} {v.name} = {{ {init} }};",
                      g_run=f"{{ {self.sname(s)} t_ = {{ {init} }}; memcpy(&{gv}, &t_, sizeof t_); }}")
        else:
            self.emit(f"{s.name} {v.name};", g_run=f"memset(&{gv}, 0, sizeof {gv});")

    def item_struct_var(self):
        if not self.structs:
            return self.item_struct()
        s = self.r.choice(self.structs)
        existing = [v for v in self.vars.values() if v.struct == s.name]
        again = [v for v in existing if v.name not in self.cell_names]
        self.declare_struct_var(s, again[0].name if again and self.r.random() < 0.4 else None)

    def item_global(self):
        r = self.r
        ctype = r.choice(["int", "int", "long", "double"])
        again = sorted(n for n in self.vars if n not in self.cell_names)
        if again and r.random() < 0.35:
            name = r.choice(again)
            if self.vars[name].ctype not in ("int", "long", "double"):
                return
        else:
            name = self.fresh("g")
        old = self.vars.get(name)
        # another type is new storage from the declaration on: items of the
        # cell before it still mean the old variable
        if old and old.ctype == ctype:
            v = old
        else:
            v = Var(name, ctype, version=(old.version + 1) if old else 0)
            self.g_top.append(f"{ctype} {self.vname(v)};")
        gv = self.vname(v)
        self.cell_names.add(name)
        if r.random() < 0.75:
            # the initializer may call functions of this cell defined later
            # (C: a declared name is in scope in its own initializer; the
            # model leaves such self-references out)
            self.vars.pop(name, None)
            e, ge = self.int_expr()
            self.emit(f"{ctype} {name} = {e};", g_run=f"{gv} = {ge};")
        else:
            self.emit(f"{ctype} {name};", g_run=f"{gv} = 0;")
        self.vars[name] = v

    def item_two_globals(self):
        a, b = self.fresh("g"), self.fresh("g")
        x, y = self.r.randint(0, 9), self.r.randint(0, 9)
        va, vb = Var(a, "int"), Var(b, "int")
        self.g_top += [f"int {self.vname(va)};", f"int {self.vname(vb)};"]
        self.emit(f"int {a} = {x}, {b} = {y};", g_run=f"{self.vname(va)} = {x}; {self.vname(vb)} = {y};")
        self.vars[a], self.vars[b] = va, vb
        self.cell_names |= {a, b}

    def item_array(self):
        r = self.r
        n = r.randint(1, 4)
        name = self.fresh("a")
        v = Var(name, "array", n=n)
        gv = self.vname(v)
        self.g_top.append(f"int {gv}[{n}];")
        if r.random() < 0.6:
            elems = [self.int_expr(1) for _ in range(n)]
            ktext = ", ".join(e for e, _ in elems)
            gtext = ", ".join(g for _, g in elems)
            self.emit(f"int {name}[] = {{ {ktext} }};",
                      g_run=f"{{ int t_[{n}] = {{ {gtext} }}; memcpy({gv}, t_, sizeof t_); }}")
        else:
            self.emit(f"int {name}[{n}];", g_run=f"memset({gv}, 0, sizeof {gv});")
        self.vars[name] = v
        self.cell_names.add(name)

    def item_func(self):
        r = self.r
        again = [f for f in self.funcs if f.name not in self.cell_names]
        if again and r.random() < 0.35:
            f = r.choice(again)
            f.version += 1
        else:
            f = Func(self.fresh("f"), 0, len(self.funcs))
            self.funcs.append(f)
        self.cell_names.add(f.name)
        body, gbody = self.int_expr(1, max_func=f.index, in_func=True)
        k = r.randint(1, 9)
        impl = f"{f.name}__v{f.version}"
        kernel = f"int {f.name}(int x) {{\n    return x * {k} + {body};\n}}"
        self.emit(kernel, f"static int {impl}(int x) {{\n    return x * {k} + {gbody};\n}}")
        self.g_bind[-1].append(f"{f.name}__ptr = {impl};")
        if f.version == 0:
            self.g_top.append(f"static int (*{f.name}__ptr)(int);\n"
                              f"int {f.name}(int x) {{ return {f.name}__ptr(x); }}")
        if f.name in self.pending_calls:
            self.pending_calls.remove(f.name)

    def item_call_before_definition(self):
        """A statement calling a function defined further down the same cell."""
        f = Func(self.fresh("f"), 0, len(self.funcs))
        a = self.r.randint(0, 9)
        self.g_top.append(f"static int (*{f.name}__ptr)(int);\n"
                          f"int {f.name}(int x) {{ return {f.name}__ptr(x); }}")
        self.emit(f'printf("%d\\n", {f.name}({a}));', g_run=f'printf("%d\\n", {f.name}({a}));')
        self.funcs.append(f)
        self.pending_calls.append(f.name)

    def item_func_table(self):
        if len(self.funcs) < 2 or self.pending_calls:
            return
        fs = self.r.sample(self.funcs, 2)
        name = self.fresh("ops")
        names = ", ".join(f.name for f in fs)
        v = Var(name, "ops", n=2)
        self.g_top.append(f"int (*{self.vname(v)}[2])(int);")
        self.emit(f"int (*{name}[])(int) = {{ {names} }};",
                  g_run=f"{{ int (*t_[2])(int) = {{ {names} }}; memcpy({self.vname(v)}, t_, sizeof t_); }}")
        self.vars[name] = v
        self.cell_names.add(name)

    def item_stmt(self):
        r = self.r
        k = r.randint(0, 5)
        ints = [v for v in self.vars.values() if v.ctype in ("int", "long")]
        tables = [v for v in self.vars.values() if v.ctype == "ops"]
        if k == 0 and ints:
            v = r.choice(ints)
            e, ge = self.int_expr()
            self.emit(f"{v.name} += {e};", g_run=f"{self.vname(v)} += {ge};")
        elif k == 1:
            e, ge = self.int_expr()
            self.emit(f"for (int i = 0; i < 2; i++) printf(\"%d \", i + {e});",
                      g_run=f"for (int i = 0; i < 2; i++) printf(\"%d \", i + {ge});")
        elif k == 2:
            e, ge = self.int_expr()
            self.emit(f"if ({e} % 2) {{\n    puts(\"odd\");\n}} else {{\n    puts(\"even\");\n}}",
                      g_run=f"if ({ge} % 2) {{ puts(\"odd\"); }} else {{ puts(\"even\"); }}")
        elif k == 3 and self.block_macro:
            e, ge = self.int_expr(1)
            self.emit(f"{self.p}REPEAT(2) {{ printf(\"r%d\\n\", {e}); }}",
                      g_run=f"{self.p}REPEAT(2) {{ printf(\"r%d\\n\", {ge}); }}")
        elif k == 4:
            e, ge = self.int_expr(1)
            self.emit(f"no_grad {{ printf(\"ng%d\\n\", {e}); }}", g_run=f"no_grad {{ printf(\"ng%d\\n\", {ge}); }}")
        elif k == 5 and tables:
            v = r.choice(tables)
            i = r.randrange(2)
            self.emit(f'printf("t%d\\n", {v.name}[{i}](3));', g_run=f'printf("t%d\\n", {self.vname(v)}[{i}](3));')
        else:
            self.item_print()

    def item_print(self):
        doubles = [v for v in self.vars.values() if v.ctype == "double"]
        if doubles and self.r.random() < 0.3:
            v = self.r.choice(doubles)
            self.emit(f'printf("%.3f\\n", {v.name});', g_run=f'printf("%.3f\\n", {self.vname(v)});')
            return
        e, ge = self.int_expr()
        self.emit(f'printf("%d\\n", {e});', g_run=f'printf("%d\\n", {ge});')

    # ---- the whole case -----------------------------------------------------
    def build(self, n_items: int):
        r = self.r
        makers = [
            (self.item_include, 1), (self.item_macro, 2), (self.item_block_macro, 1), (self.item_enum, 1),
            (self.item_struct, 2), (self.item_struct_var, 2), (self.item_global, 5), (self.item_two_globals, 1),
            (self.item_array, 2), (self.item_func, 5), (self.item_call_before_definition, 1),
            (self.item_func_table, 1), (self.item_stmt, 5), (self.item_print, 4),
        ]
        fns = [m for m, w in makers for _ in range(w)]
        for _ in range(n_items):
            if r.random() < 0.3:
                self.new_cell()
            r.choice(fns)()
        # calls waiting for a definition get one
        for name in list(self.pending_calls):
            f = next(f for f in self.funcs if f.name == name)
            k = r.randint(1, 9)
            self.emit(f"int {name}(int x) {{ return x + {k}; }}",
                      f"static int {name}__v0(int x) {{ return x + {k}; }}")
            self.g_bind[-1].append(f"{name}__ptr = {name}__v0;")
            self.pending_calls.remove(name)
            del f
        if r.random() < 0.5:
            e, ge = self.int_expr()
            self.emit(e, g_run=f'printf("Out: %d\\n", (int)({ge}));')

    def notebook(self) -> str:
        out = [f"@@case {self.cid}"]
        for cell in self.cells:
            if cell:
                out.append("@@cell")
                out.append("\n".join(cell))
        return "\n".join(out) + "\n"

    def program(self) -> str:
        """The case's part of the gcc program; its entry is {prefix}main()."""
        parts = list(self.g_top)
        calls = []
        for k, (items, run, bind) in enumerate(zip(self.g_items, self.g_run, self.g_bind)):
            if not (items or run or bind):
                continue
            parts += items
            fn = f"{self.p}cell{k}"
            # the file-scope items left the cell's last macro values: its
            # statements start from the values the cell started with
            start = self.g_macro_start[k]
            restore = [f"#undef {m}\n#define {m} {start[m]}" if m in start else f"#undef {m}"
                       for m in dict.fromkeys(self.g_macro_set[k])]
            parts.append(f"static void {fn}(void) {{\n" + "\n".join(restore + bind + run) + "\nfflush(stdout);\n}")
            calls.append(f"{fn}();")
        parts.append(f"static void {self.p}main(void) {{\nprintf(\"@@case {self.cid}\\n\");\n"
                     + "\n".join(calls) + "\n}")
        return "\n".join(parts) + "\n"


def make_case(cid: int, seed: int, n_items: int | None = None) -> Case:
    rng = random.Random(seed * 1_000_003 + cid)
    c = Case(cid, rng)
    c.build(n_items if n_items is not None else rng.randint(3, 14))
    return c


PROGRAM_HEAD = """#include <stdio.h>
#include <string.h>
#include <coursdl.h>
"""


def gcc_program(cases: list[Case]) -> str:
    body = "".join(c.program() for c in cases)
    main = "int main(void) {\n" + "\n".join(f"{c.p}main();" for c in cases) + "\nreturn 0;\n}\n"
    return PROGRAM_HEAD + body + main
