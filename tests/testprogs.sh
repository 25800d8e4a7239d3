#!/usr/bin/env bash
# testprogs.sh — the test programs say what their source says, for every Go
# version they are built with. Every other test compares gprobe's output with
# these programs' own JSON, so that JSON is checked here first: it parses, and
# each argument and result is the value the source passes or computes
# (tests/testprogs/check_output.py restates the source's tables).
#
#   bash tests/testprogs.sh [GPROBE]     # GPROBE unused; ctest passes it
# Needs GPROBE_TESTPROGS (set by ctest); skips (77) when nothing is built.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CHECK=$HERE/testprogs/check_output.py
. "$HERE/lib.sh"
TP=${GPROBE_TESTPROGS:-}
if [ -z "$TP" ] || ! ls -d "$TP"/go1.* >/dev/null 2>&1; then
	skip "no test programs in '${TP}' (build target 'testprogs')"
fi

N=2 DEPTH=100000 SLEEP_NS=3000000
GC=3 SPIN=5 SYSCALLS=500 HEAP_MB=32 PARK_NS=20000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# has_dwarf BIN: the binary carries DWARF (.debug_info, or .zdebug_info
# before Go 1.22's switch to SHF_COMPRESSED sections).
has_dwarf() { readelf -S -W "$1" | grep -Eq '\.z?debug_info'; }
has_symtab() { readelf -S -W "$1" | grep -Eq '\] \.symtab '; }

for dir in "$TP"/go1.*; do
	ver=${dir##*/go}
	for kind in "" .stripped; do
		args=$dir/args$kind
		wl=$dir/workload$kind
		for bin in "$args" "$wl"; do
			if [ ! -x "$bin" ]; then
				bad "go$ver: $bin missing"
				continue 2
			fi
			if [ -z "$kind" ]; then
				if has_dwarf "$bin" && has_symtab "$bin"; then ok; else bad "$bin: no DWARF or no symbols"; fi
			else
				if has_dwarf "$bin" || has_symtab "$bin"; then bad "$bin: not stripped"; else ok; fi
			fi
		done

		if "$args" -json -n $N -depth $DEPTH -sleep-fn ${SLEEP_NS}ns >"$tmp/args.json" 2>"$tmp/args.err" &&
			python3 "$CHECK" args "$ver" $N $DEPTH $SLEEP_NS <"$tmp/args.json" 2>"$tmp/check.err"; then
			ok
		else
			bad "go$ver args$kind -json:"
			cat "$tmp/args.err" "$tmp/check.err"
		fi

		# -only restricts the calls; -wait-stdin blocks until a line arrives.
		if echo go | "$args" -json -wait-stdin -only main.Recurse,main.Ints8 -depth 10 >"$tmp/only.json" 2>&1 &&
			python3 - "$tmp/only.json" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
ev = [l.get("event") for l in lines if "event" in l]
fn = [l["func"] for l in lines if "func" in l]
assert ev == ["start", "ready", "done"], ev
assert fn == ["main.Ints8"] * 3 + ["main.Recurse"], fn
assert lines[-2]["results"]["r0"] == 55, lines[-2]
EOF
		then ok; else
			bad "go$ver args$kind -only/-wait-stdin:"
			cat "$tmp/only.json"
		fi

		if "$wl" -gc $GC -spin $SPIN -spin-iters 100000 -syscalls $SYSCALLS -heap $HEAP_MB \
			-park ${PARK_NS}ns >"$tmp/wl.json" 2>"$tmp/wl.err" &&
			python3 "$CHECK" workload "$ver" $GC $SPIN $SYSCALLS $HEAP_MB $PARK_NS \
				<"$tmp/wl.json" 2>"$tmp/check.err"; then
			ok
		else
			bad "go$ver workload$kind:"
			cat "$tmp/wl.err" "$tmp/check.err" "$tmp/wl.json"
		fi
	done
done

finish testprogs
