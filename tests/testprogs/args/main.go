// Command args calls functions of every argument and result shape gprobe
// must read (integers of each width, floats, strings, pointers, structs in
// and out of registers, slices, arrays, methods, several results, stack
// spills, globals), with known values, and with -json prints what it passed
// and got back, call by call. It must build with every Go from 1.15 on: no
// generics, no any, no min/max, no API newer than Go 1.15.
package main

import (
	"bufio"
	"errors"
	"flag"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// ---- integers ----

//go:noinline
func Ints8(a int8, b uint8, c int16, d uint16) (int8, uint8, int16, uint16) {
	return ^a, ^b, ^c, ^d
}

//go:noinline
func Ints32(a int32, b uint32, c int64, d uint64) (int32, uint32, int64, uint64) {
	return ^a, ^b, ^c, ^d
}

//go:noinline
func IntsNative(a int, b uint, c uintptr) (int, uint, uintptr) {
	return ^a, ^b, ^c
}

type intSet struct {
	i8  int8
	u8  uint8
	i16 int16
	u16 uint16
	i32 int32
	u32 uint32
	i64 int64
	u64 uint64
	i   int
	u   uint
	up  uintptr
}

// Small negatives and odd values, then every maximum, then every minimum.
var intSets = []intSet{
	{-5, 200, -300, 60000, -70000, 4000000000, -5000000000, 10000000000000000000, -42, 42, 0xdeadbeef},
	{math.MaxInt8, math.MaxUint8, math.MaxInt16, math.MaxUint16, math.MaxInt32, math.MaxUint32,
		math.MaxInt64, math.MaxUint64, math.MaxInt64, math.MaxUint64, ^uintptr(0)},
	{math.MinInt8, 0, math.MinInt16, 0, math.MinInt32, 0, math.MinInt64, 0, math.MinInt64, 0, 1},
}

// ---- bool, floats ----

//go:noinline
func Bools(a, b bool, n int8) bool {
	return a != b && n >= 0
}

//go:noinline
func Floats(a float64, b float32, n int) (float64, float32) {
	return a*2 + float64(n), b / 2
}

// ---- strings ----

//go:noinline
func Str(s string) (int, string) {
	return len(s), "<" + s + ">"
}

//go:noinline
func Str2(a, b string) string {
	return a + "/" + b
}

var strCases = []string{
	"",
	"go",
	strings.Repeat("0123456789abcdef", 4), // exactly 64 bytes
	strings.Repeat("abcdefghij", 10),      // 100 bytes, longer than 64
	"héllo, 世界 🌍 \"q\"\n\t\\",
}

// ---- pointers to nested structs ----

type Leaf struct {
	X   int64
	Tag string
}

type Mid struct {
	ID   int32
	Leaf *Leaf
	Pad  [2]uint16
}

type Outer struct {
	Name  string
	Mid   *Mid
	Count uint16
}

// Chain reads through two pointers: o.Mid.Leaf.X.
//
//go:noinline
func Chain(o *Outer) int64 {
	if o == nil || o.Mid == nil || o.Mid.Leaf == nil {
		return -1
	}
	return o.Mid.Leaf.X + int64(o.Mid.ID) + int64(o.Count)
}

// ---- structs by value ----

// Small is split across three integer registers on the register ABI.
type Small struct {
	A int32
	B int64
	C bool
}

//go:noinline
func SmallArg(s Small) Small {
	return Small{A: s.A + 1, B: s.B * 2, C: !s.C}
}

type Point struct{ X, Y int32 }

// Nested has a nested struct and a string: five registers.
type Nested struct {
	P    Point
	Name string
	Ok   bool
}

//go:noinline
func NestedArg(n Nested) (string, int32) {
	return n.Name + "?", n.P.X + n.P.Y
}

// Big holds an array of more than one element, so it never goes in
// registers.
type Big struct {
	A, B, C, D, E int64
	F             [4]int64
	S             string
}

//go:noinline
func BigArg(b Big) int64 {
	sum := b.A + b.B + b.C + b.D + b.E + int64(len(b.S))
	for _, v := range b.F {
		sum += v
	}
	return sum
}

// ---- slices, arrays ----

//go:noinline
func SumSlice(xs []int64) int64 {
	var s int64
	for _, v := range xs {
		s += v
	}
	return s
}

//go:noinline
func JoinStrings(ss []string, sep string) string {
	return strings.Join(ss, sep)
}

//go:noinline
func Arr3(a [3]int32) int32 {
	return a[0] + a[1] + a[2]
}

//go:noinline
func Arr1(a [1]int64) int64 {
	return a[0] * 3
}

// ---- methods ----

type T struct {
	Base int64
	Name string
}

//go:noinline
func (t *T) M(x int) int {
	return int(t.Base)*x + len(t.Name)
}

type Tally struct {
	N    int64
	Step int32
}

//go:noinline
func (c Tally) Add(x int32) int64 {
	return c.N + int64(x*c.Step)
}

// ---- several results, named results ----

//go:noinline
func Multi(a int, s string) (int, string, error) {
	if a < 0 {
		return 0, "", errors.New("negative")
	}
	return a * 2, s + s, nil
}

var table = map[string]int{"one": 1, "two": 2}

//go:noinline
func Lookup(k string) (int, bool) {
	v, ok := table[k]
	return v, ok
}

//go:noinline
func Named(a, b int) (sum int, diff int) {
	sum = a + b
	diff = a - b
	return
}

// Many has more integer arguments than the register ABI's nine registers,
// so a10..a12 go on the stack.
//
//go:noinline
func Many(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12 int) int {
	return a1*1 + a2*2 + a3*3 + a4*4 + a5*5 + a6*6 + a7*7 + a8*8 + a9*9 + a10*10 + a11*11 + a12*12
}

// ---- package variables ----

type Limits struct{ Min, Max int32 }

type GConf struct {
	Name   string
	Limits Limits
	Leaf   *Leaf
}

var (
	gconf  = GConf{Name: "conf", Limits: Limits{Min: -1, Max: 100}, Leaf: &Leaf{X: 7, Tag: "leaf"}}
	gcount int
	gname  = "start"
)

//go:noinline
func UseGlobals(k int) int {
	return gcount + k + len(gname) + int(gconf.Limits.Max) + int(gconf.Leaf.X)
}

func globals() []interface{} {
	return []interface{}{"main.gconf", gconf, "main.gcount", gcount, "main.gname", gname}
}

// ---- goroutines, latency, recursion ----

//go:noinline
func OnGoroutine(x int) int {
	return x * x
}

// Sleepy sleeps d and returns how long it really slept, for $latency.
//
//go:noinline
func Sleepy(d time.Duration) time.Duration {
	start := time.Now()
	time.Sleep(d)
	return time.Since(start)
}

//go:noinline
func touch(p *[128]byte, n int) int {
	p[n%128] = byte(n)
	return int(p[(n+1)%128])
}

// Recurse returns n + (n-1) + ... + 0. Its 128-byte frame makes a deep
// recursion grow (and so move) the goroutine stack many times.
//
//go:noinline
func Recurse(n int) int {
	if n <= 0 {
		return 0
	}
	var pad [128]byte
	return n + Recurse(n-1) + touch(&pad, n)
}

var stackMark uintptr

// RecurseTop reports whether the stack moved during the recursion by
// comparing the address of a local before and after.
//
//go:noinline
func RecurseTop(n int) (int, bool) {
	var local int
	before := uintptr(unsafe.Pointer(&local))
	r := Recurse(n)
	stackMark = uintptr(unsafe.Pointer(&local))
	return r, stackMark != before
}

// ---- driver ----

type driver struct {
	iter    int
	gid     int64
	only    map[string]bool
	sleepFn time.Duration
	depth   int
}

func (d *driver) want(fn string) bool {
	return len(d.only) == 0 || d.only[fn]
}

func (d *driver) ints() {
	for _, s := range intSets {
		if d.want("main.Ints8") {
			r0, r1, r2, r3 := Ints8(s.i8, s.u8, s.i16, s.u16)
			call("main.Ints8", d.gid, []interface{}{"a", s.i8, "b", s.u8, "c", s.i16, "d", s.u16},
				[]interface{}{"r0", r0, "r1", r1, "r2", r2, "r3", r3})
		}
		if d.want("main.Ints32") {
			r0, r1, r2, r3 := Ints32(s.i32, s.u32, s.i64, s.u64)
			call("main.Ints32", d.gid, []interface{}{"a", s.i32, "b", s.u32, "c", s.i64, "d", s.u64},
				[]interface{}{"r0", r0, "r1", r1, "r2", r2, "r3", r3})
		}
		if d.want("main.IntsNative") {
			r0, r1, r2 := IntsNative(s.i, s.u, s.up)
			call("main.IntsNative", d.gid, []interface{}{"a", s.i, "b", s.u, "c", s.up},
				[]interface{}{"r0", r0, "r1", r1, "r2", r2})
		}
	}
}

func (d *driver) scalars() {
	bools := []struct {
		a, b bool
		n    int8
	}{{true, false, 3}, {false, false, -1}, {true, true, 0}}
	for _, c := range bools {
		if d.want("main.Bools") {
			r := Bools(c.a, c.b, c.n)
			call("main.Bools", d.gid, []interface{}{"a", c.a, "b", c.b, "n", c.n}, []interface{}{"r0", r})
		}
	}
	floats := []struct {
		a float64
		b float32
		n int
	}{{3.25, -1.5, 2}, {-0.1, math.MaxFloat32, 0}}
	for _, c := range floats {
		if d.want("main.Floats") {
			r0, r1 := Floats(c.a, c.b, c.n)
			call("main.Floats", d.gid, []interface{}{"a", c.a, "b", c.b, "n", c.n},
				[]interface{}{"r0", r0, "r1", r1})
		}
	}
}

func (d *driver) strs() {
	for _, s := range strCases {
		if d.want("main.Str") {
			r0, r1 := Str(s)
			call("main.Str", d.gid, []interface{}{"s", s}, []interface{}{"r0", r0, "r1", r1})
		}
	}
	if d.want("main.Str2") {
		a, b := "left", strCases[4]
		r := Str2(a, b)
		call("main.Str2", d.gid, []interface{}{"a", a, "b", b}, []interface{}{"r0", r})
	}
}

var (
	outer    = &Outer{Name: "outer", Mid: &Mid{ID: 17, Leaf: &Leaf{X: 1000, Tag: "deep"}, Pad: [2]uint16{1, 2}}, Count: 3}
	outerNil = &Outer{Name: "broken", Mid: &Mid{ID: 5}, Count: 9}
)

func (d *driver) structs() {
	outer.Mid.Leaf.X = int64(1000 + d.iter)
	for _, o := range []*Outer{outer, outerNil} {
		if d.want("main.Chain") {
			r := Chain(o)
			call("main.Chain", d.gid, []interface{}{"o", o}, []interface{}{"r0", r})
		}
	}
	for _, s := range []Small{{A: -7, B: 1 << 40, C: true}, {A: math.MaxInt32, B: -3, C: false}} {
		if d.want("main.SmallArg") {
			r := SmallArg(s)
			call("main.SmallArg", d.gid, []interface{}{"s", s}, []interface{}{"r0", r})
		}
	}
	if d.want("main.NestedArg") {
		n := Nested{P: Point{X: -4, Y: 9}, Name: "nest", Ok: true}
		r0, r1 := NestedArg(n)
		call("main.NestedArg", d.gid, []interface{}{"n", n}, []interface{}{"r0", r0, "r1", r1})
	}
	if d.want("main.BigArg") {
		b := Big{A: 1, B: -2, C: 3, D: -4, E: 5, F: [4]int64{10, 20, 30, 40}, S: "big"}
		r := BigArg(b)
		call("main.BigArg", d.gid, []interface{}{"b", b}, []interface{}{"r0", r})
	}
}

func (d *driver) aggregates() {
	if d.want("main.SumSlice") {
		xs := make([]int64, 3, 8)
		xs[0], xs[1], xs[2] = -1, 1<<33, 5
		r := SumSlice(xs)
		call("main.SumSlice", d.gid, []interface{}{"xs", xs}, []interface{}{"r0", r})
	}
	if d.want("main.JoinStrings") {
		ss := []string{"a", "bc", "", "déf"}
		r := JoinStrings(ss, ", ")
		call("main.JoinStrings", d.gid, []interface{}{"ss", ss, "sep", ", "}, []interface{}{"r0", r})
	}
	if d.want("main.Arr3") {
		a := [3]int32{-1, 2, math.MaxInt32 - 5}
		r := Arr3(a)
		call("main.Arr3", d.gid, []interface{}{"a", a}, []interface{}{"r0", r})
	}
	if d.want("main.Arr1") {
		a := [1]int64{-12345678901}
		r := Arr1(a)
		call("main.Arr1", d.gid, []interface{}{"a", a}, []interface{}{"r0", r})
	}
}

var tval = &T{Base: 6, Name: "tee"}

func (d *driver) methods() {
	if d.want("main.(*T).M") {
		r := tval.M(7)
		call("main.(*T).M", d.gid, []interface{}{"t", tval, "x", 7}, []interface{}{"r0", r})
	}
	if d.want("main.Tally.Add") {
		c := Tally{N: 1 << 35, Step: -3}
		r := c.Add(11)
		call("main.Tally.Add", d.gid, []interface{}{"c", c, "x", int32(11)}, []interface{}{"r0", r})
	}
}

func (d *driver) results() {
	for _, c := range []struct {
		a int
		s string
	}{{21, "ab"}, {-1, "x"}} {
		if d.want("main.Multi") {
			r0, r1, r2 := Multi(c.a, c.s)
			call("main.Multi", d.gid, []interface{}{"a", c.a, "s", c.s},
				[]interface{}{"r0", r0, "r1", r1, "r2", r2})
		}
	}
	for _, k := range []string{"two", "nine"} {
		if d.want("main.Lookup") {
			r0, r1 := Lookup(k)
			call("main.Lookup", d.gid, []interface{}{"k", k}, []interface{}{"r0", r0, "r1", r1})
		}
	}
	if d.want("main.Named") {
		sum, diff := Named(40, 58)
		call("main.Named", d.gid, []interface{}{"a", 40, "b", 58},
			[]interface{}{"r0", sum, "r1", diff, "sum", sum, "diff", diff})
	}
	if d.want("main.Many") {
		a := []int{1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -1 << 40}
		r := Many(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11])
		args := make([]interface{}, 0, 24)
		for i, v := range a {
			args = append(args, "a"+strconv.Itoa(i+1), v)
		}
		call("main.Many", d.gid, args, []interface{}{"r0", r})
	}
}

