"""The seed's Keras TP ported line by line to C cells and run by nbclient
(what nbconvert --execute and nbgrader do): compile / fit / evaluate with
Keras's names and meanings, a progress bar that becomes each epoch's line
(no empty output left in the saved notebook), `.optimizer` as a name or an
Optimizer * compiled by TinyCC without a warning, images from a tensor, and
the autograd graph shown as SVG / PNG."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from kernel_helpers import KERNEL_NAME, require_kernelspec

CELLS = [
    # 2. data: Keras's mnist.load_data() and x / 255.0 (the project's MNIST digits here)
    "Dataset *train = datasets_mnist(NULL, true, .raw = true, .limit = 2000);\n"
    "Dataset *test = datasets_mnist(NULL, false, .raw = true, .limit = 500);\n"
    "Tensor *x_train = tensor_div_scalar(tensor_reshape(data_x(train), -1, 28, 28), 255.0), *y_train = data_y(train);\n"
    "Tensor *x_test = tensor_div_scalar(tensor_reshape(data_x(test), -1, 28, 28), 255.0), *y_test = data_y(test);",
    # 3. a few images with their labels
    "plt_images(tensor_narrow(x_train, 0, 0, 10), 0, 0, 0, .ncols = 5);",
    # 4. the model, and model.summary()
    "manual_seed(0);\n"
    "Module *model = nn_sequential(nn_input(28, 28), nn_flatten(), nn_linear(0, 128), nn_relu(),\n"
    "                              nn_linear(0, 10), nn_softmax(1));\n"
    "nn_summary(model);",
    # 5. compile (a name: no warning from TinyCC)
    'nn_compile(model, .optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = "accuracy");',
    # 6. fit with Keras's default verbose: a bar that becomes the epoch's line
    "History *history = nn_fit(model, .x = x_train, .y = y_train, .epochs = 2, .batch_size = 32,\n"
    "                          .val_x = x_test, .val_y = y_test);",
    # 7. evaluate
    "Evaluation *ev = nn_evaluate(model, .x = x_test, .y = y_test);\n"
    'printf("Test accuracy: %.4f\\n", ev->accuracy);',
    # 8. curves
    "plt_history_of(history);",
    # an Optimizer * in .optimizer compiles too
    "Module *m2 = nn_sequential(nn_flatten(), nn_linear(784, 10));\n"
    "History *h2 = nn_fit(m2, .x = x_train, .y = y_train, .optimizer = optim_sgd(nn_parameters(m2), .lr = 0.1), .verbose = 2);",
    # the autograd graph of one batch, as Out[n]
    "Tensor *loss = nn_cross_entropy(nn_forward(m2, tensor_narrow(x_train, 0, 0, 4)), tensor_narrow(y_train, 0, 0, 4));\n"
    "autograd_graph(loss, .params = nn_named_parameters(m2))",
]


def run(tmp_path):
    require_kernelspec()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": "C (coursDL)",
                                                           "language": "c"}})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    NotebookClient(nb, timeout=120, startup_timeout=60, kernel_name=KERNEL_NAME,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def texts(cell):
    """Every text of a cell's outputs (streams and text/plain), with its kind."""
    out = []
    for o in cell.outputs:
        if o.output_type == "stream":
            out.append(("stream", o.text))
        elif "data" in o:
            out.append((o.output_type, o.data.get("text/plain", "")))
    return out


@pytest.mark.timeout(240)
def test_keras_tp_ported_line_by_line(tmp_path):
    nb = run(tmp_path)
    cells = nb.cells
    for c in cells:
        assert not [o for o in c.outputs if o.output_type == "error"], f"error in {c.source!r}: {c.outputs}"
        for kind, text in texts(c):
            assert "warning" not in text.lower(), f"{c.source!r}: {text!r}"
            # a finished progress bar leaves no empty output behind
            assert text.strip() or any(k in o.get("data", {}) for o in c.outputs for k in ("image/png", "image/svg+xml")), \
                f"empty output in {c.source!r}: {c.outputs}"
    images = [o for o in cells[1].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    summary = "".join(t for _, t in texts(cells[2]))
    assert "101,770" in summary
    fit = texts(cells[4])
    lines = [t for k, t in fit if k == "display_data"]
    assert len(lines) == 2, fit
    assert lines[0].startswith("Epoch 1/2 - ") and "loss (sparse_categorical_crossentropy): " in lines[0]
    assert lines[1].startswith("Epoch 2/2 - ") and "val_accuracy: " in lines[1]
    assert "%|" not in "".join(lines)  # the bars themselves are gone
    evaluate = "".join(t for _, t in texts(cells[5]))
    assert "accuracy: " in evaluate and ("Test accuracy: 0.8" in evaluate or "Test accuracy: 0.9" in evaluate)
    assert any("image/png" in o.get("data", {}) for o in cells[6].outputs)
    assert "Epoch 1/1 - " in "".join(t for _, t in texts(cells[7]))
    result = [o for o in cells[8].outputs if o.output_type == "execute_result"]
    assert len(result) == 1
    svg = result[0].data["image/svg+xml"]
    assert "<svg" in svg and "NllLossBackward0" in svg and "AddmmBackward0" in svg and "1.weight" in svg
    assert "image/png" in result[0].data
    nbformat.validate(nb)


@pytest.mark.timeout(120)
def test_optimizer_of_the_wrong_type(tmp_path):
    """A pointer that is neither a name nor an Optimizer is refused, clearly, and the kernel goes on."""
    require_kernelspec()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": "C (coursDL)",
                                                           "language": "c"}})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (
        "Module *m = nn_sequential(nn_linear(2, 2));\nTensor *x = tensor_randn(8, 2), *y = tensor_randint(0, 2, 8);",
        "nn_fit(m, .x = x, .y = y, .optimizer = m, .verbose = 0);",
        'nn_fit(m, .x = x, .y = y, .optimizer = "adamm", .verbose = 0);',
        "1 + 1",
    )]
    NotebookClient(nb, timeout=60, startup_timeout=60, kernel_name=KERNEL_NAME, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    e1 = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    e2 = [o for o in nb.cells[2].outputs if o.output_type == "error"]
    assert e1 and e1[0].ename == "TypeError" and "neither an optimizer's name nor an Optimizer" in e1[0].evalue
    assert e2 and e2[0].ename == "ValueError" and '"adam"' in e2[0].evalue
    assert [o.data["text/plain"] for o in nb.cells[3].outputs if o.output_type == "execute_result"] == ["2"]
