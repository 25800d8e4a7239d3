#!/bin/bash
# Check the spec packs against a reference binary built by every cached Go
# toolchain.
#
#   bpf-gen/check-pack-symbols.sh [-g GPROBE] [-k DIR] [PACK.yaml...]
#
# For each Go version (bpf-gen/fetch-go.sh --list) it builds a small program
# (goroutines, channels, a socket, a syscall, runtime.GC) and prints, for
# every function a pack names, whether the binary has it as a function
# symbol and at how many call sites the compiler inlined it: a uprobe only
# sees calls to the out-of-line copy, so an inlined site is a silent miss.
# With gprobe (-g, or build*/gprobe) it also runs `gprobe check` on each
# pack, which resolves every parameter, field and variable the pack reads
# under the pack's go: ranges; any failure makes the exit status 1.
# -k DIR keeps the reference binaries in DIR.
#
# Needs: the cached toolchains, llvm-dwarfdump, objcopy.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
gprobe=
keep=

while getopts "g:k:h" opt; do
	case $opt in
	g) gprobe=$OPTARG ;;
	k) keep=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
packs=("$@")
[ ${#packs[@]} -eq 0 ] && packs=("$top"/specs/*.yaml)

if [ -z "$gprobe" ]; then
	for g in "$top"/build*/gprobe; do
		[ -x "$g" ] && { gprobe=$g; break; }
	done
fi
dwarfdump=$(command -v llvm-dwarfdump-19 || command -v llvm-dwarfdump) ||
	{ echo "check-pack-symbols: llvm-dwarfdump not found" >&2; exit 2; }

work=$(mktemp -d /tmp/check-packs.XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT
out=${keep:-$work}
mkdir -p "$out" "$work/src"

cat > "$work/src/main.go" <<'EOF'
package main

import (
	"net"
	"os"
	"runtime"
	"sync"
	"time"
)

var sink [][]byte

func work(id int, wg *sync.WaitGroup, ch chan int) {
	defer wg.Done()
	for i := 0; i < 1000; i++ {
		sink = append(sink, make([]byte, 1024*(id+1)))
		if len(sink) > 2000 {
			sink = nil
		}
	}
	ch <- id
}

func main() {
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		go func() {
			if c, _ := ln.Accept(); c != nil {
				c.Close()
			}
		}()
		if c, _ := net.Dial("tcp", ln.Addr().String()); c != nil {
			c.Close()
		}
	}
	var wg sync.WaitGroup
	ch := make(chan int, 100)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go work(i, &wg, ch)
	}
	wg.Wait()
	time.Sleep(10 * time.Millisecond)
	runtime.GC()
	if f, _ := os.Open("/etc/hostname"); f != nil {
		f.Close()
	}
}
EOF
printf 'module ref\n\ngo 1.15\n' > "$work/src/go.mod"

funcs=$(grep -h '^[[:space:]]*function:' "${packs[@]}" | awk '{print $2}' | sort -u)
status=0

# Number of DW_TAG_inlined_subroutine entries whose origin is function $2.
inlined_sites() {
	awk -v f="$2" '
		/DW_TAG_/ { tag = $2 }
		tag == "DW_TAG_inlined_subroutine" && /DW_AT_abstract_origin/ {
			if (index($0, "\"" f "\")")) n++
		}
		END { print n + 0 }' "$1"
}

while read -r ver goroot _; do
	[ -x "$goroot/bin/go" ] || continue
	bin=$out/ref-$ver
	if ! (cd "$work/src" && GOROOT=$goroot GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		GO111MODULE=on GOCACHE=$work/cache-$ver "$goroot/bin/go" build -o "$bin" .) \
		> "$work/build.log" 2>&1; then
		echo "$ver: build failed:"; cat "$work/build.log"; status=1; continue
	fi
	"$goroot/bin/go" tool nm "$bin" > "$work/nm" 2>/dev/null
	objcopy --decompress-debug-sections "$bin" "$work/dec" 2>/dev/null
	"$dwarfdump" --debug-info "$work/dec" > "$work/dwarf" 2>/dev/null

	echo "== $ver ($bin)"
	for f in $funcs; do
		if awk -v f="$f" '$2 == "T" && $3 == f { found = 1 } END { exit !found }' "$work/nm"; then
			n=$(inlined_sites "$work/dwarf" "$f")
			if [ "$n" -eq 0 ]; then
				printf '  %-44s function\n' "$f"
			else
				printf '  %-44s function, INLINED at %d site(s)\n' "$f" "$n"
			fi
		else
			printf '  %-44s absent\n' "$f"
		fi
	done
	[ -n "$gprobe" ] || continue
	for p in "${packs[@]}"; do
		if "$gprobe" check "$p" -e "$bin" > "$work/check" 2>&1; then
			echo "  gprobe check $(basename "$p"): ok"
		else
			echo "  gprobe check $(basename "$p"): FAILED"
			grep -v '^\(gprobe: \)\?notice:' "$work/check" | sed 's/^/    /'
			status=1
		fi
	done
done < <("$here/fetch-go.sh" --list)

[ -n "$gprobe" ] || echo "(no gprobe binary: parameters and fields not checked)"
exit $status
