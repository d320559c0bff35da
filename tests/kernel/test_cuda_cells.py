"""A GPU asked for from a cell (issue 15): without one, tensor_to(x, "cuda")
is a DeviceError that says why and what to do, and the kernel keeps
running with its state; with one, the tensor lands on cuda:0 and Out[n] and
%whos name the GPU."""
from __future__ import annotations

import pytest

from kernel_helpers import execute_results, out, run_error, run_ok, stdout_of


@pytest.fixture(scope="module")
def has_gpu(kernel):
    return out(kernel.kc, "device_count()") != "0"


def test_cuda_without_a_gpu_is_a_device_error(kc, has_gpu):
    if has_gpu:
        pytest.skip("this machine has a CUDA GPU (test_cuda_on_a_gpu covers it)")
    run_ok(kc, "Tensor *gx = tensor_ones(2, 3);")
    for call in ('tensor_to(gx, "cuda")', "tensor_to(gx, DEVICE_CUDA(0))", 'device_set_default(device_parse("cuda"))'):
        c, err, _ = run_error(kc, f"{call};")
        assert err["ename"] == "DeviceError", (call, err)
        # the cause (no driver, no device, backend not built...) and the fix
        assert "cuda:0 is not available: " in err["evalue"], (call, err["evalue"])
        assert '; use "cpu"' in err["evalue"], (call, err["evalue"])
    # the kernel is alive and lost nothing: gx is on the CPU, with its values
    assert out(kc, "tensor_item(tensor_sum(gx))") == "6.0"
    assert out(kc, "tensor_device(gx)") == "device(type='cpu')"
    assert out(kc, "device_get_default()") == "device(type='cpu')"
    assert out(kc, "device_info(DEVICE_CUDA(0))") == '"cuda:0 (not available)"'
    whos = stdout_of(run_ok(kc, "%whos"))
    line = next(l for l in whos.splitlines() if l.startswith("gx "))
    assert "shape [2, 3], float32, on cpu" in line, whos


def test_cuda_on_a_gpu(kc, has_gpu):
    if not has_gpu:
        pytest.skip("no CUDA GPU here (tools/gpu_check.sh runs this on one)")
    run_ok(kc, 'Tensor *gy = tensor_to(tensor_ones(2, 3), "cuda");')
    assert out(kc, "tensor_item(tensor_sum(gy))") == "6.0"
    (res,) = execute_results(run_ok(kc, "gy"))
    assert "device='cuda:0'" in res["data"]["text/plain"]
    assert "cuda:0 (" in res["data"]["text/html"] and "GiB free" in res["data"]["text/html"]
    whos = stdout_of(run_ok(kc, "%whos"))
    assert "on cuda:0 (" in next(l for l in whos.splitlines() if l.startswith("gy ")), whos
