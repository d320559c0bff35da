"""Help, completion and inspection (issue 11, items 7-9): ?name in the pager,
C signatures and full docs from the engine's headers, the notebook's own
names with their values, struct members after . and ->."""
from __future__ import annotations

import pytest

from kernel_helpers import get_reply, run, run_ok, stdout_of


def page_of(kc, code):
    reply, msgs = run(kc, code)
    c = reply["content"]
    assert c["status"] == "ok", c
    assert stdout_of(msgs) == "", "help goes to the pager, not to stdout"
    (p,) = c["payload"]
    assert p["source"] == "page"
    return p["data"]


def complete(kc, code, pos=None):
    r = get_reply(kc, kc.complete(code, len(code) if pos is None else pos))["content"]
    assert r["status"] == "ok"
    return r


def inspect(kc, code, pos=None):
    r = get_reply(kc, kc.inspect(code, len(code) if pos is None else pos))["content"]
    assert r["status"] == "ok"
    return r


def test_question_mark_opens_the_pager_with_a_c_signature(kc):
    for code in ("?tensor_randn", "tensor_randn?"):
        data = page_of(kc, code)
        md, plain = data["text/markdown"], data["text/plain"]
        assert "Tensor *tensor_randn(int64_t size, ...)" in md
        assert "#define" not in md.split("```")[1], "a C signature, not the macro"
        assert "Standard normal" in md and "Standard normal" in plain
        assert "**Example**" in md and "tensor_randn(2, 3)" in md


def test_help_lists_every_option_with_its_default(kc):
    md = page_of(kc, "?optim_adam")["text/markdown"]
    assert "Optimizer *optim_adam(ParamList *params, .option = value, ...)" in md
    for option, default in [("lr", "1e-3"), ("beta1", "0.9"), ("beta2", "0.999"), ("eps", "1e-8"),
                            ("weight_decay", "0"), ("amsgrad", "false")]:
        assert f"| `.{option}` |" in md and f"| {default} |" in md.split(f"`.{option}`")[1].split("\n")[0], option


def test_help_of_an_unknown_name_is_a_usage_error(kc):
    reply, msgs = run(kc, "?no_such_function_anywhere")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "UsageError"


def test_inspect_gives_markdown_and_plain_text(kc):
    r = inspect(kc, "nn_linear")
    assert r["found"]
    assert "Module *nn_linear(int64_t in_features, int64_t out_features, .option = value, ...)" in r["data"]["text/markdown"]
    assert "nn_linear" in r["data"]["text/plain"]
    # Shift-Tab inside a call's parentheses: the function being called
    r = inspect(kc, "Tensor *t = tensor_randn(2, ")
    assert r["found"] and "tensor_randn(int64_t size" in r["data"]["text/plain"]


def test_completion_lists_engine_functions_with_signatures(kc):
    r = complete(kc, "tensor_ra")
    assert "tensor_randn" in r["matches"]
    types = {t["text"]: t for t in r["metadata"]["_jupyter_types_experimental"]}
    assert types["tensor_randn"]["signature"] == "Tensor *tensor_randn(int64_t size, ...)"
    assert r["cursor_start"] == 0 and r["cursor_end"] == 9


def test_the_notebooks_own_names(kc):
    run_ok(kc, "typedef struct { double x, y; } HPoint;\nHPoint hp = {1, 2};\nHPoint *hpp = &hp;\n"
               "Tensor *hX = tensor_zeros(200, 2);\nint htwice(int a) { return 2 * a; }\nint hcount = 42;")
    r = complete(kc, "hco")
    assert r["matches"] == ["hcount"]
    (t,) = r["metadata"]["_jupyter_types_experimental"]
    assert t["type"] == "variable" and t["signature"] == "int hcount  (42)"
    r = complete(kc, "htw")
    assert r["metadata"]["_jupyter_types_experimental"][0]["signature"] == "int htwice(int a)"
    r = complete(kc, "hX")
    sig = r["metadata"]["_jupyter_types_experimental"][0]["signature"]
    assert sig == "Tensor *hX  (shape [200, 2], float32, on cpu)"
    # inspection: the value
    r = inspect(kc, "hcount")
    assert r["found"] and "Current value: 42." in r["data"]["text/markdown"]
    r = inspect(kc, "hX")
    assert "shape [200, 2], float32, on cpu" in r["data"]["text/plain"]
    r = inspect(kc, "htwice")
    assert "int htwice(int a)" in r["data"]["text/markdown"]
    # ?name works for them too
    assert "int hcount" in page_of(kc, "?hcount")["text/plain"]


def test_struct_members_after_dot_and_arrow(kc):
    run_ok(kc, "typedef struct { double mx, my; int mlabel; } MPoint;\nMPoint mp;\nMPoint *mpp = &mp;\n"
               "AdamOptions mopts = { .lr = 0.1 };")
    assert complete(kc, "mp.")["matches"] == ["mlabel", "mx", "my"]
    assert complete(kc, "mpp->m")["matches"] == ["mlabel", "mx", "my"]
    assert complete(kc, "mp.mx + mpp->my")["matches"] == ["my"]
    r = complete(kc, "mopts.")
    assert {"lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"} <= set(r["matches"])
    assert complete(kc, "1.")["matches"] == []  # a number, not a member
    run_ok(kc, "MPoint mp2 = { 1, 2, 3 };")
    assert complete(kc, "mp2.")["matches"] == ["mlabel", "mx", "my"]  # a name ending in a digit


# The engine functions the course's notebooks call most (tensor_item alone
# ~100 times): their help says what they take, return and raise, with an example.
@pytest.mark.parametrize("name,example", [
    ("tensor_item", "tensor_item(loss)"), ("tensor_size", "tensor_size(X, 0)"),
    ("tensor_get", "tensor_get(W, 2, -1)"), ("tensor_reshape", "tensor_reshape(imgs, 64, -1)"),
    ("nn_forward", "nn_forward(net, X)"), ("tensor_randn", "tensor_randn(200, 2)"),
    ("nn_linear", "nn_linear(2, 16)"), ("optim_adam", "optim_adam(nn_parameters(net)"),
])
def test_help_of_the_most_used_functions_is_complete(kc, name, example):
    md = page_of(kc, f"?{name}")["text/markdown"]
    for part in ("Arguments:", "Returns", "Errors:", "**Example**"):
        assert part in md, (name, part, md)
    assert example in md.split("**Example**")[1], md
