#!/usr/bin/env bash
# bigbinary.sh — `gprobe inspect` and `gprobe check` on a large real program:
# the `go` command, built with DWARF from each toolchain's own source, and the
# toolchains' shipped (stripped) `go` binaries.
#   tests/bigbinary.sh path/to/gprobe
set -u
GPROBE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${GPROBE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
CACHE=${GPROBE_GO_CACHE:-/var/cache/gprobe/go}
OUT=${GPROBE_BUILD:-$SRC/build}/bigbinary
mkdir -p "$OUT"
. "$SRC/tests/lib.sh"

versions=$("$SRC/bpf-gen/fetch-go.sh" --list | awk '$2 != "missing" {sub(/^go/, "", $1); print $1}')
[ -n "$versions" ] || skip "no Go toolchain cached (make deps)"
newest=$(echo "$versions" | tail -n1)
oldest=$(echo "$versions" | head -n1)

# The shipped go binaries are stripped: inspect must still give version and functions.
for v in $versions; do
	root=$CACHE/go$v/usr/lib/go-$v
	want=$(GOROOT=$root "$root/bin/go" version | awk '{print $3}')
	got=$("$GPROBE" inspect "$root/bin/go" 2>&1)
	if grep -q "go version  $want\$" <<<"$got" && grep -Eq 'functions   [0-9]{4,}' <<<"$got"; then ok; else bad "inspect go$v/bin/go: $got"; fi
	# Stripped: the address from .gopclntab, the parameters from the offsets database.
	out=$("$GPROBE" inspect "$root/bin/go" runtime.gcStart 2>&1)
	if grep -q "^func runtime.gcStart" <<<"$out" && grep -q "arg    trigger *runtime.gcTrigger" <<<"$out"; then ok; else bad "inspect go$v/bin/go runtime.gcStart (pclntab + offsets DB): $out"; fi
	if "$GPROBE" inspect "$root/bin/go" runtime.gcStar | grep -q "^0x[0-9a-f]* *runtime.gcStart$"; then ok; else bad "inspect go$v/bin/go runtime.gcStar (pclntab listing)"; fi
done

# cmd/go built with DWARF, by the oldest and newest toolchains.
cat >"$OUT/big.yaml" <<'Y'
spec: 1
name: big
probes:
  - table: gc
    function: runtime.gcStart
    columns: {kind: trigger.kind, n: trigger.n}
  - table: alloc
    function: runtime.mallocgc
    at: return
    columns: {size: size, p: $ret0, lat: $latency}
  - table: exec
    function: runtime.execute
    columns: {g: gp.goid, inherit: inheritTime}
Y
for v in $oldest $newest; do
	root=$CACHE/go$v/usr/lib/go-$v
	bin=$OUT/go-$v
	if [ ! -x "$bin" ]; then
		(cd "$root/src/cmd/go" && env GOROOT=$root GOTOOLCHAIN=local GOFLAGS=-mod=vendor GOENV=off GOPROXY=off \
			GOCACHE=${TMPDIR:-/tmp}/gocache-$v PATH=$root/bin:$PATH "$root/bin/go" build -o "$bin" .) ||
			{ bad "building cmd/go with go$v"; continue; }
	fi
	start=$(date +%s%N)
	out=$("$GPROBE" inspect "$bin" 2>&1)
	t_inspect=$((($(date +%s%N) - start) / 1000000))
	if grep -q "facts       DWARF" <<<"$out"; then ok; else bad "inspect cmd/go go$v: $out"; fi
	out=$("$GPROBE" inspect "$bin" runtime.execute 2>&1)
	if grep -q "arg    gp .*\*runtime.g" <<<"$out"; then ok; else bad "inspect runtime.execute go$v: $out"; fi
	out=$("$GPROBE" inspect "$bin" runtime.g 2>&1)
	if grep -q "goid *uint64\|goid *int64" <<<"$out"; then ok; else bad "inspect runtime.g go$v: $out"; fi
	start=$(date +%s%N)
	out=$("$GPROBE" check "$OUT/big.yaml" -e "$bin" 2>&1)
	status=$?
	t_check=$((($(date +%s%N) - start) / 1000000))
	if [ $status -eq 0 ] && grep -q "probe alloc: runtime.mallocgc at return" <<<"$out" &&
		grep -q "ret   0x" <<<"$out"; then ok; else bad "check on cmd/go go$v (exit $status): $out"; fi
	echo "cmd/go go$v ($(du -h "$bin" | cut -f1)): inspect ${t_inspect} ms, check of 3 probes ${t_check} ms"
done
finish bigbinary
