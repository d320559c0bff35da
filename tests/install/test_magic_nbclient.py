"""The %%c magic (tools/coursdl_magic) in a Python notebook run
by nbclient on ipykernel: C cells keep their state, their streams, figures,
Out values and errors come back as the Python cell's outputs, Python cells
still work, an interrupt reaches the C code."""
from __future__ import annotations

import base64
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from install_helpers import ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def magic_site():
    """The package's folder: pip-installing it (as the README's Colab cell
    does) is covered by `make test-install`, which needs the network."""
    site = ROOT / "tools/coursdl_magic"
    assert (site / "coursdl_magic" / "__init__.py").is_file()
    return site


@pytest.fixture
def python_env(magic_site, monkeypatch):
    """The Python kernel imports the magic from where pip put it and sees the
    coursdl kernelspec of the build (JUPYTER_PATH)."""
    monkeypatch.setenv("PYTHONPATH", str(magic_site))
    monkeypatch.setenv("JUPYTER_PATH", str(ROOT / "build/share/jupyter"))


def code(source: str, *tags: str):
    cell = new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def stream_text(cell, name: str = "stdout") -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def test_c_cells_in_a_python_notebook(python_env, tmp_path):
    nb = new_notebook(cells=[
        code("%load_ext coursdl_magic"),
        code('%%c\nint n = 6;\nprintf("n = %d\\n", n);'),
        code("%%c\nn * 7"),
        code("%%c\ndouble x[] = {0, 1, 2}, y[] = {0, 1, 4};\nplt_plot(x, y, 3);\nplt_show();"),
        code("%%c\nint *p = NULL;\n*p = 1;", "raises-exception"),
        code("%%c\nn + not_declared", "raises-exception"),
        code('%%c\nfprintf(stderr, "still here\\n");\nn'),
        code('%c printf("one line %d\\n", n + 1);'),
        code("py = 2 + 3\nprint(py)"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    c = nb.cells
    assert stream_text(c[1]) == "n = 6\n"
    results = [o for o in c[2].outputs if o.output_type in ("display_data", "execute_result")]
    assert [o.data["text/plain"] for o in results] == ["42"]
    pngs = [o for o in c[3].outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(pngs) == 1 and base64.b64decode(pngs[0].data["image/png"]).startswith(PNG_MAGIC)
    (segv,) = [o for o in c[4].outputs if o.output_type == "error"]
    assert segv.ename == "SegmentationFault"
    assert any("SegmentationFault" in line for line in segv.traceback)
    assert not any("site-packages" in line for line in segv.traceback)  # the C traceback, not Python's
    (comp,) = [o for o in c[5].outputs if o.output_type == "error"]
    assert comp.ename == "CompileError" and "not_declared" in comp.evalue
    # The C kernel survived the segfault with its variables.
    assert stream_text(c[6], "stderr") == "still here\n"
    assert [o.data["text/plain"] for o in c[6].outputs if o.output_type == "display_data"] == ["6"]
    assert stream_text(c[7]) == "one line 7\n"
    assert stream_text(c[8]) == "5\n"


def test_missing_kernelspec_is_named_with_the_fix(python_env, tmp_path):
    nb = new_notebook(cells=[
        code("%load_ext coursdl_magic\n%c_kernel coursdl-not-installed"),
        code("%%c\n1 + 1", "raises-exception"),
    ])
    NotebookClient(nb, kernel_name="python3", timeout=60,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    (err,) = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert err.ename == "CKernelUnavailable"
    assert "coursdl-not-installed" in err.evalue and "make install" in err.evalue


def iopub_until_idle(kc, msg_id: str, timeout: float = 30.0) -> list:
    msgs, end = [], time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return msgs
    raise AssertionError(f"no idle within {timeout:g} s: {[m['msg_type'] for m in msgs]}")


def test_interrupt_reaches_the_c_code(python_env, tmp_path):
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), startup_timeout=60)
    try:
        reply = kc.execute_interactive("%load_ext coursdl_magic", timeout=30)
        assert reply["content"]["status"] == "ok"
        reply = kc.execute_interactive("%%c\nlong spins = 0;", timeout=60)
        assert reply["content"]["status"] == "ok"
        msg_id = kc.execute("%%c\nfor (;;) spins++;")
        time.sleep(2)
        t0 = time.monotonic()
        km.interrupt_kernel()
        msgs = iopub_until_idle(kc, msg_id)
        assert time.monotonic() - t0 < 10
        errors = [m["content"] for m in msgs if m["msg_type"] == "error"]
        assert [e["ename"] for e in errors] == ["KeyboardInterrupt"]
        out = []
        reply = kc.execute_interactive('%%c\nprintf("%d\\n", spins > 0);', timeout=30,
                                       output_hook=out.append)
        assert reply["content"]["status"] == "ok"
        assert "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream") == "1\n"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
