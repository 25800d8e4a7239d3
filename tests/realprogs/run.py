#!/usr/bin/env python3
"""run.py — gprobe on Go programs as Debian ships them (tests/realprogs.sh).

The programs are fetched by scripts/fetch-realprogs.sh (`make deps`) into
$GPROBE_REALPROGS (default /var/cache/gprobe/realprogs): cgo-enabled,
linked by the system linker, stripped, built by Go patch releases other
than the test matrix's. Each one is traced for real, and every check
compares gprobe's rows with what the program itself says:

  gc     specs/gc.yaml, the program run with GODEBUG=gctrace=1: it prints
         `gc N @...` for every cycle; the gc_end rows' cycle numbers must be
         exactly those N (gprobe `-- CMD` traces from the first instruction,
         so the first cycle is seen too). CLI tools: their stdout must also
         be that of an untraced run.
  http   (servers) tests/realprogs/http.yaml, req.URL.Path at
         net/http.serverHandler.ServeHTTP: the rows must be exactly the
         paths this script sent (as multisets), over loopback only.
  sched  specs/sched.yaml: servers: goroutines whose start is
         net/http.(*conn).serve >= the connections this script made; CLI
         tools: the pack loads, and every goroutine created has a gid and
         a start function.

Each program x check prints PASS or FAIL with the reason (gprobe's own
error line, or the values that differ), and the facts found: Go version
(`gprobe inspect`, the .deb's Built-Using), cgo, linker, PIE, stripped.

  tests/realprogs/run.py path/to/gprobe [NAME...]

Exit 77 (skip) without root/BPF or without the fetched programs, unless
CI is set (CI=true): then a skip is a failure.
"""
import collections
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from testlib import bpf_available, cannot_run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.environ.get("GPROBE_SRC") or os.path.join(HERE, "..", ".."))
CACHE = os.environ.get("GPROBE_REALPROGS", "/var/cache/gprobe/realprogs")
GO_CACHE = os.environ.get("GPROBE_GO_CACHE", "/var/cache/gprobe/go")
GPROBE = None
START_TIMEOUT = 90  # gprobe compiles and attaches before the target runs
RUN_TIMEOUT = 60

# The HTTP requests every server gets: (method, raw target, body). The
# path gprobe must report is the decoded path of the target.
COMMON_REQUESTS = [
    ("GET", "/realprogs/plain", None),
    ("GET", "/realprogs/with%20space/and-query?x=1&y=2", None),
    ("GET", "/realprogs/" + "long" * 40, None),
    ("HEAD", "/realprogs/head", None),
    ("GET", "/", None),
]
CONNECTIONS = 12  # each connection sends every request, keep-alive


def cli_workloads(tmp):
    """Inputs of the CLI tools: large enough for several GC cycles."""
    with open(os.path.join(tmp, "in.json"), "w") as f:
        json.dump([{"id": i, "name": "item-%d" % i, "tags": ["t%d" % (i % 7), "x"],
                    "v": i * 1.5} for i in range(150000)], f)
    with open(os.path.join(tmp, "in.csv"), "w") as f:
        f.write("id,name,x,y\n")
        for i in range(150000):
            f.write("%d,name%d,%d,%d\n" % (i, i, (i * 7919) % 100003, i % 13))
    with open(os.path.join(tmp, "in.html"), "w") as f:
        f.write("<!DOCTYPE html>\n<html>\n<head>\n  <title> t </title>\n</head>\n<body>\n")
        for i in range(60000):
            f.write('  <div class="row  r%d"   id="d%d">\n    <p>  item   %d  </p>\n'
                    '    <a href="/x/%d" >link</a>\n  </div>\n' % (i % 10, i, i, i))
        f.write("</body>\n</html>\n")


