#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: every check of the CUDA backend that needs
# a GPU, and the benchmark, in one run of at most 9.5 minutes (each step's
# timeout is cut to what is left), ending with a summary (also written to
# $OUT/gpu_summary.txt when $OUT is set). `make gpu-check` runs it.
# It needs: an NVIDIA GPU and its driver (nvidia-smi); the CUDA toolkit's
# runtime, cuBLAS, cuRAND (/usr/local/cuda/lib64) and cuDNN 9 (there, or the
# nvidia-cudnn wheel PyTorch brings); either the engine built here (make
# build gpu-programs kernelspec, needs nvcc and the Debian packages) or .gpu/
# from tools/gpu_bundle.sh (carried: built engine, its libraries, TinyCC,
# Fashion-MNIST, nbclient wheels); python3 with torch (CUDA) for step 9
# ($BENCH_PY to use another); Fashion-MNIST for steps 6, 7 and 9.
#   1. the GPU: nvidia-smi
#   2. the build: the carried one (.gpu/) or `make build gpu-programs`
#   3. the loader: test_cuda_nogpu (on a GPU: the backend loads and names the GPU)
#   4. the seam's conformance test on cuda:0 against the reference backend "ref", float32 rtol
#      1e-4, every op and layer with gradients; every op must run on the GPU itself at least once
#      (tests/gpu/cuda_backend_check = tests/engine/test_backends.c built with -DCONFORMANCE_GPU)
#   5. the caching allocator: no cudaMalloc in steady state, out-of-memory MemoryError, empty_cache
#   6. the course CNN, 1 epoch on Fashion-MNIST on cuda:0 and on the CPU: accuracies within 1.5 points
#   7. memory flat over 1,000 training steps on cuda:0 (device memory in use, step 200 vs 1000)
#   8. TP 1.0 executed headless by nbclient with the kernel; its timing cell must report the GPU
#   9. the benchmark against PyTorch (same machine, same run): 100 products 2000x2000 float32 (TF32
#      off on both; goal <= 1.1x PyTorch), one epoch MLP batch 32 and CNN batch 128 with the data on
#      the GPU (goal <= 1x), the per-op cost of a 32-element add
# A program that exits 77 found no GPU: that is a FAIL here.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH_PY=${BENCH_PY:-python3}
SUMMARY=()
FAILED=0
START=$SECONDS
BUDGET=${GPU_CHECK_BUDGET:-570}
# a step's timeout: what it asks, or what is left of the budget (at least 5 s)
cap() { local left=$((BUDGET - (SECONDS - START))); [ "$left" -lt "$1" ] && echo $((left > 5 ? left : 5)) || echo "$1"; }
note() { SUMMARY+=("$1"); echo "== $1"; }
result() {  # name rc
    if [ "$2" = 0 ]; then note "PASS $1"; else note "FAIL $1 (exit $2)"; FAILED=1; fi
}
step() { echo; echo "---- $*"; }

