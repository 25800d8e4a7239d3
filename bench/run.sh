#!/usr/bin/env bash
# run.sh — the benchmark in one command: build gprobe, the Go target, the
# stripped net/http program and the floor loader, then measure and write
# bench/README.md (bench/bench.py, bench/report.py).
#
#   bench/run.sh [--quick] [--out FILE]
#
# Needs root. Environment: GPROBE_BUILD (build directory, default
# build-bench), GPROBE_GO_CACHE (toolchains, as bpf-gen/fetch-go.sh),
# BENCH_GO (Go version of the target, default: the newest cached),
# BENCH_WORK (scratch directory, default: a fresh one under /tmp).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${GPROBE_BUILD:-$ROOT/build-bench}
CACHE=${GPROBE_GO_CACHE:-/var/cache/gprobe/go}
WORK=${BENCH_WORK:-$(mktemp -d /tmp/gprobe-bench.XXXXXX)}
mkdir -p "$WORK"

if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (BPF, uprobes)" >&2
	exit 1
fi
for tool in bpftrace bpftool clang-19 cmake objdump readelf; do
	command -v "$tool" >/dev/null || { echo "bench: $tool not found (make deps)" >&2; exit 1; }
done

# bpftrace resolves uprobes through tracefs on this kernel
if ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs nodev /sys/kernel/tracing
fi
# BPF run-time accounting for the run only
stats_was=$(sysctl -n kernel.bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled="$stats_was"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1

echo "bench: building gprobe in $BUILD" >&2
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" --target gprobe -j "$(nproc)" >/dev/null

v=${BENCH_GO:-$("$ROOT/bpf-gen/fetch-go.sh" --list | awk '$2 != "missing" {v = $1} END {sub(/^go/, "", v); print v}')}
[ -n "$v" ] || { echo "bench: no Go toolchain cached (make deps)" >&2; exit 1; }
goroot=$CACHE/go$v/usr/lib/go-$v
echo "bench: building bench/target with go$v" >&2
(cd "$HERE/target" && env GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on \
	GOENV=off GOCACHE="${TMPDIR:-/tmp}/gocache-$v" CGO_ENABLED=0 PATH="$goroot/bin:$PATH" \
	go build -o "$WORK/target" .)
# the time-to-check binary: a net/http program as distributions ship them, stripped
echo "bench: building bench/httpd (stripped) with go$v" >&2
(cd "$HERE/httpd" && env GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on \
	GOENV=off GOCACHE="${TMPDIR:-/tmp}/gocache-$v" CGO_ENABLED=0 PATH="$goroot/bin:$PATH" \
	go build -ldflags='-s -w' -o "$WORK/httpd" .)

echo "bench: building bench/floor" >&2
clang-19 -target bpf -O2 -g -I/usr/include/x86_64-linux-gnu -c "$HERE/floor/floor.bpf.c" \
	-o "$WORK/floor.bpf.o"
cc -O2 -Wall -Wextra -Werror "$HERE/floor/floor.c" -o "$WORK/floor" -lbpf -lelf -lz

python3 "$HERE/bench.py" --gprobe "$BUILD/gprobe" --target "$WORK/target" \
	--target-go "$goroot/bin/go" --floor "$WORK/floor" --floor-obj "$WORK/floor.bpf.o" \
	--httpd "$WORK/httpd" \
	--workdir "$WORK" "$@"
