#!/usr/bin/env python3
"""run.py — gprobe's end-to-end runtime tests: real uprobes on real Go programs.

Each tests/e2e/*.test file holds cases, one per paragraph (blank-line
separated). A case is a list of `KEY value` lines:

  NAME     what the case proves (required)
  TARGET   test program and its arguments: `args -only main.Ints8` (required)
  SPEC     the probes: YAML lines indented below it, as under `probes:`
  MODE     cmd (default: gprobe run -- TARGET), pid (-p on a started process),
           exe (-e with two processes of TARGET at once; `{proc}` in TARGET
           becomes 1 and 2, and PAIR pairs each process's rows, told
           apart by pid, with that process's own calls)
  MODES    build modes to run the case on, each once per Go version: `default`
           (the program as built), `stripped`, `ext`, `ext.stripped`, `pie`,
           `pie.stripped`, `race`, `trimpath` (tests/build-testprogs.sh
           builds TARGET's program as P.MODE); default: `default` only
  GPROBE   extra gprobe arguments, e.g. `-t only_this_table` or a pack:
           `{src}/specs/gc.yaml` ({src} is the source tree)
  GO       Go version constraint, e.g. `>=1.17`; other versions skip the case
  PAIR     TABLE FUNC: the i-th row of TABLE belongs to the i-th call of FUNC
           that the target reported (counts must be equal; goids must agree)
  CHECK    COLUMN = KEY: for every pair, the row's COLUMN equals the call's
           KEY (`args.o.Mid.ID`, `results.r0`, `extra.main.gcount`, `goid`);
           CHECKs belong to the PAIR above them; strings compare with
           the column's max_string cut (`CHECK name = args.s max=64`)
  ROWS     TABLE N: exactly N rows (N may be `calls(FUNC)`)
  EXPECT   a Python expression over `rows` (table -> list of dicts),
           `calls` (func -> list of records), `done` (the target's "done"
           event), `summary` (the last JSON line the target printed),
           `out` (gprobe's stderr) and `status`; must be true
  UNTRACED same: the target, run again without gprobe, reports exactly the
           same calls (arguments and results)
  STDOUT   same: the target's whole stdout and its exit status are those of
           a run without gprobe (`stdout` in EXPECT is the traced one)
  STATUS   expected gprobe exit status (default 0)
  TIMEOUT  seconds (default 60)

The target program prints, with -json, one JSON line per call with every
argument and result as it passed them: every CHECK compares gprobe's row
against the program's own word. Runs every case on every Go version built
into $GPROBE_TESTPROGS (GPROBE_GO_VERSIONS="1.15 1.22" picks some), and on
every build mode it names (GPROBE_E2E_MODES="pie race" picks some);
GPROBE_E2E_ONLY=REGEX picks cases by name. Arguments after GPROBE are .test
files (default: all of tests/e2e/).

A mode binary that was not built is skipped with the reason its builder left
in P.MODE.skip; the skip is printed, never silent. With CI set (CI=true), only
a skip because that Go version cannot build the mode (`toolchain:`) is
allowed: any other missing binary fails the run. Needs root and BPF; without
them it says why and exits 77 (skip), or fails when CI is set.
"""
import glob
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import bpf_available, cannot_run, in_ci  # noqa: E402

GPROBE = None
TESTPROGS = None
SRC = None
CI = False
# Build modes of tests/build-testprogs.sh: the program P built that way is P.MODE.
MODE_NAMES = ["default", "stripped", "ext", "ext.stripped", "pie", "pie.stripped",
              "race", "trimpath"]


def mode_binary(version, program, mode):
    return os.path.join(TESTPROGS, "go" + version,
                        program if mode == "default" else program + "." + mode)


