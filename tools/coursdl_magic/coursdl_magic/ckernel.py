"""One C (coursDL) kernel driven through jupyter_client, its outputs replayed
in the Python kernel that hosts it (streams, displays, errors)."""
from __future__ import annotations

import getpass
import queue
import re
import sys
import time

from jupyter_client.kernelspec import NoSuchKernel
from jupyter_client.manager import KernelManager

INSTALL_HINT = (
    "install it first: `make install` in the coursdl folder (Colab: the README's "
    "first cell), then run this cell again"
)


class CError(Exception):
    """An error reported by the C kernel. Subclasses are named after the C
    error (CompileError, SegmentationFault...), so the notebook shows that
    name; the traceback shown is the C kernel's own."""

    def __init__(self, ename: str, evalue: str, traceback: list[str]):
        super().__init__(evalue)
        self.ename, self.evalue, self.traceback = ename, evalue, traceback

    def _render_traceback_(self):  # IPython shows this instead of a Python traceback
        return list(self.traceback) or [f"{self.ename}: {self.evalue}"]


class CKernelUnavailable(CError):
    """No C kernel could be started or it stopped answering."""

    def __init__(self, message: str):
        super().__init__(type(self).__name__, message, [f"{type(self).__name__}: {message}"])


_ERROR_TYPES: dict[str, type] = {}


def error_type(ename: str) -> type:
    name = re.sub(r"\W", "_", ename or "CError") or "CError"
    if name[0].isdigit():
        name = "_" + name
    if name not in _ERROR_TYPES:
        _ERROR_TYPES[name] = type(name, (CError,), {"__module__": __name__})
    return _ERROR_TYPES[name]


class CKernel:
    """A C kernel started on first use; `execute` replays a cell's outputs."""

    def __init__(self, kernel_name: str = "coursdl", startup_timeout: float = 60.0):
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.km = None
        self.kc = None

    # ---- lifetime -----------------------------------------------------------
    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def start(self) -> None:
        km = KernelManager(kernel_name=self.kernel_name)
        try:
            km.start_kernel()
        except NoSuchKernel:
            raise CKernelUnavailable(
                f"no Jupyter kernel named '{self.kernel_name}' on this machine: {INSTALL_HINT}"
            ) from None
        except OSError as e:  # the kernelspec names a kernel that is gone
            raise CKernelUnavailable(
                f"cannot start the '{self.kernel_name}' kernel ({e}): {INSTALL_HINT}"
            ) from None
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError as e:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            raise CKernelUnavailable(f"the '{self.kernel_name}' kernel did not start: {e}") from None
        self.km, self.kc = km, kc

    def shutdown(self) -> None:
        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            kc.stop_channels()
        if km is not None and km.has_kernel:
            try:
                km.shutdown_kernel(now=not km.is_alive())
            except Exception:
                km.shutdown_kernel(now=True)

    def restart(self) -> None:
        self.shutdown()
        self.start()

    # ---- one cell -------------------------------------------------------------
    def execute(self, code: str, allow_stdin: bool = True) -> dict:
        """Runs `code`; streams, displays and the Out value appear as they come.
        Raises a CError subclass for a C error, KeyboardInterrupt (after
        interrupting the C kernel) when this cell is interrupted."""
        if not self.alive():
            if self.km is not None:
                self.shutdown()
                print("(the C kernel had stopped: started a new one; earlier C variables are gone)",
                      file=sys.stderr)
            self.start()
        kc = self.kc
        msg_id = kc.execute(code, allow_stdin=allow_stdin, stop_on_error=False)
        error = None
        try:
            error = self._replay(msg_id, allow_stdin)
        except KeyboardInterrupt:
            self.km.interrupt_kernel()
            try:
                self._replay(msg_id, allow_stdin, deadline=time.monotonic() + 10)
            except (KeyboardInterrupt, CKernelUnavailable):
                pass
            raise
        reply = self._reply(msg_id)
        content = reply.get("content", {}) if reply else {}
        if error is None and content.get("status") == "error":
            error = content
        if error is not None:
            raise error_type(error.get("ename", "CError"))(
                error.get("ename", "CError"), error.get("evalue", ""), error.get("traceback", []))
        return content

    def _replay(self, msg_id: str, allow_stdin: bool, deadline: float | None = None):
        """Forwards IOPub messages of `msg_id` until the kernel is idle; returns
        the error content, if any."""
        from IPython.display import clear_output, display, update_display

        kc, error = self.kc, None
        while True:
            if deadline is not None and time.monotonic() > deadline:
                return error
            try:
                msg = kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                if allow_stdin:
                    self._answer_input(msg_id)
                if not self.km.is_alive():
                    raise CKernelUnavailable("the C kernel died; the next %%c cell starts a new one")
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, c = msg["msg_type"], msg["content"]
            if kind == "stream":
                stream = sys.stderr if c.get("name") == "stderr" else sys.stdout
                stream.write(c.get("text", ""))
                stream.flush()
            elif kind in ("display_data", "execute_result"):
                sys.stdout.flush()
                display_id = (c.get("transient") or {}).get("display_id")
                display(c.get("data", {}), raw=True, metadata=c.get("metadata") or {},
                        **({"display_id": display_id} if display_id else {}))
            elif kind == "update_display_data":
                display_id = (c.get("transient") or {}).get("display_id")
                if display_id:
                    update_display(c.get("data", {}), raw=True, metadata=c.get("metadata") or {},
                                   display_id=display_id)
            elif kind == "clear_output":
                clear_output(wait=bool(c.get("wait")))
            elif kind == "error":
                error = c
            elif kind == "status" and c.get("execution_state") == "idle":
                return error

    def _answer_input(self, msg_id: str) -> None:
        """A C cell reading stdin: ask in the hosting notebook."""
        kc = self.kc
        try:
            msg = kc.get_stdin_msg(timeout=0)
        except queue.Empty:
            return
        if msg["msg_type"] != "input_request":
            return
        prompt = msg["content"].get("prompt", "")
        try:
            if msg["content"].get("password"):
                value = getpass.getpass(prompt)
            else:
                value = input(prompt)
        except Exception:  # the host cannot read stdin (nbclient, nbconvert)
            value = ""
        kc.input(value)

    def _reply(self, msg_id: str, timeout: float = 30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                msg = self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                if not self.km.is_alive():
                    return None
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg
        return None