func (d *driver) globals() {
	for k := 1; k <= 2; k++ {
		gcount += 7
		gname = "iter-" + strconv.Itoa(d.iter) + "-" + strconv.Itoa(k)
		gconf.Limits.Max = int32(100 + d.iter)
		gconf.Leaf.X = int64(k)
		if d.want("main.UseGlobals") {
			g := globals()
			r := UseGlobals(k)
			call("main.UseGlobals", d.gid, []interface{}{"k", k}, []interface{}{"r0", r}, g...)
		}
	}
}

func (d *driver) others() {
	if d.want("main.OnGoroutine") {
		done := make(chan struct{})
		go func() {
			x := 12 + d.iter
			r := OnGoroutine(x)
			call("main.OnGoroutine", goid(), []interface{}{"x", x}, []interface{}{"r0", r})
			close(done)
		}()
		<-done
	}
	if d.want("main.Sleepy") {
		r := Sleepy(d.sleepFn)
		call("main.Sleepy", d.gid, []interface{}{"d", d.sleepFn}, []interface{}{"r0", r})
	}
	if d.want("main.Recurse") {
		r, moved := RecurseTop(d.depth)
		call("main.Recurse", d.gid, []interface{}{"n", d.depth}, []interface{}{"r0", r},
			"calls", d.depth+1, "stack_moved", moved)
	}
}