# How to run each program of scripts/fetch-realprogs.sh. Servers: argv with
# {port} and {tmp}, extra requests (method, target, body) besides
# COMMON_REQUESTS. CLI tools: argv with {tmp}.
RECIPES = {
    "node-exporter-1.15": dict(
        argv=["--web.listen-address=127.0.0.1:{port}", "--no-collector.textfile"],
        requests=[("GET", "/metrics", None)]),
    "webhook-1.19": dict(
        argv=["-hooks", "{tmp}/hooks.json", "-ip", "127.0.0.1", "-port", "{port}"],
        requests=[("POST", "/hooks/hello", b'{"a": "' + b"x" * 100000 + b'"}'),
                  ("GET", "/hooks/nope", None)]),
    "gojq-1.21": dict(
        argv=["-c", "[.[] | select(.id % 3 == 0) | {k: .name, v: (.v * 2), t: (.tags | join(\",\"))}]"
              " | length", "{tmp}/in.json"]),
    "minify-1.22": dict(argv=["--type=html", "{tmp}/in.html"], quiet_stdout=True),
    "miller-1.23": dict(
        argv=["--icsv", "--ojson", "sort", "-nr", "x", "then", "head", "-n", "3", "{tmp}/in.csv"]),
    "blackbox-1.24": dict(
        argv=["--config.file={tmp}/blackbox.yml", "--web.listen-address=127.0.0.1:{port}"],
        requests=[("GET", "/metrics", None), ("GET", "/-/healthy", None)]),
    "caddy-1.26": dict(
        argv=["file-server", "--listen", "127.0.0.1:{port}", "--root", "{tmp}/www"],
        requests=[("GET", "/index.html", None), ("GET", "/big.txt", None)]),
}


def setup_files(tmp):
    with open(os.path.join(tmp, "hooks.json"), "w") as f:
        json.dump([{"id": "hello", "execute-command": "/bin/true", "response-message": "hi"}], f)
    with open(os.path.join(tmp, "blackbox.yml"), "w") as f:
        f.write("modules:\n  http_2xx:\n    prober: http\n")
    os.makedirs(os.path.join(tmp, "www"), exist_ok=True)
    with open(os.path.join(tmp, "www", "index.html"), "w") as f:
        f.write("<html><body>realprogs</body></html>\n")
    with open(os.path.join(tmp, "www", "big.txt"), "w") as f:
        f.write("0123456789abcdef\n" * 20000)
    cli_workloads(tmp)


def programs():
    """name, kind, package/suite, binary, .deb version of every fetched program."""
    out = subprocess.run(["bash", os.path.join(SRC, "scripts", "fetch-realprogs.sh"), "--list"],
                         capture_output=True, text=True, env=dict(os.environ, GPROBE_REALPROGS=CACHE))
    progs = []
    for line in out.stdout.splitlines():
        f = line.split()
        if len(f) < 4:
            continue
        progs.append(dict(name=f[0], kind=f[1], package=f[2],
                          binary=None if f[3] == "missing" else f[3],
                          version=f[4].strip("()") if len(f) > 4 else ""))
    return progs


def newest_go():
    out = subprocess.run(["bash", os.path.join(SRC, "bpf-gen", "fetch-go.sh"), "--list"],
                         capture_output=True, text=True).stdout
    roots = [l.split()[1] for l in out.splitlines() if len(l.split()) > 1 and l.split()[1] != "missing"]
    return roots[-1] if roots else None


