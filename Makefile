# C (coursDL): the kernel, the engine library, their tests and benchmarks.
# `make install` builds and installs the kernel with its build dependencies
# only (no Python needed); `make run` and `make test` install whatever they
# are missing first (apt-get for Debian packages, pip into .venv for the
# Python tools).

SHELL := /bin/bash
BUILD := build
CC := gcc
# Warnings are errors in the project's own builds (`make test`, `make bench`,
# CI); a user's `make install` on another compiler (Ubuntu's gcc 11/13) only
# shows them.
WERROR :=
WARN = -Wall -Wextra $(WARN_COMPAT) $(WERROR)
# gcc before 12 (Ubuntu 22.04) flags the API's named arguments, designated
# initializers in a compound literal (`.lr = 1e-3`), as missing initializers.
WARN_COMPAT := $(shell [ "$$($(CC) -dumpversion 2>/dev/null | cut -d. -f1)" -lt 12 ] 2>/dev/null \
    && echo -Wno-missing-field-initializers)
CFLAGS ?= -O2 -g
BASE_CFLAGS = -std=c11 $(WARN) -D_GNU_SOURCE -fPIC -Iengine/include
ROOT := $(abspath .)
VENV := .venv
PY := $(VENV)/bin/python

# Debian (and Ubuntu) packages the kernel and the engine are built with and
# run against: all that `make install` needs (tcc brings libtcc's own headers
# and runtime library, libc6-dev the C library's headers cells include).
RUNTIME_APT_PACKAGES := gcc make libc6-dev libtcc-dev tcc libzmq3-dev libjansson-dev \
    libssl-dev libgc-dev libopenblas-dev libplplot-dev plplot-driver-cairo \
    libcairo2-dev fonts-dejavu-core zlib1g-dev libgraphviz-dev libminizip-dev
# Debian packages the project builds, tests and benchmarks with.
APT_PACKAGES := $(RUNTIME_APT_PACKAGES) pkg-config python3-venv python3-torch \
    dataset-fashion-mnist debootstrap chromium
PIP_PACKAGES := jupyterlab jupyter_client nbclient nbconvert nbformat \
    jupyter_kernel_test pytest ipykernel safetensors numpy nbgrader playwright notebook pycparser
# What `make run` needs to open JupyterLab (a venv made by `make test` has it too).
RUN_APT_PACKAGES := python3-venv
RUN_PIP_PACKAGES := jupyterlab

