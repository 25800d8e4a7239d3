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
. "$SRC/tests/lib.sh"
[ -x "$ARGS" ] || skip "$ARGS is missing (make testprogs)"
cd "$SRC" || exit 1
for spec in tests/specs-bad/resolve/*.yaml; do
	want=${spec%.yaml}.err
	got=$("$GPROBE" check "$spec" -e "$ARGS" 2>&1 >/dev/null)
	status=$?
	got=${got//$ARGS/ARGS}
	if [ "${2:-}" = "--update" ]; then
		printf '%s\n' "$got" >"$want"
	fi
	if [ $status -ne 2 ]; then
		bad "$spec: exit status $status, expected 2"
	elif ! diff -u "$want" <(printf '%s\n' "$got"); then
		bad "$spec: diagnostics differ from $want"
	else
		ok
	fi
done
finish bad_specs
