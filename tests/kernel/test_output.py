"""Output of cells: stdout/stderr streams (live, complete, batched) and rich
displays from the engine (display_text, display_png, updates, clear)."""
from __future__ import annotations

import base64
import queue
import struct
import time
import zlib

import pytest

from kernel_helpers import (
    displays,
    execute_results,
    out,
    outputs,
    run,
    run_ok,
    stderr_of,
    stdout_of,
    summarize,
)


# ---- streams ---------------------------------------------------------------------

def test_printf_and_puts_to_stdout(kc):
    msgs = run_ok(kc, 'printf("a %d\\n", 1);\nputs("b");\nputchar(\'c\');\nputchar(\'\\n\');')
    assert stdout_of(msgs) == "a 1\nb\nc\n"
    assert stderr_of(msgs) == ""
    for m in msgs:
        if m["msg_type"] == "stream":
            assert m["content"]["name"] in ("stdout", "stderr")


def test_stderr_stream(kc):
    msgs = run_ok(kc, 'fprintf(stderr, "to stderr %d\\n", 2);\nfputs("more\\n", stderr);')
    assert stderr_of(msgs) == "to stderr 2\nmore\n"
    assert stdout_of(msgs) == ""


def test_output_without_newline(kc):
    msgs = run_ok(kc, 'printf("no newline");')
    assert stdout_of(msgs) == "no newline"
    msgs = run_ok(kc, 'printf("next cell\\n");')
    assert stdout_of(msgs) == "next cell\n", "output of the previous cell leaked"


def test_streams_keep_their_order(kc):
    code = (
        "#include <unistd.h>\n"
        'printf("one\\n"); fflush(stdout); usleep(150000);\n'
        'fprintf(stderr, "two\\n"); fflush(stderr); usleep(150000);\n'
        'printf("three\\n"); fflush(stdout); usleep(150000);\n'
        'fprintf(stderr, "four\\n");\n'
    )
    msgs = run_ok(kc, code)
    seq = []
    for m in msgs:
        if m["msg_type"] != "stream":
            continue
        name, text = m["content"]["name"], m["content"]["text"]
        if seq and seq[-1][0] == name:
            seq[-1] = (name, seq[-1][1] + text)
        else:
            seq.append((name, text))
    assert seq == [("stdout", "one\n"), ("stderr", "two\n"), ("stdout", "three\n"), ("stderr", "four\n")]


def test_output_belongs_to_its_cell(kc):
    msgs = run_ok(kc, 'printf("first\\n");')
    assert stdout_of(msgs) == "first\n"
    msgs = run_ok(kc, 'printf("second\\n");')
    assert stdout_of(msgs) == "second\n"


def test_stdout_comes_before_out(kc):
    msgs = run_ok(kc, 'printf("printed\\n");\n7')
    types = [m["msg_type"] for m in outputs(msgs)]
    assert types.index("stream") < types.index("execute_result"), summarize(msgs)


def test_unicode_output(kc):
    msgs = run_ok(kc, 'printf("héllo wörld ✓ 日本\\n");')
    assert stdout_of(msgs) == "héllo wörld ✓ 日本\n"


def test_utf8_split_across_flushes(kc):
    # a multi-byte character split by a flush must not be mangled
    code = (
        "#include <unistd.h>\n"
        'const char *us = "\\xc3\\xa9";\n'
        "for (int i = 0; i < 3; i++) {\n"
        "    putchar(us[0]); fflush(stdout); usleep(120000);\n"
        "    putchar(us[1]); fflush(stdout);\n"
        "}\n"
        'putchar(\'\\n\');\n'
    )
    msgs = run_ok(kc, code)
    assert stdout_of(msgs) == "ééé\n"


def test_large_line(kc):
    msgs = run_ok(kc, "for (int i = 0; i < 200000; i++) putchar('x');\nputchar('\\n');")
    assert stdout_of(msgs) == "x" * 200000 + "\n"


