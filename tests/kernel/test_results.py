"""Out[n] of the engine's objects shows them as their Python counterparts
do, never as a pointer (issue 11, item 11)."""
from __future__ import annotations

import pytest

from kernel_helpers import execute_results, out, run_ok


@pytest.fixture(scope="module")
def trained(kernel):
    run_ok(kernel.kc, "Dataset *rmoons = datasets_make_moons(200, .noise = 0.2, .seed = 0);\n"
                      "Module *rnet = nn_sequential(nn_linear(2, 8), nn_relu(), nn_linear(8, 2));\n"
                      "Optimizer *ropt = optim_adam(nn_parameters(rnet), .lr = 1e-2);\n"
                      "History *rh = nn_fit(rnet, .x = data_x(rmoons), .y = data_y(rmoons), .epochs = 3, "
                      ".metrics = \"accuracy\", .verbose = 0);", timeout=60)
    return kernel


def test_dataset_and_loader(kc, trained):
    assert out(kc, "rmoons") == "Dataset: 200 samples, x (2,) float32, y () int64, 2 classes"
    text = out(kc, "data_loader(rmoons, .batch_size = 32)")
    assert text.startswith("DataLoader: 7 batches of 32\n  over Dataset: 200 samples")


def test_optimizer_like_pytorch(kc, trained):
    text = out(kc, "ropt")
    lines = text.splitlines()
    assert lines[:2] == ["Adam (", "Parameter Group 0"]
    assert "    betas: (0.9, 0.999)" in lines and "    lr: 0.01" in lines and "    amsgrad: False" in lines
    assert lines[-1] == ")"
    text = out(kc, "optim_sgd(nn_parameters(rnet), .lr = 0.1, .momentum = 0.9)")
    assert "    momentum: 0.9" in text.splitlines() and text.startswith("SGD (")


def test_history_is_a_table(kc, trained):
    msgs = run_ok(kc, "rh")
    (res,) = execute_results(msgs)
    lines = res["data"]["text/plain"].splitlines()
    assert lines[0] == "History: 3 epochs"
    assert lines[1].split() == ["epoch", "loss", "accuracy"]
    assert [l.split()[0] for l in lines[2:]] == ["1", "2", "3"]
    assert all(0 <= float(l.split()[2]) <= 1 for l in lines[2:])
    assert "<table>" in res["data"]["text/html"]


def test_evaluation_like_keras(kc, trained):
    text = out(kc, 'nn_evaluate(rnet, .x = data_x(rmoons), .y = data_y(rmoons), .metrics = "accuracy")')
    loss, acc = text.split(" - ")
    assert loss.startswith("loss: ") and acc.startswith("accuracy: ") and acc.endswith("(200 samples)")


def test_no_engine_object_shows_as_a_pointer(kc, trained):
    for expr in ("rmoons", "ropt", "rh", "rnet", "tensor_ones(2)", "data_loader(rmoons)"):
        assert "0x" not in out(kc, expr), expr


def test_device_like_torch_device(kc, trained):
    assert out(kc, "DEVICE_CPU") == "device(type='cpu')"
    assert out(kc, "tensor_device(tensor_ones(2))") == "device(type='cpu')"
    assert out(kc, 'tensor_device(tensor_to(tensor_ones(2), "ref"))') == "device(type='ref')"
    assert out(kc, "DEVICE_CUDA(1)") == "device(type='cuda', index=1)"
    # still compared with ==, still given by name or by constant
    assert out(kc, "Device dv = device_get_default();\ndv == DEVICE_CPU && tensor_to(tensor_ones(1), DEVICE_CPU) != NULL") == "1"
    assert out(kc, "dv") == "device(type='cpu')"
