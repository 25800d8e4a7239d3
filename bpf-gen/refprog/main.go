// refprog is bpf-gen's reference program: built by every Go toolchain of
// the matrix, with DWARF, it is what the offsets database of that version
// is read from. It links the runtime as every Go program does, plus the
// standard-library packages whose functions bpf-gen/functions.txt lists.
// It is built, never run for its results: the calls below only keep those
// functions reachable so the linker keeps them.
package main

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/ioutil"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"
)

func serve() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		fmt.Fprintln(w, "ok")
	})
	srv := &http.Server{Addr: "127.0.0.1:0", Handler: mux}
	go srv.ListenAndServe()
	go srv.ListenAndServeTLS("cert.pem", "key.pem")
	resp, err := http.Get("http://127.0.0.1:1/")
	if err == nil {
		ioutil.ReadAll(resp.Body)
		resp.Body.Close()
	}
	c, err := tls.Dial("tcp", "127.0.0.1:1", &tls.Config{})
	if err == nil {
		c.Write([]byte("x"))
		buf := make([]byte, 1)
		c.Read(buf)
		c.Close()
	}
	d := net.Dialer{}
	if conn, err := d.DialContext(context.Background(), "tcp", "127.0.0.1:1"); err == nil {
		conn.Close()
	}
	net.DefaultResolver.LookupIPAddr(context.Background(), "localhost")
}

func query() {
	db, err := sql.Open("none", "")
	if err != nil {
		return
	}
	ctx := context.Background()
	if rows, err := db.QueryContext(ctx, "select 1"); err == nil {
		rows.Close()
	}
	db.ExecContext(ctx, "select 1")
	db.QueryRowContext(ctx, "select 1").Scan()
	if tx, err := db.BeginTx(ctx, nil); err == nil {
		tx.Commit()
	}
	db.Close()
}

func other() {
	cmd := exec.Command("true")
	cmd.Run()
	b, _ := json.Marshal(map[string]int{"a": 1})
	var v map[string]int
	json.Unmarshal(b, &v)
	f, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err == nil {
		f.Write(b)
		f.Read(b)
		f.Close()
	}
}

func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	cond := sync.NewCond(&mu)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			cond.Broadcast()
			mu.Unlock()
		}()
	}
	wg.Wait()
	runtime.GC()
	time.Sleep(time.Millisecond)
	// Never true when bpf-gen builds it; the compiler cannot know that.
	if len(os.Args) > 3 && os.Args[1] == "reach" {
		serve()
		query()
		other()
		mu.Lock()
		cond.Wait()
	}
}
