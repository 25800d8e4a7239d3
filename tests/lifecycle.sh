#!/usr/bin/env bash
# lifecycle.sh — how gprobe stops: SIGINT, SIGTERM, SIGPIPE on stdout, the
# target exiting, -d expiring, and SIGKILL of gprobe itself; and a flood of
# events far larger than the ring buffer.
#
#   bash tests/lifecycle.sh path/to/gprobe
#
# The target is tests/testprogs/safety: main.Deep(N) recurses N+1 calls
# and the program prints "deep(N) = N(N+1)/2" when they are done, so the
# calls a row count must match are the program's own word. Checked on every
# path: the exit status documented in docs/output.md, the summary line, and
# afterwards no BPF program of gprobe's that no process holds (an orphan).
# On the graceful paths every row queued before the stop is in the output
# (rows == calls made so far); in the flood, rows + dropped == calls, memory
# stays bounded, and a SIGINT in the middle ends gprobe within 3 s.
# Needs root and BPF and the Go test programs, else it is skipped: exit 77,
# or a failure with CI set (tests/lib.sh).
set -u
GPROBE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TP=${GPROBE_TESTPROGS:-$(dirname "$GPROBE")/testprogs}
SAFETY=$TP/go1.22/safety
. "$(dirname "$0")/lib.sh"
have_root_bpf || skip "lifecycle tests need root and bpftool"
[ -x "$SAFETY" ] || skip "$SAFETY is missing (make testprogs)"
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1

printf 'spec: 1\nname: life\nprobes:\n  - table: deep\n    function: main.Deep\n    columns: {n: n}\n' >deep.yaml
DEPTH=5000

# Nothing of gprobe's left in the kernel: no orphaned program (leftovers,
# tests/lib.sh), no uprobe_events line.
no_leftovers() {
	local left
	left=$(leftovers)
	if [ -n "$left" ]; then
		bad "$1: BPF programs left in the kernel: $left"
	else
		ok
	fi
	if grep -q gprobe /sys/kernel/tracing/uprobe_events 2>/dev/null; then
		bad "$1: uprobe_events still lists gprobe's probes"
	fi
}

# rows FILE: JSON rows written, 0 for an empty or missing file (grep -c
# prints its own 0 for an empty one, and nothing for a missing one);
# summary_rows ERR: the summary's count. Compared with != as strings, so
# that anything but the expected number fails: -ne would error out on a
# non-number, and the case would pass.
rows() {
	local n
	n=$(grep -c '"table":"deep"' "$1" 2>/dev/null)
	echo "${n:-0}"
}
summary_rows() { sed -n 's/^gprobe: \([0-9]*\) rows.*/\1/p' "$1" | tail -1; }
summary_dropped() { sed -n 's/^gprobe: .* \([0-9]*\) dropped.*/\1/p' "$1" | tail -1; }

# wait_for FILE REGEX SECONDS
wait_for() {
	for _ in $(seq $((${3} * 10))); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# A target that makes DEPTH+1 calls of main.Deep, says so, then sleeps
# (round 1 never comes in time): rows queued before the stop are all known.
start_target() {
	mkfifo "in.$1"
	"$SAFETY" -depth $DEPTH -rounds 2 -pause 120s -panics 0 -goroutines 0 -gc 0 -wait-stdin \
		<"in.$1" >"target.$1" 2>/dev/null &
	tpid=$!
	pids+=("$tpid")
	exec 7>"in.$1"
}

# -p, stopped by a signal once the calls are made: status 0, every row.
for sig in INT TERM; do
	start_target "$sig"
	"$GPROBE" run deep.yaml -p "$tpid" -f json -o "rows.$sig" -v 2>"err.$sig" &
	g=$!
	pids+=("$g")
	wait_for "err.$sig" attached 60 || bad "SIG$sig: gprobe did not attach"
	echo go >&7
	exec 7>&-
	wait_for "target.$sig" "deep\\($DEPTH\\) = $((DEPTH * (DEPTH + 1) / 2))" 60 ||
		bad "SIG$sig: the target did not finish its calls"
	sleep 0.3
	kill -"$sig" "$g"
	wait "$g"
	st=$?
	if [ $st -ne 0 ]; then
		bad "SIG$sig: exit status $st, expected 0"
	elif [ "$(rows "rows.$sig")" != $((DEPTH + 1)) ] || [ "$(summary_rows "err.$sig")" != $((DEPTH + 1)) ]; then
		bad "SIG$sig: $(rows "rows.$sig") rows written, summary $(summary_rows "err.$sig"), calls $((DEPTH + 1))"
	elif ! kill -0 "$tpid" 2>/dev/null; then
		bad "SIG$sig: the -p target did not survive gprobe"
	else
		ok
	fi
	kill "$tpid" 2>/dev/null
	no_leftovers "SIG$sig"
done

# -- CMD: the target exits by itself: its status, every row.
"$GPROBE" run deep.yaml -f json -o rows.exit -- "$SAFETY" -depth $DEPTH -rounds 3 -panics 0 \
	-goroutines 0 -gc 0 -exit 5 >target.exit 2>err.exit
st=$?
if [ $st -ne 5 ]; then
	bad "target exit: gprobe exit status $st, expected the command's 5"
elif [ "$(grep -c "deep($DEPTH)" target.exit)" != 3 ]; then
	bad "target exit: the target did not report 3 rounds of $((DEPTH + 1)) calls"
elif [ "$(rows rows.exit)" != $((3 * (DEPTH + 1))) ] || [ "$(summary_rows err.exit)" != $((3 * (DEPTH + 1))) ]; then
	bad "target exit: $(rows rows.exit) rows written, summary $(summary_rows err.exit), calls $((3 * (DEPTH + 1)))"
else
	ok
fi
no_leftovers "target exit"

# -d expiring while the command sleeps: status 0, prompt, the command ended.
start=$(date +%s%N)
"$GPROBE" run deep.yaml -d 3 -f json -o rows.d -- "$SAFETY" -depth $DEPTH -rounds 2 -pause 120s \
	-panics 0 -goroutines 0 -gc 0 >target.d 2>err.d
st=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $st -ne 0 ]; then
	bad "-d: exit status $st, expected 0"
