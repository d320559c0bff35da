"""Rich display through a real kernel: figures arrive as display_data with
image/png (base64) and width/height metadata, a figure drawn without
plt_show appears at the end of its cell (plt_show_pending), display_*
calls give their MIME types, and a progress bar is one display updated in
place (display_data, then update_display_data with the same display_id)."""
from __future__ import annotations

import base64
import struct

from kernel_helpers import displays, errors, run, summarize


def png_size(b64: str) -> tuple[int, int]:
    data = base64.b64decode(b64)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_plot_and_show_sends_png_with_size(kc):
    reply, msgs = run(kc, """
double x[50], y[50];
for (int i = 0; i < 50; i++) { x[i] = i * 0.1; y[i] = x[i] * x[i]; }
plt_plot(x, y, 50, .label = "x²");
plt_title("Époques");
plt_legend();
plt_show();
""")
    assert reply["content"]["status"] == "ok", summarize(msgs)
    shown = displays(msgs)
    assert len(shown) == 1, summarize(msgs)
    d = shown[0]
    assert png_size(d["data"]["image/png"]) == (640, 480)
    assert d["metadata"]["image/png"] == {"width": 640, "height": 480}


def test_figure_without_show_appears_once_at_end_of_cell(kc):
    reply, msgs = run(kc, """
double y[3] = {1, 3, 2};
plt_figure(.width = 4, .height = 3);
plt_bar(NULL, y, 3);
""")
    assert reply["content"]["status"] == "ok", summarize(msgs)
    shown = displays(msgs)
    assert len(shown) == 1, summarize(msgs)
    assert shown[0]["metadata"]["image/png"] == {"width": 400, "height": 300}
    # Nothing left pending for the next cell.
    reply, msgs = run(kc, "int unrelated = 1;")
    assert displays(msgs) == [], summarize(msgs)


def test_display_functions_and_update(kc):
    reply, msgs = run(kc, """
int id = display_html("<b>avant</b>");
display_markdown("# Titre");
display_latex("$\\\\mu$");
display_json("{\\"a\\": 1}");
display_update(id, "text/html", "<b>après</b>", 0);
""")
    assert reply["content"]["status"] == "ok", summarize(msgs)
    shown = displays(msgs)
    assert [list(d["data"])[0] for d in shown] == ["text/html", "text/markdown", "text/latex", "application/json"]
    assert shown[3]["data"]["application/json"] == {"a": 1}
    upd = displays(msgs, "update_display_data")
    assert len(upd) == 1 and upd[0]["data"]["text/html"] == "<b>après</b>"
    assert upd[0]["transient"]["display_id"] == shown[0]["transient"]["display_id"]


def test_progress_bar_updates_one_display(kc):
    reply, msgs = run(kc, """
Progress *p = progress_new(30, .desc = "Époque 1", .mininterval = 0.01);
for (int i = 0; i < 30; i++) {
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    progress_set_postfix(p, "loss=%.3f", 1.0 / (i + 1));
    progress_update(p, 1);
}
progress_close(p);
""".replace("struct timespec ts = {0, 2000000};\n    nanosleep(&ts, NULL);", "for (volatile long k = 0; k < 2000000; k++) {}"))
    assert reply["content"]["status"] == "ok", summarize(msgs)
    new = displays(msgs)
    upd = displays(msgs, "update_display_data")
    assert len(new) == 1, summarize(msgs)
    assert len(upd) >= 1, summarize(msgs)
    did = new[0]["transient"]["display_id"]
    assert all(u["transient"]["display_id"] == did for u in upd)
    last = upd[-1]["data"]
    assert "30/30" in last["text/plain"] and "loss=0.033" in last["text/plain"]
    assert "text/html" in last and "Époque 1" in last["text/html"]


def test_plot_error_is_a_value_error(kc):
    reply, msgs = run(kc, """
double y[2] = {1, 0.0/0.0};
plt_plot(NULL, y, 2);
""")
    assert reply["content"]["status"] == "error"
    errs = errors(msgs)
    assert errs and errs[0]["ename"] == "ValueError" and "y[1] is NaN" in errs[0]["evalue"], summarize(msgs)
    plt_close_msgs = run(kc, "plt_close_all();")[1]
    assert displays(plt_close_msgs) == []
