#!/usr/bin/env bash
# fuzz.sh — run every libFuzzer target of tests/fuzz for a short fixed time
# (ctest, on every push), or for long (GPROBE_FUZZ_TIME=3600 bash tests/fuzz.sh).
#
#   bash tests/fuzz.sh [path/to/gprobe]
#
# Builds the targets with clang-19 in their own build directory (CMake
# option GPROBE_FUZZ=ON), first replays every regression input in
# tests/fuzz/regress/<target>/ (each a crash found once), then fuzzes each
# target from the seeds (specs, test binaries, tests/fuzz/seeds) and the
# corpus it kept from earlier runs, with the dictionaries in tests/fuzz/dict.
# Prints the executions of every target and their total. A crash, leak,
# sanitizer report or hang (> 10 s on one input) fails the run and leaves the
# input in BUILD/artifacts/: add it to tests/fuzz/regress/<target>/ with the fix.
#
# Environment: GPROBE_FUZZ_TIME (seconds per target, default 25),
# GPROBE_FUZZ_BUILD (build directory, default DIR-OF-GPROBE/fuzz),
# GPROBE_FUZZ_ONLY (regex of targets to run), GPROBE_TESTPROGS (the Go test
# programs the binary targets patch; default DIR-OF-GPROBE/testprogs).
# Exits 77 (skip) without clang-19 and its fuzzer runtime (libclang-rt-19-dev).
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
GPROBE=${1:-$SRC/build/gprobe}
BUILD_DIR=$(cd "$(dirname "$GPROBE")" 2>/dev/null && pwd || echo "$SRC/build")
FB=${GPROBE_FUZZ_BUILD:-$BUILD_DIR/fuzz}
TIME=${GPROBE_FUZZ_TIME:-25}
ONLY=${GPROBE_FUZZ_ONLY:-.}
export GPROBE_TESTPROGS=${GPROBE_TESTPROGS:-$BUILD_DIR/testprogs}
TARGETS=(fuzz_spec fuzz_expr fuzz_gobin fuzz_dwarf fuzz_offsetsdb fuzz_output)

. "$SRC/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v clang-19 >/dev/null ||
	! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
		clang-19 -x c - -fsanitize=fuzzer,address,undefined -o "$tmp/probe" 2>"$tmp/err"; then
	sed 's/^/  /' "$tmp/err" 2>/dev/null | head -3
	skip "clang-19 with libFuzzer is needed (apt-get install clang-19 libclang-rt-19-dev)"
fi

# ---- build -------------------------------------------------------------
if [ ! -f "$FB/CMakeCache.txt" ]; then
	cmake -S "$SRC" -B "$FB" -DGPROBE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >"$tmp/cmake.log" 2>&1 ||
		{ cat "$tmp/cmake.log"; echo "FAIL: configuring $FB"; exit 1; }
fi
if ! cmake --build "$FB" --target fuzz -j "$(nproc)" >"$tmp/build.log" 2>&1; then
	tail -30 "$tmp/build.log"
	echo "FAIL: building the fuzz targets in $FB"
	exit 1
fi

# ---- seeds ---------------------------------------------------------------
seeds=$FB/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$FB/artifacts"
for t in "${TARGETS[@]}"; do mkdir -p "$seeds/$t" "$FB/corpus/$t"; done
python3 - "$SRC" "$seeds" "$GPROBE_TESTPROGS" <<'PY'
import glob, os, random, re, struct, sys
src, out, tp = sys.argv[1:4]
def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)
specs = sorted(glob.glob(src + "/tests/specs-good/*.yaml") + glob.glob(src + "/tests/specs-bad/*/*.yaml")
               + glob.glob(src + "/specs/*.yaml"))
for p in specs:
    data = open(p, "rb").read()
    put("fuzz_spec", "spec-" + os.path.basename(os.path.dirname(p)) + "-" + os.path.basename(p), data)
    put("fuzz_offsetsdb", "yaml-" + os.path.basename(p), data)
# The e2e cases' probes resolve against the args program: deep seeds.
for p in sorted(glob.glob(src + "/tests/e2e/*.test")):
    n, body, in_spec = 0, [], False
    for line in open(p, encoding="utf-8").read().split("\n") + [""]:
        if line.startswith("SPEC"):
            in_spec, body = True, []
        elif in_spec and line[:1] in (" ", "\t"):
            body.append(line)
        elif in_spec:
            in_spec = False
            n += 1
            put("fuzz_spec", "e2e-%s-%d.yaml" % (os.path.basename(p), n),
                "spec: 1\nname: e2e\nprobes:\n" + "\n".join(body) + "\n")
# Expressions: the hand-written list, and every where/column value of the specs.
exprs = [l for l in open(src + "/tests/fuzz/seeds/expr.txt", encoding="utf-8").read().split("\n") if l]
for p in specs:
    for m in re.finditer(r"^\s+(?:where|expr|[a-z_][a-z0-9_]*):\s*\"?([^{}\"\n]+?)\"?\s*$",
                         open(p, encoding="utf-8", errors="replace").read(), re.M):
        exprs.append(m.group(1))
for i, e in enumerate(sorted(set(exprs))):
    put("fuzz_expr", "expr-%03d" % i, e)
for p in sorted(glob.glob(src + "/bpf-gen/db/*.yaml")):
    put("fuzz_offsetsdb", "db-" + os.path.basename(p), open(p, "rb").read())
