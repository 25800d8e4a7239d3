#!/usr/bin/env bash
# e2e.sh — ctest entry for the end-to-end runtime tests (tests/e2e/run.py).
# Usage: tests/e2e.sh path/to/gprobe. Exit 77 (skip) without root or BPF.
set -u
exec python3 "$(dirname "$0")/e2e/run.py" "$@"
