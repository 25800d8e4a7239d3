// Command workload makes the runtime events the spec packs trace happen a
// known number of times, and prints a JSON summary of what it did: forced
// GCs, goroutines started at main.spin, parks on a channel receive and in
// time.Sleep, a syscall loop, and a large heap of small objects that makes
// the GC sweep and allocate spans, and goroutines started by go statements
// the compiler wraps (a call with arguments, a method call, a method value),
// each reporting its goid and its function's name as the runtime knows it.
// It must build with every Go from 1.15 on.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	fields := strings.Fields(string(buf))
	if len(fields) < 2 {
		return -1
	}
	id, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return -1
	}
	return id
}

// ---- goroutines ----

type spinResult struct {
	Goid int64  `json:"goid"`
	Sum  uint64 `json:"sum"`
}

var (
	spinIters int
	spinOut   chan spinResult
	spinWG    sync.WaitGroup
)

// spin takes no arguments so that `go spin()` makes main.spin itself the
// goroutine's start function (a go statement with arguments gets wrapped in
// a closure on newer Go).
//
//go:noinline
func spin() {
	defer spinWG.Done()
	var x uint64 = 88172645463325252
	for i := 0; i < spinIters; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	spinOut <- spinResult{Goid: goid(), Sum: x}
}

type spinSummary struct {
	Count int     `json:"count"`
	Iters int     `json:"iters"`
	Goids []int64 `json:"goids"`
}

func runSpin(k, iters int) spinSummary {
	spinIters = iters
	spinOut = make(chan spinResult, k)
	before := runtime.NumGoroutine()
	spinWG.Add(k)
	for i := 0; i < k; i++ {
		go spin()
	}
	spinWG.Wait()
	// Done() runs before a goroutine has really exited (runtime.goexit0):
	// wait until the runtime no longer counts them, so that whoever traces
	// goroutine exits has seen every one before the summary says so.
	for i := 0; i < 400 && runtime.NumGoroutine() > before; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	close(spinOut)
	s := spinSummary{Count: k, Iters: iters, Goids: []int64{}}
	for r := range spinOut {
		s.Goids = append(s.Goids, r.Goid)
	}
	return s
}

// ---- wrapped go statements ----

// Since Go 1.17 `go f(x)` and `go obj.m(x)` start the goroutine at a
// closure the compiler made (main.runWrapped.func1, .gowrap1 from 1.22)
// that calls f; `go mv()` of a method value starts at main.(*worker).run-fm.
// Each function reports the name Go's tracebacks give it (runtime.Caller),
// which is the go statement's function, not the wrapper's. `go mv(x)` of a
// method value with arguments calls the closure indirectly from its
// wrapper, so which function runs is not in the code.

type wrapResult struct {
	Kind string `json:"kind"`
	Goid int64  `json:"goid"`
	Func string `json:"func"`
}

type worker struct {
	out chan<- wrapResult
	wg  *sync.WaitGroup
}

func funcName() string {
	pc, _, _, ok := runtime.Caller(1)
	if !ok {
		return ""
	}
	return runtime.FuncForPC(pc).Name()
}

// noinline all: a callee inlined into its wrapper is not named exactly.

//go:noinline
func spinner(i int, wg *sync.WaitGroup, out chan<- wrapResult) {
	defer wg.Done()
	out <- wrapResult{Kind: "func", Goid: goid(), Func: funcName()}
}

//go:noinline
func (w *worker) work(i int) {
	defer w.wg.Done()
	w.out <- wrapResult{Kind: "method", Goid: goid(), Func: funcName()}
}

//go:noinline
func (w *worker) runArg(i int) {
	defer w.wg.Done()
	w.out <- wrapResult{Kind: "method_value_args", Goid: goid(), Func: funcName()}
}

//go:noinline
func (w *worker) run() {
	defer w.wg.Done()
	w.out <- wrapResult{Kind: "method_value", Goid: goid(), Func: funcName()}
}

type wrapSummary struct {
	Count   int          `json:"count"`   // goroutines of each kind
	Results []wrapResult `json:"results"` // one per goroutine
}

func runWrapped(k int) wrapSummary {
	var wg sync.WaitGroup
	out := make(chan wrapResult, 4*k)
	w := &worker{out: out, wg: &wg}
	mv, mva := w.run, w.runArg
	wg.Add(4 * k)
	for i := 0; i < k; i++ {
		go spinner(i, &wg, out)
		go w.work(i)
		go mv()
		go mva(i)
	}
	wg.Wait()
	close(out)
	s := wrapSummary{Count: k, Results: []wrapResult{}}
	for r := range out {
		s.Results = append(s.Results, r)
	}
	return s
}

// ---- parks ----

type parkSummary struct {
	ChanGoid  int64 `json:"chan_goid"`  // parked in a channel receive
	ChanNs    int64 `json:"chan_ns"`    // how long it waited
	SleepGoid int64 `json:"sleep_goid"` // parked in time.Sleep
	SleepNs   int64 `json:"sleep_ns"`   // the duration asked for
}

