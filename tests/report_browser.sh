#!/usr/bin/env bash
# report_browser.sh — `gprobe report` in a real browser.
#
#   tests/report_browser.sh path/to/gprobe
#
# 1. Traces tests/testprogs/workload with the gc and sched packs and
#    tests/report/workload.yaml (needs root and the built test programs),
#    writes the report, and checks its numbers against what the workload
#    itself reports: GC cycles = runtime.NumGC, main.spin goroutines
#    created and exited = the spin count, the channel park of runPark's
#    goroutine lasting what the goroutine measured.
# 2. Writes the report of a synthetic million-row file: time and size bounds.
# 3. Loads both pages in headless Chromium through a checker page that
#    counts, per chart, the drawn elements with a non-empty bounding box,
#    and fails on any console error; keeps screenshots as artifacts in
#    $GPROBE_BUILD/report-artifacts/.
# Without Chromium (apt-get install chromium) it is skipped; without root
# or test programs, step 1 is, and the rest runs. A skip exits 77, or fails
# with CI set (tests/lib.sh).
set -u

GPROBE=$(realpath "${1:?usage: $0 path/to/gprobe}")
SRC=${GPROBE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${GPROBE_BUILD:-$(dirname "$GPROBE")}
PROGS=${GPROBE_TESTPROGS:-$BUILD/testprogs}
ART=$BUILD/report-artifacts
. "$SRC/tests/lib.sh"

CHROME=${CHROMIUM:-}
for c in chromium chromium-browser google-chrome; do
	[ -n "$CHROME" ] && break
	command -v "$c" >/dev/null 2>&1 && CHROME=$(command -v "$c")
done
[ -n "$CHROME" ] || skip "no Chromium (apt-get install chromium, or set CHROMIUM=/path/to/chrome)"

mkdir -p "$ART"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$WORK/profile" --allow-file-access-from-files \
		--virtual-time-budget=20000 --enable-logging=stderr --v=0 "$@"
}

# The checker loads the report in a frame and writes what it measured into
# its own DOM, which --dump-dom prints.
cat >"$WORK/check.html" <<'EOF'
<!DOCTYPE html><html><body><pre id="out">not run</pre>
<iframe id="f" width="1400" height="1200"></iframe>
<script>
var f = document.getElementById('f');
f.onload = function () {
	var d = f.contentDocument, out = [];
	var drawn = function (root) {
		var n = 0;
		root.querySelectorAll('rect:not(.plot),path:not(.grid),circle').forEach(function (e) {
			var b = e.getBBox();
			if (b.width > 0 || b.height > 0) n++;
		});
		return n;
	};
	var charts = d.querySelectorAll('svg.chart'), empty = 0;
	charts.forEach(function (s) { if (drawn(s) === 0) empty++; });
	out.push('charts=' + charts.length, 'empty=' + empty);
	['timeline', 'gclanes', 'heap'].forEach(function (c) {
		var e = d.querySelector('.' + c);
		out.push(c + '=' + (e ? drawn(e) : -1));
	});
	out.push('other=' + d.querySelectorAll('details[data-section=other] svg.chart').length);
	document.getElementById('out').textContent = out.join(' ');
};
f.src = location.hash.slice(1);
</script></body></html>
EOF

# measure NAME PAGE: the checker's line for PAGE, plus a screenshot.
measure() {
	local name=$1 page=$2
	cp "$page" "$WORK/$name.html"
	chrome --dump-dom "file://$WORK/check.html#$name.html" >"$WORK/$name.dom" 2>"$WORK/$name.log"
	chrome --screenshot="$ART/report-$name.png" --window-size=1400,2000 \
		"file://$WORK/$name.html" >/dev/null 2>>"$WORK/$name.log"
	cp "$WORK/$name.log" "$ART/chromium-$name.log"
	if grep -E 'CONSOLE|Uncaught' "$WORK/$name.log" | grep -qiE 'error|uncaught'; then
		fail "$name: console errors:"
		grep -E 'CONSOLE|Uncaught' "$WORK/$name.log" | head -5
	fi
	local png_size
	png_size=$(stat -c %s "$ART/report-$name.png" 2>/dev/null || echo 0)
	# A blank 1400x2000 page compresses to about 15 KB.
	[ "$png_size" -gt 40000 ] || fail "$name: screenshot looks blank ($png_size bytes)"
	sed -n 's/.*<pre id="out">\([^<]*\)<.*/\1/p' "$WORK/$name.dom"
}

# field LINE KEY: the number after KEY= in LINE.
field() { sed -n "s/.* $2=\(-\{0,1\}[0-9]*\).*/\1/p" <<<" $1"; }

