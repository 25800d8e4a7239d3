// Command gcdemo gives `make demo` something to watch: for a bounded time it
// grows and drops a heap, forces a GC now and then, and keeps many
// goroutines busy passing work over channels. It builds with every Go from
// 1.15 on.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

type item struct {
	id    int
	data  []byte
	links [4]*item
}

// grow allocates n items of about size bytes, linked so the GC has to mark.
func grow(n, size int) []*item {
	items := make([]*item, n)
	for i := range items {
		it := &item{id: i, data: make([]byte, size)}
		if i > 0 {
			it.links[i%4] = items[i/2]
		}
		items[i] = it
	}
	return items
}

// worker squares numbers from in, allocating a little per job so the
// goroutines also drive allocation and GC assists.
func worker(in <-chan int, out chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for v := range in {
		buf := make([]int, 16+v%64)
		for i := range buf {
			buf[i] = v * i
		}
		out <- buf[len(buf)-1]
	}
}

func churn(workers, jobs int) int {
	in := make(chan int)
	out := make(chan int, jobs)
	var wg sync.WaitGroup
	wg.Add(workers)
	for i := 0; i < workers; i++ {
		go worker(in, out, &wg)
	}
	for j := 0; j < jobs; j++ {
		in <- j
	}
	close(in)
	wg.Wait()
	close(out)
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}

func main() {
	dur := flag.Duration("d", 5*time.Second, "how long to run")
	gcEvery := flag.Duration("gc-every", time.Second, "force a GC this often")
	workers := flag.Int("workers", 64, "goroutines per work round")
	flag.Parse()

	deadline := time.Now().Add(*dur)
	lastGC := time.Now()
	var keep [][]*item
	rounds, forced := 0, 0
	for time.Now().Before(deadline) {
		// Heap growth: keep a few generations alive, drop the oldest.
		keep = append(keep, grow(20000, 64+rounds%512))
		if len(keep) > 8 {
			keep = keep[1:]
		}
		churn(*workers, 2000)
		if time.Since(lastGC) >= *gcEvery {
			runtime.GC()
			forced++
			lastGC = time.Now()
		}
		rounds++
		time.Sleep(20 * time.Millisecond)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "gcdemo: %s, %d rounds, %d forced GCs, %d GC cycles, heap %d MB\n",
		runtime.Version(), rounds, forced, ms.NumGC, ms.HeapAlloc>>20)
}
