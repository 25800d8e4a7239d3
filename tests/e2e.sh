#!/usr/bin/env bash
# e2e.sh — ctest entry for the end-to-end runtime tests (tests/e2e/run.py).
# Usage: tests/e2e.sh path/to/gprobe [FILE.test...]; ctest runs it once per
# tests/e2e/*.test file (e2e/args, e2e/packs, ...). Exit 77 (skip) without
# root or BPF, a failure in CI.
set -u
exec python3 "$(dirname "$0")/e2e/run.py" "$@"
