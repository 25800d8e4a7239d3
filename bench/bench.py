#!/usr/bin/env python3
"""bench.py — measure gprobe against the kernel's floor and bpftrace, and
write bench/README.md. Run through bench/run.sh, which builds what this
needs and passes the paths; see bench/README.md for the method.

Every figure is taken against a baseline measured in the same invocation,
and configurations are interleaved round by round, so that a machine that
slows down (other jobs) slows every configuration of a round alike.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

from report import write_report

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")


# ---- running one traced or untraced target ------------------------------

class Run:
    """One run: the target's report, its start time, the tracer's usage."""

    def __init__(self):
        self.report = None
        self.start_ns = None
        self.spawn_ns = None
        self.exit_ns = None
        self.lines = []          # (arrival Unix ns, stream, text)
        self.rusage = None
        self.status = None
        self.bpf = None          # (run_cnt, run_time_ns) of the run's BPF programs


def _reader(run, stream, name, hooks):
    buf = b""
    while True:
        try:
            chunk = os.read(stream, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            _line(run, name, line.decode(errors="replace"), hooks)
    if buf:
        _line(run, name, buf.decode(errors="replace"), hooks)


def _line(run, name, text, hooks):
    now = time.time_ns()
    run.lines.append((now, name, text))
    # the target's lines may be glued to others' without a newline (pty)
    for m in re.finditer(r'\{"start_ns": (\d+)\}', text):
        run.start_ns = int(m.group(1))
        if hooks.get("started"):
            hooks["started"](run)
    for m in re.finditer(r'\{[^{}]*"mode":[^{}]*\}', text):
        run.report = json.loads(m.group(0))
        if hooks.get("reported"):
            hooks["reported"](run)


def bpf_prog_ids():
    try:
        out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True,
                             text=True, timeout=20).stdout
        return {p["id"]: p for p in json.loads(out or "[]")}
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


def run_cmd(cmd, env=None, pty=False, hooks=None, bpf_stats=False, timeout=300):
    """Run cmd; the target inside prints its report on stdout and start on stderr."""
    run = Run()
    hooks = dict(hooks or {})
    before = bpf_prog_ids() if bpf_stats else None
    if bpf_stats:
        def grab(run):
            progs = bpf_prog_ids()
            new = [p for i, p in progs.items() if i not in before and p.get("run_cnt")]
            run.bpf = (sum(p["run_cnt"] for p in new), sum(p.get("run_time_ns", 0) for p in new),
                       sorted(p.get("name", "?") for p in new))
        prev = hooks.get("reported")
        hooks["reported"] = (lambda r: (prev(r), grab(r))) if prev else grab
    if pty:
        master, slave = os.openpty()
        out_w = slave
    else:
        master, out_w = os.pipe()
    err_r, err_w = os.pipe()
    run.spawn_ns = time.time_ns()
    p = subprocess.Popen(cmd, stdout=out_w, stderr=err_w, stdin=subprocess.DEVNULL,
                         env=dict(os.environ, **(env or {})))
    run.proc = p
    os.close(out_w)
    os.close(err_w)
    readers = [threading.Thread(target=_reader, args=(run, master, "out", hooks)),
               threading.Thread(target=_reader, args=(run, err_r, "err", hooks))]
    for r in readers:
        r.start()
    deadline = time.time() + timeout
    while True:
        pid, status, rusage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.time() > deadline:
            if hooks.get("resume"):
                hooks["resume"]()
            p.kill()
            pid, status, rusage = os.wait4(p.pid, 0)
            status = -1
            break
        time.sleep(0.005)
    run.exit_ns = time.time_ns()
    p.returncode = 0
    if hooks.get("resume"):
        hooks["resume"]()
    for r in readers:
        r.join(10)
    os.close(master)
    os.close(err_r)
    run.status = os.waitstatus_to_exitcode(status) if status != -1 else -1
    run.rusage = rusage
    return run


def stderr_text(run):
    return "\n".join(t for _, s, t in run.lines if s == "err")


def summary_counts(run):
    """gprobe's exit summary: rows and drops."""
    m = re.search(r"gprobe: (\d+) rows \(.*?\), (\d+) dropped", stderr_text(run))
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def timings(run):
    """GPROBE_TIMING lines: stage -> ms, and the Unix ns each stage ended."""
    ms, done = {}, {}
    for _, s, t in run.lines:
        m = re.search(r"gprobe: timing: (\S+)\s+([\d.]+) ms, done at (\d+)", t)
        if m:
            ms[m.group(1)] = float(m.group(2))
            done[m.group(1)] = int(m.group(3))
        m = re.search(r"gprobe: timing: main at (\d+)", t)
        if m:
            done["main"] = int(m.group(1))
    return ms, done