def mode_missing(version, program, mode):
    """None when the binary is there, else (allowed_in_ci, reason)."""
    path = mode_binary(version, program, mode)
    if os.path.exists(path):
        return None
    try:
        with open(path + ".skip", encoding="utf-8") as f:
            why = f.read().strip()
    except OSError:
        return (False, "%s was not built (make testprogs)" % path)
    kind, _, text = why.partition(":")
    if kind == "toolchain":
        return (True, "go%s cannot build it: %s" % (version, text.strip()))
    return (False, "not built on this machine: %s" % (text.strip() or why))


class Case:
    def __init__(self, path, line):
        self.path, self.line = path, line
        self.name = None
        self.target = None
        self.spec = []
        self.mode = "cmd"
        self.gprobe = []
        self.go = None
        self.pairs = []
        self.rows = []
        self.expects = []
        self.status = 0
        self.timeout = 60
        self.untraced = False
        self.stdout_same = False
        self.modes = ["default"]

    def where(self):
        return "%s:%d" % (os.path.relpath(self.path), self.line)


def parse_file(path):
    cases, cur, in_spec = [], None, False
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                if cur:
                    cases.append(cur)
                cur, in_spec = None, False
                continue
            if cur is None:
                cur = Case(path, n)
            if in_spec and line[:1] in (" ", "\t"):
                cur.spec.append(line)
                continue
            in_spec = False
            key, _, val = line.partition(" ")
            val = val.strip()
            if key == "NAME":
                cur.name = val
            elif key == "TARGET":
                cur.target = val.split()
            elif key == "SPEC":
                in_spec = True
            elif key == "MODE":
                cur.mode = val
            elif key == "MODES":
                cur.modes = val.split()
                bad = [m for m in cur.modes if m not in MODE_NAMES]
                if bad or not cur.modes:
                    raise SystemExit("%s:%d: unknown build mode %r (known: %s)" %
                                     (path, n, " ".join(bad), " ".join(MODE_NAMES)))
            elif key == "GPROBE":
                cur.gprobe = val.split()
            elif key == "GO":
                cur.go = val
            elif key == "PAIR":
                cur.pairs.append(val.split() + [[]])
            elif key == "CHECK":
                m = re.match(r"(\w+)\s*=\s*(\S+)(?:\s+max=(\d+))?$", val)
                if not m:
                    raise SystemExit("%s:%d: bad CHECK %r" % (path, n, val))
                if not cur.pairs:
                    raise SystemExit("%s:%d: CHECK before any PAIR" % (path, n))
                cur.pairs[-1][2].append((m.group(1), m.group(2), int(m.group(3) or 64)))
            elif key == "ROWS":
                cur.rows.append(val.split())
            elif key == "EXPECT":
                cur.expects.append(val)
            elif key == "UNTRACED":
                cur.untraced = val == "same"
            elif key == "STDOUT":
                cur.stdout_same = val == "same"
            elif key == "STATUS":
                cur.status = int(val)
            elif key == "TIMEOUT":
                cur.timeout = float(val)
            else:
                raise SystemExit("%s:%d: unknown key %r" % (path, n, key))
    if cur:
        cases.append(cur)
    for c in cases:
        if not c.name or not c.target:
            raise SystemExit("%s:%d: a case needs NAME and TARGET" % (path, c.line))
    return cases


def version_ok(constraint, minor):
    if not constraint:
        return True
    for term in constraint.split():
        m = re.match(r"(>=|<=|==|!=|>|<)?1\.(\d+)$", term)
        if not m:
            raise SystemExit("bad GO constraint %r" % constraint)
        op, v = m.group(1) or "==", int(m.group(2))
        ok = {">=": minor >= v, "<=": minor <= v, ">": minor > v, "<": minor < v,
              "==": minor == v, "!=": minor != v}[op]
        if not ok:
            return False
    return True