def facts(p, goroot):
    """What the binary is, as gprobe and Go's own tools see it."""
    b, fs = p["binary"], {}
    ins = subprocess.run([GPROBE, "inspect", b], capture_output=True, text=True)
    if ins.returncode == 0:
        for key in ("go version", "facts", "PIE", "functions"):
            m = re.search(r"^\s*%s\s+(.*)$" % re.escape(key), ins.stdout, re.M)
            fs["gprobe " + key] = m.group(1).strip() if m else "?"
    else:
        fs["gprobe inspect"] = "FAILED: " + (ins.stderr.strip().splitlines() or ["?"])[-1]
    if goroot:
        gv = subprocess.run([os.path.join(goroot, "bin", "go"), "version", "-m", b], capture_output=True,
                            text=True, env=dict(os.environ, GOROOT=goroot)).stdout
        m = re.search(r":\s+(go\S+)", gv)
        fs["go version -m"] = m.group(1) if m else "?"
        m = re.search(r"CGO_ENABLED=(\d)", gv)
        fs["CGO_ENABLED"] = m.group(1) if m else "?"
        m = re.search(r"-buildmode=(\S+)", gv)
        fs["buildmode"] = m.group(1) if m else "?"
    bu = os.path.join(CACHE, p["name"], ".built-using")
    if os.path.exists(bu):
        fs["Built-Using"] = open(bu).read().strip()
    secs = subprocess.run(["readelf", "-S", "-W", b], capture_output=True, text=True).stdout
    hdr = subprocess.run(["readelf", "-h", "-l", "-W", b], capture_output=True, text=True).stdout
    fs["ELF"] = "PIE" if re.search(r"Type:\s+DYN", hdr) else "EXEC"
    fs["linker"] = "external" if ".note.gnu.build-id" in secs else "internal"
    dyn = subprocess.run(["readelf", "-d", "-W", b], capture_output=True, text=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn)
    fs["dynamic"] = ("yes (%s)" % " ".join(needed)) if "INTERP" in hdr else "no (static)"
    fs["stripped"] = "no" if re.search(r"\.symtab\b", secs) else "yes"
    fs["DWARF"] = "yes" if ".debug_info" in secs or ".zdebug_info" in secs else "no"
    return fs


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


class CountingConn(http.client.HTTPConnection):
    """An HTTPConnection that counts its TCP connects (keep-alive or not)."""
    connects = 0

    def connect(self):
        CountingConn.connects += 1
        super().connect()


def drive(port, requests):
    """Send every request on CONNECTIONS connections; return the paths the
    server must have seen and the number of TCP connections made."""
    CountingConn.connects = 0
    sent = []
    for _ in range(CONNECTIONS):
        c = CountingConn("127.0.0.1", port, timeout=10)
        for method, target, body in requests:
            headers = {"Content-Type": "application/json"} if body else {}
            c.request(method, target, body=body, headers=headers)
            r = c.getresponse()
            r.read()
            sent.append(urllib.parse.unquote(urllib.parse.urlsplit(target).path))
        c.close()
    return sent, CountingConn.connects


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def read_rows(path):
    rows = collections.defaultdict(list)
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                rows[r.get("table")].append(r)
    return rows


def gprobe_errors(err):
    lines = [l for l in err.splitlines() if l.startswith("gprobe: error") or ": error:" in l]
    return "; ".join(lines[:3]) if lines else None


def gctrace(err):
    return [int(m.group(1)) for m in re.finditer(r"^gc (\d+) @", err, re.M)]


def run_traced(specs, p, argv, tmp, tag, server_requests=None, env_extra=None):
    """gprobe run SPECS -f json -o ROWS -- BINARY ARGV. Servers are driven
    with server_requests and stopped with SIGTERM. Returns a dict."""
    rows_path = os.path.join(tmp, "%s.%s.jsonl" % (p["name"], tag))
    out_path = os.path.join(tmp, "%s.%s.out" % (p["name"], tag))
    err_path = os.path.join(tmp, "%s.%s.err" % (p["name"], tag))
    # XDG dirs: caddy keeps its state there; nothing of a run outlives it.
    env = dict(os.environ, GODEBUG="gctrace=1", XDG_DATA_HOME=os.path.join(tmp, "xdg-data"),
               XDG_CONFIG_HOME=os.path.join(tmp, "xdg-config"))
    env.update(env_extra or {})
    cmd = [GPROBE, "run"] + specs + ["-f", "json", "-o", rows_path, "--", p["binary"]] + argv
    res = dict(sent=None, connects=0, note=None)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        g = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=tmp)
        try:
            if server_requests is not None:
                port = p["port"]
                if wait_port(port, g, START_TIMEOUT):
                    try:
                        res["sent"], res["connects"] = drive(port, server_requests)
                    except (OSError, http.client.HTTPException) as e:
                        res["note"] = "HTTP client failed: %s" % e
                    time.sleep(0.5)  # rows in flight
                else:
                    res["note"] = "the server never listened on 127.0.0.1:%d" % port
                for c in children(g.pid):
                    os.kill(c, signal.SIGTERM)
                try:
                    g.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    for c in children(g.pid):
                        os.kill(c, signal.SIGKILL)
                    g.send_signal(signal.SIGINT)
            g.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            res["note"] = "timed out after %ds" % RUN_TIMEOUT
            for c in children(g.pid):
                os.kill(c, signal.SIGKILL)
            g.send_signal(signal.SIGINT)
            try:
                g.wait(timeout=10)
            except subprocess.TimeoutExpired:
                g.kill()
                g.wait()
    res["status"] = g.returncode
    res["stdout"] = open(out_path, "rb").read()
    res["stderr"] = open(err_path, encoding="utf-8", errors="replace").read()
    res["rows"] = read_rows(rows_path)
    res["error"] = gprobe_errors(res["stderr"])
    summary = [l for l in res["stderr"].splitlines() if re.match(r"gprobe: \d+ rows", l)]
    res["summary"] = summary[-1] if summary else None
    return res