# Binaries: every base untouched (a mode byte, no patches), raw small files.
for b in range(4):
    put("fuzz_gobin", "base%d-open" % b, bytes([1 + 3 * b]))
    put("fuzz_gobin", "base%d-pclntab" % b, bytes([2 + 3 * b]))
    put("fuzz_gobin", "base%d-pclntab-hdr" % b, bytes([0x80 | (2 + 3 * b)]))
    put("fuzz_dwarf", "base%d" % b, bytes([b, 0]))
put("fuzz_gobin", "raw-text", b"\x00not an ELF file\n")
put("fuzz_gobin", "raw-empty", b"\x00")
for rel in ("go1.22/args.stripped", "go1.15/args.stripped"):
    p = os.path.join(tp, rel)
    if os.path.exists(p):
        data = open(p, "rb").read()
        put("fuzz_gobin", "raw-head-" + rel.replace("/", "-"), b"\x00" + data[:3000])
for p in glob.glob(src + "/tests/fuzz/seeds/elf/*"):
    put("fuzz_gobin", "raw-" + os.path.basename(p), b"\x00" + open(p, "rb").read())
# Records: strings of every kind of byte, nulls, cut marks.
rnd = random.Random(7)
for i in range(16):
    rec = bytearray(136)
    struct.pack_into("<QQQII", rec, 0, rnd.getrandbits(63), rnd.getrandbits(20),
                     rnd.choice([0, 0, 1, 0x200, 0x3ff]), rnd.getrandbits(16), 0)
    s = bytes(rnd.choice([0x41, 0x22, 0x2c, 0x0a, 0x0d, 0x5c, 0xe2, 0x80, 0xa6, 0xff, 0xc3, 0xa9, 0x00, 0x7f])
              for _ in range(24))
    struct.pack_into("<II", rec, 32, rnd.randrange(0, 40), rnd.choice([0, 1]))
    rec[40:64] = s
    for off in range(64, 120, 8):
        struct.pack_into("<Q", rec, off, rnd.getrandbits(64))
    struct.pack_into("<II", rec, 120, rnd.randrange(0, 12), rnd.choice([0, 1]))
    rec[128:136] = s[:8]
    put("fuzz_output", "rec-%02d" % i, bytes(rec))
PY

# Decompressed DWARF for the DWARF target (see fuzz_dwarf.c).
bases=""
for rel in go1.22/args go1.15/args go1.19/workload; do
	[ -f "$GPROBE_TESTPROGS/$rel" ] || continue
	out=$FB/dwarf-${rel//\//-}
	if [ ! -f "$out" ] || [ "$GPROBE_TESTPROGS/$rel" -nt "$out" ]; then
		objcopy --decompress-debug-sections "$GPROBE_TESTPROGS/$rel" "$out" 2>/dev/null ||
			cp "$GPROBE_TESTPROGS/$rel" "$out"
	fi
	bases=${bases:+$bases:}$out
done
export GPROBE_FUZZ_DWARF_BASES=$bases
[ -d "$GPROBE_TESTPROGS/go1.22" ] ||
	skip_part "no Go test programs in $GPROBE_TESTPROGS: binary targets fuzz raw inputs only"

# ---- run ---------------------------------------------------------------
dict_of() {
	case $1 in
	fuzz_spec | fuzz_offsetsdb) echo "-dict=$SRC/tests/fuzz/dict/spec.dict" ;;
	fuzz_expr) echo "-dict=$SRC/tests/fuzz/dict/expr.dict" ;;
	fuzz_gobin) echo "-dict=$SRC/tests/fuzz/dict/elf.dict" ;;
	esac
}
total=0 failed=()
for t in "${TARGETS[@]}"; do
	[[ $t =~ $ONLY ]] || continue
	bin=$FB/tests/fuzz/$t
	regress=("$SRC/tests/fuzz/regress/$t"/*)
	if [ -e "${regress[0]}" ]; then
		if ! "$bin" -runs=1 "${regress[@]}" >"$tmp/$t.regress" 2>&1; then
			tail -40 "$tmp/$t.regress"
			echo "FAIL $t: a regression input crashes again"
			failed+=("$t")
			continue
		fi
	fi
	# shellcheck disable=SC2046
	"$bin" -max_total_time="$TIME" -timeout=10 -rss_limit_mb=2560 -max_len=16384 \
		-print_final_stats=1 -artifact_prefix="$FB/artifacts/$t-" $(dict_of "$t") \
		"$FB/corpus/$t" "$seeds/$t" >"$tmp/$t.log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$t.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$tmp/$t.log" | tail -1)
	total=$((total + ${execs:-0}))
	if [ $status -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|==[0-9]+==|#[0-9]+ 0x|artifact|abort|canonical|generated C|json:|csv:|table:|gobin:' \
			"$tmp/$t.log" | head -40
		echo "FAIL $t: exit $status after ${execs:-?} executions; reproduce with $bin ARTIFACT"
		failed+=("$t")
	else
		printf 'ok   %-15s %10s executions in %ss, %s, corpus %s inputs\n' "$t" "${execs:-?}" \
			"$TIME" "${cov:-cov: ?}" "$(ls "$FB/corpus/$t" | wc -l)"
	fi
done
echo "fuzz: $total executions in all; ${#failed[@]} target(s) failed${failed[*]:+: ${failed[*]}}"
finish_status ${#failed[@]}