check_page() {
	local name=$1 line=$2 want_other=$3
	echo "$name: $line"
	[ -n "$line" ] || { fail "$name: the checker did not run"; return; }
	[ "$(field "$line" charts)" -ge 10 ] || fail "$name: fewer than 10 charts"
	[ "$(field "$line" empty)" -eq 0 ] || fail "$name: empty charts"
	for k in timeline gclanes heap; do
		[ "$(field "$line" $k)" -gt 0 ] || fail "$name: nothing drawn in .$k"
	done
	if [ "$want_other" = 1 ]; then
		[ "$(field "$line" other)" -ge 2 ] || fail "$name: no charts of the custom tables"
	fi
	grep -qiE '<script|https?://|<link|@import|@font-face' "$WORK/$name.html" &&
		fail "$name: the page refers to something outside itself"
}

# attr FILE SELECTOR-REGEX NAME: the value of data-NAME on the first
# element whose text matches.
attr() { grep -o "$2[^>]*" "$1" | head -1 | sed -n "s/.* data-$3=\"\([0-9-]*\)\".*/\1/p"; }

# ---- 1. a real run -------------------------------------------------------

real_run() {
	local exe=
	for v in 1.22 1.23 1.24 1.21 1.25 1.26 1.27 1.19; do
		[ -x "$PROGS/go$v/workload" ] && { exe=$PROGS/go$v/workload; break; }
	done
	if [ "$(id -u)" -ne 0 ]; then
		skip_part "not root: no real run (synthetic rows only)"
		return
	fi
	if [ -z "$exe" ]; then
		skip_part "no workload test program under $PROGS: no real run"
		return
	fi
	echo "tracing $exe"
	if ! "$GPROBE" run "$SRC/specs/gc.yaml" "$SRC/specs/sched.yaml" \
		"$SRC/tests/report/workload.yaml" -f json -o "$WORK/rows.jsonl" -- "$exe" \
		>"$WORK/workload.json" 2>"$WORK/run.err"; then
		fail "gprobe run failed:"
		cat "$WORK/run.err"
		return
	fi
	tail -1 "$WORK/run.err"
	"$GPROBE" report "$WORK/rows.jsonl" -o "$ART/workload.html" --title "workload" ||
		{ fail "gprobe report failed"; return; }
	local html=$ART/workload.html
	local report
	report=$(python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))
print(w["gc"]["num_gc"], w["spin"]["count"], w["park"]["chan_ns"])' "$WORK/workload.json")
	read -r num_gc spins chan_ns <<<"$report"
	local cycles created exited park_ns
	cycles=$(attr "$html" 'class="gclanes"' cycles)
	created=$(attr "$html" 'data-func="main.spin"' created)
	exited=$(attr "$html" 'data-func="main.spin"' exited)
	# runPark's goroutine: a closure of main.runPark; its chan receive park.
	park_ns=$(grep -o 'data-func="main.runPark[^"]*".*' "$html" | head -1 |
		grep -o 'data-reason="chan receive" data-parks="[0-9]*" data-ns="[0-9]*"' |
		sed 's/.*data-ns="\([0-9]*\)"/\1/')
	echo "workload: NumGC $num_gc, $spins spins, chan wait $chan_ns ns;" \
		"report: $cycles cycles, main.spin $created created/$exited exited, chan park ${park_ns:-?} ns"
	[ "$cycles" = "$num_gc" ] || fail "GC cycles: report $cycles, runtime.NumGC $num_gc"
	[ "$created" = "$spins" ] || fail "main.spin created: report $created, workload $spins"
	[ "$exited" = "$spins" ] || fail "main.spin exited: report $exited, workload $spins"
	# The goroutine timed its receive itself; park->ready is inside it.
	if [ -z "$park_ns" ] || [ "$park_ns" -gt "$chan_ns" ] ||
		[ "$park_ns" -lt $((chan_ns * 9 / 10)) ]; then
		fail "chan receive park ${park_ns:-none} ns vs the goroutine's own $chan_ns ns"
	fi
	check_page workload "$(measure workload "$html")" 1
}

# ---- 2. a million synthetic rows ------------------------------------------

synthetic() {
	awk -v N=1000000 -f "$SRC/tests/report/synthetic.awk" >"$WORK/big.jsonl"
	local t0 t1 ms size
	t0=$(date +%s%N)
	"$GPROBE" report "$WORK/big.jsonl" -o "$ART/synthetic.html" ||
		{ fail "gprobe report of 1M rows failed"; return; }
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	size=$(stat -c %s "$ART/synthetic.html")
	echo "synthetic: $(wc -l <"$WORK/big.jsonl") rows -> $size bytes of HTML in $ms ms"
	[ "$size" -lt 4000000 ] || fail "1M rows gave $size bytes of HTML (> 4 MB)"
	[ "$ms" -lt 30000 ] || fail "1M rows took $ms ms (> 30 s)"
	check_page synthetic "$(measure synthetic "$ART/synthetic.html")" 0
}

real_run
synthetic
if [ "$fails" -gt 0 ]; then
	echo "report_browser: $fails failures"
else
	echo "report_browser: ok (artifacts in $ART)"
fi
finish_status "$fails"