# ---- the benchmark ----------------------------------------------------------

class Bench:
    def __init__(self, a):
        self.a = a
        self.g = a.gprobe
        self.t = a.target
        self.work = a.workdir
        self.out = {}
        self.notes = []
        self.t0 = time.time()
        # gprobe's object cache for this run only: a "repeated run" loads
        # the object this run compiled, never one left by an earlier run
        os.environ["GPROBE_CACHE_DIR"] = os.path.join(self.work, "objcache")
        self.goid_off = self.goid_offset()
        self.probe_off, self.ret_offs = self.probe_offsets()
        self.out["insns"] = self.disassemble()

    def log(self, msg):
        print(f"[{time.time() - self.t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    def goid_offset(self):
        out = subprocess.run([self.g, "inspect", self.t, "runtime.g"], capture_output=True,
                             text=True).stdout
        m = re.search(r"\+0x([0-9a-f]+)\s+goid\s", out)
        return int(m.group(1), 16) if m else 152

    def probe_offsets(self):
        spec = os.path.join(BENCH, "specs", "ret_latency.yaml")
        out = subprocess.run([self.g, "check", spec, "-e", self.t], capture_output=True,
                             text=True).stdout
        self.check_out = out
        entry = re.search(r"entry 0x([0-9a-f]+) \(main\.work\+0x([0-9a-f]+)", out)
        rets = re.findall(r"ret\s+0x[0-9a-f]+ \(main\.work\+0x([0-9a-f]+)\)", out)
        if not entry or not rets:
            sys.exit("bench: cannot read main.work's probe addresses from 'gprobe check':\n" + out)
        self.work_addr = int(entry.group(1), 16) - int(entry.group(2), 16)
        return int(entry.group(2), 16), [int(r, 16) for r in rets]

    def disassemble(self):
        """The instructions at main.work+0 and at gprobe's entry address, as
        objdump decodes them: the two places section 1 probes."""
        lo, hi = self.work_addr, self.work_addr + self.probe_off + 16
        r = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-M", "intel",
                            f"--start-address={lo:#x}", f"--stop-address={hi:#x}", self.t],
                           capture_output=True, text=True)
        insns = {}
        for line in r.stdout.splitlines():
            m = re.match(r"\s*([0-9a-f]+):\s+(.+)$", line)
            if m:
                insns[int(m.group(1), 16) - lo] = " ".join(m.group(2).split())
        return {off: insns.get(off) for off in (0, self.probe_off)}

    def bt(self, name, dst=None):
        src = open(os.path.join(BENCH, "bpftrace", name)).read()
        src = src.replace("@BIN@", self.t).replace("@GOID_OFF@", str(self.goid_off))
        dst = dst or os.path.join(self.work, name)
        with open(dst, "w") as f:
            f.write(src)
        return dst

    def spec(self, name):
        return os.path.join(BENCH, "specs", name)

    def gprobe(self, specs, fmt_="json", out="/dev/null", extra=()):
        cmd = [self.g, "run"] + list(specs) + ["-f", fmt_]
        if out:
            cmd += ["-o", out]
        return cmd + list(extra) + ["--"]

    def bpftrace(self, script):
        return ["bpftrace", "-o", "/dev/null", script, "-c"]

    def floor(self, prog, offs):
        return [self.a.floor, self.a.floor_obj, prog, self.t, "main.work",
                ",".join(hex(o) for o in offs), "--"]

    # -- 1. per-call overhead --

    def per_call(self):
        n, nu, reps = self.a.calls, self.a.calls_untraced, self.a.reps
        hold = ["-hold", "400"]
        tgt = lambda k: [self.t] + hold + ["calls", str(k)]
        bt = lambda s: self.bpftrace(self.bt(s)) + [" ".join(tgt(n))]
        po = self.probe_off
        cfgs = [
            ("untraced", "untraced", [self.t, "calls", str(nu)], {}),
            ("floor_entry", "floor: empty BPF program at main.work+0 (first instruction)",
             self.floor("empty", [0]) + tgt(n), {}),
            ("floor", f"floor: empty BPF program at main.work+{po:#x} (gprobe's entry address)",
             self.floor("empty", [po]) + tgt(n), {}),
            ("floor_ret", "floor: empty BPF program at gprobe's return-probe addresses "
             f"(+{po:#x} and every RET: " + ", ".join(f"+{r:#x}" for r in self.ret_offs) + ")",
             self.floor("empty", [po] + self.ret_offs) + tgt(n), {}),
            ("gprobe0", "gprobe, 0 columns (implicit time_ns, pid, goid)",
             self.gprobe([self.spec("calls0.yaml")]) + tgt(n), {}),
            ("gprobe3", "gprobe, 3 columns (2 ints, a string)",
             self.gprobe([self.spec("calls3.yaml")]) + tgt(n), {}),
            ("gprobe8", "gprobe, 8 columns (ints, 2 strings, a path through 2 pointers)",
             self.gprobe([self.spec("calls8.yaml")]) + tgt(n), {}),
            ("gprobe_ret", "gprobe, return probe with $latency",
             self.gprobe([self.spec("ret_latency.yaml")]) + tgt(n), {}),
            ("bpftrace0", "bpftrace, empty probe (at the first instruction)", bt("calls0.bt"), {}),
            ("bpftrace3", "bpftrace, the 3 columns via reg()", bt("calls3.bt"), {}),
            ("bpftrace8", "bpftrace, the 8 columns via reg() and pointer reads", bt("calls8.bt"), {}),
            ("bpftrace_ret", "bpftrace, uprobe + uretprobe with latency", bt("ret_latency.bt"), {}),
            ("diag_paused", "diagnostic: gprobe 3 columns with its consumer stopped (SIGSTOP) "
             "while the target runs", self.gprobe([self.spec("calls3.yaml")]) + tgt(n),
             {"pause": True}),
            ("diag_rb_wake", "diagnostic: floor + 120-byte ring-buffer record, default wakeup",
             self.floor("rb_wake", [po]) + tgt(n), {}),
            ("diag_rb_nowake", "diagnostic: floor + 120-byte record, BPF_RB_NO_WAKEUP",
             self.floor("rb_nowake", [po]) + tgt(n), {}),
            ("diag_rb_adaptive", "diagnostic: floor + 120-byte record, wakeup only past 1 MiB queued",
             self.floor("rb_adaptive", [po]) + tgt(n), {}),
        ]
        res = {c[0]: [] for c in cfgs}
        cpu = {c[0]: [] for c in cfgs}
        bpf = {c[0]: [] for c in cfgs}
        for r in range(reps):
            self.log(f"per-call overhead: round {r + 1}/{reps}")
            for key, _, cmd, opt in cfgs:
                hooks = {}
                if opt.get("pause"):
                    hooks = self.pause_hooks()
                run = run_cmd(cmd, hooks=hooks, bpf_stats=key != "untraced")
                if not run.report or run.status != 0:
                    self.note_fail(f"per-call {key}", run)
                    res[key].append(None)
                    cpu[key].append(None)
                    continue
                res[key].append(run.report["ns_per_call"])
                cpu[key].append(run.report.get("cpu_ns_per_call"))
                if run.bpf and run.bpf[0]:
                    bpf[key].append(run.bpf[1] / (run.report["n"]))
        self.out["per_call"] = {"cfgs": [(k, d) for k, d, _, _ in cfgs], "ns": res, "cpu": cpu,
                                "bpf": bpf,
                                "n": n, "nu": nu}
        self.out["bt_offset"] = self.bpftrace_offset()

    def bpftrace_offset(self):
        """Whether this bpftrace can probe where gprobe does (main.work+off):
        its bpftrace rows are all at the first instruction; this says why."""
        probe = f"uprobe:{self.t}:main.work+{self.probe_off}"
        run = run_cmd(["bpftrace", "-e", probe + " { }", "-c", f"{self.t} calls 1"], timeout=60)
        err = [l.strip() for l in stderr_text(run).splitlines()
               if l.strip() and not l.startswith("{") and "Attaching" not in l
               and "RLIMIT_MEMLOCK" not in l]
        return {"probe": f"main.work+{self.probe_off}", "ok": run.status == 0 and bool(run.report),
                "err": (err[0] if err else f"status {run.status}").replace(self.t, "bench/target")}

    @staticmethod
    def pause_hooks():
        """Stop the tracer once the target runs, continue it once the target reported."""
        state = {"lock": threading.Lock()}

        def started(run):
            with state["lock"]:
                os.kill(run.proc.pid, signal.SIGSTOP)
                state["pid"] = run.proc.pid

        def resume(run=None):
            with state["lock"]:
                pid = state.pop("pid", None)
                if pid:
                    state["resumed_ns"] = time.time_ns()
                    os.kill(pid, signal.SIGCONT)
        return {"started": started, "reported": resume, "resume": resume, "state": state}

    def note_fail(self, what, run):
        err = stderr_text(run).strip().splitlines()
        crash = [l for l in err if re.match(r"(SIG[A-Z]+:|PC=|fatal error|panic:|runtime: .*unknown pc)", l)]
        if crash:
            self.notes.append(f"{what}: the target crashed: " + " / ".join(crash[:3]))
            return
        err = [l for l in err if not l.startswith("libbpf:") and "RLIMIT_MEMLOCK" not in l]
        self.notes.append(f"{what}: failed (status {run.status}): " + " / ".join(err[-3:]))

    # -- 2. time to attach, 4. memory --

    def pack_loads(self, packs):
        r = subprocess.run([self.g, "check"] + packs + ["-e", self.t], capture_output=True,
                           text=True)
        if r.returncode != 0:
            first = [l for l in r.stderr.splitlines() if "error" in l][:2]
            return False, " / ".join(first) or r.stderr.strip()[:200], None
        return True, "", r.stdout

    def bpftrace_equivalent(self, check_out, name):
        """A bpftrace script with the same probes and as many values per probe."""
        probes = []
        for m in re.finditer(r"^probe (\S+): (\S+) at (entry|return)\n((?:  .*\n?)*)", check_out,
                             re.M):
            ncols = len(re.findall(r"^  column ", m.group(4), re.M))
            probes.append((m.group(2), m.group(3), ncols))
        regs = ["ax", "bx", "cx", "di", "si", "r8", "r9", "r10", "r11"]
        lines = [f"// generated by bench/bench.py: the probes of {name}, each printing as many\n"
                 "// register values as the gprobe probe has columns (plus time, pid, goid);\n"
                 "// return probes become entry uprobes (see below)."]
        for fn, at, ncols in probes:
            vals = [f'reg("{regs[i % len(regs)]}")' for i in range(min(ncols, 12))]
            fmt_ = " ".join(["%lld"] * (3 + len(vals)))
            args = ", ".join(["nsecs", "pid", f'*(int64 *)(reg("r14") + {self.goid_off})'] + vals)
            # a uretprobe would kill the Go target (SIGILL in the trampoline): for
            # the time to attach a uprobe on the same function is as good
            lines.append(f'uprobe:{self.t}:"{fn}" {{ printf("{fmt_}\\n", {args}); }}')
        path = os.path.join(self.work, f"{name}.bt")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path, len(probes)

    def attach(self):
        reps = self.a.reps_attach
        tgt = [self.t, "calls", "1"]
        cases = [("one probe", [self.spec("calls3.yaml")], self.bt("calls3.bt"))]
        packs = {"gc": os.path.join(ROOT, "specs", "gc.yaml"),
                 "sched": os.path.join(ROOT, "specs", "sched.yaml")}
        self.pack_ok = {}
        for name, path in list(packs.items()) + [("gc+sched", None)]:
            specs = [path] if path else [packs["gc"], packs["sched"]]
            if not all(os.path.exists(s) for s in specs):
                self.notes.append(f"{name} pack: not in the tree; skipped")
                continue
            ok, why, check_out = self.pack_loads(specs)
            self.pack_ok[name] = ok
            if not ok:
                self.notes.append(f"{name} pack does not load on the bench target yet; "
                                  f"skipped: {why}")
                continue
            bt, nprobes = self.bpftrace_equivalent(check_out, name.replace("+", "_"))
            cases.append((f"{name} pack", specs, bt))
        # one compile of each case fills this run's object cache, so every
        # "gprobe" (repeated run) below loads an object and none compiles
        for _, specs, _ in cases:
            subprocess.run([self.g, "compile"] + specs + ["-e", self.t, "-o", os.devnull],
                           capture_output=True)
        res = {}
        base, base_rss = [], []
        for r in range(reps):
            self.log(f"time to attach: round {r + 1}/{reps}")
            run = run_cmd(tgt)
            base.append((run.start_ns - run.spawn_ns) / 1e6 if run.start_ns else None)
            base_rss.append(run.rusage.ru_maxrss / 1024)
            for name, specs, bt in cases:
                for tool, cmd, env in (
                        ("gprobe", self.gprobe(specs) + tgt, {"GPROBE_TIMING": "1"}),
                        # The first run of a spec on a binary compiles; later
                        # runs load the object cached under a hash of the C.
                        ("gprobe-cold", self.gprobe(specs) + tgt,
                         {"GPROBE_TIMING": "1", "GPROBE_NO_CACHE": "1"}),
                        ("bpftrace", self.bpftrace(bt) + [" ".join(tgt)], {})):
                    run = run_cmd(cmd, env=env)
                    d = res.setdefault((name, tool), {"ready": [], "rss": [], "stages": [],
                                                      "cpu": []})
                    if not run.start_ns or run.status != 0:
                        self.note_fail(f"attach {name} {tool}", run)
                        continue
                    d["ready"].append((run.start_ns - run.spawn_ns) / 1e6)
                    d["rss"].append(run.rusage.ru_maxrss / 1024)
                    d["cpu"].append((run.rusage.ru_utime + run.rusage.ru_stime) * 1e3)
                    if tool.startswith("gprobe"):
                        ms, done = timings(run)
                        if "clang" in done and "main" in done:
                            ms["exec"] = (done["main"] - run.spawn_ns) / 1e6
                            ms["load+attach"] = (run.start_ns - done["clang"]) / 1e6
                            d["stages"].append(ms)
        self.out["attach"] = {"cases": [c[0] for c in cases], "res": res, "base": base,
                              "base_rss": base_rss}
        self.out["syscalls"] = {name: self.load_syscalls(specs, tgt) for name, specs, _ in cases}
        if not shutil.which("strace"):
            self.notes.append("strace is not installed: load+attach is not split by system call")
        self.clang_compare(cases)
        self.floor_attach()

    def load_syscalls(self, specs, tgt):
        """Split gprobe's load+attach by system call, from one run under strace
        (which slows each call a little): parsing the kernel's BTF (the gap after
        opening /sys/kernel/btf/vmlinux), creating maps, loading the programs,
        opening the uprobe perf events and attaching to them."""
        if not shutil.which("strace"):
            return None
        log = os.path.join(self.work, "strace.txt")
        r = subprocess.run(["strace", "-f", "-tt", "-T", "-o", log, "-e",
                            "trace=bpf,openat,perf_event_open,ioctl"] + self.gprobe(specs) + tgt,
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(log):
            return None
        out = {"vmlinux BTF": 0.0, "maps": {}, "programs": 0.0, "nprog": 0,
               "perf_event_open": 0.0, "nprobes": 0, "PERF_EVENT_IOC": 0.0}
        pending = None

        def ts(line):
            m = re.match(r"\d+\s+(\d+):(\d+):([\d.]+) ", line)
            return (int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))) if m else None
        for line in open(log):
            t = ts(line)
            dur = re.search(r"<([\d.]+)>$", line.strip())
            dur = float(dur.group(1)) * 1e3 if dur else 0.0
            if pending is not None and t is not None and "vmlinux" not in line:
                out["vmlinux BTF"] += (t - pending) * 1e3
                pending = None
            if "openat(" in line and "/sys/kernel/btf/vmlinux" in line:
                pending = t
            elif "BPF_MAP_CREATE" in line:
                m = re.search(r"map_type=BPF_MAP_TYPE_(\w+).*?max_entries=(\d+)", line)
                k = f"{m.group(1)} ({m.group(2)} entries)" if m else "?"
                out["maps"][k] = out["maps"].get(k, 0.0) + dur
            elif "BPF_PROG_LOAD" in line and "BPF_PROG_TYPE_KPROBE" in line:
                out["programs"] += dur
                out["nprog"] += 1
            elif "perf_event_open(" in line:
                out["perf_event_open"] += dur
                out["nprobes"] += 1
            elif "ioctl(" in line and "PERF_EVENT_IOC" in line:
                out["PERF_EVENT_IOC"] += dur
        return out

    def clang_compare(self, cases):
        """gprobe's clang stage compiling (object cache off) vs clang-19 as a
        subprocess on the same C; and the same stage loading the cached object."""
        inc = os.path.join(self.work, "inc")
        os.makedirs(inc, exist_ok=True)
        if not os.path.exists(os.path.join(inc, "bpf")):
            os.symlink("/usr/include/bpf", os.path.join(inc, "bpf"))
        res = {}
        flags = ["-target", "bpf", "-mcpu=v3", "-O2", "-g", "-nostdinc", "-isystem", inc,
                 "-I", os.path.join(ROOT, "templates"), "-include", "gprobe_types.h",
                 "-D__TARGET_ARCH_x86", "-Wno-unused-function", "-Wno-unused-variable",
                 "-Wno-compare-distinct-pointer-types"]
        for name, specs, _ in cases:
            c = os.path.join(self.work, re.sub(r"\W+", "_", name) + ".bpf.c")
            hdr = os.path.join(self.work, "headers_only.c")
            compile_ = [self.g, "compile"] + specs + ["-e", self.t, "--emit-c", c,
                                                      "-o", os.devnull]
            for _ in range(self.a.reps_attach):
                run = run_cmd(compile_, env={"GPROBE_TIMING": "1", "GPROBE_NO_CACHE": "1"})
                ms, _ = timings(run)
                hit, _ = timings(run_cmd(compile_, env={"GPROBE_TIMING": "1"}))
                t = time.perf_counter()
                p = subprocess.run(["clang-19"] + flags + ["-c", c, "-o",
                                                           os.path.join(self.work, "sub.o")],
                                   capture_output=True, text=True)
                sub = (time.perf_counter() - t) * 1e3
                d = res.setdefault(name, {"inproc": [], "sub": [], "hdr": [], "hit": [],
                                          "lines": 0})
                # the generated file's prologue alone: its defines and includes
                if os.path.exists(c):
                    src = open(c).read().splitlines()
                    last = max(i for i, l in enumerate(src) if l.startswith("#include"))
                    with open(hdr, "w") as f:
                        f.write("\n".join(src[:last + 1]) + "\n")
                    t = time.perf_counter()
                    h = subprocess.run(["clang-19"] + flags + ["-c", hdr, "-o", os.devnull],
                                       capture_output=True, text=True)
                    if h.returncode == 0:
                        d["hdr"].append((time.perf_counter() - t) * 1e3)
                d["inproc"].append(ms.get("clang"))
                d["hit"].append(hit.get("clang"))
                if p.returncode == 0:
                    d["sub"].append(sub)
                else:
                    self.notes.append(f"clang-19 subprocess on {name}: {p.stderr.strip()[:200]}")
                d["lines"] = sum(1 for _ in open(c)) if os.path.exists(c) else 0
        self.out["clang"] = res

    def floor_attach(self):
        res = {}
        for k in (1, len(self.ret_offs) + 1):
            offs = ([self.probe_off] + self.ret_offs)[:k]
            for _ in range(self.a.reps_attach):
                run = run_cmd(self.floor("empty", offs) + [self.t, "calls", "1"],
                              env={"FLOOR_TIMING": "1"})
                m = re.search(r"load ([\d.]+) ms, attach ([\d.]+) ms", stderr_text(run))
                if m:
                    d = res.setdefault(k, {"load": [], "attach": []})
                    d["load"].append(float(m.group(1)))
                    d["attach"].append(float(m.group(2)))
        self.out["floor_attach"] = res

    # -- 3. row rate --

    def rate(self):
        secs = self.a.rate_secs
        rates = self.a.rates
        fmts = [("json", "/dev/null", False, "JSON to /dev/null"),
                ("table", "/dev/null", False, "table to /dev/null"),
                ("table", None, True, "table to a terminal (pty)")]
        spec = self.spec("calls3.yaml")
        rows = []
        self.log("row rate: paced runs")
        for f, out, pty, label in fmts:
            for rt in rates + ["max"]:
                tgt = ([self.t, "rate", str(rt), str(secs)] if rt != "max"
                       else [self.t, "calls", str(self.a.calls_max)])
                run = run_cmd(self.gprobe([spec], f, out) + tgt, pty=pty)
                rows.append(self.rate_row(label, rt, run))
        self.out["rate"] = rows
        self.log("row rate: drain capacity and overload")
        self.out["drain"] = [self.drain(f, out, pty, label) for f, out, pty, label in fmts]
        self.out["overload"] = self.overload()

    def rate_row(self, label, rt, run):
        rep = run.report or {}
        calls = rep.get("calls", rep.get("n"))
        got, dropped = summary_counts(run)
        wall = (run.exit_ns - run.spawn_ns) / 1e9
        cpu = run.rusage.ru_utime + run.rusage.ru_stime
        el = rep.get("ns", 0) / 1e9
        return {"fmt": label, "target": rt, "calls": calls,
                "achieved": calls / el if calls and el else None,
                "rows": got, "dropped": dropped, "cpu_pct": 100 * cpu / wall if wall else None,
                "ok": run.status == 0 and got is not None and calls is not None
                and got + dropped == calls}

    def drain(self, f, out, pty, label):
        """The consumer's own ceiling: queue K rows while it is stopped, then time the drain."""
        k = self.a.drain_rows
        hooks = self.pause_hooks()
        run = run_cmd(self.gprobe([self.spec("calls3.yaml")], f, out, ["-b", str(64 << 20)])
                      + [self.t, "calls", str(k)], pty=pty, hooks=hooks)
        got, dropped = summary_counts(run)
        t0 = hooks["state"].get("resumed_ns")
        t = (run.exit_ns - t0) / 1e9 if t0 else None
        return {"fmt": label, "queued": k, "rows": got, "dropped": dropped, "secs": t,
                "rate": got / t if got and t else None}

    def overload(self):
        """A 64 KiB ring buffer with the consumer stopped: rows must be dropped and counted."""
        k = self.a.drain_rows
        hooks = self.pause_hooks()
        run = run_cmd(self.gprobe([self.spec("calls3.yaml")], "json", "/dev/null",
                                  ["-b", "65536"]) + [self.t, "calls", str(k)], hooks=hooks)
        got, dropped = summary_counts(run)
        t0 = hooks["state"].get("resumed_ns")
        return {"calls": k, "rows": got, "dropped": dropped, "status": run.status,
                "exit_after_s": (run.exit_ns - t0) / 1e9 if t0 else None,
                "ok": got is not None and got + dropped == k}

    # -- 5. sched pack vs the Go execution tracer --

    def sched(self):
        if not self.pack_ok.get("sched"):
            self.out["sched"] = None
            return
        rounds, reps = str(self.a.sched_rounds), self.a.reps_sched
        trace = os.path.join(self.work, "sched.trace")
        cfgs = [("untraced", [self.t, "sched", rounds]),
                ("runtime/trace", [self.t, "-trace", trace, "sched", rounds]),
                # -hold keeps the programs loaded after the report, while
                # their run counts and run time are read (bpf_stats)
                ("gprobe sched pack", self.gprobe([os.path.join(ROOT, "specs", "sched.yaml")])
                 + [self.t, "-hold", "400", "sched", rounds])]
        res = {k: [] for k, _ in cfgs}
        rows, bpf = [], []
        for r in range(reps):
            self.log(f"sched pack vs runtime/trace: round {r + 1}/{reps}")
            for k, cmd in cfgs:
                traced = k.startswith("gprobe")
                run = run_cmd(cmd, bpf_stats=traced)
                if not run.report:
                    self.note_fail(f"sched {k}", run)
                    continue
                res[k].append(run.report["ns"] / 1e6)
                if traced:
                    rows.append(summary_counts(run))
                    if run.bpf:
                        bpf.append(run.bpf[:2])
        size = os.path.getsize(trace) if os.path.exists(trace) else None
        self.out["sched"] = {"ms": res, "rows": rows, "bpf": bpf, "trace_bytes": size}

    # -- 6. offsets databases --

    def offsets_dbs(self):
        """The shipped databases' sizes, and the time gprobe check takes on a
        stripped binary with and without the standard-library database."""
        files = db_files()
        self.out["dbs"] = files
        spec_gc = os.path.join(ROOT, "specs", "gc.yaml")
        cases = [("gc pack (`specs/gc.yaml`)", spec_gc),
                 ("net/http.serverHandler.ServeHTTP, `req.URL.Path` "
                  "(`bench/specs/http_path.yaml`)", self.spec("http_path.yaml"))]
        off = ("std DB off (`GPROBE_NO_STD_DB=1`)", {"GPROBE_NO_STD_DB": "1"})
        modes = ([("std DB on", {}), off] if any(f["std"] for f in files) else [off])
        res = {}
        for r in range(self.a.reps_check):
            self.log(f"offsets databases: time to check, round {r + 1}/{self.a.reps_check}")
            for label, spec in cases:
                for mode, env in modes:
                    run = run_cmd([self.g, "check", spec, "-e", self.a.httpd], env=env)
                    d = res.setdefault((label, mode), {"ms": [], "rss": [], "fail": None,
                                                       "facts": None})
                    out = [t for _, s, t in run.lines if s == "out"]
                    if run.status != 0:
                        err = [l for l in stderr_text(run).splitlines() if l.strip()]
                        first = next((l for l in err if "error" in l), err[0] if err else "")
                        d["fail"] = first.strip() or f"status {run.status}"
                        continue
                    d["ms"].append((run.exit_ns - run.spawn_ns) / 1e6)
                    d["rss"].append(run.rusage.ru_maxrss / 1024)
                    m = next((re.search(r"facts from (.*)$", l) for l in out
                              if "facts from" in l), None)
                    d["facts"] = m.group(1) if m else d["facts"]
        self.out["check"] = {"cases": [c[0] for c in cases], "modes": [m[0] for m in modes],
                             "res": res, "binary": stripped_info(self.a.httpd, self.a.target_go)}


