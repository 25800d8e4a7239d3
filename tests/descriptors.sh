#!/usr/bin/env bash
# descriptors.sh — struct layouts of stripped binaries from their own runtime
# type descriptors (compiler/rtype.c), checked against DWARF.
#   tests/descriptors.sh path/to/gprobe
#
# For each cached Go toolchain: a small net/http program, built twice (with
# DWARF, and with -ldflags='-s -w'; without cgo: cgo's own layout is
# gobin's matter, tested elsewhere). On the stripped one, `gprobe check` of a
# spec reading req.URL.Path must resolve, attribute net/url.URL to the type
# descriptors (the offsets database keeps it opaque), and read exactly the
# memory the DWARF build's check reads; `gprobe inspect` of main.Order (known
# to no database) must print DWARF's layout.
set -u
GPROBE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${GPROBE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
CACHE=${GPROBE_GO_CACHE:-/var/cache/gprobe/go}
OUT=${GPROBE_BUILD:-$SRC/build}/descriptors
mkdir -p "$OUT/src"
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

versions=$("$SRC/bpf-gen/fetch-go.sh" --list | awk '$2 != "missing" {sub(/^go/, "", $1); print $1}')
[ -n "$versions" ] || skip "no Go toolchain cached (bpf-gen/fetch-go.sh)"

cat >"$OUT/src/main.go" <<'G'
package main

import (
	"fmt"
	"net/http"
	"os"
)

type Order struct {
	ID    int64
	Note  string
	Items []string
	Next  *Order
}

var sink interface{}

// A parameter: so that DWARF describes Order too.
//go:noinline
func total(o *Order) int64 { return o.ID + int64(len(o.Items)) }

func main() {
	sink = &Order{ID: 1}
	fmt.Println(total(sink.(*Order)))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, r.URL.Path) })
	if len(os.Args) > 5 {
		http.ListenAndServe(":0", nil)
	}
	fmt.Println(sink)
}
G
printf 'module desc\n\ngo 1.15\n' >"$OUT/src/go.mod"
cat >"$OUT/http.yaml" <<'Y'
spec: 1
name: desc_http
probes:
  - table: http_request
    function: net/http.serverHandler.ServeHTTP
    columns:
      path: req.URL.Path
      host: req.URL.Host
Y

# The resolved columns and probe address lines of a check, without the
# header that names the facts' source.
columns() { grep -E '^  (probe|column) ' <<<"$1" | sed 's/ (net\/http.*//'; }

for v in $versions; do
	root=$CACHE/go$v/usr/lib/go-$v
	bin=$OUT/http-$v
	if [ ! -x "$bin.stripped" ] || [ "$OUT/src/main.go" -nt "$bin.stripped" ]; then
		(cd "$OUT/src" && env GOROOT=$root GOTOOLCHAIN=local GOENV=off GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
			GOCACHE=${TMPDIR:-/tmp}/gocache-$v PATH=$root/bin:$PATH go build -o "$bin" . &&
			env GOROOT=$root GOTOOLCHAIN=local GOENV=off GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 \
				GOCACHE=${TMPDIR:-/tmp}/gocache-$v PATH=$root/bin:$PATH \
				go build -ldflags='-s -w' -o "$bin.stripped" .) ||
			{ bad "building the net/http program with go$v"; continue; }
	fi
	dwarf=$("$GPROBE" check "$OUT/http.yaml" -e "$bin" 2>&1)
	strip=$("$GPROBE" check "$OUT/http.yaml" -e "$bin.stripped" 2>&1)
	if grep -q "^layout of net/url.URL from the binary's type descriptors$" <<<"$strip"; then ok; else bad "go$v: check does not attribute net/url.URL to the descriptors: $strip"; fi
	if grep -q "facts from DWARF" <<<"$dwarf" && ! grep -q "type descriptors" <<<"$dwarf"; then ok; else bad "go$v: DWARF build: $dwarf"; fi
	a=$(columns "$dwarf") b=$(columns "$strip")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then ok; else bad "go$v: stripped check reads other memory than DWARF's:"$'\n'"$a"$'\n'"---"$'\n'"$b"; fi
	a=$("$GPROBE" inspect "$bin" main.Order 2>&1) b=$("$GPROBE" inspect "$bin.stripped" main.Order 2>&1)
	if grep -q "Next .*\*main.Order" <<<"$a" && [ "$a" = "$b" ]; then ok; else bad "go$v: inspect main.Order: DWARF"$'\n'"$a"$'\n'"descriptors"$'\n'"$b"; fi
done
finish descriptors
