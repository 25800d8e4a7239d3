#!/usr/bin/env python3
"""check_output.py — prove the test programs report what their source says.

    check_output.py args GOVERSION N DEPTH SLEEP_NS < output-of-args-json
    check_output.py workload GOVERSION GC SPIN SYSCALLS HEAP_MB PARK_NS < output-of-workload

Every later test compares gprobe's rows with these programs' own JSON, so
this checks that JSON against values restated here from the source (the
tables in args/main.go and workload/main.go) and recomputes each result
from its arguments independently. Exits 1 with one line per mismatch.
"""
import json
import re
import struct
import sys

errors = []


def fail(msg):
    errors.append(msg)


def expect(what, got, want):
    if got != want:
        fail("%s: got %r, want %r" % (what, got, want))


def wrap(v, bits, signed):
    v &= (1 << bits) - 1
    if signed and v >= 1 << (bits - 1):
        v -= 1 << bits
    return v


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def is_ptr(v):
    return isinstance(v, str) and re.fullmatch(r"0x[0-9a-f]+", v) is not None


def blen(s):
    return len(s.encode("utf-8"))


# ---- args: tables restated from args/main.go ----

I64MIN, I64MAX, U64MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
INT_SETS = [
    dict(i8=-5, u8=200, i16=-300, u16=60000, i32=-70000, u32=4000000000, i64=-5000000000,
         u64=10000000000000000000, i=-42, u=42, up=0xDEADBEEF),
    dict(i8=127, u8=255, i16=32767, u16=65535, i32=2**31 - 1, u32=2**32 - 1, i64=I64MAX,
         u64=U64MAX, i=I64MAX, u=U64MAX, up=U64MAX),
    dict(i8=-128, u8=0, i16=-32768, u16=0, i32=-2**31, u32=0, i64=I64MIN, u64=0, i=I64MIN,
         u=0, up=1),
]
STR_CASES = ["", "go", "0123456789abcdef" * 4, "abcdefghij" * 10,
             "h\u00e9llo, \u4e16\u754c \U0001F30D \"q\"\n\t\\"]
MANY = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -(1 << 40)]

# One iteration's calls, in order.
SEQUENCE = (["main.Ints8", "main.Ints32", "main.IntsNative"] * 3 + ["main.Bools"] * 3 +
            ["main.Floats"] * 2 + ["main.Str"] * 5 + ["main.Str2"] + ["main.Chain"] * 2 +
            ["main.SmallArg"] * 2 + ["main.NestedArg", "main.BigArg", "main.SumSlice",
                                     "main.JoinStrings", "main.Arr3", "main.Arr1",
                                     "main.(*T).M", "main.Tally.Add"] +
            ["main.Multi"] * 2 + ["main.Lookup"] * 2 + ["main.Named", "main.Many"] +
            ["main.UseGlobals"] * 2 + ["main.OnGoroutine", "main.Sleepy", "main.Recurse"])


def check_ints(fn, k, a, r):
    s = INT_SETS[k % 3]
    widths = {"main.Ints8": [("i8", 8, True), ("u8", 8, False), ("i16", 16, True), ("u16", 16, False)],
              "main.Ints32": [("i32", 32, True), ("u32", 32, False), ("i64", 64, True),
                              ("u64", 64, False)],
              "main.IntsNative": [("i", 64, True), ("u", 64, False), ("up", 64, False)]}[fn]
    for j, (key, bits, signed) in enumerate(widths):
        name = "abcd"[j]
        expect("%s#%d arg %s" % (fn, k, name), a.get(name), s[key])
        expect("%s#%d r%d" % (fn, k, j), r.get("r%d" % j), wrap(~s[key], bits, signed))


