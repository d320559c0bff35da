#!/usr/bin/env bash
# Run HERE (a machine with the project's Debian packages and network), before
# tools/gpu_check.sh runs on a GPU machine that has the NVIDIA driver, the
# CUDA 13 toolkit and PyTorch but none of the engine's Debian libraries, no
# Fashion-MNIST and no network. Fills .gpu/ (ignored by git), which the
# device tool must carry (carry: [".gpu"]); it must stay under 64 MiB:
#   .gpu/build/     the built engine, kernel, CUDA backend and GPU programs (Debian 12 glibc 2.36:
#                   they run on any newer glibc)
#   .gpu/lib.tar.xz the shared libraries they need beyond glibc, libstdc++ and CUDA's own
#                   (OpenBLAS, libgc, PLplot, cairo, ZeroMQ, jansson...)
#   .gpu/tcc.tar.xz TinyCC's runtime folder (the kernel compiles cells against it)
#   .gpu/data/      Fashion-MNIST (the CNN check and the training benchmark)
#   .gpu/whl/       wheels of nbclient and the Jupyter packages it needs (TP 1.0 run headless),
#                   for the GPU image's Python 3.12
# PyTorch itself is NOT carried: a CUDA build of torch is over 800 MB. The GPU
# image has one (torch 2.11+cu130 in its python3); tools/gpu_check.sh uses it,
# or $BENCH_PY when set (a venv with torch from PyPI, if the machine has one).
set -euo pipefail
cd "$(dirname "$0")/.."
make build gpu-programs kernelspec
rm -rf .gpu
mkdir -p .gpu/lib .gpu/data .gpu/whl
progs=(build/libcoursdl.so build/libcoursdl_cuda.so build/coursdl-kernel build/tests/gpu/* build/bench/gpu/*
       build/tests/engine/test_cuda_nogpu build/tests/fake_libcuda.so)
for p in "${progs[@]}"; do
    mkdir -p ".gpu/$(dirname "$p")"
    cp -a "$p" ".gpu/$p"
done
for p in "${progs[@]}"; do ldd "$p"; done | awk '/=> \//{print $3}' | sort -u |
    grep -v -E '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux-x86-64|libgcc_s|libstdc\+\+)\.so|/libcu|/libnv|/build/' |
    while read -r lib; do cp -L "$lib" .gpu/lib/; done
tar -C .gpu -cJf .gpu/lib.tar.xz lib
rm -rf .gpu/lib
tar -C / -cJf .gpu/tcc.tar.xz usr/lib/x86_64-linux-gnu/tcc
cp /usr/share/datasets/fashion-mnist/*-ubyte.gz .gpu/data/
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .gpu/whl nbclient jupyter_client jupyter_core nbformat traitlets pyzmq tornado fastjsonschema \
    jsonschema jsonschema-specifications referencing rpds-py platformdirs
du -sh .gpu
size=$(du -sm .gpu | cut -f1)
[ "$size" -lt 60 ] || { echo "gpu_bundle: .gpu is ${size} MiB: over what the device tool carries (64 MiB with the tree)"; exit 1; }
echo "gpu_bundle: ready; on the GPU machine run: bash tools/gpu_check.sh (carry .gpu)"
