"""The kernel in a real browser, as a student uses it (issue 11): JupyterLab
in Debian's headless Chromium. Every wait is on DOM state (Playwright's
expect), none a sleep. Screenshots of each step: build/browser/lab-*.png."""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import nbformat
import pytest
from playwright.sync_api import Page, expect

from conftest import BUILD, SHOTS

TIMEOUT = 60_000  # ms: the machine is shared and slow at times


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))


class Notebook:
    """The open notebook: type into its last cell, run it, read its output."""

    def __init__(self, page: Page, prefix: str):
        self.page = page
        self.prefix = prefix
        self.n_run = 0

    def cells(self):
        return self.page.locator(".jp-Notebook .jp-Cell")

    def last_cell(self):
        return self.cells().last

    def type(self, code: str):
        # pinned by index: after Shift+Enter a new last cell appears
        cell = self.cells().nth(self.cells().count() - 1)
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(code)
        return cell

    def run(self, code: str, name: str | None = None, wait: bool = True):
        cell = self.type(code)
        self.page.keyboard.press("Shift+Enter")
        if wait:
            try:
                expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"), timeout=TIMEOUT)
            except AssertionError:
                shot(self.page, f"{self.prefix}-failed")
                raise
        if name:
            shot(self.page, f"{self.prefix}-{name}")
        return cell

    def wait_idle(self):
        expect(self.page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_attached(
            timeout=TIMEOUT)


def open_new_c_notebook(page: Page, server) -> Notebook:
    page.goto(f"{server.url}/lab?token={server.token}")
    card = page.locator(".jp-LauncherCard[data-category='Notebook'][title='C (coursDL)']")
    expect(card).to_be_visible(timeout=TIMEOUT)
    shot(page, "lab-1-launcher")
    card.click()
    nb = Notebook(page, "lab")
    expect(page.locator(".jp-Notebook .jp-Cell .cm-content").first).to_be_visible(timeout=TIMEOUT)
    wait_kernel_idle(page, server)
    return nb


def wait_kernel_idle(page: Page, server) -> None:
    """The page's kernel is connected (the server counts the browser's
    websocket) and idle: a cell run earlier may be lost on its way."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/api/kernels?token={server.token}", timeout=5) as r:
                kernels = json.load(r)
        except urllib.error.HTTPError:
            kernels = []  # jupyter_server answers 500 while a kernel it lists is still starting

        if any(k["name"] == "coursdl" and k["connections"] > 0 and k["execution_state"] == "idle" for k in kernels):
            return
        assert time.monotonic() < deadline, f"no connected idle coursdl kernel: {kernels}"
        page.wait_for_timeout(100)


@pytest.mark.timeout(400)
def test_a_student_session_in_jupyterlab(browser, lab):
    t0 = time.monotonic()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(TIMEOUT)
    student_session(page, open_new_c_notebook(page, lab), lab)
    page.close()
    print(f"jupyterlab session: {time.monotonic() - t0:.1f} s")


@pytest.mark.timeout(400)
def test_the_same_session_in_notebook7(browser, notebook7):
    t0 = time.monotonic()
    nbformat.write(nbformat.v4.new_notebook(metadata={
        "kernelspec": {"name": "coursdl", "display_name": "C (coursDL)", "language": "c"}}),
        str(notebook7.root / "smoke.ipynb"))
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{notebook7.url}/notebooks/smoke.ipynb?token={notebook7.token}")
    expect(page.locator(".jp-Notebook .jp-Cell .cm-content").first).to_be_visible(timeout=TIMEOUT)
    wait_kernel_idle(page, notebook7)
    shot(page, "nb7-1-open")
    student_session(page, Notebook(page, "nb7"), notebook7)
    page.close()
    print(f"notebook 7 session: {time.monotonic() - t0:.1f} s")


def student_session(page: Page, nb: Notebook, server) -> None:
    """What a student does in a first session; each step waits on the page."""
    p = nb.prefix

    # a cell that prints
    cell = nb.run('int keep = 21;\nprintf("hello from C\\n");', "2-print")
    expect(cell.locator(".jp-OutputArea-output")).to_contain_text("hello from C")

    # Out[n]
    cell = nb.run("keep * 2", "3-out")
    expect(cell.locator(".jp-OutputArea-output")).to_have_text("42")
    expect(cell.locator(".jp-OutputPrompt")).to_have_text(re.compile(r"\[\d+\]:"))

    # a plot, as an <img>
    cell = nb.run("double xs[] = {1, 2, 3}, ys[] = {1, 4, 9};\nplt_plot(xs, ys, 3);\nplt_show();", "4-plot")
    img = cell.locator(".jp-OutputArea-output img")
    expect(img).to_be_visible()
    assert img.evaluate("i => i.naturalWidth") > 100

    # Tab after tensor_ra lists tensor_randn
    nb.type("Tensor *r = tensor_ra")
    page.keyboard.press("Tab")
    completer = page.locator(".jp-Completer")
    expect(completer).to_be_visible()
    expect(completer.locator(".jp-Completer-item[data-value='tensor_randn']")).to_have_count(1)
    shot(page, f"{p}-5-completion")
    page.keyboard.press("Escape")

    # Shift-Tab shows the signature and the doc
    nb.type("Tensor *r = tensor_randn(")
    page.keyboard.press("Shift+Tab")
    tooltip = page.locator(".jp-Tooltip")
    expect(tooltip).to_contain_text("Tensor *tensor_randn(int64_t size, ...)")
    expect(tooltip).to_contain_text("Standard normal")
    shot(page, f"{p}-6-tooltip")
    page.keyboard.press("Escape")

    # scanf answered in the input box
    cell = nb.run('int n;\nprintf("n? ");\nscanf("%d", &n);\nprintf("twice: %d\\n", 2 * n);', wait=False)
    box = page.locator(".jp-Stdin-input")
    expect(box).to_be_visible()
    shot(page, f"{p}-7-stdin")
    box.fill("21")
    box.press("Enter")
    expect(cell.locator(".jp-OutputArea")).to_contain_text("twice: 42", timeout=TIMEOUT)

    # the stop button ends for(;;){} and the next cell runs
    cell = nb.run("for (;;) {}", wait=False)
    expect(cell.locator(".jp-InputPrompt")).to_have_text("[*]:")
    page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:interrupt-kernel'], "
                 ".jp-NotebookPanel-toolbar [data-jp-item-name='interrupt'] button").first.click()
    expect(cell.locator(".jp-OutputArea")).to_contain_text("KeyboardInterrupt", timeout=TIMEOUT)
    shot(page, f"{p}-8-interrupted")
    cell = nb.run("keep + 1")
    expect(cell.locator(".jp-OutputArea-output")).to_have_text("22")

    # restarting clears the state
    page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:restart-kernel'], "
                 ".jp-NotebookPanel-toolbar [data-jp-item-name='restart'] button").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    wait_kernel_idle(page, server)
    cell = nb.run("keep", "9-restarted")
    expect(cell.locator(".jp-OutputArea")).to_contain_text("'keep' undeclared")


def output_kinds(cell) -> list[str]:
    """A code cell's outputs as kinds ("stream:stdout", "display_data:image/png"...),
    consecutive streams of one name counted once (a front end may merge them)."""
    kinds = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            k = f"stream:{o['name']}"
        else:
            k = f"{o['output_type']}:{','.join(sorted(o.get('data', {})))}"
        if not (k.startswith("stream:") and kinds and kinds[-1] == k):
            kinds.append(k)
    return kinds


def reference_run(path, cwd, monkeypatch) -> list:
    """The notebook's code cells after nbclient executes it (the build's kernelspec)."""
    from nbclient import NotebookClient
    monkeypatch.setenv("JUPYTER_PATH", str(BUILD / "share" / "jupyter"))
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=120, startup_timeout=60, kernel_name="coursdl",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.timeout(400)
def test_run_all_of_a_course_notebook(browser, lab, monkeypatch):
    t0 = time.monotonic()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(TIMEOUT)
    name = "tp1_1_perceptron.ipynb"
    page.goto(f"{lab.url}/lab/tree/{name}?token={lab.token}")
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".jp-Toolbar-kernelName, .jp-KernelName").first).to_contain_text("C (coursDL)",
                                                                                    timeout=TIMEOUT)
    wait_kernel_idle(page, lab)
    n = sum(c["cell_type"] == "code" for c in json.loads((lab.root / name).read_text())["cells"])
    assert n > 5
    code_cells = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-CodeCell")
    expect(code_cells).to_have_count(n, timeout=TIMEOUT)  # cells render progressively
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    # every code cell ends with its execution count (none left at [*] or [ ])
    for i in range(n):
        expect(code_cells.nth(i).locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"),
                                                                            timeout=180_000)
    shot(page, "lab-10-run-all")
    page.keyboard.press("Control+s")
    path = lab.root / name
    deadline = time.monotonic() + 30
    while True:
        # The save is asynchronous: poll the file it writes. jupyter_server's
        # "atomic" writing rewrites the file in place (after a backup copy),
        # so a read may see it empty or cut short: read again.
        try:
            saved = json.loads(path.read_text())
            counts = [c.get("execution_count") for c in saved["cells"] if c["cell_type"] == "code"]
        except json.JSONDecodeError:
            saved, counts = None, [None]
        if all(counts) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    assert saved is not None, f"{path} is not a complete notebook 30 s after the save"
    assert all(counts), counts
    errs = [o for c in saved["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
            if o["output_type"] == "error"]
    assert not errs, errs[0]
    # no output lost on its way to the page: each cell shows the kinds of
    # output the same notebook gives when nbclient runs it
    want = [output_kinds(c) for c in reference_run(lab.root / name, lab.root, monkeypatch)]
    got = [output_kinds(c) for c in saved["cells"] if c["cell_type"] == "code"]
    assert got == want, "\n".join(f"cell {i}: browser {g}, nbclient {w}"
                                  for i, (g, w) in enumerate(zip(got, want)) if g != w)
    page.close()
    print(f"run all: {time.monotonic() - t0:.1f} s")