elif [ $ms -gt 15000 ]; then
	bad "-d 3: took ${ms} ms"
elif [ "$(rows rows.d)" != $((DEPTH + 1)) ] || [ "$(summary_rows err.d)" != $((DEPTH + 1)) ]; then
	bad "-d: $(rows rows.d) rows written, summary $(summary_rows err.d), calls $((DEPTH + 1))"
elif pgrep -f "$SAFETY -depth $DEPTH -rounds 2 -pause 120s -panics 0 -goroutines 0 -gc 0\$" >/dev/null; then
	bad "-d: the command outlived gprobe"
else
	ok
fi
no_leftovers "-d"

# SIGPIPE: rows to a reader that goes away after one line.
start=$(date +%s%N)
"$GPROBE" run deep.yaml -f json -- "$SAFETY" -depth 200000 -rounds 50 -panics 0 -goroutines 0 \
	-gc 0 2>err.pipe | head -1 >head.pipe
st=${PIPESTATUS[0]}
ms=$((($(date +%s%N) - start) / 1000000))
if [ $st -ne 0 ]; then
	bad "SIGPIPE: exit status $st, expected 0"
elif [ $ms -gt 20000 ]; then
	bad "SIGPIPE: took ${ms} ms to notice"
elif ! grep -q '"table":"deep"' head.pipe || ! grep -q '^gprobe: .* rows' err.pipe; then
	bad "SIGPIPE: no row or no summary"
else
	ok
fi
no_leftovers "SIGPIPE"

# SIGKILL of gprobe: nothing stays attached, the target goes on unharmed.
start_target KILL
"$GPROBE" run deep.yaml -p "$tpid" -f json -o rows.kill -v 2>err.kill &
g=$!
wait_for err.kill attached 60 || bad "SIGKILL: gprobe did not attach"
kill -9 "$g"
wait "$g" 2>/dev/null
no_leftovers "SIGKILL"
echo go >&7
exec 7>&-
if wait_for target.KILL "deep\\($DEPTH\\) = $((DEPTH * (DEPTH + 1) / 2))" 30; then
	ok
else
	bad "SIGKILL: the target did not finish correctly after gprobe was killed"
fi
kill "$tpid" 2>/dev/null

# Flood: a one-page ring buffer and a burst of 3 x 200001 calls.
FD=200000
"$GPROBE" run deep.yaml -b 4096 -f json -o rows.flood -- "$SAFETY" -depth $FD -rounds 3 -panics 0 \
	-goroutines 0 -gc 0 >target.flood 2>err.flood &
g=$!
pids+=("$g")
hwm=0
while kill -0 "$g" 2>/dev/null; do
	r=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$g/status" 2>/dev/null)
	[ -n "$r" ] && [ "$r" -gt $hwm ] && hwm=$r
	sleep 0.2
done
wait "$g"
st=$?
calls=$(($(grep -c "deep($FD) = $((FD * (FD + 1) / 2))" target.flood) * (FD + 1)))
n=$(rows rows.flood)
d=$(summary_dropped err.flood)
if [ $st -ne 0 ] || [ $calls -ne $((3 * (FD + 1))) ]; then
	bad "flood: status $st, the target made $calls calls"
elif [ "$n" != "$(summary_rows err.flood)" ] || [ $((n + ${d:-0})) -ne $calls ]; then
	bad "flood: $n rows + ${d:-?} dropped != $calls calls"
elif [ "${d:-0}" -eq 0 ]; then
	bad "flood: a 4 KiB ring buffer dropped nothing of $calls events (the test lost its point)"
elif [ $hwm -gt 300000 ]; then
	bad "flood: gprobe's RSS reached ${hwm} kB"
else
	echo "flood: $calls calls, $n rows, $d dropped, gprobe RSS <= ${hwm} kB"
	ok
fi
no_leftovers "flood"

# Flood, stopped by SIGINT in the middle: gone within 3 s.
"$GPROBE" run deep.yaml -b 4096 -f json -o rows.flood2 -- "$SAFETY" -depth $FD -rounds 1000 \
	-panics 0 -goroutines 0 -gc 0 >/dev/null 2>err.flood2 &
g=$!
pids+=("$g")
wait_for rows.flood2 '"table":"deep"' 60
sleep 1
kill -INT "$g"
start=$(date +%s%N)
wait "$g"
st=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $st -ne 0 ] || [ $ms -gt 3000 ]; then
	bad "flood + SIGINT: exit status $st after ${ms} ms"
else
	echo "flood + SIGINT: stopped in ${ms} ms"
	ok
fi
no_leftovers "flood + SIGINT"

finish lifecycle
