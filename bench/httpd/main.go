// Command httpd is the bench's net/http program: built stripped
// (-ldflags='-s -w'), it is the binary the time-to-check figures of the
// offsets databases are taken on (bench/bench.py, "Offsets databases").
// Run, it serves N GET requests it makes to itself on a loopback port and
// prints {"mode": "httpd", "requests": N, "ns": …} on stdout, so that a
// spec on net/http.serverHandler.ServeHTTP can also be run on it.
// It builds with every Go from 1.15 on.
package main

import (
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	n := 1
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 0 {
			fmt.Fprintln(os.Stderr, "usage: httpd [REQUESTS]")
			os.Exit(2)
		}
		n = v
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpd:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s\n", r.URL.Path)
	})}
	go srv.Serve(ln)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		resp, err := http.Get(fmt.Sprintf("http://%s/bench/%d", ln.Addr(), i))
		if err != nil {
			fmt.Fprintln(os.Stderr, "httpd:", err)
			os.Exit(1)
		}
		ioutil.ReadAll(resp.Body)
		resp.Body.Close()
	}
	el := time.Since(t0)
	srv.Close()
	out, _ := json.Marshal(map[string]interface{}{"mode": "httpd", "requests": n,
		"ns": el.Nanoseconds()})
	fmt.Println(string(out))
}