def check_call(fn, k, it, c, st):
    """k: index of this call among calls of fn in its iteration; it: iteration."""
    a, r, x = c["args"], c["results"], c.get("extra", {})
    w = "%s#%d (iteration %d)" % (fn, k, it)
    if fn in ("main.Ints8", "main.Ints32", "main.IntsNative"):
        check_ints(fn, k, a, r)
    elif fn == "main.Bools":
        case = [(True, False, 3), (False, False, -1), (True, True, 0)][k]
        expect(w + " args", (a["a"], a["b"], a["n"]), case)
        expect(w + " r0", r["r0"], case[0] != case[1] and case[2] >= 0)
    elif fn == "main.Floats":
        case = [(3.25, -1.5, 2), (-0.1, f32(3.4028234663852886e38), 0)][k]
        expect(w + " args", (a["a"], f32(a["b"]), a["n"]), case)
        expect(w + " r0", r["r0"], case[0] * 2 + case[2])
        expect(w + " r1", f32(r["r1"]), f32(case[1] / 2))
    elif fn == "main.Str":
        s = STR_CASES[k]
        expect(w + " s", a["s"], s)
        expect(w + " len(s)", a["len(s)"], blen(s))
        expect(w + " r0", r["r0"], blen(s))
        expect(w + " r1", r["r1"], "<" + s + ">")
    elif fn == "main.Str2":
        expect(w + " args", (a["a"], a["b"]), ("left", STR_CASES[4]))
        expect(w + " r0", r["r0"], a["a"] + "/" + a["b"])
        expect(w + " len(r0)", r["len(r0)"], blen(r["r0"]))
    elif fn == "main.Chain":
        for p in ("o", "o.Mid"):
            if not is_ptr(a[p]) or a[p] == "0x0":
                fail("%s %s: not a non-nil pointer: %r" % (w, p, a[p]))
        if k == 0:
            expect(w + " o.Name", a["o.Name"], "outer")
            expect(w + " o.Mid.ID", a["o.Mid.ID"], 17)
            expect(w + " o.Mid.Leaf.X", a["o.Mid.Leaf.X"], 1000 + it)
            expect(w + " o.Mid.Leaf.Tag", a["o.Mid.Leaf.Tag"], "deep")
            expect(w + " o.Count", a["o.Count"], 3)
            expect(w + " r0", r["r0"], 1000 + it + 17 + 3)
        else:
            expect(w + " o.Name", a["o.Name"], "broken")
            expect(w + " o.Mid.Leaf", a["o.Mid.Leaf"], "0x0")
            expect(w + " o.Mid.Leaf.X", a["o.Mid.Leaf.X"], None)
            expect(w + " r0", r["r0"], -1)
    elif fn == "main.SmallArg":
        case = [(-7, 1 << 40, True), (2**31 - 1, -3, False)][k]
        expect(w + " args", (a["s.A"], a["s.B"], a["s.C"]), case)
        expect(w + " r0", (r["r0.A"], r["r0.B"], r["r0.C"]),
               (wrap(case[0] + 1, 32, True), case[1] * 2, not case[2]))
    elif fn == "main.NestedArg":
        expect(w + " args", (a["n.P.X"], a["n.P.Y"], a["n.Name"], a["n.Ok"]), (-4, 9, "nest", True))
        expect(w + " results", (r["r0"], r["r1"]), ("nest?", 5))
    elif fn == "main.BigArg":
        want = dict(A=1, B=-2, C=3, D=-4, E=5)
        for f, v in want.items():
            expect(w + " b." + f, a["b." + f], v)
        expect(w + " b.F", a["b.F"], [10, 20, 30, 40])
        expect(w + " b.S", a["b.S"], "big")
        expect(w + " r0", r["r0"], sum(want.values()) + 100 + 3)
    elif fn == "main.SumSlice":
        expect(w + " xs", (a["xs"], a["len(xs)"], a["cap(xs)"]), ([-1, 1 << 33, 5], 3, 8))
        expect(w + " r0", r["r0"], (1 << 33) + 4)
    elif fn == "main.JoinStrings":
        ss = ["a", "bc", "", "d\u00e9f"]
        expect(w + " ss", (a["ss"], a["len(ss)"], a["sep"]), (ss, 4, ", "))
        expect(w + " r0", r["r0"], ", ".join(ss))
        expect(w + " len(r0)", r["len(r0)"], blen(", ".join(ss)))
    elif fn == "main.Arr3":
        expect(w + " a", a["a"], [-1, 2, 2**31 - 6])
        expect(w + " r0", r["r0"], wrap(-1 + 2 + 2**31 - 6, 32, True))
    elif fn == "main.Arr1":
        expect(w + " a", a["a"], [-12345678901])
        expect(w + " r0", r["r0"], -12345678901 * 3)
    elif fn == "main.(*T).M":
        if not is_ptr(a["t"]) or a["t"] == "0x0":
            fail(w + " t: not a pointer: %r" % a["t"])
        expect(w + " args", (a["t.Base"], a["t.Name"], a["x"]), (6, "tee", 7))
        expect(w + " r0", r["r0"], 6 * 7 + 3)
    elif fn == "main.Tally.Add":
        expect(w + " args", (a["c.N"], a["c.Step"], a["x"]), (1 << 35, -3, 11))
        expect(w + " r0", r["r0"], (1 << 35) + wrap(11 * -3, 32, True))
    elif fn == "main.Multi":
        case = [(21, "ab", 42, "abab", None), (-1, "x", 0, "", "negative")][k]
        expect(w + " args", (a["a"], a["s"]), case[:2])
        expect(w + " results", (r["r0"], r["r1"], r["r2"]), case[2:])
    elif fn == "main.Lookup":
        case = [("two", 2, True), ("nine", 0, False)][k]
        expect(w + " k", a["k"], case[0])
        expect(w + " results", (r["r0"], r["r1"]), case[1:])
    elif fn == "main.Named":
        expect(w + " args", (a["a"], a["b"]), (40, 58))
        expect(w + " results", (r["r0"], r["r1"], r["sum"], r["diff"]), (98, -18, 98, -18))
    elif fn == "main.Many":
        expect(w + " args", [a["a%d" % i] for i in range(1, 13)], MANY)
        expect(w + " r0", r["r0"], sum(v * (i + 1) for i, v in enumerate(MANY)))
    elif fn == "main.UseGlobals":
        st["globals"] += 1
        kk = k + 1
        gcount, gname, gmax = 7 * st["globals"], "iter-%d-%d" % (it, kk), 100 + it
        expect(w + " k", a["k"], kk)
        expect(w + " globals", (x["main.gcount"], x["main.gname"], x["main.gconf.Name"],
                                x["main.gconf.Limits.Min"], x["main.gconf.Limits.Max"],
                                x["main.gconf.Leaf.X"], x["main.gconf.Leaf.Tag"]),
               (gcount, gname, "conf", -1, gmax, kk, "leaf"))
        expect(w + " r0", r["r0"], gcount + kk + len(gname) + gmax + kk)
    elif fn == "main.OnGoroutine":
        expect(w + " x", a["x"], 12 + it)
        expect(w + " r0", r["r0"], (12 + it) ** 2)
        if c["goid"] == st["main_goid"] or c["goid"] in st["goids"]:
            fail(w + " goid %r is not a fresh goroutine's" % c["goid"])
        st["goids"].add(c["goid"])
    elif fn == "main.Sleepy":
        expect(w + " d", a["d"], st["sleep_ns"])
        if not r["r0"] >= a["d"]:
            fail(w + " slept %r ns, less than %r" % (r["r0"], a["d"]))
    elif fn == "main.Recurse":
        n = st["depth"]
        expect(w + " n", a["n"], n)
        expect(w + " r0", r["r0"], n * (n + 1) // 2)
        expect(w + " calls", x["calls"], n + 1)
        if n >= 1000 and it == 0:  # the grown stack stays grown
            expect(w + " stack_moved", x["stack_moved"], True)
    else:
        fail("unexpected function %r" % fn)
    if fn != "main.OnGoroutine":
        expect(w + " goid", c["goid"], st["main_goid"])


def parse(text):
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except ValueError as e:
            fail("line %d is not JSON (%s): %r" % (i, e, line[:200]))
    return out


def check_version(got, ver):
    if not re.fullmatch(r"go%s(\.\d+)?" % re.escape(ver), got or ""):
        fail("runtime.Version() is %r, built by go%s?" % (got, ver))


def check_args(ver, n, depth, sleep_ns):
    lines = parse(sys.stdin.read())
    if len(lines) < 2:
        fail("only %d lines" % len(lines))
        return
    start, done, calls = lines[0], lines[-1], lines[1:-1]
    expect("first line", start.get("event"), "start")
    expect("last line", done.get("event"), "done")
    check_version(start.get("go"), ver)
    expect("main goid", start.get("goid"), 1)
    expect("calls", [c.get("func") for c in calls], SEQUENCE * n)
    if errors:
        return
    st = dict(main_goid=start["goid"], goids=set(), globals=0, depth=depth, sleep_ns=sleep_ns)
    counts = {}
    per = len(SEQUENCE)
    for i, c in enumerate(calls):
        it = i // per
        seen = [f for f in SEQUENCE[:i % per]].count(c["func"])
        check_call(c["func"], seen, it, c, st)
        counts[c["func"]] = counts.get(c["func"], 0) + 1
    expect("done.iterations", done.get("iterations"), n)
    expect("done.calls", done.get("calls"), counts)


def check_workload(ver, gc, spin, nsys, mb, park_ns):
    lines = parse(sys.stdin.read())
    if len(lines) != 1:
        fail("want one summary line, got %d" % len(lines))
        return
    s = lines[0]
    check_version(s.get("go"), ver)
    main = s.get("main_goid")
    expect("main_goid", main, 1)
    g = s["gc"]
    expect("gc.calls", g["calls"], gc)
    expect("gc.num_forced_gc", g["num_forced_gc"], gc)
    if g["num_gc"] < gc:
        fail("gc.num_gc %d < %d forced" % (g["num_gc"], gc))
    sp = s["spin"]
    expect("spin.count", sp["count"], spin)
    goids = sp["goids"]
    expect("spin goids", len(set(goids)), spin)
    if main in goids or any(not isinstance(x, int) or x <= 0 for x in goids):
        fail("spin goids %r: not fresh goroutines" % goids)
    p = s["park"]
    expect("park.sleep_goid", p["sleep_goid"], main)
    expect("park.sleep_ns", p["sleep_ns"], park_ns)
    if p["chan_goid"] in (main,) or p["chan_goid"] in goids:
        fail("park.chan_goid %r is not a goroutine of its own" % p["chan_goid"])
    if p["chan_ns"] < park_ns // 2:
        fail("park.chan_ns %d: waited less than half the %d ns main slept" % (p["chan_ns"], park_ns))
    sc = s["syscalls"]
    expect("syscalls", (sc["getpid"], sc["read"], sc["pid"], sc["goid"]), (nsys, nsys, s["pid"], main))
    h = s["heap"]
    expect("heap.mb", h["mb"], mb)
    expect("heap.objects", h["objects"], (mb << 20) // h["object_size"])
    if h["peak_heap_alloc"] < h["objects"] * h["object_size"]:
        fail("heap.peak_heap_alloc %d < %d objects of %d bytes" %
             (h["peak_heap_alloc"], h["objects"], h["object_size"]))


def main():
    mode, ver, rest = sys.argv[1], sys.argv[2], [int(v) for v in sys.argv[3:]]
    if mode == "args":
        check_args(ver, *rest)
    elif mode == "workload":
        check_workload(ver, *rest)
    else:
        sys.exit("unknown mode " + mode)
    for e in errors[:50]:
        print("  " + e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
