#!/usr/bin/env bash
# fetch-go.sh — fetch the Go toolchains of gprobe's version matrix from Debian
# packages, unpacked into a cache directory (never installed system-wide).
#
#   bpf-gen/fetch-go.sh [VERSION...]   # default: the whole matrix
#   bpf-gen/fetch-go.sh --list         # print the cached versions and GOROOTs
#
# Each version X gets GOROOT=$GPROBE_GO_CACHE/goX/usr/lib/go-X. The Debian
# suites that carry each version are fixed below; the mirror is the one the
# machine's own apt sources already use, so no registry host is written here.
set -euo pipefail

# shellcheck source=scripts/debapt.sh
. "$(dirname "$0")/../scripts/debapt.sh"

CACHE=${GPROBE_GO_CACHE:-/var/cache/gprobe/go}
MATRIX=(1.15 1.19 1.21 1.22 1.23 1.24 1.25 1.26 1.27)

suite_of() {
	case $1 in
	1.15) echo bullseye ;;
	1.19) echo bookworm ;;
	1.21 | 1.22 | 1.23) echo bookworm-backports ;;
	1.24) echo trixie ;;
	*) echo trixie-backports ;;
	esac
}

goroot_of() { echo "$CACHE/go$1/usr/lib/go-$1"; }

have() { [ -x "$(goroot_of "$1")/bin/go" ] && [ -f "$(goroot_of "$1")/src/runtime/proc.go" ]; }

list() {
	for v in "${MATRIX[@]}"; do
		if have "$v"; then
			printf 'go%-5s %s (%s)\n' "$v" "$(goroot_of "$v")" \
				"$(GOROOT=$(goroot_of "$v") "$(goroot_of "$v")/bin/go" version 2>/dev/null | awk '{print $3}')"
		else
			printf 'go%-5s missing\n' "$v"
		fi
	done
}

if [ "${1:-}" = "--list" ]; then
	list
	exit 0
fi
[ $# -gt 0 ] && MATRIX=("$@")

missing=()
for v in "${MATRIX[@]}"; do have "$v" || missing+=("$v"); done
if [ ${#missing[@]} -eq 0 ]; then
	list
	exit 0
fi

APTDIR=$CACHE/.apt
debapt_setup "$APTDIR" $(for v in "${missing[@]}"; do suite_of "$v"; done | sort -u)
echo "fetch-go: updating package lists for: $(tr '\n' ' ' <"$APTDIR/etc/sources.list" | sed 's|deb [^ ]* ||g')" >&2
apt-get "${APTO[@]}" -q update >&2

for v in "${missing[@]}"; do
	echo "fetch-go: downloading golang-$v-go golang-$v-src" >&2
	(cd "$APTDIR/debs" && rm -f golang-"$v"-*.deb &&
		apt-get "${APTO[@]}" -q download "golang-$v-go" "golang-$v-src" >&2)
	rm -rf "$CACHE/go$v.tmp"
	for deb in "$APTDIR"/debs/golang-"$v"-*.deb; do dpkg -x "$deb" "$CACHE/go$v.tmp"; done
	rm -rf "$CACHE/go$v"
	mv "$CACHE/go$v.tmp" "$CACHE/go$v"
	rm -f "$APTDIR"/debs/golang-"$v"-*.deb
	have "$v" || { echo "fetch-go: go$v unpacked but $(goroot_of "$v") is incomplete" >&2; exit 1; }
done
list
