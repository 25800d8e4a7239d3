#!/usr/bin/env bash
# db_current.sh — the committed offsets databases and pack reports
# (bpf-gen/db, bpf-gen/reports) are what bpf-gen/gen.sh makes from the
# cached toolchains: CI fails when they are stale.
#   tests/db_current.sh path/to/gprobe
set -u
SRC=${GPROBE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
. "$SRC/tests/lib.sh"
"$SRC/bpf-gen/fetch-go.sh" --list | grep -qv missing || skip "no Go toolchain cached (make deps)"
start=$(date +%s)
GPROBE=$1 GPROBE_GEN_WORK=${GPROBE_BUILD:-$SRC/build}/bpf-gen "$SRC/bpf-gen/gen.sh" --check
status=$?
echo "db_current: bpf-gen/gen.sh --check took $(($(date +%s) - start)) s"
[ $status -eq 0 ] && echo "db_current: 1 passed, 0 failed" || echo "db_current: 0 passed, 1 failed"
exit $status
