#!/usr/bin/env bash
# build-testprogs.sh — build every Go test program with every cached Go
# toolchain, as the targets the tests trace.
#
#   tests/build-testprogs.sh OUTDIR [VERSION...]    # VERSION like 1.22; default: all cached
#
# For each version X and program P (a directory of tests/testprogs/) it writes
# one binary per build mode, the ways Go programs ship (DESIGN.md §6):
#   OUTDIR/goX/P                normal build, DWARF kept
#   OUTDIR/goX/P.stripped       -ldflags='-s -w': no symbols, no DWARF
#   OUTDIR/goX/P.ext            CGO_ENABLED=1 -ldflags=-linkmode=external: the
#                               system linker, C start-up code before Go's text
#   OUTDIR/goX/P.ext.stripped   the same, -s -w
#   OUTDIR/goX/P.pie            -buildmode=pie (internal linking, Go >= 1.15)
#   OUTDIR/goX/P.pie.stripped   the same, -s -w
#   OUTDIR/goX/P.race           -race (cgo, needs a C compiler)
#   OUTDIR/goX/P.trimpath       -trimpath
# The extra modes (all but the first two) are built for the programs in
# $GPROBE_MODE_PROGRAMS only (default: args workload, what the mode tests
# trace); each of them costs a rebuild of the standard library per version.
# Where a mode cannot be built, the log line says why and OUTDIR/goX/P.MODE.skip
# holds the reason, first word `toolchain:` (this Go version cannot build it)
# or `environment:` (this machine lacks something, e.g. a C compiler); the
# tests print that reason when they skip the mode, and in CI only the first
# kind may be skipped.
# A binary newer than its program's sources is not rebuilt. Versions build
# two at a time (the CI machine has two cores); a second run on the same
# OUTDIR (two `make` at once) waits for the first, then finds it up to date.
# With no toolchain cached it says so and exits 0: tests that need the
# programs skip themselves.
#
# Environment: GPROBE_GO_CACHE (toolchain cache, as bpf-gen/fetch-go.sh),
# GPROBE_GOCACHE (prefix of the per-version Go build caches, default
# ${TMPDIR:-/tmp}/gocache, giving /tmp/gocache-1.22 and so on),
# GPROBE_JOBS (parallel versions, default 2), GPROBE_MODE_PROGRAMS (above),
# CC (the C compiler of the cgo modes, default gcc).
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
exec 9>"$OUT/.build.lock"
if ! flock -n 9; then
	echo "build-testprogs: another build of $OUT is running; waiting for it" >&2
	flock 9
fi
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

# The build modes: suffix|CGO_ENABLED|go build arguments, '|'-separated.
# External linking says `all=`: Go 1.15's go command does not see a plain
# -ldflags=-linkmode=external when it picks the packages to link, leaves
# runtime/cgo out and warns "loadinternal: cannot find runtime/cgo" (the
# program then starts without cgo); for the link itself the two are the same.
MODES=(
	"|0|"
	".stripped|0|-ldflags=-s -w"
	".ext|1|-ldflags=all=-linkmode=external"
	".ext.stripped|1|-ldflags=all=-linkmode=external -s -w"
	".pie|0|-buildmode=pie"
	".pie.stripped|0|-buildmode=pie|-ldflags=-s -w"
	".race|1|-race"
	".trimpath|0|-trimpath"
)
read -r -a MODE_PROGRAMS <<<"${GPROBE_MODE_PROGRAMS-args workload}"
CC_CMD=${CC:-gcc}

# cannot_build X SUFFIX ROOT: prints `toolchain: why` or `environment: why`
# when Go X cannot build that mode here; prints nothing when it can.
cannot_build() {
	local v=$1 suffix=$2 root=$3 minor=${1#1.}
	case $suffix in
	.ext | .ext.stripped | .race)
		if ! command -v "${CC_CMD%% *}" >/dev/null 2>&1; then
			echo "environment: no C compiler ($CC_CMD) for cgo"
			return
		fi
		;;
	esac
	case $suffix in
	.pie | .pie.stripped)
		# Internal linking of PIE on linux/amd64 came with Go 1.15.
		[ "$minor" -ge 15 ] || echo "toolchain: go$v links -buildmode=pie only externally (internal PIE linking is Go >= 1.15)"
		;;
	.race)
		if [ ! -f "$root/src/runtime/race/race_linux_amd64.syso" ] &&
			[ ! -f "$root/src/runtime/race/internal/amd64v1/race_linux.syso" ]; then
			echo "toolchain: go$v has no race runtime for linux/amd64 (runtime/race/*.syso)"
		fi
		;;
	esac
}

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
		GOCACHE=$GOCACHE_PREFIX-$v GOPATH=$OUT/.gopath PATH=$root/bin:$PATH CC=$CC_CMD
	local p m bin status=0 inputs suffix cgo flags why t0
	for p in "${programs[@]}"; do
		# Rebuild when the sources, this script or the toolchain changed.
		inputs=("$SRC/$p" "$HERE/build-testprogs.sh" "$root/VERSION")
		for m in "${MODES[@]}"; do
			IFS='|' read -r suffix cgo flags <<<"$m"
			bin=$dest/$p$suffix
			case $suffix in
			"" | .stripped) ;;
			*) [[ " ${MODE_PROGRAMS[*]} " == *" $p "* ]] || { rm -f "$bin" "$bin.skip"; continue; } ;;
			esac
			why=$(cannot_build "$v" "$suffix" "$root")
			if [ -n "$why" ]; then
				rm -f "$bin"
				echo "$why" >"$bin.skip"
				echo "go$v/$p$suffix: SKIPPED, not built: ${why#*: } (${why%%:*})"
				continue
			fi
			rm -f "$bin.skip"
			if [ -x "$bin" ] && [ -z "$(find "${inputs[@]}" -newer "$bin" -print -quit 2>/dev/null)" ]; then
				echo "go$v/$p$suffix: up to date"
				continue
			fi
			# flags: one go build argument per '|' (the ldflags keep their spaces).
			local -a args=()
			[ -n "$flags" ] && IFS='|' read -r -a args <<<"$flags"
			t0=$(date +%s)
			if (cd "$SRC/$p" && CGO_ENABLED=$cgo go build "${args[@]}" -o "$bin.tmp" .); then
				mv -f "$bin.tmp" "$bin"
				echo "go$v/$p$suffix: built ($(($(date +%s) - t0))s)"
			else
				rm -f "$bin.tmp"
				echo "go$v/$p$suffix: FAILED (CGO_ENABLED=$cgo go build ${args[*]})" >&2
				status=1
			fi
		done
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
	"(${versions[*]}) in $OUT, $(($(date +%s) - start))s (modes other than .stripped:" \
	"${MODE_PROGRAMS[*]:-none})"
if [ ${#failed[@]} -gt 0 ]; then
	echo "build-testprogs: FAILED for ${failed[*]}" >&2
	exit 1
fi
