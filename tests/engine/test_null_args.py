"""Every public function of the engine, called with NULL in each of its object
arguments (Tensor *, Module *, Optimizer *, Dataset *...) and with a tensor
already given to tensor_free in each Tensor * argument, raises a ValueError
that names the function (as users call it) and the argument: never a
segfault, never a freed tensor taken for a live one (issue 10, item 6).

The list is generated from the public headers (public_api.py): a new
function is checked as soon as it is declared. A C program with one case
per (function, argument) is compiled against libcoursdl and runs each case
in a child process, so that a missing check shows as that case's crash."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from public_api import ROOT, display_name, functions, macros  # noqa: E402

BUILD = ROOT / "build"

# Object arguments where NULL means something (documented in the headers);
# a freed tensor is still an error there.
NULLABLE = {
    ("tensor_free", "x"): "like free(NULL): nothing",
    ("tensor_set_grad", "grad"): "clears the gradient",
    ("tensor_to_string", "t"): "prints None",
    ("tensor_display_out", "t"): "Out[n] of a NULL pointer",
    ("nn_display_out", "m"): "Out[n] of a NULL pointer",
    ("plt_display_out", "fig"): "Out[n] of a NULL pointer",
    ("digraph_display_out", "g"): "Out[n] of a NULL pointer",
    ("history_display_out", "h"): "Out[n] of a NULL pointer",
    ("evaluation_display_out", "e"): "Out[n] of a NULL pointer",
    ("data_display_out", "ds"): "Out[n] of a NULL pointer",
    ("data_loader_display_out", "dl"): "Out[n] of a NULL pointer",
    ("optim_display_out", "o"): "Out[n] of a NULL pointer",
    ("data_tensor_dataset", "y"): "a dataset without targets",
    ("data_train_test_split_", "y"): "no labels",
    ("progress_close", "p"): "nothing to close",
    ("progress_finish", "p"): "nothing to finish",
}
# Functions that show a freed tensor instead of refusing it (Out[n] of a
# pointer kept after tensor_free), or whose own test covers it (tensor_free
# twice: test_arg_checks.c).
FREED_SHOWN = {"tensor_to_string", "tensor_display_out", "tensor_free"}


def nullable(fn: str, p) -> bool:
    return (fn, p.name) in NULLABLE or p.base == "Generator"  # NULL: the default generator


PROGRAM_HEAD = r"""
#include <coursdl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Outcome { int raised; int kind; char msg[1000]; } Outcome;
static Outcome *out;  /* shared with the children */
static sigjmp_buf back;
static Tensor *T, *TF;
static _Alignas(64) char DUMMY[4096];  /* an object argument before the one tested: only its address is read */

static void on_error(ErrorKind kind, const char *msg, void *ctx)
{
    (void)ctx;
    out->raised = 1;
    out->kind = kind;
    snprintf(out->msg, sizeof out->msg, "%s", msg);
    siglongjmp(back, 1);
}
"""

PROGRAM_MAIN = r"""
int main(void)
{
    out = mmap(NULL, sizeof *out, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    error_set_handler(on_error, NULL);
    T = tensor_ones(2, 2);
    TF = tensor_ones(2, 2);
    tensor_free(TF);
    for (int i = 0; i < N_CASES; i++) {
        memset(out, 0, sizeof *out);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
            alarm(20);
            if (!sigsetjmp(back, 1))
                CASES[i]();
            _exit(0);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        const char *what = WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : out->raised ? error_kind_name(out->kind)
                         : "returned";
        for (char *c = out->msg; *c; c++)
            if (*c == '\n' || *c == '|') *c = ' ';
        printf("%d|%s|%s\n", i, what, out->msg);
    }
    return 0;
}
"""


def build_cases():
    names = macros()
    cases = []  # (function, display name, argument, mode, call)
    for f in functions():
        if not f.object_params:
            continue
        for k, p in f.object_params:
            modes = []
            if not nullable(f.name, p):
                modes.append("null")
            if p.kind == "tensor" and f.name not in FREED_SHOWN:
                modes.append("freed")
            for mode in modes:
                args = []
                for i, q in enumerate(f.params):
                    if q.kind == "variadic":
                        continue
                    if i == k:
                        args.append("NULL" if mode == "null" else "TF")
                    elif q.kind == "tensor":
                        args.append("T")
                    elif q.kind == "object":
                        args.append("(void *)DUMMY")
                    else:
                        args.append("0")
                call = f"({f.name})({', '.join(args)});"
                cases.append((f.name, display_name(f.name, names), p.name, mode, call))
    return cases


def program(cases) -> str:
    body = [PROGRAM_HEAD]
    for i, c in enumerate(cases):
        body.append(f"static void case_{i}(void) {{ {c[4]} }}")
    body.append(f"#define N_CASES {len(cases)}")
    body.append("static void (*const CASES[])(void) = {" + ", ".join(f"case_{i}" for i in range(len(cases))) + "};")
    body.append(PROGRAM_MAIN)
    return "\n".join(body)


def test_every_object_argument_is_checked(tmp_path):
    cases = build_cases()
    assert len(cases) > 400, f"only {len(cases)} cases: the headers were not read"
    src = tmp_path / "null_args.c"
    src.write_text(program(cases))
    exe = tmp_path / "null_args"
    cc = subprocess.run(["gcc", "-std=c11", "-D_GNU_SOURCE", "-O0", "-w", f"-I{ROOT / 'engine/include'}", str(src),
                         "-o", str(exe), f"-L{BUILD}", "-lcoursdl", f"-Wl,-rpath,{BUILD}", "-lgc", "-lm"],
                        capture_output=True, text=True)
    assert cc.returncode == 0, cc.stderr[-3000:]
    run = subprocess.run([str(exe)], cwd=tmp_path, capture_output=True, text=True, timeout=280)
    assert run.returncode == 0, run.stderr[-2000:]
    results = {}
    for line in run.stdout.splitlines():
        i, what, msg = line.split("|", 2)
        results[int(i)] = (what, msg)
    wrong = []
    for i, (fn, disp, arg, mode, call) in enumerate(cases):
        what, msg = results.get(i, ("no result", ""))
        want = f"{disp}: argument '{arg}' is " + ("NULL" if mode == "null" else "a tensor freed by tensor_free")
        if what != "ValueError" or not msg.startswith(want):
            wrong.append(f"{call}  ->  {what}: {msg[:160]}")
    n_null = sum(1 for c in cases if c[3] == "null")
    print(f"\n{len(cases)} cases ({n_null} NULL, {len(cases) - n_null} freed tensor) "
          f"over {len({c[0] for c in cases})} functions; {len(wrong)} wrong")
    assert not wrong, f"{len(wrong)} of {len(cases)} calls did not name the argument:\n" + "\n".join(wrong)
