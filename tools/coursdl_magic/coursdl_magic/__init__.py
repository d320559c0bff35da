"""C cells in any Python notebook (Colab, Kaggle, VS Code, JupyterLab).

    %load_ext coursdl_magic

    %%c
    Tensor *x = tensor_randn(2, 3);
    x

`%%c` sends its cell to a "C (coursDL)" kernel (the `coursdl` kernelspec
that `make install` installs), started at the first C cell and kept while
the Python kernel lives: C variables persist from one `%%c` cell to the next.
The C kernel's outputs become the cell's: stdout/stderr, figures (PNG) and
Out values as displays, and a C error is raised as an exception of the same
name (CompileError, SegmentationFault...) that shows the C traceback.
Interrupting the cell interrupts the C code.

`%c CODE` runs one line of C; `%c_restart` starts a fresh C kernel.
The kernelspec's name can be changed with `%c_kernel NAME` (or the
COURSDL_KERNEL environment variable).
"""
from __future__ import annotations

import atexit
import os

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from .ckernel import CError, CKernel, CKernelUnavailable

__all__ = ["CError", "CKernel", "CKernelUnavailable", "CMagics",
           "load_ipython_extension", "unload_ipython_extension"]
__version__ = "0.1.0"


def _host_allows_stdin(shell) -> bool:
    kernel = getattr(shell, "kernel", None)
    return bool(getattr(kernel, "_allow_stdin", True))


@magics_class
class CMagics(Magics):
    def __init__(self, shell):
        super().__init__(shell)
        self.c = CKernel(os.environ.get("COURSDL_KERNEL", "coursdl"))

    def _run(self, code: str) -> None:
        self.c.execute(code, allow_stdin=_host_allows_stdin(self.shell))

    @cell_magic("c")
    def c_cell(self, line: str, cell: str) -> None:
        """Runs the cell as C on the C (coursDL) kernel."""
        self._run(cell)

    @line_magic("c")
    def c_line(self, line: str) -> None:
        """Runs one line of C on the C (coursDL) kernel."""
        self._run(line)

    @line_magic("c_restart")
    def c_restart(self, line: str) -> None:
        """Starts a fresh C kernel (every C variable is forgotten)."""
        self.c.restart()
        print("C kernel restarted")

    @line_magic("c_kernel")
    def c_kernel(self, line: str) -> None:
        """`%c_kernel NAME`: the kernelspec later C cells use (shows it without NAME)."""
        name = line.strip()
        if not name:
            print(self.c.kernel_name)
            return
        if name != self.c.kernel_name:
            self.c.shutdown()
            self.c.kernel_name = name


_magics: CMagics | None = None


def load_ipython_extension(ipython) -> None:
    global _magics
    if _magics is None:
        _magics = CMagics(ipython)
        atexit.register(_magics.c.shutdown)
    ipython.register_magics(_magics)


def unload_ipython_extension(ipython) -> None:
    if _magics is not None:
        _magics.c.shutdown()