func main() {
	n := flag.Int("n", 1, "iterations")
	sleep := flag.Duration("sleep", 0, "pause between iterations")
	waitStdin := flag.Bool("wait-stdin", false, "read a line from stdin before starting (to let a tracer attach)")
	flag.BoolVar(&jsonOut, "json", false, "print one JSON line per call")
	only := flag.String("only", "", "comma-separated functions to call (e.g. main.Ints8,main.Recurse); default all")
	sleepFn := flag.Duration("sleep-fn", 5*time.Millisecond, "how long main.Sleepy sleeps")
	depth := flag.Int("depth", 1000, "recursion depth of main.Recurse")
	flag.Parse()

	d := &driver{gid: goid(), only: map[string]bool{}, sleepFn: *sleepFn, depth: *depth}
	for _, f := range strings.Split(*only, ",") {
		if f != "" {
			d.only[f] = true
		}
	}
	event("start", "pid", os.Getpid(), "goid", d.gid, "go", goVersion())
	if *waitStdin {
		event("ready")
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
	for d.iter = 0; d.iter < *n; d.iter++ {
		if d.iter > 0 && *sleep > 0 {
			time.Sleep(*sleep)
		}
		d.ints()
		d.scalars()
		d.strs()
		d.structs()
		d.aggregates()
		d.methods()
		d.results()
		d.globals()
		d.others()
	}
	event("done", "iterations", *n, "calls", counts)
	if !jsonOut {
		os.Stdout.WriteString("args: " + strconv.Itoa(*n) + " iterations done\n")
	}
}