def check_gc(p, recipe, argv, tmp, server_requests):
    # A small GOGC: more cycles to compare (the servers idle, the CLIs' heaps are large).
    env = {"GOGC": "10" if server_requests is not None else "25"}
    r = run_traced([os.path.join(SRC, "specs", "gc.yaml")], p, argv, tmp, "gc", server_requests, env)
    if r["error"]:
        return False, "gprobe failed (exit %s): %s" % (r["status"], r["error"])
    if r["note"]:
        return False, r["note"]
    want = gctrace(r["stderr"])
    got = sorted(x["cycle"] for x in r["rows"].get("gc_end", []))
    if not want:
        return False, "the program printed no `gc N @` line (gctrace): nothing to compare"
    fails = []
    if got != want:
        miss = sorted(set(want) - set(got))
        extra = sorted(collections.Counter(got) - collections.Counter(want))
        fails.append("gc_end cycles %s != gctrace cycles 1..%d (%d lines)%s%s" % (
            short(got), max(want), len(want),
            "; missing %s" % short(miss) if miss else "", "; unexpected %s" % short(extra) if extra else ""))
    if server_requests is None:
        if r["status"] != 0:
            fails.append("exit status %s (the target's, or gprobe's)" % r["status"])
        if not recipe.get("quiet_stdout"):
            plain = subprocess.run([p["binary"]] + argv, capture_output=True, cwd=tmp, timeout=RUN_TIMEOUT)
            if plain.stdout != r["stdout"]:
                fails.append("stdout differs from an untraced run (%d vs %d bytes)" % (
                    len(r["stdout"]), len(plain.stdout)))
    if fails:
        return False, "; ".join(fails)
    return True, "%d cycles, gc_end == gctrace; %s" % (len(want), r["summary"])


def check_http(p, argv, tmp, server_requests):
    r = run_traced([os.path.join(HERE, "http.yaml")], p, argv, tmp, "http", server_requests, {"GOGC": "10"})
    if r["error"]:
        return False, "gprobe failed (exit %s): %s" % (r["status"], r["error"])
    if r["note"] or r["sent"] is None:
        return False, r["note"] or "no request sent"
    want = collections.Counter(r["sent"])
    got = collections.Counter(x.get("path") for x in r["rows"].get("http_request", []))
    if got != want:
        return False, "req.URL.Path rows != paths sent: missing %s, unexpected %s (%d rows, %d sent)" % (
            dict(want - got), dict(got - want), sum(got.values()), sum(want.values()))
    return True, "%d requests, paths equal as multisets; %s" % (sum(want.values()), r["summary"])


