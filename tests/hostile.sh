#!/usr/bin/env bash
# hostile.sh — hostile and broken inputs: every case must end with a clear
# message, the documented exit status (2 bad input, 0/1 otherwise), within
# its time limit (no hang), and never by a signal or a sanitizer report.
#
#   bash tests/hostile.sh path/to/gprobe
#
# Specs: YAML bombs, huge and endless files, non-UTF-8, C injection through
# every name and literal (the emitted C is grepped), deep expressions,
# enormous literals, division by zero. Binaries: non-ELF, 32-bit, aarch64,
# objects, directories, FIFOs, truncated at every section boundary, corrupted
# pclntab headers, files removed or truncated while read. Targets (root
# only): missing PIDs, non-Go processes, a process exiting while gprobe
# attaches, one that execs, an executable replaced while traced; afterwards
# no BPF program of gprobe's (gp_*) is left in the kernel. Without root the
# target cases are skipped: exit 77, or a failure with CI set (tests/lib.sh).
#
# Every case also runs under an ASan/UBSan gprobe when one is found
# ($GPROBE_ASAN, else build-asan/gprobe beside the source tree), where a
# leak is a failure too. Needs the Go test programs ($GPROBE_TESTPROGS).
set -u
GPROBE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${GPROBE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TP=${GPROBE_TESTPROGS:-$(dirname "$GPROBE")/testprogs}
ARGS=$TP/go1.22/args
. "$SRC/tests/lib.sh"
[ -x "$ARGS" ] || skip "$ARGS is missing (make testprogs)"
GPROBES=("$GPROBE")
ASAN=${GPROBE_ASAN:-$SRC/build-asan/gprobe}
if [ -x "$ASAN" ]; then
	GPROBES+=("$ASAN")
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
tmp=$(mktemp -d)
bgpids=()
cleanup() {
	for p in "${bgpids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1

# expect NAME STATUS REGEX [TIMEOUT] -- gprobe-args...: run every gprobe;
# STATUS may be a list ("0|2"); REGEX must match stderr (extended, may be "").
expect() {
	local name=$1 want=$2 re=$3 limit=10
	shift 3
	if [ "$1" != "--" ]; then limit=$1; shift; fi
	shift
	local gp st ok=1
	for gp in "${GPROBES[@]}"; do
		timeout -k 5 "$limit" "$gp" "$@" >out 2>err </dev/null
		st=$?
		if [ $st -eq 124 ] || [ $st -eq 137 ]; then
			bad "$name: no answer within ${limit}s (hang) [$gp]"; ok=0
		elif [ $st -ge 128 ]; then
			bad "$name: killed by signal $((st - 128)) [$gp]"; ok=0
		elif grep -qE 'Sanitizer|runtime error:' err; then
			bad "$name: sanitizer report [$gp]"; sed -n '1,12p' err; ok=0
		elif ! [[ "|$want|" == *"|$st|"* ]]; then
			bad "$name: exit status $st, expected $want [$gp]"; sed -n '1,5p' err; ok=0
		elif [ -n "$re" ] && ! grep -qE -- "$re" err; then
			bad "$name: stderr does not match /$re/ [$gp]"; sed -n '1,5p' err; ok=0
		fi
	done
	[ $ok -eq 1 ] && pass=$((pass + 1))
}

# A spec around one probe on main.Str (s string) -> (int, string) of args.
spec() {
	printf 'spec: 1\nname: hostile\nprobes:\n%s\n' "$1"
}
spec '  - table: t
    function: main.Str
    columns: {n: len(s)}' >ok.yaml

# ---- specs ------------------------------------------------------------
python3 - <<'PY'
def w(name, data):
    open(name, "wb").write(data if isinstance(data, bytes) else data.encode())
head = "spec: 1\nname: h\nprobes:\n  - table: t\n    function: main.Str\n"
# billion laughs: every level doubles; aliases must be refused, not expanded
lol = "spec: 1\nname: h\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
for i in range(1, 12):
    lol += "a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10))
w("bomb-alias.yaml", lol)
w("bomb-deep.yaml", head + "    columns: {n: " + "[" * 5000 + "]" * 5000 + "}\n")
w("bomb-deep-map.yaml", head + "    columns: " + "{a: " * 3000 + "x" + "}" * 3000 + "\n")
w("huge.yaml", head + "    columns: {n: len(s)}\n" + "# padding\n" * 200000)
w("many-probes.yaml", "spec: 1\nname: h\nprobes:\n" + "".join(
    "  - table: t%d\n    function: main.Str\n    columns: {n: len(s)}\n" % i for i in range(3000)))
w("non-utf8.yaml", head.encode() + b"    columns: {n: \"\xff\xfe\xc0\xaf\"}\n")
w("nul.yaml", head.encode() + b"    columns: {n: len(s)\x00}\n")
w("deep-expr.yaml", head + "    columns: {n: \"" + "(" * 500 + "s" + ")" * 500 + "\"}\n")
w("long-expr.yaml", head + "    columns: {n: \"" + " + ".join(["len(s)"] * 2000) + "\"}\n")
w("unary-chain.yaml", head + "    columns: {n: \"" + "-" * 3000 + "len(s)\"}\n")
w("big-literal.yaml", head + "    columns: {n: len(s) + 99999999999999999999999999}\n")
w("big-hex.yaml", head + "    columns: {n: len(s) + 0x1ffffffffffffffffffff}\n")
w("div-zero.yaml", head + "    where: len(s) / 0 == 1\n    columns: {n: len(s)}\n")
w("mod-zero.yaml", head + "    columns: {n: len(s) % (3 - 3)}\n")
w("div-zero-runtime.yaml", head + "    at: return\n    where: $ret0 / (len(s) - len(s)) == 0\n    columns: {n: len(s) % (len(s) - len(s))}\n")
PY
expect "spec: alias bomb refused" 2 'bomb-alias.yaml:[0-9]+:[0-9]+: error' -- check bomb-alias.yaml -e "$ARGS"
expect "spec: 5000 nested flow sequences" 2 'bomb-deep.yaml:[0-9]+:[0-9]+: error' -- check bomb-deep.yaml -e "$ARGS"
expect "spec: 3000 nested mappings" 2 'bomb-deep-map.yaml:[0-9]+:[0-9]+: error' -- check bomb-deep-map.yaml -e "$ARGS"
expect "spec: 2 MB file" 2 'huge.yaml: error: spec file is too large' -- check huge.yaml -e "$ARGS"
expect "spec: endless file (/dev/zero)" 2 'too large' -- check /dev/zero -e "$ARGS"
expect "spec: a directory" 2 'cannot read spec: Is a directory' -- check . -e "$ARGS"
expect "spec: missing file" 2 'cannot read spec: No such file' -- check nothere.yaml -e "$ARGS"
expect "spec: 3000 probes resolve in time" 0 '' 60 -- check many-probes.yaml -e "$ARGS"
expect "spec: non-UTF-8" 2 'non-utf8.yaml:[0-9]+:[0-9]+: error' -- check non-utf8.yaml -e "$ARGS"
expect "spec: NUL byte" 2 'nul.yaml:[0-9]+:[0-9]+: error' -- check nul.yaml -e "$ARGS"
expect "expr: 500 nested parentheses" 2 'deep-expr.yaml:[0-9]+:[0-9]+: error: .*nested too deeply' -- check deep-expr.yaml -e "$ARGS"
expect "expr: 2000-term sum" 2 'long-expr.yaml:[0-9]+:[0-9]+: error' -- check long-expr.yaml -e "$ARGS"
expect "expr: 3000 unary minuses" 2 'unary-chain.yaml:[0-9]+:[0-9]+: error' -- check unary-chain.yaml -e "$ARGS"
expect "expr: decimal literal above 64 bits" 2 'big-literal.yaml:[0-9]+:[0-9]+: error' -- check big-literal.yaml -e "$ARGS"
expect "expr: hex literal above 64 bits" 2 'big-hex.yaml:[0-9]+:[0-9]+: error' -- check big-hex.yaml -e "$ARGS"
expect "expr: constant division by zero" 2 'div-zero.yaml:[0-9]+:[0-9]+: error' -- check div-zero.yaml -e "$ARGS"
expect "expr: modulo by a folded zero (3 - 3)" "0|2" "" -- check mod-zero.yaml -e "$ARGS"
expect "expr: division by a runtime zero compiles" 0 '' 60 -- compile div-zero-runtime.yaml -e "$ARGS" -o dz.o

# ---- C injection ------------------------------------------------------
# Names are validated: each attempt is refused with a located error.
inj=0
while IFS= read -r probe; do
	inj=$((inj + 1))
	printf 'spec: 1\nname: inj\nprobes:\n%b\n' "$probe" >"inj$inj.yaml"
	expect "injection $inj refused: $(printf '%b' "$probe" | tr '\n' ' ' | cut -c1-70)" 2 \
		"inj$inj.yaml:[0-9]+:[0-9]+: error" -- check "inj$inj.yaml" -e "$ARGS"
done <<'INJ'
  - table: 't"); system("id'\n    function: main.Str\n    columns: {n: len(s)}
  - table: "t*/x"\n    function: main.Str\n    columns: {n: len(s)}
  - table: t\n    function: 'main.Str"); system("id'\n    columns: {n: len(s)}
  - table: t\n    function: "main.Str\\n#include <stdio.h>"\n    columns: {n: len(s)}
  - table: t\n    function: "main.Str */ int x; /*"\n    columns: {n: len(s)}
  - table: t\n    function: main.Str\n    columns: {"a\\nb": len(s)}
  - table: t\n    function: main.Str\n    columns: {"#include <x>": len(s)}
  - table: t\n    function: main.Str\n    columns: {"a*/b": len(s)}
  - table: t\n    function: main.Str\n    columns: {'a\\\\': len(s)}
  - table: t\n    function: main.Str\n    columns: {"n); system(\\"id\\"); (": len(s)}
  - table: t\n    function: main.Str\n    columns: {n: "len(s) */ + 1"}
  - table: t\n    function: main.Str\n    columns: {n: "len(s)\\n#include <stdio.h>"}
  - table: t\n    function: main.Str\n    columns: {n: "len(s) \\\\\\n + 1"}
  - table: t\n    function: main.Str\n    columns: {n: "len(s)); system(\\"id\\""}
  - table: t\n    function: main.Str\n    columns: {n: "s.x\\\\"}
INJ
# String literals and label texts are legal wherever text is: they must
# reach the C only as numbers (or not at all). Compile, then grep the C.
cat >lit.yaml <<'LIT'
spec: 1
name: lit
probes:
  - table: t
    function: main.Str
    at: return
    where: 's != "\"); system(\"id\"); /* */ \\ \n#include <stdio.h>\n" && s != "*/" && s != "\\"'
    columns:
      n: { expr: len(s), labels: { 0: "*/ #include <x> \"); system(\"id", 1: "a\\b\nc" } }
      w: { expr: len(s), labels: runtime.waitReasonStrings }
LIT
expect "literals: compile with hostile string literals and labels" 0 '' 60 -- \
	compile lit.yaml -e "$ARGS" -o lit.o --emit-c lit.c
if [ -f lit.c ]; then
	if grep -nE 'system|#include <|stdio|\\|\*/ #|"id' lit.c; then
		bad "literals: spec text reached the generated C (lines above)"
	elif [ "$(grep -c '"' lit.c)" -ne "$(grep -cE '^SEC\("uprobe"\)$|^#include "gprobe_ops\.bpf\.h"$' lit.c)" ]; then
		bad "literals: a string literal in the generated C besides SEC() and the include"
	else
		pass=$((pass + 1))
	fi
fi

# ---- binaries -----------------------------------------------------------
printf 'int f(void) { return 1; }\n' >e.c
printf 'not an ELF\n' >text
: >empty
mkfifo fifo
mkdir -p adir
expect "binary: text file" 2 'text: not an ELF file' -- inspect text
expect "binary: empty file" 2 'empty: not an ELF file' -- inspect empty
expect "binary: directory" 2 'adir: is a directory' -- inspect adir
expect "binary: FIFO (no writer: must not block)" 2 'fifo: not an ELF file \(not a regular file\)' -- inspect fifo
expect "binary: /dev/zero" 2 'not a regular file' -- inspect /dev/zero
expect "binary: missing" 2 'nothere: No such file' -- inspect nothere
expect "binary: a C program" 2 'not a Go binary' -- check ok.yaml -e /bin/true
if command -v clang-19 >/dev/null; then
	clang-19 --target=i386-linux-gnu -c e.c -o e32.o &&
		expect "binary: 32-bit ELF" 2 'e32.o: 32-bit ELF is not supported' -- inspect e32.o
	clang-19 --target=aarch64-linux-gnu -c e.c -o arm64.o &&
		expect "binary: aarch64 object" 2 'arm64.o: not an x86-64 binary' -- inspect arm64.o
	clang-19 -c e.c -o x86.o &&
		expect "binary: x86-64 object file" 2 'x86.o: not an executable' -- inspect x86.o
fi

# Truncated at the start and the middle of every section (a binary with
# DWARF, and a stripped one of the stack-ABI era): an error naming the
# file, or a normal answer when nothing needed was cut.
for bin in "$ARGS" "$TP/go1.15/args.stripped"; do
	[ -f "$bin" ] || continue
	tag=$(basename "$(dirname "$bin")")-$(basename "$bin")
	readelf -S -W "$bin" |
		sed -n 's/^ *\[ *[0-9]*\] *\([^ ]*\) *[A-Z_]* *[0-9a-f]* \([0-9a-f]*\) \([0-9a-f]*\).*/\1 \2 \3/p' |
		while read -r name off size; do
			for cut in $((16#$off)) $((16#$off + 16#$size / 2)); do
				[ "$cut" -gt 0 ] && echo "$name $cut"
			done
		done | sort -u -k2,2n >cuts
	n=0
	while read -r name cut; do
		head -c "$cut" "$bin" >"trunc-$tag"
		expect "binary: $tag cut at $cut ($name)" "0|2" '' 30 -- check ok.yaml -e "trunc-$tag"
		if [ -s err ] && ! grep -q "trunc-$tag" err; then
			bad "binary: $tag cut at $cut: the error does not name the file"
		fi
		n=$((n + 1))
	done <cuts
	[ $n -gt 10 ] || bad "binary: only $n truncation points found in $bin"
done

# Corrupted pclntab header fields of a stripped binary.
python3 - "$TP/go1.22/args.stripped" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", d, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3a)
sh = lambda i: struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize)
stro = sh(shstrndx)[4]
for i in range(shnum):
    s = sh(i)
    if d[stro + s[0]:d.index(0, stro + s[0])] == b".gopclntab":
        off, size = s[4], s[5]
# Go 1.20+ header: magic, pad, minLC, ptrsize, then 8-byte nfunc, nfiles,
# textStart, and the offsets of the sub-tables.
for k, (fo, val, width) in enumerate([(8, 0xffffffff, 8), (8, 0, 8), (24, 1 << 62, 8),
                                      (32, 0xfffffff0, 8), (40, size * 3, 8), (48, size - 4, 8),
                                      (56, 0xffffffffffffffff, 8), (0, 0xfffffff1, 4),
                                      (0, 0xfffffffb, 4), (7, 0x10, 1)]):
    e = bytearray(d)
    e[off + fo:off + fo + width] = val.to_bytes(width, "little")
    open("pcln-%d" % k, "wb").write(e)
PY
for f in pcln-*; do
	expect "binary: corrupted pclntab header ($f)" "0|2" '' -- inspect "$f"
done

# A file removed or truncated while gprobe reads it (gobin reads a private
# copy: a mapping would die of SIGBUS on truncation).
for i in 1 2 3 4 5 6 7 8; do
	cp "$ARGS" victim
	( timeout 30 "$GPROBE" check ok.yaml -e victim >/dev/null 2>race.err; echo $? >race.st ) &
	sleep "0.$i"
	if [ $((i % 2)) -eq 0 ]; then rm -f victim; else : >victim; fi
	wait
	st=$(cat race.st)
	if [ "$st" -ne 0 ] && [ "$st" -ne 2 ]; then
		bad "binary: removed/truncated while read (try $i): exit status $st"
		cat race.err
	else
		pass=$((pass + 1))
	fi
done

# ---- targets (root) -------------------------------------------------------
# Afterwards: no program of gprobe's left in the kernel (leftovers, tests/lib.sh).
if ! have_root_bpf; then
	skip_part "not root (or no bpftool): the target cases"
else
	expect "target: a PID that does not exist" 2 '[Nn]o such process' -- run ok.yaml -p 999999999
	sleep 30 &
	sl=$!
	bgpids+=("$sl")
	expect "target: a process that is not Go (sleep)" 2 'not a Go binary' -- run ok.yaml -p "$sl"
	kill "$sl" 2>/dev/null

	# Division and modulo by a run-time zero: every row says 0.
	expect "target: division by a run-time zero gives 0" 0 'gprobe: [1-9][0-9]* rows' 60 -- \
		run div-zero-runtime.yaml -f json -o dz.json -- "$ARGS" -only main.Str -n 1
	if [ -f dz.json ] && grep -v '"n":0' dz.json | grep -q .; then
		bad "target: division by a run-time zero: a row is not 0"
	fi

	# One-shot targets: a fresh one for each gprobe under test.
	all=("${GPROBES[@]}")
	SAFETY=$TP/go1.22/safety
	spec '  - table: deep
    function: main.Deep
    columns: {n: n}' >deep.yaml
	for gp in "${all[@]}"; do
		GPROBES=("$gp")
		# Exits while gprobe compiles and attaches: prompt and clear.
		"$ARGS" -n 1 >/dev/null &
		expect "target: exits while gprobe attaches" "0|1|2" '' 30 -- run ok.yaml -p $!
		wait 2>/dev/null
		# Execs into another program while traced (-p).
		[ -x "$SAFETY" ] || continue
		{ sleep 3; echo go; } | "$SAFETY" -rounds 1 -depth 100 -panics 1 -goroutines 10 -gc 1 \
			-exec /bin/true -wait-stdin >/dev/null 2>&1 &
		expect "target: execs into /bin/true while traced (-p)" 0 'gprobe: 101 rows' 30 -- \
			run deep.yaml -p $! -f json -o deep.json
		wait 2>/dev/null
	done
	GPROBES=("${all[@]}")

	# The executable replaced while traced (-e): atomically (mv), then in
	# place; gprobe keeps running and stops cleanly at -d.
	cp "$ARGS" exe
	timeout 40 "$GPROBE" run ok.yaml -e "$tmp/exe" -d 8 -f json -o rows.json >/dev/null 2>replace.err &
	g=$!
	for _ in $(seq 100); do grep -q attached replace.err 2>/dev/null && break; sleep 0.1; done
	./exe -n 2 >/dev/null
	cp "$TP/go1.19/args" exe.new && mv exe.new exe
	./exe -n 2 >/dev/null || bad "target: the replacement executable failed to run"
	cp "$ARGS" exe.tmp && cat exe.tmp >exe 2>/dev/null
	./exe -n 2 >/dev/null || bad "target: the overwritten executable failed to run"
	wait $g
	st=$?
	if [ $st -ne 0 ]; then
		bad "target: executable replaced while traced: gprobe exit status $st"
		cat replace.err
	elif ! grep -q 'rows' replace.err; then
		bad "target: executable replaced while traced: no summary"
	else
		pass=$((pass + 1))
	fi
	sleep 0.5
	left=$(leftovers)
	if [ -n "$left" ]; then
		bad "targets: BPF programs of gprobe's are left in the kernel: $left"
	else
		pass=$((pass + 1))
	fi
fi

finish hostile "gprobe: ${GPROBES[*]}"