def parse_jsonl(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def lookup(call, key):
    if key == "goid":
        return call["goid"]
    part, _, rest = key.partition(".")
    if part not in ("args", "results", "extra") or rest not in call.get(part, {}):
        raise KeyError("call of %s has no %s" % (call.get("func"), key))
    return call[part][rest]


def same(got, want, row, col, maxlen):
    """got: gprobe's JSON value; want: the Go program's."""
    if want is None:
        return got is None
    if isinstance(want, bool):
        return got is want
    if isinstance(want, str) and want.startswith("0x") and isinstance(got, str):
        return int(got, 16) == int(want, 16)
    if isinstance(want, str):
        raw = want.encode("utf-8")
        cut = len(raw) > maxlen
        if bool(row.get(col + "_cut")) != cut:
            return False
        return got == raw[:maxlen].decode("utf-8", "replace")
    if isinstance(want, float) or isinstance(got, float):
        if got is None:
            return False
        return math.isclose(float(got), float(want), rel_tol=1e-6, abs_tol=1e-30)
    return got == want


class Run:
    def __init__(self, case, version, tmp, mode="default"):
        self.case, self.version, self.tmp, self.mode = case, version, tmp, mode

    def spec_file(self):
        path = os.path.join(self.tmp, "case.yaml")
        with open(path, "w") as f:
            f.write("spec: 1\nname: e2e\nprobes:\n")
            f.write("\n".join(self.case.spec) + "\n")
        return path

    def execute(self):
        c = self.case
        binary = mode_binary(self.version, c.target[0], self.mode)
        argv = [binary] + c.target[1:]
        rows_path = os.path.join(self.tmp, "rows.jsonl")
        specs = [self.spec_file()] if c.spec else []
        extra = [a.replace("{src}", SRC) for a in c.gprobe]
        base = [GPROBE, "run"] + specs + ["-f", "json", "-o", rows_path] + extra
        targets_out = []
        if c.mode == "cmd":
            p = subprocess.run(base + ["--"] + argv, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=c.timeout)
            status, err = p.returncode, p.stderr.decode("utf-8", "replace")
            targets_out.append(p.stdout.decode("utf-8", "replace"))
            self.target_status = [status]
        else:
            status, err = self.attach_mode(base, argv, targets_out)
        rows = {}
        if os.path.exists(rows_path):
            with open(rows_path, encoding="utf-8") as f:
                for r in parse_jsonl(f.read()):
                    rows.setdefault(r["table"], []).append(r)
        calls, done = {}, {}
        self.summary = {}
        self.proc_calls = []  # per target process: (pid, func -> calls)
        for i, out in enumerate(targets_out):
            mine = {}
            pid = self.pids[i] if i < len(getattr(self, "pids", [])) else None
            for rec in parse_jsonl(out):
                self.summary = rec
                if "func" in rec:
                    calls.setdefault(rec["func"], []).append(rec)
                    mine.setdefault(rec["func"], []).append(rec)
                elif rec.get("event") == "done":
                    done = rec
                elif rec.get("event") == "start" and "pid" in rec:
                    pid = rec["pid"]
            self.proc_calls.append((pid, mine))
        if c.untraced:
            p = subprocess.run(argv, stdout=subprocess.PIPE, timeout=c.timeout)
            self.untraced = [(r["func"], r.get("args"), r.get("results"))
                             for r in parse_jsonl(p.stdout.decode("utf-8", "replace")) if "func" in r]
        self.stdout = targets_out
        if c.stdout_same:
            p = subprocess.run(argv, stdout=subprocess.PIPE, timeout=c.timeout)
            self.untraced_stdout = p.stdout.decode("utf-8", "replace")
            self.untraced_status = p.returncode
        return status, err, rows, calls, done

    def attach_mode(self, base, argv, targets_out):
        c = self.case
        nprocs = 2 if c.mode == "exe" else 1
        procs = [subprocess.Popen([a.replace("{proc}", str(i + 1)) for a in argv] + ["-wait-stdin"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for i in range(nprocs)]
        if c.mode == "pid":
            cmd = base + ["-p", str(procs[0].pid)]
        else:
            cmd = base + ["-e", argv[0]]
        cmd.append("-v")
        g = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Attached when gprobe says so on stderr; give it the time to compile.
        deadline = time.time() + c.timeout
        ready = b""
        while time.time() < deadline and b"attached" not in ready:
            line = g.stderr.readline()
            if not line:
                break
            ready += line
        for p in procs:
            p.stdin.write(b"go\n")
            p.stdin.flush()
        for p in procs:
            out, _ = p.communicate(timeout=c.timeout)
            targets_out.append(out.decode("utf-8", "replace"))
        self.target_status = [p.returncode for p in procs]
        if c.mode == "exe":
            time.sleep(0.5)
            g.send_signal(signal.SIGINT)
        try:
            _, rest = g.communicate(timeout=c.timeout)
        except subprocess.TimeoutExpired:
            g.kill()
            _, rest = g.communicate()
        self.pids = [p.pid for p in procs]
        return g.returncode, (ready + rest).decode("utf-8", "replace")


def check_pair(table, func, checks, whose, got, want):
    fails = []
    if len(got) != len(want):
        fails.append("%s: %d rows for %d calls of %s%s" % (table, len(got), len(want), func, whose))
        return fails
    if not want:
        fails.append("%s: no calls of %s were reported%s" % (table, func, whose))
    for i, (row, call) in enumerate(zip(got, want)):
        if row["goid"] != call["goid"]:
            fails.append("%s row %d%s: goid %s, the goroutine says %s" % (table, i, whose, row["goid"], call["goid"]))
        for col, key, maxlen in checks:
            if col not in row:
                fails.append("%s row %d: no column %s" % (table, i, col))
                continue
            try:
                want_v = lookup(call, key)
            except KeyError as e:
                fails.append(str(e))
                continue
            if not same(row[col], want_v, row, col, maxlen):
                fails.append("%s row %d%s: %s = %r, the program passed %s = %r" %
                             (table, i, whose, col, row[col], key, want_v))
    return fails


def check(run, status, err, rows, calls, done):
    c = run.case
    fails = []
    if status != c.status:
        fails.append("gprobe exited %d, expected %d; it said:\n       %s" %
                     (status, c.status, "\n       ".join(err.strip().splitlines()[-6:])))
    for table, func, checks in c.pairs:
        if len(run.proc_calls) > 1:
            # Several processes: each one's rows (by pid) against its own calls.
            groups = [(" of pid %s" % pid, [r for r in rows.get(table, []) if r["pid"] == pid],
                       mine.get(func, [])) for pid, mine in run.proc_calls]
            strays = [r for r in rows.get(table, []) if r["pid"] not in [p for p, _ in run.proc_calls]]
            if strays:
                fails.append("%s: %d rows of no target process (pids %s)" %
                             (table, len(strays), sorted(set(r["pid"] for r in strays))))
        else:
            groups = [("", rows.get(table, []), calls.get(func, []))]
        for whose, got, want in groups:
            fails += check_pair(table, func, checks, whose, got, want)
    for table, n in c.rows:
        m = re.match(r"calls\((.+)\)$", n)
        want = len(calls.get(m.group(1), [])) if m else int(n)
        if len(rows.get(table, [])) != want:
            fails.append("%s: %d rows, expected %d" % (table, len(rows.get(table, [])), want))
    if c.stdout_same:
        for i, out in enumerate(run.stdout):
            if out != run.untraced_stdout:
                fails.append("target %d printed, traced:\n%s\n     untraced:\n%s" %
                             (i, out[-600:], run.untraced_stdout[-600:]))
            if run.target_status[i] != run.untraced_status:
                fails.append("target %d exited %d traced, %d untraced" %
                             (i, run.target_status[i], run.untraced_status))
    if c.untraced:
        traced = [(r["func"], r.get("args"), r.get("results")) for fn in calls for r in calls[fn]]
        if sorted(map(repr, traced)) != sorted(map(repr, run.untraced)):
            fails.append("the traced program reported other calls than the untraced one")
    env = {"rows": rows, "calls": calls, "done": done, "out": err, "status": status,
           "pids": getattr(run, "pids", []), "re": re, "summary": getattr(run, "summary", {}),
           "stdout": "".join(getattr(run, "stdout", [])),
           "col": lambda t, c: [r[c] for r in rows.get(t, [])]}
    for e in c.expects:
        try:
            ok = eval(e, dict(env, __builtins__=__builtins__))
        except Exception as ex:  # a broken expectation is a failure, not a crash
            ok, e = False, "%s (raised %s: %s)" % (e, type(ex).__name__, ex)
        if not ok:
            fails.append("EXPECT %s" % e)
    return fails


def main():
    global GPROBE, TESTPROGS, SRC, CI
    CI = in_ci()
    GPROBE = os.path.abspath(sys.argv[1])
    TESTPROGS = os.environ.get("GPROBE_TESTPROGS") or os.path.join(os.path.dirname(GPROBE), "testprogs")
    src = SRC = os.path.abspath(os.environ.get("GPROBE_SRC") or
                                os.path.join(os.path.dirname(__file__), "..", ".."))
    files = sys.argv[2:] or sorted(glob.glob(os.path.join(src, "tests", "e2e", "*.test")))
    only = os.environ.get("GPROBE_E2E_ONLY")
    why = bpf_available()
    if why:
        cannot_run("end-to-end tests need BPF: %s" % why)
    versions = sorted((d[2:] for d in os.listdir(TESTPROGS) if d.startswith("go1.")),
                      key=lambda v: int(v.split(".")[1])) if os.path.isdir(TESTPROGS) else []
    if os.environ.get("GPROBE_GO_VERSIONS"):
        versions = [v for v in versions if v in os.environ["GPROBE_GO_VERSIONS"].split()]
    if not versions:
        cannot_run("no test programs in %s (make testprogs)" % TESTPROGS)
    cases = [c for f in files for c in parse_file(f)]
    if only:
        cases = [c for c in cases if re.search(only, c.name)]
    pick_modes = os.environ.get("GPROBE_E2E_MODES", "").split()
    passed = failed = skipped = 0
    mode_skips = []
    t0 = time.time()
    for case, v, mode in ((c, v, m) for c in cases for v in versions for m in c.modes):
        if pick_modes and mode not in pick_modes:
            continue
        tag = "" if case.modes == ["default"] else " [%s]" % mode
        if not version_ok(case.go, int(v.split(".")[1])):
            skipped += 1
            continue
        missing = mode_missing(v, case.target[0], mode) if case.modes != ["default"] else None
        if missing:
            allowed, why = missing
            if allowed or not CI:
                skipped += 1
                mode_skips.append("go%s %s" % (v, mode))
                print("skip go%s%s %s: %s" % (v, tag, case.name, why))
            else:
                failed += 1
                print("FAIL go%s%s %s: %s: CI must run every mode this Go version can build" %
                      (v, tag, case.where(), why))
            sys.stdout.flush()
            continue
        with tempfile.TemporaryDirectory(prefix="gprobe-e2e-") as tmp:
            run = Run(case, v, tmp, mode)
            try:
                fails = check(run, *run.execute())
            except subprocess.TimeoutExpired:
                fails = ["timed out after %gs" % case.timeout]
            except Exception as ex:
                fails = ["runner error: %s: %s" % (type(ex).__name__, ex)]
                err = ""
            if fails:
                failed += 1
                print("FAIL go%s%s %s: %s" % (v, tag, case.where(), case.name))
                for f in fails[:12]:
                    print("     " + f)
                if len(fails) > 12:
                    print("     ... %d more" % (len(fails) - 12))
            else:
                passed += 1
                print("ok   go%s%s %s" % (v, tag, case.name))
            sys.stdout.flush()
    print("e2e: %d cases x %d Go versions (%s) in %.0fs" %
          (len(cases), len(versions), " ".join(versions), time.time() - t0))
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if mode_skips:
        print("build modes skipped (not built): %s" % ", ".join(sorted(set(mode_skips))))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
