// Command minimal is the least a Go program does: it allocates a little
// (or -alloc MB of short-lived objects, which lets the GC run on its own),
// then prints a JSON summary. No runtime.GC, no go statement, no channel,
// no timer, no fmt: what a pack must still load on, with probes on runtime
// functions such a program does not contain reported as notices. The
// summary is its word: GC cycles completed (runtime.MemStats.NumGC).
package main

import (
	"os"
	"runtime"
	"strconv"
)

type node struct {
	next *node
	val  [5]uint64
}

var keep *node

func main() {
	mb := 0
	if len(os.Args) == 3 && os.Args[1] == "-alloc" {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil {
			os.Stderr.WriteString("minimal: usage: minimal [-alloc MB]\n")
			os.Exit(2)
		}
		mb = n
	}
	objects := 1 + mb<<20/48
	for i := 0; i < objects; i++ {
		keep = &node{val: [5]uint64{uint64(i)}}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out := `{"go":"` + runtime.Version() + `","pid":` + strconv.Itoa(os.Getpid()) +
		`,"alloc_mb":` + strconv.Itoa(mb) + `,"objects":` + strconv.Itoa(objects) +
		`,"num_gc":` + strconv.FormatUint(uint64(ms.NumGC), 10) +
		`,"num_forced_gc":` + strconv.FormatUint(uint64(ms.NumForcedGC), 10) + "}\n"
	os.Stdout.WriteString(out)
}
