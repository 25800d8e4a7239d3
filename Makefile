# Makefile — a thin wrapper over CMake for the common entry points.
#
#   make            configure and build into build/ (gprobe, C tests, test programs)
#   make deps       install Debian packages and fetch the Go toolchains (root)
#   make check      deps + build + test programs + every test, then the C tests
#                   (unit/, bpf/) again under ASan/UBSan in build-asan/, then a
#                   Release build in build-release/, not tested (what CI runs)
#   make demo       deps + build gprobe + examples/gcdemo, then trace it with specs/gc.yaml
#   make testprogs  build the Go test programs with every cached Go version
#   make gen        regenerate bpf-gen/db and bpf-gen/reports for every Go version
#   make test       run the tests of an existing build
#   make asan       build build-asan/ and run its C tests (unit/, bpf/)
#   make release    build build-release/ (CMAKE_BUILD_TYPE=Release), no test programs
#   make clean      remove build/, build-asan/ and build-release/
#
# Variables: JOBS (parallel compile jobs, default: cores), BUILD_TYPE,
# CTEST_FLAGS (extra ctest arguments, e.g. CTEST_FLAGS='-R unit/'),
# ASAN_TESTS (regex of the tests the sanitizer build runs, default ^(unit|bpf)/).
# CTEST_FLAGS='-L unit' runs one tier (unit, bpf; script tests are labelled script).

JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo
BUILD      := build
ASAN_BUILD := build-asan
RELEASE_BUILD := build-release
CTEST_FLAGS ?=
ASAN_TESTS ?= ^(unit|bpf)/
DEMO_ARGS  ?=
# The demo shows the GC's cycle-level tables; DEMO_TABLES= shows every table
# of the pack (thousands of span and sweep rows a second).
DEMO_TABLES ?= -t gc_start -t gc_end -t gc_explicit -t stw_done -t gc_pacer

.PHONY: all build deps configure check test testprogs asan release demo gcdemo clean

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

testprogs: configure
	cmake --build $(BUILD) --target testprogs

test:
	ctest --test-dir $(BUILD) --output-on-failure $(CTEST_FLAGS)

# The sanitizer build runs only the tests in C (unit/ and bpf/): the script
# tests trace Go programs through the gprobe binary, which adds time but no
# sanitizer coverage of note.
# It shares the Go test programs of $(BUILD)/ rather than building its own.
asan: testprogs
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGPROBE_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	@[ -L $(ASAN_BUILD)/testprogs ] || rm -rf $(ASAN_BUILD)/testprogs
	ln -sfn $(abspath $(BUILD))/testprogs $(ASAN_BUILD)/testprogs
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --test-dir $(ASAN_BUILD) --output-on-failure -R '$(ASAN_TESTS)'

# Release (-O3) is where GCC finds some warnings -O2 does not (e.g.
# maybe-uninitialized), and every build type builds with -Werror: CI builds
# it too. Only built: its tests would be build/'s again, and time is short
# (CI's budget is 90 minutes). The Go test programs are left out of it.
release:
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DGPROBE_TESTPROGS_IN_ALL=OFF
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

check:
	@echo "==== check: dependencies ===="
	$(MAKE) deps
	@echo "==== check: build ($(BUILD)/) ===="
	$(MAKE) build
	@echo "==== check: Go test programs ===="
	$(MAKE) testprogs
	@# A failing test does not stop the sanitizer run or the Release build;
	@# check fails at the end.
	@status=0; \
	echo "==== check: tests ===="; \
	$(MAKE) test || status=1; \
	echo "==== check: ASan/UBSan C tests ($(ASAN_BUILD)/) ===="; \
	$(MAKE) asan || status=1; \
	echo "==== check: Release build ($(RELEASE_BUILD)/, built, not tested) ===="; \
	start=$$(date +%s); \
	$(MAKE) release || status=1; \
	echo "==== check: Release build took $$(($$(date +%s) - start)) s ===="; \
	if [ $$status -ne 0 ]; then echo "==== check: FAILED (see above) ===="; fi; \
	exit $$status

# examples/gcdemo, built with the newest cached Go toolchain.
gcdemo: configure
	@set -e; \
	v=$$(bash bpf-gen/fetch-go.sh --list | awk '$$2 != "missing" {v = $$1} END {sub(/^go/, "", v); print v}'); \
	[ -n "$$v" ] || { echo "no Go toolchain cached: run 'make deps'" >&2; exit 1; }; \
	root=$${GPROBE_GO_CACHE:-/var/cache/gprobe/go}/go$$v/usr/lib/go-$$v; \
	mkdir -p $(BUILD)/examples; \
	echo "building examples/gcdemo with go$$v"; \
	cd examples/gcdemo && env GOROOT=$$root GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on \
		GOENV=off GOCACHE=$${TMPDIR:-/tmp}/gocache-$$v CGO_ENABLED=0 PATH=$$root/bin:$$PATH \
		go build -o ../../$(BUILD)/examples/gcdemo .

# Builds only the gprobe binary (not the test programs of every Go version).
demo: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target gprobe
	$(MAKE) gcdemo
	./$(BUILD)/gprobe run specs/gc.yaml $(DEMO_TABLES) -- ./$(BUILD)/examples/gcdemo $(DEMO_ARGS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(RELEASE_BUILD)

# Benchmarks against the kernel's uprobe floor, bpftrace and runtime/trace
# (root): writes bench/README.md, which says how long its run took.
# BENCH_ARGS=--quick for a smoke run.
.PHONY: bench
bench:
	bench/run.sh $(BENCH_ARGS)

# bpf-gen: the offsets databases and pack reports of every Go version of the
# matrix (bpf-gen/README.md). CI runs `bpf-gen/gen.sh --check` instead.
.PHONY: gen
gen: build
	GPROBE=$(BUILD)/gprobe bpf-gen/gen.sh