# ---- environment: carried libraries, data, wheels ----
if [ -d .gpu ]; then
    mkdir -p build /tmp/cdl
    cp -a .gpu/build/. build/
    tar -C /tmp/cdl -xJf .gpu/lib.tar.xz
    tar -C / -xJf .gpu/tcc.tar.xz 2>/dev/null || tar -C /tmp/cdl -xJf .gpu/tcc.tar.xz
    export LD_LIBRARY_PATH=/tmp/cdl/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export COURSDL_DATA=$ROOT/.gpu/data
    if ls .gpu/whl/*.whl >/dev/null 2>&1; then
        python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
            .gpu/whl/*.whl && export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
    fi
fi
# cuDNN 9: the toolkit's folder, else the one PyTorch's wheels bring.
if ! ldconfig -p | grep -q 'libcudnn.so.9' && [ ! -e /usr/local/cuda/lib64/libcudnn.so.9 ]; then
    d=$($BENCH_PY -c 'import nvidia.cudnn, os; print(os.path.join(list(nvidia.cudnn.__path__)[0], "lib"))' 2>/dev/null)
    [ -n "$d" ] && export LD_LIBRARY_PATH=$d:$LD_LIBRARY_PATH
fi
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}

step "1. GPU"
if gpu=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1); then
    note "GPU: $(echo "$gpu" | head -1)"
else note "FAIL GPU: nvidia-smi: ${gpu:-no output} (this script needs an NVIDIA GPU and its driver)"; FAILED=1; fi

step "2. build"
if [ ! -x build/tests/gpu/cuda_backend_check ]; then
    timeout $(cap 300) make build gpu-programs kernelspec build/tests/engine/test_cuda_nogpu >/tmp/cdl_build.log 2>&1
    rc=$?; tail -5 /tmp/cdl_build.log; result "build" $rc
else
    note "build: already there (from .gpu/ or an earlier make; nvcc $(/usr/local/cuda/bin/nvcc --version 2>/dev/null | tail -1))"
fi

step "3. loader"
timeout $(cap 30) build/tests/engine/test_cuda_nogpu; result "loader (test_cuda_nogpu: the backend loads on this GPU)" $?

step "4. the seam's conformance test on cuda:0 against ref"
timeout $(cap 200) build/tests/gpu/cuda_backend_check
result "cuda_backend_check (every op and layer, gradients, cuda:0 vs ref, float32 rtol 1e-4)" $?

step "5. the caching allocator"
timeout $(cap 60) build/tests/gpu/cuda_allocator_check; result "cuda_allocator_check" $?

step "6. CNN on Fashion-MNIST, GPU vs CPU"
g=$(timeout $(cap 60) build/bench/gpu/gpu_bench train cnn 128 1 cuda:0 2>&1); echo "$g"
c=$(timeout $(cap 120) build/bench/gpu/gpu_bench train cnn 128 1 cpu 2>&1); echo "$c"
ga=$(echo "$g" | awk '/^train/{print $NF}' | tail -1); ca=$(echo "$c" | awk '/^train/{print $NF}' | tail -1)
if [ -n "$ga" ] && [ -n "$ca" ] && python3 -c "import sys; sys.exit(abs($ga - $ca) > 0.015)"; then
    note "PASS CNN accuracy: GPU $ga, CPU $ca"
else note "FAIL CNN accuracy: GPU '${ga:-none}', CPU '${ca:-none}'"; FAILED=1; fi

step "7. memory over 1000 steps"
m=$(timeout $(cap 60) build/bench/gpu/gpu_bench train mlp 32 1 cuda:0 1000 2>&1); echo "$m"
m200=$(echo "$m" | awk '$1=="step" && $2==200{print $NF}'); m1000=$(echo "$m" | awk '$1=="step" && $2==1000{print $NF}')
if [ -n "$m200" ] && [ -n "$m1000" ] && python3 -c "import sys; sys.exit($m1000 > $m200 * 1.1 + 16)"; then
    note "PASS memory flat: ${m200} MiB in use at step 200, ${m1000} MiB at step 1000"
else note "FAIL memory: '${m200:-none}' MiB at step 200, '${m1000:-none}' at 1000"; FAILED=1; fi

step "8. TP 1.0 on the GPU"
sed "s|@KERNEL@|$ROOT/build/coursdl-kernel|" kernelspec/kernel.json.in > /tmp/cdl_kernel.json 2>/dev/null
mkdir -p build/share/jupyter/kernels/coursdl && cp /tmp/cdl_kernel.json build/share/jupyter/kernels/coursdl/kernel.json
tp=$(JUPYTER_PATH=$ROOT/build/share/jupyter timeout $(cap 120) python3 - <<'EOF' 2>&1
import nbformat
from nbclient import NotebookClient
nb = nbformat.read("notebooks/tp1_0_prise_en_main.ipynb", as_version=4)
NotebookClient(nb, kernel_name="coursdl", timeout=200, allow_errors=True).execute()
out = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
print(out[-2000:])
EOF
); echo "$tp"
if echo "$tp" | grep -q "^GPU : "; then note "PASS TP 1.0 on the GPU: $(echo "$tp" | grep '^GPU : ' | head -1)"
else note "FAIL TP 1.0: no 'GPU : ' line in its outputs"; FAILED=1; fi

step "9. benchmark against PyTorch ($BENCH_PY)"
$BENCH_PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'
bench() {  # label engine-args
    local e t
    e=$(timeout $(cap 60) build/bench/gpu/gpu_bench "$@" 2>&1 | tail -1); t=$(timeout $(cap 60) $BENCH_PY bench/gpu/torch_bench.py "$@" 2>&1 | tail -1)
    echo "engine:  $e"; echo "pytorch: $t"
    local es ts
    case "$1" in
        matmul) es=$(echo "$e" | awk '{print $7}'); ts=$(echo "$t" | awk '{print $7}');;
        ops) es=$(echo "$e" | awk '{print $6}'); ts=$(echo "$t" | awk '{print $6}');;
        train) es=$(echo "$e" | awk '{print $10}'); ts=$(echo "$t" | awk '{print $10}');;
    esac
    if [ -n "$es" ] && [ -n "$ts" ]; then
        note "BENCH $* : engine $es, PyTorch $ts, ratio $(python3 -c "print(f'{$es / $ts:.2f}')")x"
    else note "BENCH $* : no result (engine '$e', PyTorch '$t')"; FAILED=1; fi
}
bench matmul 2000 100
bench ops 10000
bench train mlp 32 1 cuda:0
bench train cnn 128 1 cuda:0

note "time: $((SECONDS - START)) s of a ${BUDGET} s budget"
echo; echo "==== summary ===="
printf '%s\n' "${SUMMARY[@]}" | tee ${OUT:+$OUT/gpu_summary.txt}
exit $FAILED
