#!/usr/bin/env bash
# bad_specs.sh — the resolve-level bad-spec corpus: for every
# tests/specs-bad/resolve/X.yaml, `gprobe check X.yaml -e args` must exit 2
# and print exactly X.err (the target's path shown as ARGS). The parse-level
# corpus (tests/specs-bad/parse) runs in test_spec.
#   tests/bad_specs.sh path/to/gprobe [--update]
set -u
GPROBE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${GPROBE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
TESTPROGS=${GPROBE_TESTPROGS:-$(dirname "$GPROBE")/testprogs}
ARGS=$TESTPROGS/go1.22/args
if [ ! -x "$ARGS" ]; then
	echo "SKIP: $ARGS is missing (make testprogs)"
	exit 77
fi
cd "$SRC" || exit 1
pass=0 fail=0
for spec in tests/specs-bad/resolve/*.yaml; do
	want=${spec%.yaml}.err
	got=$("$GPROBE" check "$spec" -e "$ARGS" 2>&1 >/dev/null)
	status=$?
	got=${got//$ARGS/ARGS}
	if [ "${2:-}" = "--update" ]; then
		printf '%s\n' "$got" >"$want"
	fi
	if [ $status -ne 2 ]; then
		echo "FAIL $spec: exit status $status, expected 2"
		fail=$((fail + 1))
	elif ! diff -u "$want" <(printf '%s\n' "$got"); then
		echo "FAIL $spec: diagnostics differ from $want"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "bad_specs: $pass passed, $fail failed"
[ $fail -eq 0 ]
