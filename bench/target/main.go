// Command target is the program the benchmarks trace. Every mode measures
// itself and prints one JSON object on stdout, so that the figures exclude
// process start and probe attachment:
//
//	target calls N      call main.work N times; ns per call
//	target rate R S     call main.work R times a second for S seconds (paced
//	                    in 1 ms slices); calls made and the rate achieved
//	target sched N      a goroutine-heavy workload (N rounds of fan-out and
//	                    channel ping-pong); elapsed ns. With -trace FILE the
//	                    Go execution tracer records it to FILE.
//
// Every mode first prints {"start_ns": …} on stderr: the Unix time main
// began, so the harness can tell when a tracer let the program run. With
// -hold MS the program lingers MS milliseconds after its report, so the
// harness can read the BPF programs' run-time statistics while they exist.
// It builds with every Go from 1.15 on.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

type inner struct {
	id   int64
	name string
}

type mid struct {
	pad [3]int64
	in  *inner
}

type outer struct {
	x int64
	m *mid
}

var sink int

//go:noinline
func leaf(x int) int {
	return x ^ 0x55
}

// work is the probed function: ints in registers, a string, and a pointer
// whose fields lead through two more pointers (o.m.in.id). It calls leaf so
// that it has a frame and the stack-check prologue of most Go functions:
// gprobe probes after that prologue, bpftrace at the first instruction.
//
//go:noinline
func work(a, b int, s string, o *outer) int {
	return leaf(a+b+len(s)) + int(o.x)
}

// threadCPU is the calling thread's CPU time (user and system, the uprobe
// traps included) in ns: unlike the wall clock it does not count the time
// other processes of a shared machine run instead of this one.
func threadCPU() int64 {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

func calls(n int) {
	o := &outer{x: 7, m: &mid{in: &inner{id: 42, name: "inner-name"}}}
	s := "hello, gprobe"
	runtime.LockOSThread()
	c0 := threadCPU()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		sink += work(i, n-i, s, o)
	}
	el := time.Since(t0)
	cpu := threadCPU() - c0
	runtime.UnlockOSThread()
	emit(map[string]interface{}{"mode": "calls", "n": n, "ns": el.Nanoseconds(),
		"ns_per_call":     float64(el.Nanoseconds()) / float64(n),
		"cpu_ns_per_call": float64(cpu) / float64(n)})
}

// rate calls work at a steady pace: each millisecond it makes the calls
// that bring the total up to the target, then spins until the next one.
func rate(perSec, secs int) {
	o := &outer{x: 7, m: &mid{in: &inner{id: 42, name: "inner-name"}}}
	s := "hello, gprobe"
	t0 := time.Now()
	end := time.Duration(secs) * time.Second
	made := 0
	for {
		el := time.Since(t0)
		if el >= end {
			break
		}
		want := int(float64(perSec) * el.Seconds())
		for made < want {
			sink += work(made, 0, s, o)
			made++
		}
	}
	el := time.Since(t0)
	emit(map[string]interface{}{"mode": "rate", "target": perSec, "calls": made,
		"ns": el.Nanoseconds(), "achieved": float64(made) / el.Seconds()})
}

//go:noinline
func hop(in <-chan int, out chan<- int) {
	for v := range in {
		out <- v + 1
	}
	close(out)
}

// sched makes the scheduler busy: each round starts a chain of goroutines
// passing values down channels, plus short-lived workers joined by a
// WaitGroup.
func sched(rounds int) {
	t0 := time.Now()
	total := 0
	for r := 0; r < rounds; r++ {
		first := make(chan int)
		in := first
		for i := 0; i < 16; i++ {
			out := make(chan int)
			go hop(in, out)
			in = out
		}
		go func() {
			for i := 0; i < 64; i++ {
				first <- i
			}
			close(first)
		}()
		for v := range in {
			total += v
		}
		var wg sync.WaitGroup
		for i := 0; i < 32; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				time.Sleep(time.Duration(i%3) * time.Microsecond)
			}(i)
		}
		wg.Wait()
	}
	el := time.Since(t0)
	emit(map[string]interface{}{"mode": "sched", "rounds": rounds, "sum": total, "ns": el.Nanoseconds()})
}

func emit(v map[string]interface{}) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		fmt.Fprintf(os.Stderr, "target: bad number %q\n", s)
		os.Exit(2)
	}
	return n
}

func main() {
	fmt.Fprintf(os.Stderr, "{\"start_ns\": %d}\n", time.Now().UnixNano())
	traceTo := flag.String("trace", "", "record the Go execution trace to this file")
	hold := flag.Int("hold", 0, "milliseconds to linger after the report")
	gc := flag.Bool("gc", false, "run runtime.GC() before the report (and link it in: the GC pack probes it)")
	flag.Parse()
	args := flag.Args()
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: target [-trace FILE] calls N | rate R S | sched N")
		os.Exit(2)
	}
	if *traceTo != "" {
		f, err := os.Create(*traceTo)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "target:", err)
			os.Exit(1)
		}
		defer f.Close()
		defer trace.Stop()
	}
	if *gc {
		defer runtime.GC()
	}
	if *hold > 0 {
		defer time.Sleep(time.Duration(*hold) * time.Millisecond)
	}
	switch args[0] {
	case "calls":
		calls(atoi(args[1]))
	case "rate":
		if len(args) < 3 {
			fmt.Fprintln(os.Stderr, "usage: target rate R S")
			os.Exit(2)
		}
		rate(atoi(args[1]), atoi(args[2]))
	case "sched":
		sched(atoi(args[1]))
	default:
		fmt.Fprintf(os.Stderr, "target: unknown mode %q\n", args[0])
		os.Exit(2)
	}
}
