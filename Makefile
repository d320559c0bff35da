# C (coursDL): the kernel, the engine library, their tests and benchmarks.
# `make run` and `make test` install whatever is missing first (apt-get for
# Debian packages, pip into .venv for the Python tools).

SHELL := /bin/bash
BUILD := build
CC := gcc
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=c11 $(WARN) -D_GNU_SOURCE -fPIC -Iengine/include
ROOT := $(abspath .)
VENV := .venv
PY := $(VENV)/bin/python

# Debian packages the project builds, tests and benchmarks with.
APT_PACKAGES := gcc make pkg-config libtcc-dev tcc libzmq3-dev libjansson-dev \
    libssl-dev libgc-dev libopenblas-dev python3-venv python3-torch \
    libplplot-dev plplot-driver-cairo libcairo2-dev fonts-dejavu-core \
    dataset-fashion-mnist
PIP_PACKAGES := jupyterlab jupyter_client nbclient nbconvert nbformat \
    jupyter_kernel_test pytest ipykernel safetensors numpy nbgrader

ENGINE_SRC := $(sort $(wildcard engine/*/*.c))
ENGINE_SRC := $(filter-out engine/cuda/%,$(ENGINE_SRC)) engine/cuda/loader.c
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o)
ENGINE_LIBS := -lgc -lopenblas -lm -lpthread -lplplot -lcairo -lz
KERNEL_SRC := $(sort $(wildcard kernel/*.c))
KERNEL_OBJ := $(KERNEL_SRC:%.c=$(BUILD)/%.o)
KERNEL_LIBS := -ltcc -lzmq -ljansson -lcrypto -lgc -ldl -lpthread -lm

ENGINE_TESTS := $(patsubst tests/engine/%.c,$(BUILD)/tests/engine/%,$(wildcard tests/engine/test_*.c))
KERNEL_CTESTS := $(patsubst tests/kernel/%.c,$(BUILD)/tests/kernel/%,$(wildcard tests/kernel/test_*.c))
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all deps apt-deps venv build install kernelspec run test test-engine test-kernel bench clean notebooks

all: build

build: $(BUILD)/libcoursdl.so $(BUILD)/coursdl-kernel

# ---- dependencies -----------------------------------------------------------
deps: apt-deps venv

apt-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    echo "Installing Debian packages: $$missing"; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: Makefile
	@[ -x $(PY) ] || /usr/bin/python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check $(PIP_PACKAGES)
	@touch $@

# ---- engine -----------------------------------------------------------------
$(BUILD)/%.o: %.c $(wildcard engine/include/*.h engine/include/coursdl/*.h kernel/*.h engine/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c $< -o $@

# The CPU kernels: -O3 so that their loops vectorize (see engine/device/cpu.h).
$(BUILD)/engine/device/%.o: CFLAGS += -O3

$(BUILD)/libcoursdl.so: $(ENGINE_OBJ)
	$(CC) -shared -o $@ $^ $(ENGINE_LIBS)

# The same engine built with AddressSanitizer/UBSan, for the engine tests.
$(BUILD)/san/%.o: %.c $(wildcard engine/include/*.h engine/include/coursdl/*.h engine/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN_FLAGS) -c $< -o $@

$(BUILD)/san/libcoursdl.so: $(ENGINE_SRC:%.c=$(BUILD)/san/%.o)
	$(CC) -shared $(SAN_FLAGS) -o $@ $^ $(ENGINE_LIBS)

# ---- CUDA backend -------------------------------------------------------------
# engine/cuda/ is built into its own library, libcoursdl_cuda.so, which
# libcoursdl loads at run time when a driver and a GPU are there
# (engine/cuda/loader.c, which is part of libcoursdl). Built when nvcc is
# found; CUDA=0 turns it off. Host files are C built by gcc against the CUDA
# libraries' C APIs; only the kernel files (*.cu) go through nvcc, for
# Hopper (sm_90, the H100/H200) plus PTX that newer GPUs compile at load.
# CUDA_ARCH="-gencode arch=compute_XX,code=sm_XX" builds for another GPU.
NVCC ?= $(firstword $(wildcard /usr/local/cuda/bin/nvcc) $(shell command -v nvcc 2>/dev/null))
CUDA ?= $(if $(NVCC),1,0)
CUDA_HOME ?= $(patsubst %/bin/nvcc,%,$(NVCC))
CUDA_ARCH ?= -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90
CUDA_LIB := $(BUILD)/libcoursdl_cuda.so
CUDA_HOST_OBJ := $(patsubst engine/cuda/%.c,$(BUILD)/cuda/%.o,$(filter-out engine/cuda/loader.c,$(wildcard engine/cuda/*.c)))
CUDA_KERNEL_OBJ := $(patsubst engine/cuda/%.cu,$(BUILD)/cuda/%.cu.o,$(wildcard engine/cuda/*.cu))
CUDA_DEPS := $(wildcard engine/include/*.h engine/include/coursdl/*.h engine/*/*.h engine/cuda/*.cuh)
CUDA_LIBS := -L$(CUDA_HOME)/lib64 -lcudart -lcublas -lcudnn -lcurand -lgc -lpthread -lm

ifeq ($(CUDA),1)
build: $(CUDA_LIB)
endif
.PHONY: cuda gpu-check
cuda: $(CUDA_LIB)

$(BUILD)/cuda/%.o: engine/cuda/%.c $(CUDA_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -I$(CUDA_HOME)/include -c $< -o $@

$(BUILD)/cuda/%.cu.o: engine/cuda/%.cu $(CUDA_DEPS)
	@mkdir -p $(dir $@)
	$(NVCC) -O3 -std=c++17 -Werror all-warnings -Xcompiler -fPIC,-Wall $(CUDA_ARCH) -c $< -o $@

# Linked against libcoursdl (the engine's functions it calls) and the CUDA
# libraries, found through the toolkit's folder at run time too.
$(CUDA_LIB): $(CUDA_HOST_OBJ) $(CUDA_KERNEL_OBJ) $(BUILD)/libcoursdl.so
	$(CC) -shared -o $@ $(CUDA_HOST_OBJ) $(CUDA_KERNEL_OBJ) -L$(BUILD) -lcoursdl $(CUDA_LIBS) \
	    -Wl,-rpath,'$$ORIGIN' -Wl,-rpath,$(CUDA_HOME)/lib64

# GPU-only programs: the backend's direct check against the CPU, and the
# benchmarks' engine side (run by tools/gpu_check.sh, never by make test).
GPU_PROGS := $(patsubst tests/gpu/%.c,$(BUILD)/tests/gpu/%,$(wildcard tests/gpu/*.c)) \
    $(patsubst bench/gpu/%.c,$(BUILD)/bench/gpu/%,$(wildcard bench/gpu/*.c))
.PHONY: gpu-programs
gpu-programs: $(GPU_PROGS)

$(BUILD)/tests/gpu/% $(BUILD)/bench/gpu/%: $(CUDA_LIB) $(wildcard tests/engine/*.h)
$(BUILD)/tests/gpu/%: tests/gpu/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -I$(CUDA_HOME)/include $< -o $@ -L$(BUILD) -lcoursdl_cuda -lcoursdl \
	    -Wl,-rpath,'$$ORIGIN/../..' $(CUDA_LIBS) $(ENGINE_LIBS)
$(BUILD)/bench/gpu/%: bench/gpu/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -I$(CUDA_HOME)/include $< -o $@ -L$(BUILD) -lcoursdl_cuda -lcoursdl \
	    -Wl,-rpath,'$$ORIGIN/../..' $(CUDA_LIBS) $(ENGINE_LIBS)

# On a machine with a GPU: build, then the conformance test on cuda:0, the
# CNN check and the benchmark against PyTorch, with a summary (tools/gpu_check.sh).
gpu-check:
	bash tools/gpu_check.sh

# ---- kernel -----------------------------------------------------------------
# The kernel loads the engine itself once its sockets are bound (see
# kernel/engine_api.h): it is not linked against libcoursdl.
$(BUILD)/coursdl-kernel: $(KERNEL_OBJ) $(BUILD)/libcoursdl.so
	$(CC) -o $@ $(KERNEL_OBJ) -rdynamic $(KERNEL_LIBS)

$(BUILD)/kernel/%.o: BASE_CFLAGS += -DCDL_ROOT='"$(ROOT)"'

# ---- tests ------------------------------------------------------------------
$(BUILD)/tests/engine/%: tests/engine/%.c $(BUILD)/libcoursdl.so $(wildcard tests/engine/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests/engine $< -o $@ -L$(BUILD) -lcoursdl -Wl,-rpath,'$$ORIGIN/../..' $(ENGINE_LIBS)

$(BUILD)/tests/engine-san/%: tests/engine/%.c $(BUILD)/san/libcoursdl.so $(wildcard tests/engine/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN_FLAGS) -Itests/engine $< -o $@ -L$(BUILD)/san -lcoursdl -Wl,-rpath,'$(ROOT)/$(BUILD)/san' $(ENGINE_LIBS)

$(BUILD)/tests/kernel/%: tests/kernel/%.c $(filter-out $(BUILD)/kernel/main.o,$(KERNEL_OBJ)) $(BUILD)/libcoursdl.so
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -DCDL_ROOT='"$(ROOT)"' -Ikernel $< $(filter-out $(BUILD)/kernel/main.o,$(KERNEL_OBJ)) -o $@ \
	    -L$(BUILD) -Wl,--no-as-needed -lcoursdl -Wl,--as-needed -Wl,-rpath,'$(ROOT)/$(BUILD)' -rdynamic $(KERNEL_LIBS)

test: deps build kernelspec $(ENGINE_TESTS) $(ENGINE_TESTS:$(BUILD)/tests/engine/%=$(BUILD)/tests/engine-san/%) $(KERNEL_CTESTS)
	@$(PY) tests/run_all.py

# ---- kernelspec and running -------------------------------------------------
# A kernelspec inside the build folder, for tests (JUPYTER_PATH points there).
kernelspec: $(BUILD)/share/jupyter/kernels/coursdl/kernel.json

$(BUILD)/share/jupyter/kernels/coursdl/kernel.json: kernelspec/kernel.json.in $(wildcard kernelspec/*.png) $(BUILD)/coursdl-kernel
	@mkdir -p $(dir $@)
	sed 's|@KERNEL@|$(ROOT)/$(BUILD)/coursdl-kernel|' $< > $@
	cp kernelspec/logo-32x32.png kernelspec/logo-64x64.png $(dir $@)

install: deps build kernelspec
	$(VENV)/bin/jupyter kernelspec install --user --replace --name coursdl $(BUILD)/share/jupyter/kernels/coursdl

run: install
	cd notebooks && ../$(VENV)/bin/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# ---- benchmarks -------------------------------------------------------------
# C programs under bench/ (against the engine; sgemm_peak against OpenBLAS only).
BENCH_PROGS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

$(BUILD)/bench/sgemm_peak: bench/sgemm_peak.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -D_GNU_SOURCE -O2 $< -o $@ -lopenblas

$(BUILD)/bench/%: bench/%.c $(BUILD)/libcoursdl.so
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $< -o $@ -L$(BUILD) -lcoursdl -Wl,-rpath,'$$ORIGIN/..' $(ENGINE_LIBS)

bench: deps build $(BENCH_PROGS)
	$(PY) bench/run_all.py

# The course: teacher notebooks and student versions from notebooks/src.
notebooks:
	python3 tools/notebooks.py

clean:
	rm -rf $(BUILD)

# ---- gallery ----------------------------------------------------------------
# Executes notebooks/gallery.ipynb (one cell per plot kind) and writes it as HTML.
.PHONY: gallery
gallery: venv build kernelspec
	JUPYTER_PATH=$(ROOT)/$(BUILD)/share/jupyter $(VENV)/bin/jupyter nbconvert --execute --to html \
	    --ExecutePreprocessor.kernel_name=coursdl --output-dir $(BUILD)/gallery notebooks/gallery.ipynb
	@echo "gallery: $(BUILD)/gallery/gallery.html"
