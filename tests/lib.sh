# tests/lib.sh — sourced by the script tests (not a test itself):
#   . "$(dirname "$0")/lib.sh"
#
# Skips that cannot lie: a test, or a part of it, that cannot run here (no
# root, BPF, toolchain, test programs, browser) says why and ends as skipped
# (exit 77, ctest's SKIP_RETURN_CODE), never as passed; with CI set, where
# everything must run, as failed. The same rule as check_skip() in
# tests/unit/check.h and tests/e2e/run.py.
#
# Also: the counters of checks that passed and failed, and the look for BPF
# programs of gprobe's left in the kernel.

pass=0 fail=0 gp_skipped=0

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

# in_ci: CI is set (not empty, 0, false or no, in any case).
in_ci() {
	case "${CI:-}" in
	"" | 0 | [Ff][Aa][Ll][Ss][Ee] | [Nn][Oo]) return 1 ;;
	esac
	return 0
}

# skip WHY...: the whole test cannot run here.
skip() {
	if in_ci; then
		echo "FAIL (CI is set, so this test must run): $*"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

# skip_part WHY...: a part of the test cannot run here; finish() counts it.
skip_part() {
	gp_skipped=$((gp_skipped + 1))
	if in_ci; then
		echo "FAIL (CI is set, so every part must run): skipped: $*"
	else
		echo "SKIP: $*"
	fi
}

# finish NAME [NOTE]: the summary line, then finish_status.
finish() {
	echo "$1: $pass passed, $fail failed, $gp_skipped skipped${2:+ ($2)}"
	finish_status "$fail"
}

# finish_status FAILED: exit 1 on a failure, else 77 (or 1 in CI) when a
# part was skipped, else 0.
finish_status() {
	[ "$1" -eq 0 ] || exit 1
	if [ "$gp_skipped" -gt 0 ]; then
		in_ci && exit 1
		exit 77
	fi
	exit 0
}

# have_root_bpf: root, who can load BPF programs, with bpftool to list them.
have_root_bpf() {
	[ "$(id -u)" -eq 0 ] && command -v bpftool >/dev/null
}

# leftovers: the BPF programs of gprobe's (named gp_*) that are loaded but
# held by no process: orphans. (Other gprobe runs on the machine hold theirs
# by fd; bpftool here cannot name owners, so /proc/*/fdinfo is asked.) Two
# looks a second apart, so that a run exiting right then is not taken for a
# leak. Prints "ID:NAME ..." or nothing.
leftovers() {
	python3 - <<'PY'
import glob, json, subprocess, time
def orphans():
    progs = json.loads(subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True,
                                      text=True).stdout or "[]")
    held = set()
    for f in glob.glob("/proc/[0-9]*/fdinfo/*"):
        try:
            for line in open(f):
                if line.startswith("prog_id:"):
                    held.add(int(line.split()[1]))
        except OSError:
            pass
    return {p["id"]: p["name"] for p in progs
            if p.get("name", "").startswith("gp_") and p["id"] not in held}
first = orphans()
time.sleep(1)
again = orphans()
print(" ".join("%d:%s" % (i, n) for i, n in sorted(first.items()) if i in again))
PY
}
