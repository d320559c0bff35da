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
    ("tensor_ones", "tensor_ones(3)"), ("tensor_zeros_dtype", "tensor_zeros_dtype(DT_INT64, 10)"),
    ("tensor_scalar", "tensor_scalar(0.1)"), ("tensor_linspace", "tensor_linspace(-3, 3, 100)"),
    ("tensor_from_f32", "tensor_from_f32(pts, 3, 2)"), ("tensor_from_i64", "tensor_from_i64(lab, 3)"),
    ("tensor_to_f32_array", "tensor_to_f32_array(tensor_randn(2, 2), v, 4)"),
    ("tensor_ndim", "tensor_ndim(imgs)"), ("tensor_numel", "tensor_numel(tensor_zeros(64, 784))"),
    ("tensor_dtype", "tensor_dtype(y)"), ("tensor_shape_str", "tensor_shape_str(X)"),
    ("tensor_set", "tensor_set(M, 1.0, 0, 2)"), ("tensor_data_f32", "tensor_data_f32(x)"),
    ("tensor_to_dtype", "tensor_to_dtype(y, DT_INT64)"), ("tensor_float", "tensor_float(tensor_eq(pred, y))"),
    ("tensor_flatten", "tensor_flatten(imgs, 1, -1)"), ("tensor_t", "tensor_t(W)"),
    ("tensor_narrow", "tensor_narrow(X, 0, 0, 10)"), ("tensor_select", "tensor_select(imgs, 0, 0)"),
    ("tensor_add", "tensor_add(tensor_matmul(X, W), b)"), ("tensor_sub", "tensor_sub(pred, y)"),
    ("tensor_mul_scalar", "tensor_mul_scalar(centered, 2.0)"), ("tensor_div_scalar", "tensor_div_scalar("),
    ("tensor_abs", "tensor_abs(tensor_sub(pred, y))"), ("tensor_log", "tensor_log(p)"),
    ("tensor_square", "tensor_square(tensor_sub(pred, y))"), ("tensor_sum_dim", "tensor_sum_dim(P, 1, true)"),
    ("tensor_mean", "tensor_mean(X)"), ("tensor_max", "tensor_max(X)"), ("tensor_min", "tensor_min(X)"),
    ("tensor_argmax_dim", "tensor_argmax_dim(nn_forward(net, X), 1, false)"), ("tensor_std", "tensor_std(X)"),
    ("tensor_requires_grad_", "tensor_requires_grad_(tensor_randn(3), true)"),
    ("tensor_grad", "tensor_grad(w)"), ("tensor_detach", "tensor_detach(nn_forward(net, X))"),
    ("tensor_backward", "tensor_backward(loss)"), ("nn_get_parameter", 'nn_get_parameter(net, "0.weight")'),
    ("nn_get_module", 'nn_get_module(net, "0")'), ("nn_type", "nn_type(nn_child(net, i))"),
    ("nn_parameters", "nn_parameters(net)"), ("nn_num_children", "nn_num_children(net)"),
    ("nn_child", "nn_child(net, -1)"), ("nn_eval", "nn_eval(net)"),
    ("nn_num_parameters", "nn_num_parameters(net, false)"),
    ("nn_sequential", "nn_sequential(nn_linear(2, 32), nn_relu(), nn_linear(32, 2))"),
    ("nn_sequential_add", "nn_sequential_add(net, nn_linear(2, 32))"), ("nn_flatten", "nn_flatten()"),
    ("nn_relu", "nn_relu()"), ("nn_tanh", "nn_tanh()"), ("nn_softmax", "nn_softmax(1)"),
    ("nn_mse", "nn_mse(nn_forward(net, X), y)"),
    ("nn_bce_with_logits", "nn_bce_with_logits(z, tensor_reshape(y, -1, 1))"),
    ("nn_nll", "nn_nll(tensor_log_softmax("), ("optim_step", "optim_step(opt)"),
    ("optim_zero_grad", "optim_zero_grad(opt)"), ("plt_figure", "plt_figure(.width = 10, .height = 4)"),
    ("plt_subplots", "plt_subplots(1, 2, .width = 10)"), ("plt_subplot", "plt_subplot(2, 2, k + 1)"),
    ("plt_plot", "plt_plot(xs, ys, 4"), ("plt_title", 'plt_title("Training loss")'),
    ("plt_suptitle", 'plt_suptitle("MLP vs CNN")'), ("plt_xlabel", 'plt_xlabel("epoch")'),
    ("plt_ylabel", 'plt_ylabel("accuracy (%)")'), ("plt_legend", "plt_legend()"),
    ("plt_tight_layout", "plt_tight_layout()"), ("plt_show", "plt_show()"),
    ("nn_predict", "nn_predict(net, x_test"), ("plt_images", "plt_images("), ("history_get", 'history_get(h, "loss")'),
    ("data_y", "data_y(mnist_train"), ("data_x", "data_x(mnist_train"), ("nn_conv2d", "nn_conv2d(1, 32, 3"),
    ("data_loader", "data_loader(mnist_train"), ("history_last", 'history_last(h, "val_acc'),
    ("nn_summary", "nn_summary(cnn, 1, 28,"), ("datasets_mnist", "datasets_mnist(NULL, true)"),
    ("nn_input", "nn_input(1, 28, 28)"), ("history_epochs", "history_epochs(h)"), ("data_next", "data_next(train_dl)"),
    ("plt_scatter", "plt_scatter(x1, x2, n"), ("tensor_softmax", "tensor_softmax(nn_forward("),
    ("nn_max_pool2d", "nn_max_pool2d(2)"), ("nn_dropout", "nn_dropout(0.5)"),
    ("data_tensor_dataset", "data_tensor_dataset(X_train, y_"), ("tensor_empty", "tensor_empty(G * G, 2)"),
    ("plt_bar", "plt_bar(NULL, accur"), ("plt_axhline", "plt_axhline(0.5, .color"),
    ("nn_evaluate", "nn_evaluate(net, .x = x"), ("nn_compile", "nn_compile(net, .optim"),
    ("metrics_accuracy", "metrics_accuracy(y_test, nn_"), ("data_len", "data_len(mnist_train"),
    ("tensor_relu", "tensor_relu(tensor_add("), ("tensor_gt_scalar", "tensor_gt_scalar(tensor_sigm"),
    ("tensor_allclose", "tensor_allclose(s1, s2, 0, "), ("plt_yscale", 'plt_yscale("log")'),
])
def test_help_of_the_most_used_functions_is_complete(kc, name, example):
    md = page_of(kc, f"?{name}")["text/markdown"]
    for part in ("Arguments:", "Returns", "Errors:", "**Example**"):
        assert part in md, (name, part, md)
    assert example in md.split("**Example**")[1], md