@pytest.mark.timeout(60)
def test_output_is_live(kc):
    """A cell printing a line every 100 ms: the first line arrives long before the reply."""
    code = (
        "#include <unistd.h>\n"
        "for (int i = 0; i < 10; i++) {\n"
        '    printf("tick %d\\n", i);\n'
        "    usleep(100000);\n"
        "}\n"
    )
    msg_id = kc.execute(code)
    first_stream = reply_time = None
    idle = False
    stream_times = []
    text = ""
    deadline = time.monotonic() + 30
    while (reply_time is None or not idle) and time.monotonic() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=0.005)
            now = time.monotonic()
            if m["parent_header"].get("msg_id") == msg_id:
                if m["msg_type"] == "stream":
                    stream_times.append(now)
                    text += m["content"]["text"]
                    if first_stream is None:
                        first_stream = now
                elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    idle = True
        except queue.Empty:
            pass
        if reply_time is None:
            try:
                r = kc.get_shell_msg(timeout=0.001)
                if r["parent_header"].get("msg_id") == msg_id:
                    reply_time = time.monotonic()
                    assert r["content"]["status"] == "ok"
            except queue.Empty:
                pass
    assert reply_time is not None and idle, "the cell did not finish"
    assert text == "".join(f"tick {i}\n" for i in range(10))
    assert first_stream is not None
    lead = reply_time - first_stream
    assert lead >= 0.5, f"first output only {lead:.3f} s before the reply: output is not live"
    assert len(stream_times) >= 5, f"only {len(stream_times)} stream messages for 10 spaced lines"


@pytest.mark.timeout(120)
def test_many_lines_complete_and_batched(kc):
    n = 100_000
    # 1.1 MB: over the default cap of a cell's output (tested below)
    msgs = run_ok(kc, f'%output_limit 10MB\nfor (int i = 0; i < {n}; i++) printf("line %d\\n", i);', timeout=100)
    run_ok(kc, "%output_limit 1MB")
    streams = [m for m in msgs if m["msg_type"] == "stream"]
    text = stdout_of(msgs)
    lines = text.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == n, f"{len(lines)} lines arrived, expected {n}"
    assert lines == [f"line {i}" for i in range(n)], "lines lost, duplicated or out of order"
    assert len(streams) < 2000, f"{len(streams)} stream messages for {n} lines: not batched"


@pytest.mark.timeout(60)
def test_many_lines_stderr(kc):
    n = 20_000
    msgs = run_ok(kc, f'for (int i = 0; i < {n}; i++) fprintf(stderr, "err %d\\n", i);', timeout=50)
    lines = stderr_of(msgs).split("\n")[:-1]
    assert len(lines) == n
    assert lines[-1] == f"err {n - 1}"


def test_output_before_error_arrives(kc):
    reply, msgs = run(kc, 'printf("before the fault\\n");\nvolatile int *ob_p = 0;\n*ob_p = 1;')
    assert reply["content"]["status"] == "error"
    assert stdout_of(msgs) == "before the fault\n"
    types = [m["msg_type"] for m in outputs(msgs)]
    assert types.index("stream") < types.index("error"), summarize(msgs)


def test_unflushed_output_of_faulted_cell_does_not_leak(kc):
    reply, msgs = run(kc, 'printf("partial line");\nabort();')
    assert reply["content"]["status"] == "error"
    msgs = run_ok(kc, 'printf("clean\\n");')
    assert stdout_of(msgs) == "clean\n", "output of the faulted cell leaked into the next one"


# ---- rich display -------------------------------------------------------------------

def test_display_text(kc):
    msgs = run_ok(kc, 'display_text("shown by the engine");')
    dd = displays(msgs)
    assert len(dd) == 1, summarize(msgs)
    assert dd[0]["data"]["text/plain"] == "shown by the engine"
    assert isinstance(dd[0]["metadata"], dict)
    assert execute_results(msgs) == []