def check_sched(p, argv, tmp, server_requests):
    r = run_traced([os.path.join(SRC, "specs", "sched.yaml")], p, argv, tmp, "sched", server_requests,
                   {"GOGC": "10"} if server_requests is not None else {})
    if r["error"]:
        return False, "gprobe failed (exit %s): %s" % (r["status"], r["error"])
    if r["note"]:
        return False, r["note"]
    creates = r["rows"].get("go_create", [])
    starts = collections.Counter(x.get("start") for x in creates)
    top = ", ".join("%s x%d" % (k, n) for k, n in starts.most_common(4))
    if server_requests is not None:
        serve = starts.get("net/http.(*conn).serve", 0)
        if serve < r["connects"]:
            return False, "%d goroutines start at net/http.(*conn).serve < %d connections made; starts seen: %s" % (
                serve, r["connects"], top)
        return True, "%d conn.serve goroutines >= %d connections; %s" % (serve, r["connects"], r["summary"])
    if r["status"] != 0:
        return False, "exit status %s" % r["status"]
    if not creates:
        return False, "no go_create rows"
    gids = [x.get("gid") for x in creates]
    if None in gids or len(set(gids)) != len(gids) or None in starts or "" in starts:
        return False, "go_create rows with a null/duplicate gid or no start: starts seen: %s" % top
    return True, "%d goroutines created (%s); %s" % (len(creates), top, r["summary"])


def short(xs):
    xs = list(xs)
    return str(xs) if len(xs) <= 12 else "[%s, ... %s] (%d)" % (
        ", ".join(map(str, xs[:5])), ", ".join(map(str, xs[-3:])), len(xs))


def main():
    global GPROBE
    GPROBE = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]

    why = bpf_available()
    if why:
        cannot_run("real-program tests need BPF: %s" % why)
    progs = [p for p in programs() if not only or p["name"] in only]
    if not progs:
        cannot_run("no programs listed by scripts/fetch-realprogs.sh --list")
    missing = [p["name"] for p in progs if not p["binary"]]
    if missing:
        cannot_run("programs not fetched: %s (run `make deps`, or scripts/fetch-realprogs.sh as root)" % ", ".join(missing))
    goroot = newest_go()
    tmp = tempfile.mkdtemp(prefix="gprobe-realprogs-")
    setup_files(tmp)
    results = []
    start = time.time()
    try:
        for p in progs:
            recipe = RECIPES.get(p["name"])
            print("\n== %s (%s, %s %s)" % (p["name"], p["kind"], p["package"], p["version"]), flush=True)
            print("   %s" % p["binary"])
            fs = facts(p, goroot)
            print("   " + ", ".join("%s: %s" % kv for kv in fs.items()), flush=True)
            if recipe is None:
                results.append((p["name"], "recipe", False, "no entry in RECIPES of tests/realprogs/run.py"))
                continue
            server = p["kind"] == "server"
            if server:
                p["port"] = free_port()
            argv = [a.replace("{port}", str(p.get("port"))).replace("{tmp}", tmp) for a in recipe["argv"]]
            reqs = COMMON_REQUESTS + recipe.get("requests", []) if server else None
            checks = [("gc", lambda: check_gc(p, recipe, argv, tmp, reqs))]
            if server:
                checks.append(("http", lambda: check_http(p, argv, tmp, reqs)))
            checks.append(("sched", lambda: check_sched(p, argv, tmp, reqs)))
            for name, fn in checks:
                t0 = time.time()
                try:
                    ok, why = fn()
                except Exception as e:  # a harness failure is a failure, with its reason
                    ok, why = False, "harness error: %r" % e
                print("   %-5s %s  %s  (%.1fs)" % (name, "PASS" if ok else "FAIL", why, time.time() - t0),
                      flush=True)
                results.append((p["name"], name, ok, why))
    finally:
        if os.environ.get("GPROBE_KEEP_TMP"):
            print("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(1 for r in results if r[2])
    failed = len(results) - passed
    print("\nrealprogs: %d programs in %.0fs" % (len(progs), time.time() - start))
    for prog, name, ok, why in results:
        if not ok:
            print("FAIL %s %s: %s" % (prog, name, why))
    print("realprogs: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
