#!/usr/bin/env bash
# realprogs.sh — ctest entry for the "real programs" tier: gprobe's packs and
# a net/http spec on Go programs as Debian ships them (cgo, system linker,
# stripped, other Go patch releases), each checked against the program's own
# word (GODEBUG=gctrace=1, the HTTP requests sent). The programs are fetched
# by scripts/fetch-realprogs.sh (`make deps`); see tests/realprogs/run.py.
#   tests/realprogs.sh path/to/gprobe [NAME...]
# Exit 77 (skip) without root/BPF or without the programs, unless CI is set.
set -u
exec python3 "$(dirname "$0")/realprogs/run.py" "$@"
