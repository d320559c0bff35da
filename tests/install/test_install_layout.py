"""`make install` / `make uninstall`: what lands under PREFIX (and DESTDIR), and
that an installed kernel needs nothing from the checkout: it is moved to
another folder and still finds its engine, its headers and its data there."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from install_helpers import files_under, make, write_idx_dataset, write_kernelspec

HEADERS = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "engine/include/coursdl").glob("*.h"))
NOTEBOOKS = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "notebooks/etudiant").glob("*.ipynb"))
EXPECTED = sorted(
    ["bin/coursdl-kernel", "lib/libcoursdl.so", "include/coursdl.h",
     # bounds-checked cells: the kernel's empty runtime objects, TinyCC's libtcc1.a (a link)
     "lib/coursdl/tcclib/bcheck.o", "lib/coursdl/tcclib/bt-log.o", "lib/coursdl/tcclib/libtcc1.a",
     "share/coursdl/include/coursdl_cell.h",
     "share/jupyter/kernels/coursdl/kernel.json",
     "share/jupyter/kernels/coursdl/logo-32x32.png",
     "share/jupyter/kernels/coursdl/logo-64x64.png"]
    + [f"include/coursdl/{h}" for h in HEADERS]
    + [f"share/coursdl/notebooks/{n}" for n in NOTEBOOKS])


def test_destdir_install_and_uninstall(tmp_path):
    stage = tmp_path / "stage"
    args = [f"DESTDIR={stage}", "PREFIX=/opt/coursdl-test", "KERNEL_THREADS=2", "DATA_SRC="]
    make("install", *args)
    root = stage / "opt/coursdl-test"
    assert files_under(stage) == [f"opt/coursdl-test/{f}" for f in EXPECTED]
    # TinyCC's headers and runtime reach through the links (cells include <stddef.h>).
    assert (root / "lib/coursdl/tcclib/include/stddef.h").is_file()
    assert (root / "lib/coursdl/tcclib/libtcc1.a").is_file()
    spec = json.loads((root / "share/jupyter/kernels/coursdl/kernel.json").read_text())
    # The kernelspec names the final place, not the staging folder.
    assert spec["argv"] == ["/opt/coursdl-test/bin/coursdl-kernel", "-f", "{connection_file}"]
    assert spec["display_name"] == "C (coursDL)"
    assert spec["env"] == {"COURSDL_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "1"}
    # A dataset a teacher added stays; everything installed goes.
    write_idx_dataset(root / "share/coursdl/data/mnist-subset", 3)
    make("uninstall", *args)
    assert files_under(stage) == sorted(f"opt/coursdl-test/share/coursdl/data/mnist-subset/{s}-{k}"
                                        for s in ("t10k", "train")
                                        for k in ("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz"))
    assert not (root / "share/jupyter/kernels/coursdl").exists()


def test_kernelspec_without_thread_cap(tmp_path):
    make("install", f"PREFIX={tmp_path}", "DATA_SRC=")
    spec = json.loads((tmp_path / "share/jupyter/kernels/coursdl/kernel.json").read_text())
    assert spec["argv"][0] == f"{tmp_path}/bin/coursdl-kernel"
    assert spec["env"] == {"OPENBLAS_NUM_THREADS": "1"}


def kernel_maps(km) -> str:
    return Path(f"/proc/{km.provisioner.process.pid}/maps").read_text()


def test_moved_install_runs_on_its_own(tmp_path, monkeypatch):
    make("install", f"PREFIX={tmp_path / 'first'}", "DATA_SRC=")
    moved = tmp_path / "moved"
    shutil.move(tmp_path / "first", moved)
    write_idx_dataset(moved / "share/coursdl/data/mnist-subset", 5)
    jupyter = tmp_path / "jupyter"
    write_kernelspec(jupyter, "coursdl-moved", moved / "bin/coursdl-kernel")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    for var in ("COURSDL_ROOT", "COURSDL_DATA", "COURSDL_SHARED_DATA", "COURSDL_DATA_ONLY"):
        monkeypatch.delenv(var, raising=False)
    km, kc = start_new_kernel(kernel_name="coursdl-moved", cwd=str(work), startup_timeout=60)
    try:
        outputs = []
        code = ('#include <coursdl.h>\n'
                'Dataset *d = datasets_mnist(NULL, true);\n'
                'printf("images=%lld\\n", (long long)data_len(d));\n'
                'double x[] = {0, 1, 2}, y[] = {0, 1, 4};\n'
                'plt_plot(x, y, 3);\n'
                'plt_show();')
        reply = kc.execute_interactive(code, timeout=60, output_hook=outputs.append)
        assert reply["content"]["status"] == "ok", reply["content"]
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        assert "images=5" in text  # PREFIX/share/coursdl/data/mnist-subset
        pngs = [m for m in outputs if m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]]
        assert len(pngs) == 1
        # The engine and the headers came from the moved prefix.
        maps = kernel_maps(km)
        assert f"{moved}/lib/libcoursdl.so" in maps
        assert "/build/libcoursdl.so" not in maps
        help_reply = kc.inspect("tensor_randn", 12, detail_level=0, reply=True, timeout=30)
        assert help_reply["content"]["found"], help_reply["content"]
        # Cells are bounds-checked with the prefix's tcclib: an overflow is named, not fatal.
        errors = []
        kc.execute_interactive("void past(void) { int a[10]; for (int i = 0; i <= 20; i++) a[i] = i; }\npast();",
                               timeout=60, output_hook=lambda m: errors.append(m) if m["msg_type"] == "error" else None)
        assert errors and errors[0]["content"]["ename"] == "BufferOverflow", errors
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_course_datasets_are_installed(tmp_path):
    """Dataset folders of DATA_SRC (the course's shared/data) land in
    PREFIX/share/coursdl/data; other files there do not."""
    src = tmp_path / "shared-data"
    write_idx_dataset(src / "mnist-subset", 4)
    (src / "README.md").write_text("notes")
    make("install", f"PREFIX={tmp_path / 'p'}", f"DATA_SRC={src}")
    data = tmp_path / "p/share/coursdl/data"
    assert files_under(data) == [f"mnist-subset/{n}" for n in files_under(src / "mnist-subset")]