// runPark parks one goroutine on a channel receive while the main goroutine
// sleeps d, then wakes it.
func runPark(d time.Duration) parkSummary {
	ch := make(chan int)
	res := make(chan parkSummary)
	started := make(chan struct{})
	go func() {
		s := parkSummary{ChanGoid: goid()}
		close(started)
		t := time.Now()
		<-ch
		s.ChanNs = int64(time.Since(t))
		res <- s
	}()
	<-started
	time.Sleep(d)
	ch <- 1
	s := <-res
	s.SleepGoid = goid()
	s.SleepNs = int64(d)
	return s
}

// ---- syscalls ----

type syscallSummary struct {
	Getpid  int   `json:"getpid"`
	Pid     int   `json:"pid"`
	Read    int   `json:"read"`
	ReadLen int   `json:"read_len"`
	Goid    int64 `json:"goid"`
}

func runSyscalls(n int) syscallSummary {
	s := syscallSummary{Goid: goid(), ReadLen: 64}
	for i := 0; i < n; i++ {
		s.Pid = syscall.Getpid()
		s.Getpid++
	}
	fd, err := syscall.Open("/dev/zero", syscall.O_RDONLY, 0)
	if err != nil {
		fatal("open /dev/zero: " + err.Error())
	}
	buf := make([]byte, s.ReadLen)
	for i := 0; i < n; i++ {
		if _, err := syscall.Read(fd, buf); err != nil {
			fatal("read /dev/zero: " + err.Error())
		}
		s.Read++
	}
	syscall.Close(fd)
	return s
}

// ---- heap ----

type node struct {
	next *node
	val  [5]uint64 // 48 bytes in all: a small-object size class
}

type heapSummary struct {
	MB         int    `json:"mb"`
	Objects    int    `json:"objects"`
	ObjectSize int    `json:"object_size"`
	PeakHeap   uint64 `json:"peak_heap_alloc"`
}

var heapRoot *node

// runHeap allocates mb megabytes of small linked objects and keeps them
// alive until the next phase drops them, so the following GCs sweep them.
func runHeap(mb int) heapSummary {
	const size = 48
	s := heapSummary{MB: mb, ObjectSize: size, Objects: mb << 20 / size}
	for i := 0; i < s.Objects; i++ {
		heapRoot = &node{next: heapRoot, val: [5]uint64{uint64(i)}}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.PeakHeap = ms.HeapAlloc
	heapRoot = nil
	return s
}

// ---- driver ----

type gcSummary struct {
	Calls       int    `json:"calls"`         // runtime.GC() calls made
	NumGC       uint32 `json:"num_gc"`        // cycles completed during the run, forced or not
	NumForcedGC uint32 `json:"num_forced_gc"` // cycles forced during the run
}

type summary struct {
	Go       string          `json:"go"`
	Pid      int             `json:"pid"`
	MainGoid int64           `json:"main_goid"`
	Heap     *heapSummary    `json:"heap,omitempty"`
	GC       gcSummary       `json:"gc"`
	Spin     *spinSummary    `json:"spin,omitempty"`
	Wrapped  *wrapSummary    `json:"wrapped,omitempty"`
	Park     *parkSummary    `json:"park,omitempty"`
	Syscalls *syscallSummary `json:"syscalls,omitempty"`
}

func fatal(msg string) {
	os.Stderr.WriteString("workload: " + msg + "\n")
	os.Exit(1)
}

func main() {
	gcs := flag.Int("gc", 3, "call runtime.GC() exactly this many times")
	spins := flag.Int("spin", 4, "goroutines to start at main.spin")
	iters := flag.Int("spin-iters", 1000000, "work loop iterations in each main.spin")
	park := flag.Duration("park", 20*time.Millisecond, "how long main sleeps while a goroutine waits on a channel (0: skip)")
	nsys := flag.Int("syscalls", 1000, "getpid calls, and reads of /dev/zero, each")
	mb := flag.Int("heap", 16, "megabytes of small objects to allocate before the GC phase (0: skip)")
	wrapped := flag.Int("wrapped", 0, "goroutines of each wrapped go statement kind: func(args), obj.method(args), method value, method value(args)")
	waitStdin := flag.Bool("wait-stdin", false, "read a line from stdin before starting (to let a tracer attach)")
	flag.Parse()

	s := summary{Go: runtime.Version(), Pid: os.Getpid(), MainGoid: goid()}
	if *waitStdin {
		os.Stderr.WriteString("workload: ready\n")
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if *mb > 0 {
		h := runHeap(*mb)
		s.Heap = &h
	}
	for i := 0; i < *gcs; i++ {
		runtime.GC()
	}
	if *spins > 0 {
		sp := runSpin(*spins, *iters)
		s.Spin = &sp
	}
	if *wrapped > 0 {
		wr := runWrapped(*wrapped)
		s.Wrapped = &wr
	}
	if *park > 0 {
		p := runPark(*park)
		s.Park = &p
	}
	if *nsys > 0 {
		sc := runSyscalls(*nsys)
		s.Syscalls = &sc
	}
	runtime.ReadMemStats(&after)
	s.GC = gcSummary{Calls: *gcs, NumGC: after.NumGC - before.NumGC,
		NumForcedGC: after.NumForcedGC - before.NumForcedGC}
	out, err := json.Marshal(s)
	if err != nil {
		fatal(err.Error())
	}
	os.Stdout.Write(append(out, '\n'))
}