DB_DIR = os.path.join(ROOT, "bpf-gen", "db")
COMPRESSED = (".gz", ".xz", ".lzma", ".bz2", ".zst")


def decoded_size(path):
    """The size of a compressed file once decoded, by its suffix; None when it
    is not a compressed file (or its decoder is missing)."""
    import bz2
    import gzip
    import lzma
    dec = {".gz": gzip.decompress, ".xz": lzma.decompress, ".lzma": lzma.decompress,
           ".bz2": bz2.decompress}
    ext = os.path.splitext(path)[1]
    if ext in dec:
        with open(path, "rb") as f:
            return len(dec[ext](f.read()))
    if ext == ".zst":
        try:
            out = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
            return len(out)
        except (OSError, subprocess.CalledProcessError):
            return None
    return None


def db_files():
    """Every file under bpf-gen/db: bytes as in the tree and, when compressed,
    decoded; std marks the standard-library databases (a name part "std")."""
    files = []
    for top, _, names in os.walk(DB_DIR):
        for n in sorted(names):
            path = os.path.join(top, n)
            rel = os.path.relpath(path, DB_DIR)
            files.append({"name": rel, "bytes": os.path.getsize(path),
                          "decoded": decoded_size(path),
                          "compressed": os.path.splitext(n)[1] in COMPRESSED,
                          "std": bool(re.search(r"(^|[./_-])std([./_-]|$)", rel))})
    return sorted(files, key=lambda f: f["name"])