def test_display_text_order_with_stdout(kc):
    msgs = run_ok(kc, 'printf("before\\n");\ndisplay_text("middle");\nprintf("after\\n");')
    seq = []
    for m in outputs(msgs):
        if m["msg_type"] == "stream":
            seq.append(("stream", m["content"]["text"]))
        elif m["msg_type"] == "display_data":
            seq.append(("display", m["content"]["data"]["text/plain"]))
    joined = []
    for kind, t in seq:
        if joined and joined[-1][0] == kind == "stream":
            joined[-1] = (kind, joined[-1][1] + t)
        else:
            joined.append((kind, t))
    assert joined == [("stream", "before\n"), ("display", "middle"), ("stream", "after\n")]


def make_png(width: int, height: int) -> bytes:
    """A tiny valid RGB PNG (a gradient)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    raw = b"".join(
        b"\x00" + b"".join(bytes((x * 80 % 256, y * 120 % 256, 200)) for x in range(width))
        for y in range(height)
    )
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def c_bytes(name: str, data: bytes) -> str:
    body = ", ".join(f"0x{b:02x}" for b in data)
    return f"static const unsigned char {name}[] = {{ {body} }};"


def test_display_png(kc):
    png = make_png(3, 2)
    code = c_bytes("dp_png", png) + "\ndisplay_png(dp_png, sizeof dp_png);"
    msgs = run_ok(kc, code)
    dd = displays(msgs)
    assert len(dd) == 1, summarize(msgs)
    data = dd[0]["data"]
    assert data["image/png"].replace("\n", "") == base64.b64encode(png).decode()
    assert base64.b64decode(data["image/png"]) == png
    meta = dd[0]["metadata"]
    assert meta.get("image/png", {}).get("width") == 3, meta
    assert meta.get("image/png", {}).get("height") == 2, meta


def test_display_png_larger(kc):
    png = make_png(40, 25)
    code = c_bytes("dp2_png", png) + "\nint dp2_id = display_png(dp2_png, sizeof dp2_png);"
    msgs = run_ok(kc, code)
    dd = displays(msgs)
    assert len(dd) == 1
    assert base64.b64decode(dd[0]["data"]["image/png"]) == png
    assert dd[0]["metadata"]["image/png"]["width"] == 40
    assert dd[0]["metadata"]["image/png"]["height"] == 25
    assert int(out(kc, "dp2_id")) > 0


def test_display_ids_and_update(kc):
    msgs = run_ok(kc, 'int du_id = display_text("version 1");')
    dd = displays(msgs)
    assert len(dd) == 1
    display_id = dd[0].get("transient", {}).get("display_id")
    assert display_id, f"display_data without a transient display_id: {dd[0]}"
    msgs = run_ok(kc, 'DisplayItem du_item = { "text/plain", "version 2", 9 };\n'
                      "display_update_bundle(du_id, &du_item, 1);")
    ud = displays(msgs, "update_display_data")
    assert len(ud) == 1, summarize(msgs)
    assert ud[0]["data"]["text/plain"] == "version 2"
    assert ud[0]["transient"]["display_id"] == display_id


def test_display_bundle_several_mimes(kc):
    code = (
        "DisplayItem db_items[2] = {\n"
        '    { "text/plain", "plain", 5 },\n'
        '    { "text/html", "<b>bold</b>", 11 },\n'
        "};\n"
        "display_bundle(db_items, 2);"
    )
    msgs = run_ok(kc, code)
    dd = displays(msgs)
    assert len(dd) == 1
    assert dd[0]["data"] == {"text/plain": "plain", "text/html": "<b>bold</b>"}


def test_clear_output(kc):
    msgs = run_ok(kc, 'printf("old\\n");\nclear_output(false);\nprintf("new\\n");')
    clears = [m for m in outputs(msgs) if m["msg_type"] == "clear_output"]
    assert len(clears) == 1, summarize(msgs)
    assert clears[0]["content"]["wait"] is False
    types = [m["msg_type"] for m in outputs(msgs)]
    # "old" is sent before the clear, "new" after it
    i = types.index("clear_output")
    assert "old" in "".join(m["content"].get("text", "") for m in outputs(msgs)[:i])
    assert "new" in "".join(m["content"].get("text", "") for m in outputs(msgs)[i:])
    msgs = run_ok(kc, "clear_output(true);")
    clears = [m for m in outputs(msgs) if m["msg_type"] == "clear_output"]
    assert len(clears) == 1 and clears[0]["content"]["wait"] is True


def test_display_result_is_out(kc):
    reply, msgs = run(kc, 'DisplayItem dr_item = { "text/plain", "custom out", 10 };\n'
                          "display_result(&dr_item, 1);")
    assert reply["content"]["status"] == "ok"
    res = execute_results(msgs)
    assert len(res) == 1
    assert res[0]["data"]["text/plain"] == "custom out"
    assert res[0]["execution_count"] == reply["content"]["execution_count"]


# ---- floods (issue 10, item 8) -------------------------------------------------------------

FLOOD_NOTICE = "output truncated"


def stream_bytes(msgs) -> int:
    return sum(len(m["content"]["text"].encode()) for m in msgs if m["msg_type"] == "stream")


@pytest.mark.timeout(120)
def test_flood_is_capped_with_a_notice(kc):
    """3,000,000 lines (21 MB): the first 1 MB is shown, cut at a line end,
    then one notice says how much was dropped."""
    n = 3_000_000
    msgs = run_ok(kc, f'for (long i = 0; i < {n}; i++) printf("%ld\\n", i);', timeout=100)
    text = stdout_of(msgs)
    total = sum(len(f"{i}\n") for i in range(n))
    assert len(text.encode()) <= 1 << 20
    assert len(text.encode()) > (1 << 20) - 4096
    lines = text.split("\n")
    assert lines[-1] == "" and lines[:-1] == [str(i) for i in range(len(lines) - 1)], "not the first lines, whole"
    notice = stderr_of(msgs)
    assert FLOOD_NOTICE in notice and "%output_limit" in notice, notice
    assert f"({total - len(text)} bytes)" in notice, (total, len(text), notice)
    streams = [m for m in msgs if m["msg_type"] == "stream"]
    assert len(streams) < 50, f"{len(streams)} stream messages: not coalesced"


@pytest.mark.timeout(120)
def test_flood_interrupted_quickly(km, kc):
    """An endless printf loop: at most 1 MB reaches the client, and the stop
    button gives the prompt back within 1 s, every time."""
    run_ok(kc, "long fi_n = 0;")
    for i in range(5):
        msg_id = kc.execute('for (;;) printf("%ld\\n", fi_n++);')
        msgs, t0 = [], time.monotonic()
        while time.monotonic() - t0 < 1.0:
            try:
                m = kc.get_iopub_msg(timeout=0.05)
                if m["parent_header"].get("msg_id") == msg_id:
                    msgs.append(m)
            except queue.Empty:
                pass
        t_int = time.monotonic()
        km.interrupt_kernel()
        reply = idle = None
        while reply is None or idle is None:
            assert time.monotonic() - t_int < 10, "no end of the interrupted flood"
            if reply is None:
                try:
                    r = kc.get_shell_msg(timeout=0.002)
                    if r["parent_header"].get("msg_id") == msg_id:
                        reply = r
                except queue.Empty:
                    pass
            try:
                m = kc.get_iopub_msg(timeout=0.002)
                if m["parent_header"].get("msg_id") == msg_id:
                    msgs.append(m)
                    if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                        idle = time.monotonic() - t_int
            except queue.Empty:
                pass
        assert reply["content"].get("ename") == "KeyboardInterrupt", reply["content"]
        assert idle < 1.0, f"flood #{i + 1}: prompt back {idle:.3f} s after the interrupt"
        assert stream_bytes(msgs) < (1 << 20) + 1024, f"flood #{i + 1}: {stream_bytes(msgs)} bytes sent"
        assert FLOOD_NOTICE in stderr_of(msgs)
    assert int(out(kc, "fi_n > 100000")) == 1


def test_output_limit_magic(kc):
    msgs = run_ok(kc, "%output_limit 2KB\nfor (int i = 0; i < 1000; i++) printf(\"%09d\\n\", i);")
    assert len(stdout_of(msgs)) == 2040  # 204 whole lines of 10 bytes fit in 2048
    assert "(7960 bytes)" in stderr_of(msgs)
    msgs = run_ok(kc, "%output_limit 0\nfor (int i = 0; i < 300000; i++) printf(\"%09d\\n\", i);", timeout=60)
    assert len(stdout_of(msgs)) == 3_000_000 and FLOOD_NOTICE not in stderr_of(msgs)
    reply, msgs = run(kc, "%output_limit lots")
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "UsageError"
    assert "10MB" in reply["content"]["evalue"]
    msgs = run_ok(kc, "%output_limit 1MB\n%output_limit")
    assert "1048576 bytes" in stdout_of(msgs)


@pytest.mark.timeout(60)
def test_output_limit_from_environment():
    import os
    from jupyter_client.manager import KernelManager
    from kernel_helpers import KERNEL_NAME, require_kernelspec, stop_kernel
    require_kernelspec()
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(env={**os.environ, "COURSDL_OUTPUT_LIMIT": "100"})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        msgs = run_ok(kc, 'for (int i = 0; i < 100; i++) printf("%04d\\n", i);')
        assert len(stdout_of(msgs)) == 100 and "(400 bytes)" in stderr_of(msgs)
    finally:
        stop_kernel(km, kc)


# ---- bytes that are not UTF-8 (issue 10, item 9) ------------------------------------------------

def test_out_of_invalid_bytes_is_valid_text(kc):
    res = execute_results(run_ok(kc, '"caf\\xe9 \\xff"'))
    assert "\ufffd" in res[0]["data"]["text/plain"]


def test_error_with_invalid_bytes_has_status_and_ename(kc):
    reply, msgs = run(kc, 'error_raise(ERR_IO, "cannot open \\xff\\xfe.npy: %s", "caf\\xe9");')
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "IOError"
    assert "\ufffd.npy" in c["evalue"] and "caf\ufffd" in c["evalue"]
    err = [m for m in msgs if m["msg_type"] == "error"][0]["content"]
    assert err["ename"] == "IOError" and all(isinstance(t, str) for t in err["traceback"])


@pytest.mark.timeout(120)
def test_nbclient_allow_errors_with_invalid_bytes(tmp_path):
    """nbclient (what nbgrader runs) with allow_errors: every bad-byte cell
    ends with a proper output, never KeyError 'ename'."""
    import nbformat
    from nbclient import NotebookClient
    from kernel_helpers import KERNEL_NAME, require_kernelspec
    require_kernelspec()
    cells = [
        'printf("bytes \\xff\\xfe here\\n");',
        'error_raise(ERR_VALUE, "bad \\xe9 value");',
        '"\\xc3"',
        'fprintf(stderr, "\\x80\\x81\\n"); exit(1);',
        "int nb_ok = 1;\nnb_ok",
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "C (coursDL)", "language": "c"}
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, allow_errors=True, timeout=60)
    client.execute()
    outs = [c.outputs for c in nb.cells]
    assert "\ufffd" in outs[0][0]["text"]
    assert outs[1][-1]["output_type"] == "error" and outs[1][-1]["ename"] == "ValueError"
    assert "\ufffd" in outs[2][0]["data"]["text/plain"]
    assert outs[3][-1]["output_type"] == "error" and outs[3][-1]["ename"] == "SystemExit"
    assert outs[4][-1]["data"]["text/plain"] == "1"
    nbformat.validate(nb)
