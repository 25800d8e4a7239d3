// Command safety is the target of gprobe's target-safety tests: it does the
// things a tracer can break — deep recursion that grows and moves stacks,
// panics unwinding through probed frames and recovered, thousands of
// goroutines, forced GCs — and prints results that depend on every step
// being right. Its stdout is deterministic for given flags, so a traced run
// must print exactly what an untraced run prints, and exit the same way.
// It must build with every Go from 1.15 on.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Deep returns n + (n-1) + ... + 1 through n frames of 256 bytes each, so
// the stack is copied several times on the way down and back up.
//
//go:noinline
func Deep(n int) int {
	var pad [256]byte
	if n <= 0 {
		return 0
	}
	pad[n%256] = byte(n)
	return n + Deep(n-1) + int(pad[(n+1)%256])
}

type boom struct{ depth int }

// Bomb recurses to depth, then panics; the panic unwinds every frame
// between the bottom and the recover in Catch.
//
//go:noinline
func Bomb(depth int) int {
	var pad [64]byte
	if depth == 0 {
		panic(boom{depth: int(pad[0]) + 7})
	}
	pad[depth%64] = 1
	return Bomb(depth-1) + int(pad[depth%64])
}

// Catch returns what Bomb's panic carried.
//
//go:noinline
func Catch(depth int) (got int) {
	defer func() {
		if r := recover(); r != nil {
			got = r.(boom).depth
		}
	}()
	return Bomb(depth)
}

// sumTo is Deep without the frame padding, left unprobed: goroutines
// recurse a little without flooding the tests' Deep rows.
//
//go:noinline
func sumTo(n int) int {
	if n <= 0 {
		return 0
	}
	return n + sumTo(n-1)
}

// Work is what each goroutine does: a little recursion and allocation.
//
//go:noinline
func Work(i int) uint64 {
	buf := make([]uint64, 16+i%64)
	for k := range buf {
		buf[k] = uint64(i*k) ^ 0x9e3779b97f4a7c15
	}
	var s uint64
	for _, v := range buf {
		s += v
	}
	return s + uint64(sumTo(i%200))
}

func main() {
	depth := flag.Int("depth", 20000, "recursion depth of main.Deep")
	rounds := flag.Int("rounds", 3, "times to run every phase")
	panics := flag.Int("panics", 200, "panics raised and recovered per round")
	gor := flag.Int("goroutines", 4000, "goroutines started per round")
	gcs := flag.Int("gc", 5, "runtime.GC() calls per round")
	exit := flag.Int("exit", 0, "exit status")
	execPath := flag.String("exec", "", "at the end, exec this program (no arguments) instead of exiting")
	waitStdin := flag.Bool("wait-stdin", false, "read a line from stdin before starting (to let a tracer attach)")
	pause := flag.Duration("pause", 0, "sleep between rounds")
	flag.Parse()

	if *waitStdin {
		os.Stderr.WriteString("safety: ready\n")
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
	for r := 0; r < *rounds; r++ {
		fmt.Printf("round %d: deep(%d) = %d\n", r, *depth, Deep(*depth))

		caught := 0
		for i := 0; i < *panics; i++ {
			caught += Catch(i % 500)
		}
		fmt.Printf("round %d: %d panics recovered, sum %d\n", r, *panics, caught)

		var wg sync.WaitGroup
		sums := make([]uint64, *gor)
		for i := 0; i < *gor; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				sums[i] = Work(i)
			}(i)
		}
		wg.Wait()
		var total uint64
		for _, s := range sums {
			total += s
		}
		fmt.Printf("round %d: %d goroutines, sum %d\n", r, *gor, total)

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < *gcs; i++ {
			runtime.GC()
		}
		runtime.ReadMemStats(&after)
		fmt.Printf("round %d: %d forced GCs, %d counted\n", r, *gcs, after.NumForcedGC-before.NumForcedGC)
		time.Sleep(*pause)
	}
	fmt.Println("done")
	os.Stdout.Sync()
	if *execPath != "" {
		err := syscall.Exec(*execPath, []string{*execPath}, os.Environ())
		fmt.Fprintln(os.Stderr, "safety: exec:", err)
		os.Exit(1)
	}
	os.Exit(*exit)
}