def stripped_info(path, go):
    """What the time-to-check binary is: its Go version, size, and whether it
    has a symbol table or DWARF."""
    secs = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True).stdout
    ver = subprocess.run([go, "version", path], capture_output=True, text=True).stdout
    return {"go": ver.split(":", 1)[-1].strip(), "bytes": os.path.getsize(path),
            "symtab": ".symtab" in secs, "dwarf": ".debug_info" in secs or ".zdebug_info" in secs}


# ---- the machine -----------------------------------------------------------------

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine(a):
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores (`nproc`)"),
        ("memory", mem),
        ("kernel", platform.release()),
        ("OS", sh(". /etc/os-release && echo $PRETTY_NAME")),
        ("target", f"bench/target built with {sh(a.target_go + ' version')}"),
        ("gprobe", f"{sh(a.gprobe + ' version')}, commit {sh('git -C ' + ROOT + ' rev-parse --short HEAD')}"
                   + (" (+ uncommitted changes)" if sh('git -C ' + ROOT + ' status --porcelain -uno') else "")),
        ("bpftrace", sh("bpftrace --version")),
        ("clang", sh("clang-19 --version | head -1")),
        ("load", sh("cat /proc/loadavg") + " at the start (1, 5, 15 min load averages)"),
    ]


def jsonable(x):
    """x with tuple keys joined by " | " (JSON keys are strings)."""
    if isinstance(x, dict):
        return {(" | ".join(map(str, k)) if isinstance(k, tuple) else k): jsonable(v)
                for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gprobe", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--target-go", required=True, help="the go command that built the target")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--floor-obj", required=True)
    ap.add_argument("--httpd", required=True,
                    help="bench/httpd built stripped: the time-to-check binary")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--out", default=os.path.join(BENCH, "README.md"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--render-only", metavar="PICKLE",
                    help="only rewrite the report from a previous run's bench.pickle")
    a = ap.parse_args()
    a.reps, a.calls, a.calls_untraced = (2, 2000, 200000) if a.quick else (5, 10000, 2000000)
    a.reps_attach = 2 if a.quick else 5
    a.reps_sched = 2 if a.quick else 3
    a.sched_rounds = 10 if a.quick else 50
    a.rate_secs = 1 if a.quick else 2
    a.rates = [2000, 10000] if a.quick else [2000, 5000, 10000, 20000]
    a.calls_max = 10000 if a.quick else 40000
    a.drain_rows = 5000 if a.quick else 40000
    a.reps_check = 3 if a.quick else 10
    if a.render_only:
        import pickle
        b = Bench.__new__(Bench)
        b.a = a
        with open(a.render_only, "rb") as f:
            d = pickle.load(f)
        b.out, b.notes, b.probe_off, b.ret_offs = (d["out"], d["notes"], d["probe_off"],
                                                   d["ret_offs"])
        b.machine = d.get("machine") or machine(a)
        write_report(b, a.out, d.get("duration", 0), d.get("when"))
        return
    t0 = time.time()
    b = Bench(a)
    b.per_call()
    b.attach()
    b.rate()
    b.sched()
    b.offsets_dbs()
    import pickle
    duration, when = time.time() - t0, time.time()
    with open(os.path.join(a.workdir, "bench.pickle"), "wb") as f:
        b.machine = machine(a)
        pickle.dump({"out": b.out, "notes": b.notes, "probe_off": b.probe_off,
                     "ret_offs": b.ret_offs, "machine": b.machine, "duration": duration,
                     "when": when}, f)
    write_report(b, a.out, duration, when)
    with open(os.path.join(a.workdir, "results.json"), "w") as f:
        json.dump(jsonable(b.out), f, indent=1, default=str)
    b.log(f"wrote {a.out}")


if __name__ == "__main__":
    main()
