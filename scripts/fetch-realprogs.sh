#!/usr/bin/env bash
# fetch-realprogs.sh — fetch the "real programs" of tests/realprogs.sh: Go
# programs exactly as Debian ships them (cgo on, linked by the system linker,
# stripped, some PIE, built by Go patch releases other than the test
# matrix's), unpacked from their .debs into a cache directory. Nothing is
# installed; no dependency is unpacked (each program below needs only libc).
#
#   scripts/fetch-realprogs.sh          # fetch what is missing (idempotent)
#   scripts/fetch-realprogs.sh --list   # print name, binary, package and state
#
# Each program NAME is unpacked with `dpkg -x` into $CACHE/NAME (default
# /var/cache/gprobe/realprogs/NAME) and its binary is $CACHE/NAME/BIN. The
# .debs come from `apt-get download PACKAGE/SUITE` against a private sources
# list and package lists under $CACHE/.apt, built from the mirror URI already
# in the machine's apt sources (as bpf-gen/fetch-go.sh does), so no registry
# host is written here. Package names are pinned, not versions: a rebuild in
# a suite may change the Go version; tests/realprogs.sh prints what it finds.
# The package lists are downloaded only when a program is missing.
set -euo pipefail

# shellcheck source=scripts/debapt.sh
. "$(dirname "$0")/debapt.sh"

CACHE=${GPROBE_REALPROGS:-/var/cache/gprobe/realprogs}

# NAME  SUITE  PACKAGE  BINARY(in the package)  KIND (server: HTTP; cli)
# The Go version each was built with as seen when this list was written
# (`go version -m`, the .deb's Built-Using) and what the binary is. None is
# PIE: Debian's dh-golang builds -buildmode=exe (PIE is not covered here).
#   node-exporter-1.15 go1.15.9  cgo (libc, libpthread), Go's internal linker, stripped, absolute pclntab PCs
#   webhook-1.19       go1.19.8  cgo (libc), external link (text at .text+0x100), stripped
#   gojq-1.21          go1.21.3  CGO_ENABLED=1 but no cgo code: static, internal link, stripped
#   minify-1.22        go1.22.6  cgo (libc), external link, stripped
#   miller-1.23        go1.23.2  cgo (libc), external link, stripped
#   blackbox-1.24      go1.24.0  cgo (libc), external link, stripped
#   caddy-1.26         go1.26.3  cgo (libc), external link, stripped; pclntab header without
#                                text start (Go >= 1.26), moduledata in its own .go.module section
# The test matrix's toolchains are 1.15.15, 1.19.8, 1.21.13, 1.22.12, 1.23.5,
# 1.24.4, 1.26.11: only 1.19.8 is the same patch release. All these .debs
# come to about 30 MB, plus about 60 MB of package lists for the 4 suites.
PROGRAMS=(
	"node-exporter-1.15 bullseye         prometheus-node-exporter     usr/bin/prometheus-node-exporter     server"
	"webhook-1.19       bookworm         webhook                      usr/bin/webhook                      server"
	"gojq-1.21          trixie           gojq                         usr/bin/gojq                         cli"
	"minify-1.22        trixie           minify                       usr/bin/minify                       cli"
	"miller-1.23        trixie           miller                       usr/bin/mlr                          cli"
	"blackbox-1.24      trixie           prometheus-blackbox-exporter usr/bin/prometheus-blackbox-exporter server"
	"caddy-1.26         trixie-backports caddy                        usr/bin/caddy                        server"
)

have() { [ -x "$CACHE/$1/$2" ] && [ -f "$CACHE/$1/.package" ] && [ "$(cat "$CACHE/$1/.package")" = "$3/$4" ]; }

list() {
	local name suite pkg bin kind state
	for p in "${PROGRAMS[@]}"; do
		read -r name suite pkg bin kind <<<"$p"
		if have "$name" "$bin" "$pkg" "$suite"; then
			state="$CACHE/$name/$bin ($(cat "$CACHE/$name/.version" 2>/dev/null || echo '?'))"
		else
			state=missing
		fi
		printf '%-19s %-6s %s/%s %s\n' "$name" "$kind" "$pkg" "$suite" "$state"
	done
}

if [ "${1:-}" = "--list" ]; then
	list
	exit 0
fi

missing=()
for p in "${PROGRAMS[@]}"; do
	read -r name suite pkg bin kind <<<"$p"
	have "$name" "$bin" "$pkg" "$suite" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	list
	exit 0
fi

APTDIR=$CACHE/.apt
debapt_setup "$APTDIR" $(for p in "${missing[@]}"; do read -r _ suite _ <<<"$p"; echo "$suite"; done | sort -u)
echo "fetch-realprogs: updating package lists for: $(sed 's|deb [^ ]* ||; s| main||' "$APTDIR/etc/sources.list" | tr '\n' ' ')" >&2
apt-get "${APTO[@]}" -q update >&2

for p in "${missing[@]}"; do
	read -r name suite pkg bin kind <<<"$p"
	echo "fetch-realprogs: downloading $pkg/$suite for $name" >&2
	rm -rf "$APTDIR/debs/$name"
	mkdir -p "$APTDIR/debs/$name"
	(cd "$APTDIR/debs/$name" && apt-get "${APTO[@]}" -q download "$pkg/$suite" >&2)
	deb=$(ls "$APTDIR/debs/$name"/*.deb)
	rm -rf "$CACHE/$name.tmp"
	dpkg -x "$deb" "$CACHE/$name.tmp"
	[ -x "$CACHE/$name.tmp/$bin" ] || { echo "fetch-realprogs: $deb has no $bin" >&2; exit 1; }
	# What was fetched: the package version and the Go it was built with.
	dpkg-deb -f "$deb" Version >"$CACHE/$name.tmp/.version"
	{ dpkg-deb -f "$deb" Built-Using Static-Built-Using 2>/dev/null || true; } |
		grep -o 'golang-1\.[0-9]* (= [^)]*)' | head -n1 >"$CACHE/$name.tmp/.built-using" || true
	echo "$pkg/$suite" >"$CACHE/$name.tmp/.package"
	rm -rf "$CACHE/$name"
	mv "$CACHE/$name.tmp" "$CACHE/$name"
	rm -rf "$APTDIR/debs/$name"
done
list