ENGINE_SRC := $(sort $(wildcard engine/*/*.c))
ENGINE_SRC := $(filter-out engine/cuda/%,$(ENGINE_SRC)) engine/cuda/loader.c
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o)
ENGINE_LIBS := -lgc -lopenblas -lm -lpthread -lplplot -lcairo -lz -lgvc -lcgraph -lminizip
KERNEL_SRC := $(sort $(wildcard kernel/*.c))
KERNEL_OBJ := $(KERNEL_SRC:%.c=$(BUILD)/%.o)
KERNEL_LIBS := -ltcc -lzmq -ljansson -lcrypto -lgc -ldl -lpthread -lm

ENGINE_TESTS := $(patsubst tests/engine/%.c,$(BUILD)/tests/engine/%,$(wildcard tests/engine/test_*.c))
KERNEL_CTESTS := $(patsubst tests/kernel/%.c,$(BUILD)/tests/kernel/%,$(wildcard tests/kernel/test_*.c))
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all deps apt-deps runtime-deps venv run-venv build install uninstall kernelspec run teacher \
    test test-engine test-kernel test-install bench bench-venv clean notebooks

all: build

build: $(BUILD)/libcoursdl.so $(BUILD)/coursdl-kernel $(BUILD)/tcclib/bcheck.o

# ---- dependencies -----------------------------------------------------------
deps: apt-deps venv

# $(call apt_install,PACKAGES): installs those missing (through sudo when not
# root), waiting for a dpkg lock held elsewhere (a VM's first-boot upgrades).
# NO_APT=1 skips it (packagers, systems without apt).
define apt_install
	@if [ -n "$(NO_APT)" ] || ! command -v dpkg-query >/dev/null; then exit 0; fi; \
	missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    echo "Installing Debian packages:" $$missing; \
	    $$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	        --no-install-recommends $$missing; \
	fi
endef

apt-deps:
	$(call apt_install,$(APT_PACKAGES))

runtime-deps:
	$(call apt_install,$(RUNTIME_APT_PACKAGES))

venv: $(VENV)/.installed

$(VENV)/.installed: Makefile
	@[ -x $(PY) ] || /usr/bin/python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check $(PIP_PACKAGES)
	@touch $@

# JupyterLab alone, for `make run` (nothing more when the test venv exists).
run-venv:
	$(call apt_install,$(RUN_APT_PACKAGES))
	@[ -x $(VENV)/bin/jupyter-lab ] || { [ -x $(PY) ] || /usr/bin/python3 -m venv $(VENV); \
	    $(VENV)/bin/pip install -q --disable-pip-version-check $(RUN_PIP_PACKAGES); }

# ---- engine -----------------------------------------------------------------
$(BUILD)/%.o: %.c $(wildcard engine/include/*.h engine/include/coursdl/*.h engine/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -c $< -o $@

# Kernel objects also depend on the kernel's headers (the engine's do not).
$(BUILD)/kernel/%.o: kernel/%.c $(wildcard engine/include/*.h engine/include/coursdl/*.h kernel/*.h)
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
CUDA_LIBS := -L$(CUDA_HOME)/lib64 -lcudart -lcublas -lcudnn -lcurand -lstdc++ -lgc -lpthread -lm

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

# GPU-only programs (run by tools/gpu_check.sh, never by make test; they
# exit 77 without a GPU): the seam's conformance test built for cuda:0
# against "ref" (cuda_backend_check), the allocator's check and the
# benchmarks' engine side.
GPU_PROGS := $(BUILD)/tests/gpu/cuda_backend_check $(patsubst tests/gpu/%.c,$(BUILD)/tests/gpu/%,$(wildcard tests/gpu/*.c)) \
    $(patsubst bench/gpu/%.c,$(BUILD)/bench/gpu/%,$(wildcard bench/gpu/*.c))
.PHONY: gpu-programs
gpu-programs: $(GPU_PROGS)

$(BUILD)/tests/gpu/cuda_backend_check: tests/engine/test_backends.c $(BUILD)/libcoursdl.so $(wildcard tests/engine/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -DCONFORMANCE_GPU -Itests/engine $< -o $@ -L$(BUILD) -lcoursdl \
	    -Wl,-rpath,'$$ORIGIN/../..' $(ENGINE_LIBS)

$(BUILD)/tests/gpu/%: tests/gpu/%.c $(CUDA_LIB) $(wildcard tests/engine/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -I$(CUDA_HOME)/include $< -o $@ -L$(BUILD) -lcoursdl_cuda -lcoursdl \
	    -Wl,-rpath,'$$ORIGIN/../..' $(CUDA_LIBS) $(ENGINE_LIBS)
$(BUILD)/bench/gpu/%: bench/gpu/%.c $(CUDA_LIB) $(wildcard tests/engine/*.h)
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

# TinyCC's library folder for cells compiled with bounds checks (-b): its
# runtime objects are empty, the kernel implements them (kernel/bounds.h).
TCC_SYSLIB := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/tcc /usr/lib/tcc /usr/local/lib/tcc))
$(BUILD)/tcclib/bcheck.o: kernel/tcclib/empty.c
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@
	cp $@ $(dir $@)bt-log.o
	ln -sfn $(TCC_SYSLIB)/libtcc1.a $(dir $@)libtcc1.a
	ln -sfn $(TCC_SYSLIB)/include $(dir $@)include

# ---- tests ------------------------------------------------------------------
$(BUILD)/tests/engine/%: tests/engine/%.c $(BUILD)/libcoursdl.so $(wildcard tests/engine/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itests/engine $< -o $@ -L$(BUILD) -lcoursdl -Wl,-rpath,'$$ORIGIN/../..' $(ENGINE_LIBS)

# test_cuda_nogpu's stand-ins for the NVIDIA driver (tests/engine/fake_libcuda.c)
# and for the backend (fake_cuda_backend.c: "ref" named cuda), with which it
# runs the GPU conformance program.
$(BUILD)/tests/engine/test_cuda_nogpu $(BUILD)/tests/engine-san/test_cuda_nogpu: $(BUILD)/tests/fake_libcuda.so \
    $(BUILD)/tests/fake_cuda_backend.so $(BUILD)/tests/gpu/cuda_backend_check
$(BUILD)/tests/fake_libcuda.so: tests/engine/fake_libcuda.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -shared $< -o $@
$(BUILD)/tests/fake_cuda_backend.so: tests/engine/fake_cuda_backend.c $(BUILD)/libcoursdl.so
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -shared $< -o $@ -L$(BUILD) -lcoursdl

$(BUILD)/tests/engine-san/%: tests/engine/%.c $(BUILD)/san/libcoursdl.so $(wildcard tests/engine/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN_FLAGS) -Itests/engine $< -o $@ -L$(BUILD)/san -lcoursdl -Wl,-rpath,'$(ROOT)/$(BUILD)/san' $(ENGINE_LIBS)

$(BUILD)/tests/kernel/%: tests/kernel/%.c $(filter-out $(BUILD)/kernel/main.o,$(KERNEL_OBJ)) $(BUILD)/libcoursdl.so
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -DCDL_ROOT='"$(ROOT)"' -Ikernel $< $(filter-out $(BUILD)/kernel/main.o,$(KERNEL_OBJ)) -o $@ \
	    -L$(BUILD) -Wl,--no-as-needed -lcoursdl -Wl,--as-needed -Wl,-rpath,'$(ROOT)/$(BUILD)' -rdynamic $(KERNEL_LIBS)

# Tools the Python tests drive: cellrun runs cells through the cell model
# in process (the differential test against gcc).
TEST_TOOLS := $(BUILD)/tools/cellrun

$(BUILD)/tools/%: tests/kernel/%.c $(filter-out $(BUILD)/kernel/main.o,$(KERNEL_OBJ)) $(BUILD)/libcoursdl.so
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -DCDL_ROOT='"$(ROOT)"' -Ikernel $< $(filter-out $(BUILD)/kernel/main.o,$(KERNEL_OBJ)) -o $@ \
	    -L$(BUILD) -Wl,--no-as-needed -lcoursdl -Wl,--as-needed -Wl,-rpath,'$(ROOT)/$(BUILD)' -rdynamic $(KERNEL_LIBS)

test: deps build kernelspec $(ENGINE_TESTS) $(ENGINE_TESTS:$(BUILD)/tests/engine/%=$(BUILD)/tests/engine-san/%) $(KERNEL_CTESTS) $(TEST_TOOLS)
	@$(PY) tests/run_all.py

# A fresh Debian 12 root (debootstrap) taken through the README's install
# commands, as root and as a user with sudo; slow (see tests/install/).
test-install: deps
	$(PY) tests/install/fresh_system.py

# The project's own builds: warnings are errors.
test bench: WERROR := -Werror

# ---- kernelspec and running -------------------------------------------------
# A kernelspec inside the build folder, for tests (JUPYTER_PATH points there).
kernelspec: $(BUILD)/share/jupyter/kernels/coursdl/kernel.json

$(BUILD)/share/jupyter/kernels/coursdl/kernel.json: kernelspec/kernel.json.in $(wildcard kernelspec/*.png) $(BUILD)/coursdl-kernel
	@mkdir -p $(dir $@)
	sed 's|@KERNEL@|$(ROOT)/$(BUILD)/coursdl-kernel|' $< > $@
	cp kernelspec/logo-32x32.png kernelspec/logo-64x64.png $(dir $@)

# `make install`: build dependencies, a parallel build, then the kernel, the
# engine, its headers and the kernelspec under PREFIX: /usr/local as root
# (every user of the machine sees "C (coursDL)"), ~/.local otherwise (the
# user's own Jupyter data folder). The checkout may be deleted afterwards.
# DESTDIR stages the tree for a package; KERNELS_DIR moves the kernelspec
# (e.g. into a conda env's share/jupyter/kernels); KERNEL_THREADS caps each
# kernel's engine threads (COURSDL_NUM_THREADS in the kernelspec). Dataset
# folders found in DATA_SRC (the course's shared/data, beside the checkout)
# are copied to PREFIX/share/coursdl/data, where the engine looks.
ifeq ($(shell id -u),0)
PREFIX ?= /usr/local
else
PREFIX ?= $(HOME)/.local
endif
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
DATADIR = $(PREFIX)/share/coursdl
KERNELS_DIR ?= $(PREFIX)/share/jupyter/kernels
KERNEL_THREADS ?=
DATA_SRC ?= ../shared/data
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
INSTALLED_KERNELSPEC = $(DESTDIR)$(KERNELS_DIR)/coursdl
comma := ,

install: runtime-deps
	$(MAKE) --no-print-directory -j$(JOBS) build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/coursdl \
	    $(DESTDIR)$(DATADIR)/include $(DESTDIR)$(DATADIR)/data $(DESTDIR)$(DATADIR)/notebooks \
	    $(INSTALLED_KERNELSPEC)
	install -m 755 $(BUILD)/coursdl-kernel $(DESTDIR)$(BINDIR)/coursdl-kernel
	install -m 755 $(BUILD)/libcoursdl.so $(DESTDIR)$(LIBDIR)/libcoursdl.so
	@# Bounds-checked cells: the kernel's empty bcheck.o and TinyCC's own runtime (kernel/bounds.h).
	install -d $(DESTDIR)$(LIBDIR)/coursdl/tcclib
	install -m 644 $(BUILD)/tcclib/bcheck.o $(BUILD)/tcclib/bt-log.o $(DESTDIR)$(LIBDIR)/coursdl/tcclib/
	@# The links the build made: this make read TCC_SYSLIB before runtime-deps installed TinyCC.
	cp -P --remove-destination $(BUILD)/tcclib/libtcc1.a $(BUILD)/tcclib/include $(DESTDIR)$(LIBDIR)/coursdl/tcclib/
	install -m 644 engine/include/coursdl.h $(DESTDIR)$(INCLUDEDIR)/coursdl.h
	install -m 644 engine/include/coursdl/*.h $(DESTDIR)$(INCLUDEDIR)/coursdl/
	install -m 644 kernel/include/*.h $(DESTDIR)$(DATADIR)/include/
	install -m 644 notebooks/etudiant/*.ipynb $(DESTDIR)$(DATADIR)/notebooks/
	@# The course's datasets, when the checkout has them beside it (shared/data).
	@# DATA_SRC= (empty) installs none: never expand it to /*/.
	$(if $(strip $(DATA_SRC)),$(if $(wildcard $(DATA_SRC)/*/),cp -r $(wildcard $(DATA_SRC)/*/) $(DESTDIR)$(DATADIR)/data/))
	sed -e 's|@KERNEL@|$(BINDIR)/coursdl-kernel|' \
	    $(if $(KERNEL_THREADS),-e 's|"env": {|"env": {"COURSDL_NUM_THREADS": "$(KERNEL_THREADS)"$(comma) |') \
	    kernelspec/kernel.json.in > $(INSTALLED_KERNELSPEC)/kernel.json
	install -m 644 kernelspec/logo-32x32.png kernelspec/logo-64x64.png $(INSTALLED_KERNELSPEC)/
	@echo
	@echo "Installed \"C (coursDL)\" under $(DESTDIR)$(PREFIX); kernelspec: $(INSTALLED_KERNELSPEC)"
	@echo "Student notebooks: $(DATADIR)/notebooks. Remove it all with: make uninstall$(if $(filter-out /usr/local $(HOME)/.local,$(PREFIX)), PREFIX=$(PREFIX))"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/coursdl-kernel $(DESTDIR)$(LIBDIR)/libcoursdl.so \
	    $(DESTDIR)$(INCLUDEDIR)/coursdl.h $(INSTALLED_KERNELSPEC)/kernel.json \
	    $(INSTALLED_KERNELSPEC)/logo-32x32.png $(INSTALLED_KERNELSPEC)/logo-64x64.png
	rm -rf $(DESTDIR)$(INCLUDEDIR)/coursdl $(DESTDIR)$(DATADIR)/include $(DESTDIR)$(DATADIR)/notebooks \
	    $(DESTDIR)$(LIBDIR)/coursdl
	@# Datasets a teacher put in $(DATADIR)/data stay.
	-rmdir $(INSTALLED_KERNELSPEC) $(DESTDIR)$(DATADIR)/data $(DESTDIR)$(DATADIR) 2>/dev/null || true

# JupyterLab on the student notebooks (`make teacher`: on the teacher ones),
# with the kernel as built here (no install needed); its address is the last
# thing printed. IP=0.0.0.0 listens on every interface, PORT picks the port.
IP ?= 127.0.0.1
PORT ?= 8888
run: build kernelspec run-venv
	@MAKE_TARGET=run tools/jupyter_run.sh $(VENV)/bin/jupyter $(ROOT)/$(BUILD)/share/jupyter notebooks/etudiant $(IP) $(PORT)

teacher: build kernelspec run-venv
	@MAKE_TARGET=teacher tools/jupyter_run.sh $(VENV)/bin/jupyter $(ROOT)/$(BUILD)/share/jupyter notebooks $(IP) $(PORT)

# ---- benchmarks -------------------------------------------------------------
# C programs under bench/ (against the engine; sgemm_peak against OpenBLAS only).
BENCH_PROGS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

$(BUILD)/bench/sgemm_peak: bench/sgemm_peak.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -D_GNU_SOURCE -O2 $< -o $@ -lopenblas

# TinyCC's raw compile time (bench/cell_bench.py): libtcc and the engine.
$(BUILD)/bench/tcc_compile: bench/tcc_compile.c $(BUILD)/libcoursdl.so
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $< -o $@ -L$(BUILD) -lcoursdl -Wl,-rpath,'$$ORIGIN/..' $(ENGINE_LIBS) -ltcc -ldl

$(BUILD)/bench/%: bench/%.c $(BUILD)/libcoursdl.so
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $< -o $@ -L$(BUILD) -lcoursdl -Wl,-rpath,'$$ORIGIN/..' $(ENGINE_LIBS)

# The peers of bench/peers_bench.py: PyTorch 2.x and Keras 3 on TensorFlow
# 2.x from PyPI (several GB), in their own virtualenv, made once by `make
# bench` (never by `make test`); Debian's PyTorch 1.13 is the other peer.
# linux-perf: `perf`, to profile the CNN epoch (bench/peers_bench.py says how).
BENCH_VENV := .bench-venv
BENCH_APT_PACKAGES := linux-perf
BENCH_PIP_PACKAGES := 'torch>=2,<3' 'keras>=3,<4' 'tensorflow-cpu>=2.16,<3'

bench-venv: $(BENCH_VENV)/.installed

$(BENCH_VENV)/.installed:
	$(call apt_install,$(BENCH_APT_PACKAGES))
	@[ -x $(BENCH_VENV)/bin/python ] || /usr/bin/python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check $(BENCH_PIP_PACKAGES)
	@touch $@

bench: deps bench-venv build $(BENCH_PROGS)
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
