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
    dataset-fashion-mnist libgraphviz-dev libminizip-dev chromium
PIP_PACKAGES := jupyterlab jupyter_client nbclient nbconvert nbformat \
    jupyter_kernel_test pytest ipykernel safetensors numpy nbgrader playwright notebook

ENGINE_SRC := $(sort $(wildcard engine/*/*.c))
ENGINE_SRC := $(filter-out engine/cuda/%,$(ENGINE_SRC))
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o)
ENGINE_LIBS := -lgc -lopenblas -lm -lpthread -lplplot -lcairo -lz -lgvc -lcgraph -lminizip
KERNEL_SRC := $(sort $(wildcard kernel/*.c))
KERNEL_OBJ := $(KERNEL_SRC:%.c=$(BUILD)/%.o)
KERNEL_LIBS := -ltcc -lzmq -ljansson -lcrypto -lgc -ldl -lpthread -lm

ENGINE_TESTS := $(patsubst tests/engine/%.c,$(BUILD)/tests/engine/%,$(wildcard tests/engine/test_*.c))
KERNEL_CTESTS := $(patsubst tests/kernel/%.c,$(BUILD)/tests/kernel/%,$(wildcard tests/kernel/test_*.c))
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all deps apt-deps venv build install kernelspec run test test-engine test-kernel bench clean notebooks

all: build

build: $(BUILD)/libcoursdl.so $(BUILD)/coursdl-kernel $(BUILD)/tcclib/bcheck.o

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

# ---- kernel -----------------------------------------------------------------
# The kernel loads the engine itself once its sockets are bound (see
# kernel/engine_api.h): it is not linked against libcoursdl.
$(BUILD)/coursdl-kernel: $(KERNEL_OBJ) $(BUILD)/libcoursdl.so
	$(CC) -o $@ $(KERNEL_OBJ) -rdynamic $(KERNEL_LIBS)

$(BUILD)/kernel/%.o: BASE_CFLAGS += -DCDL_ROOT='"$(ROOT)"'

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
