#!/usr/bin/env bash
# build-testprogs.sh — build every Go test program with every cached Go
# toolchain, as the targets the tests trace.
#
#   tests/build-testprogs.sh OUTDIR [VERSION...]    # VERSION like 1.22; default: all cached
#
# For each version X and program P (a directory of tests/testprogs/) it writes
#   OUTDIR/goX/P            normal build, DWARF kept
#   OUTDIR/goX/P.stripped   -ldflags='-s -w': no symbols, no DWARF
# A binary newer than its program's sources is not rebuilt. Versions build
# two at a time (the CI machine has two cores). With no toolchain cached it
# says so and exits 0: tests that need the programs skip themselves.
#
# Environment: GPROBE_GO_CACHE (toolchain cache, as bpf-gen/fetch-go.sh),
# GPROBE_GOCACHE (prefix of the per-version Go build caches, default
# ${TMPDIR:-/tmp}/gocache, giving /tmp/gocache-1.22 and so on),
# GPROBE_JOBS (parallel versions, default 2).
set -euo pipefail

if [ $# -lt 1 ]; then
	echo "usage: $0 OUTDIR [VERSION...]" >&2
	exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/testprogs
OUT=$1
shift
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CACHE=${GPROBE_GO_CACHE:-/var/cache/gprobe/go}
GOCACHE_PREFIX=${GPROBE_GOCACHE:-${TMPDIR:-/tmp}/gocache}
JOBS=${GPROBE_JOBS:-2}

goroot_of() { echo "$CACHE/go$1/usr/lib/go-$1"; }

if [ $# -gt 0 ]; then
	versions=("$@")
else
	# The versions fetch-go.sh reports as cached, in its order.
	mapfile -t versions < <(bash "$HERE/../bpf-gen/fetch-go.sh" --list |
		awk '$2 != "missing" {sub(/^go/, "", $1); print $1}')
fi
if [ ${#versions[@]} -eq 0 ]; then
	echo "build-testprogs: no Go toolchain cached in $CACHE (run bpf-gen/fetch-go.sh); nothing built" >&2
	exit 0
fi
programs=()
for d in "$SRC"/*/; do
	[ -f "$d/go.mod" ] && programs+=("$(basename "$d")")
done

# build_version X: builds every program with Go X; prints one line per binary.
build_version() {
	local v=$1 root
	root=$(goroot_of "$v")
	if [ ! -x "$root/bin/go" ]; then
		echo "go$v: toolchain missing at $root" >&2
		return 1
	fi
	local dest=$OUT/go$v
	mkdir -p "$dest"
	export GOROOT=$root GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on GOENV=off \
		GOCACHE=$GOCACHE_PREFIX-$v GOPATH=$OUT/.gopath CGO_ENABLED=0 PATH=$root/bin:$PATH
	local p bin status=0 inputs
	for p in "${programs[@]}"; do
		bin=$dest/$p
		# Rebuild when the sources, this script or the toolchain changed.
		inputs=("$SRC/$p" "$HERE/build-testprogs.sh" "$root/VERSION")
		if [ -x "$bin" ] && [ -x "$bin.stripped" ] &&
			[ -z "$(find "${inputs[@]}" -newer "$bin" -print -quit 2>/dev/null)" ] &&
			[ -z "$(find "${inputs[@]}" -newer "$bin.stripped" -print -quit 2>/dev/null)" ]; then
			echo "go$v/$p: up to date"
			continue
		fi
		if (cd "$SRC/$p" && go build -o "$bin.tmp" . && go build -ldflags='-s -w' -o "$bin.stripped.tmp" .); then
			mv -f "$bin.tmp" "$bin"
			mv -f "$bin.stripped.tmp" "$bin.stripped"
			echo "go$v/$p: built"
		else
			rm -f "$bin.tmp" "$bin.stripped.tmp"
			echo "go$v/$p: FAILED" >&2
			status=1
		fi
	done
	return $status
}

# Run up to JOBS versions at once; each one's log is printed whole when it
# finishes so the lines of two versions do not interleave.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
names=()
failed=()
wait_one() {
	local pid=${pids[0]} v=${names[0]}
	if ! wait "$pid"; then failed+=("go$v"); fi
	cat "$logs/$v"
	pids=("${pids[@]:1}")
	names=("${names[@]:1}")
}
start=$(date +%s)
for v in "${versions[@]}"; do
	[ ${#pids[@]} -ge "$JOBS" ] && wait_one
	build_version "$v" >"$logs/$v" 2>&1 &
	pids+=($!)
	names+=("$v")
done
while [ ${#pids[@]} -gt 0 ]; do wait_one; done

echo "build-testprogs: ${#programs[@]} programs (${programs[*]}) x ${#versions[@]} Go versions" \
	"(${versions[*]}) in $OUT, $(($(date +%s) - start))s"
if [ ${#failed[@]} -gt 0 ]; then
	echo "build-testprogs: FAILED for ${failed[*]}" >&2
	exit 1
fi
