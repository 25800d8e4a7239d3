#!/usr/bin/env bash
# install-deps.sh — install what gprobe needs to build and test on Debian 12,
# then fetch the Go toolchains of the version matrix into their cache, and
# the Debian-built Go programs of tests/realprogs.sh into theirs.
#
#   scripts/install-deps.sh        # as root (or with sudo available)
#
# Idempotent and quick when everything is there: packages already installed
# are not asked for, and apt-get update runs only when something is missing.
# Never prompts (CI=true, no stdin). GPROBE_SKIP_GO=1 skips the toolchains
# and the real programs of tests/realprogs.sh; GPROBE_SKIP_REALPROGS=1 only those.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES=(
	build-essential cmake pkg-config git binutils
	libbpf-dev libelf-dev libdw-dev libyaml-dev zlib1g-dev libzstd-dev
	clang-19 libclang-cpp19-dev libclang-19-dev llvm-19-dev
	# libFuzzer and sanitizer runtimes of tests/fuzz.sh
	libclang-rt-19-dev
	bpftool bpftrace
	# bench/: system-call split of the load (strace), compressed DB sizes (zstd)
	strace zstd
	python3 ca-certificates
	# headless browser of tests/report_browser.sh (~125 MB download, 90 s)
	chromium
)

log() { echo "install-deps: $*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo -n)
	else
		log "not root and no sudo: run as root"
		exit 1
	fi
fi

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	log "all ${#PACKAGES[@]} packages installed"
else
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${SUDO[@]}" apt-get update -q </dev/null
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" </dev/null
fi

if [ "${GPROBE_SKIP_GO:-0}" = 1 ]; then
	log "GPROBE_SKIP_GO=1: not fetching Go toolchains nor the real programs"
	exit 0
fi
# The toolchains live in a root-owned cache (/var/cache/gprobe/go by default).
"${SUDO[@]}" env ${GPROBE_GO_CACHE:+GPROBE_GO_CACHE=$GPROBE_GO_CACHE} \
	bash "$ROOT/bpf-gen/fetch-go.sh" </dev/null
# The Debian-built Go programs of tests/realprogs.sh (about 30 MB of .debs and
# 60 MB of package lists, once; unpacked into /var/cache/gprobe/realprogs). GPROBE_SKIP_REALPROGS=1 skips them.
if [ "${GPROBE_SKIP_REALPROGS:-0}" = 1 ]; then
	log "GPROBE_SKIP_REALPROGS=1: not fetching the real programs"
else
	"${SUDO[@]}" env ${GPROBE_REALPROGS:+GPROBE_REALPROGS=$GPROBE_REALPROGS} \
		bash "$ROOT/scripts/fetch-realprogs.sh" </dev/null
fi
