#!/usr/bin/env python3
"""make bench: procfd-trace side by side with strace, valgrind and the floor.

Every workload runs under every contender in alternating rounds (the order
of the contenders rotates each round, so a slow phase of the machine does
not land on one contender); each cell is the median of BENCH_RUNS runs
(at least 5) with min-max. The floor is bench/floor.c: a seccomp+ptrace loop
that traps the same calls and does nothing per stop, in one-stop/two-stop,
sleeping/polling forms. Ratios are of medians, all from this one run.

Environment (make bench passes BENCH_BASELINE=BIN as --baseline): BENCH_SCALE (counts, default 0.25; 1 = the counts of issue 15;
0.1 for a quick run), BENCH_RUNS (default 5), BENCH_ONLY (comma-separated
workload keys, e.g. a,b,scale-children,scale-fds,leak-costs: the --leaks cost
targets of issue 12, placements: the waiting against both floors with the
tracer and the command split, on one CPU and under load, stop-costs:
bench/stop_cost, a reported call's tracer syscalls timed one by one,
unpinned and pinned to one CPU, fdesc-costs: bench/fdesc_cost, describing an
fd per class and a batch of sockets).
"""
import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# procfd-trace's native (x86-64) path-call traps (tracer/plugins/procfd/procfd.c),
# which strace and the floor trap too (fchmodat2 is left out: strace 6.1
# does not know it, and nothing in the workloads calls it).
PATH_CALLS = ("open,openat,openat2,creat,stat,lstat,newfstatat,statx,readlink,readlinkat,"
              "access,faccessat,faccessat2,linkat,execve,execveat,chdir,truncate,statfs,"
              "chmod,fchmodat,chown,lchown,fchownat,utime,utimes,futimesat,utimensat,"
              "setxattr,lsetxattr,getxattr,lgetxattr,listxattr,llistxattr,removexattr,"
              "lremovexattr,inotify_add_watch,name_to_handle_at,mknod,mknodat,mkdir,mkdirat,"
              "unlink,unlinkat,rmdir,rename,renameat,renameat2,link,chroot,pivot_root,setns,"
              "unshare,mount,umount2,move_mount")


# ---- running one command -------------------------------------------------

class HwmSampler(threading.Thread):
    """Peak RSS (VmHWM) of one process, sampled while it runs. wait4's
    ru_maxrss would include the tracees (the tracer's children), so it
    cannot tell the tracer's own memory. The high-water mark only grows, so
    only growth in the last interval before exit can be missed."""

    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval, self.kb, self.done = pid, interval, 0, threading.Event()

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.kb = max(self.kb, int(line.split()[1]))
        except OSError:
            pass

    def run(self):
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)


def run_once(argv, cwd=None, rss=True):
    """(wall seconds, peak KiB of the process we start or 0, exit status, stderr)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=err, cwd=cwd)
        sampler = HwmSampler(p.pid) if rss else None
        if sampler:
            sampler.start()
        _, status, _ = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.done.set()
            sampler.join()
        err.seek(0)
        return t1 - t0, (sampler.kb if sampler else 0), p.returncode, err.read().decode(
            errors="replace")[-400:]


# ---- contenders -----------------------------------------------------------

class Contender:
    def __init__(self, key, label, prefix, tool=None, traced=True):
        self.key, self.label, self.prefix, self.traced = key, label, prefix, traced
        self.missing = tool is not None and shutil.which(tool) is None
        self.tool = tool


def contenders(args, leaks_set=False):
    fl = [args.floor] + (["-l"] if leaks_set else [])
    return {
        "untraced": Contender("untraced", "untraced", [], traced=False),
        "strace": Contender("strace", "strace -f --seccomp-bpf",
                            ["strace", "-f", "-qq", "-o", "/dev/null", "--seccomp-bpf",
                             "-e", "trace=" + PATH_CALLS], tool="strace"),
        "text": Contender("text", "procfd-trace", [args.bin, "-o", "/dev/null", "--"]),
        "before": Contender("before", "procfd-trace (--baseline)",
                            [args.baseline or "", "-o", "/dev/null", "--"]),
        "json": Contender("json", "procfd-trace --json",
                          [args.bin, "--json", "-o", "/dev/null", "--"]),
        "leaks": Contender("leaks", "procfd-trace --leaks",
                           [args.bin, "--leaks", "-o", "/dev/null", "--"]),
        "same-cpu": Contender("same-cpu", "procfd-trace --same-cpu",
                              [args.bin, "--same-cpu", "-o", "/dev/null", "--"]),
        "valgrind": Contender("valgrind", "valgrind --track-fds=yes",
                              ["valgrind", "--tool=none", "--track-fds=yes", "-q",
                               "--log-file=/dev/null"], tool="valgrind"),
        "f1s": Contender("f1s", "floor 1-stop sleeping", fl + ["--"]),
        "f1p": Contender("f1p", "floor 1-stop polling", fl + ["-p", "--"]),
        "f2s": Contender("f2s", "floor 2-stop sleeping", fl + ["-2", "--"]),
        "f2p": Contender("f2p", "floor 2-stop polling", fl + ["-2", "-p", "--"]),
        "f1c": Contender("f1c", "floor 1-stop pinned 1 CPU", fl + ["-c", "--"]),
        "f2c": Contender("f2c", "floor 2-stop pinned 1 CPU", fl + ["-2", "-c", "--"]),
        "f1pr": Contender("f1pr", "floor 1-stop polling + reads", fl + ["-p", "-r", "--"]),
        "f1cr": Contender("f1cr", "floor 1-stop pinned + reads", fl + ["-c", "-r", "--"]),
        "f2pr": Contender("f2pr", "floor 2-stop polling + reads", fl + ["-2", "-p", "-r", "--"]),
        "fsec": Contender("fsec", "seccomp allow-all, no tracer", fl + ["-s", "--"]),
    }


def has_same_cpu(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True)
    return "--same-cpu" in out.stdout + out.stderr


# ---- measuring a workload ---------------------------------------------------

class Cell:
    def __init__(self):
        self.times, self.kb, self.failed = [], 0, None

    def med(self):
        return statistics.median(self.times) if self.times else None


def measure(cmd, cons, runs, cwd=None):
    """Alternating rounds: every contender once per round, the order rotated."""
    cells = {c.key: Cell() for c in cons}
    for r in range(runs):
        order = cons[r % len(cons):] + cons[:r % len(cons)]
        for c in order:
            cell = cells[c.key]
            if cell.failed:
                continue
            t, kb, rc, err = run_once(c.prefix + cmd, cwd=cwd, rss=c.traced)
            if rc != 0:
                cell.failed = f"exit {rc}: {err.strip().splitlines()[-1:] or ''}"
                continue
            cell.times.append(t)
            cell.kb = max(cell.kb, kb)
    return cells


def count_trapped(args, cmd, leaks_set, cwd=None):
    """Trapped calls of one run of cmd, counted by the floor (not timed)."""
    with tempfile.NamedTemporaryFile("r") as f:
        argv = [args.floor] + (["-l"] if leaks_set else []) + ["-n", f.name, "--"] + cmd
        _, _, rc, _ = run_once(argv, cwd=cwd, rss=False)
        try:
            return int(f.read().strip()) if rc == 0 else None
        except ValueError:
            return None


# ---- printing -----------------------------------------------------------

def fmt_ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def fmt_time(cell):
    if cell.failed:
        return "failed (" + cell.failed[:40] + ")"
    m = cell.med()
    return f"{m:.3f} ({min(cell.times):.3f}-{max(cell.times):.3f})"


def print_workload(title, cmd_text, cells, cons, floor_key, trapped):
    print(f"\n### {title}")
    print(f"    command: {cmd_text}")
    if trapped is not None:
        print(f"    trapped calls per run (counted by the floor): {trapped}")
    print(f"    ratios: to untraced, to strace, to the polling floor ({floor_key})")
    hdr = f"{'contender':<28} {'wall s: median (min-max)':<28} {'/untraced':>9} " \
          f"{'/strace':>8} {'/floor':>8} {'RSS MiB':>8} {'trapped/s':>10}"
    print(hdr)
    print("-" * len(hdr))
    base = cells["untraced"].med() if "untraced" in cells else None
    st = cells["strace"].med() if "strace" in cells else None
    fl = cells[floor_key].med() if floor_key in cells else None
    for c in cons:
        cell = cells[c.key]
        m = cell.med()
        rss = f"{cell.kb / 1024:.1f}" if cell.kb else "-"
        rate = f"{trapped / m:,.0f}" if trapped and m and c.key != "valgrind" else "-"
        print(f"{c.label:<28} {fmt_time(cell):<28} {fmt_ratio(m, base):>9} "
              f"{fmt_ratio(m, st):>8} {fmt_ratio(m, fl):>8} {rss:>8} {rate:>10}")
    pinned = "f2c" if floor_key == "f2p" else "f1c"
    if "same-cpu" in cells and pinned in cells:
        print(f"    --same-cpu / the pinned floor ({pinned}): "
              f"{fmt_ratio(cells['same-cpu'].med(), cells[pinned].med())}")
    # the floors that also read each call's registers and path (floor -r):
    # what knowing the path costs any tracer, apart from what we do with it
    for ours, fl in (("text", "f1pr"), ("same-cpu", "f1cr")):
        if ours in cells and fl in cells:
            print(f"    {ours} / the floor that reads each call ({fl}): "
                  f"{fmt_ratio(cells[ours].med(), cells[fl].med())}")


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def tool_version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True).stdout
        return out.splitlines()[0].strip() if out else "?"
    except OSError:
        return "not installed"


def header(args, scale, runs):
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    u = os.uname()
    print("procfd-trace benchmark (make bench)")
    print(f"date:    {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine: nproc {os.cpu_count()}, {u.sysname} {u.release} {u.machine}, "
          f"CPU {cpu_model()}")
    print(f"command: BENCH_SCALE={scale} BENCH_RUNS={runs} "
          f"BENCH_ONLY={os.environ.get('BENCH_ONLY', '')} " + " ".join(sys.argv))
    print(f"tree:    {rev}{' (uncommitted changes)' if dirty else ''}")
    print(f"tools:   {tool_version(['strace', '-V'])}; {tool_version(['valgrind', '--version'])}")
    print("each cell: median of the runs, (min-max), wall seconds; RSS: the contender's own "
          "process peak (VmHWM sampled every 20 ms), '-' untraced")


# ---- workload setup -----------------------------------------------------

def make_tree(root, nfiles):
    """nfiles files in 50 directories (a few symlinks among them)."""
    per_dir = max(1, nfiles // 50)
    for d in range(50):
        sub = os.path.join(root, f"d{d:02}")
        os.makedirs(sub, exist_ok=True)
        for i in range(per_dir):
            p = os.path.join(sub, f"file{i:04}.txt")
            if i % 20 == 19:
                os.symlink(f"file{i - 1:04}.txt", p)
            else:
                with open(p, "w") as f:
                    f.write("x" * (i % 7))


def make_project(root, nfiles):
    """nfiles small C files and a Makefile that builds them into one program."""
    os.makedirs(root, exist_ok=True)
    objs = []
    for i in range(nfiles):
        with open(os.path.join(root, f"u{i}.c"), "w") as f:
            f.write("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n")
            f.write(f"int u{i}(int x);\n")
            f.write(f"int u{i}(int x) {{ char b[64]; snprintf(b, sizeof b, \"%d\", x);"
                    f" return (int)strlen(b) + {i}; }}\n")
        objs.append(f"u{i}.o")
    with open(os.path.join(root, "main.c"), "w") as f:
        f.write("int main(void) { return 0; }\n")
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write(f"prog: main.o {' '.join(objs)}\n\t$(CC) -o $@ $^\n"
                "%.o: %.c\n\t$(CC) -O1 -c -o $@ $<\n")


# ---- the benchmark --------------------------------------------------------

def main_workloads(args, scale, runs, tmp, only):
    wl = args.workload
    files_dir = os.path.join(tmp, "files")
    os.makedirs(files_dir)
    tree = os.path.join(tmp, "tree")
    make_tree(tree, 5000)
    proj = os.path.join(tmp, "proj")
    make_project(proj, 6)
    n = lambda base: max(1, int(base * scale))
    base = ["untraced", "strace", "text"] + (["before"] if args.baseline else []) + ["json"]
    one = ["f1p", "f1s", "f2p", "f2s"]
    same = ["same-cpu"] if has_same_cpu(args.bin) else []
    same1, same2 = (same + ["f1c", "f1cr"], same + ["f2c"]) if same else ([], [])
    one_r = one + ["f1pr"]  # unreported calls: also the floor that reads each call
    # key, title, command, contender keys, reported (2-stop floor), leaks set, cwd
    table = [
        ("a", f"(a) {n(200000)} x stat+open+close of ordinary files",
         [wl, "files", str(n(200000)), files_dir], base + ["leaks"] + same1 + one_r,
         False, False, None),
        ("b", f"(b) {n(100000)} x readlink+stat+open(+close) of /proc/self/fd/N, "
              "N a deleted file (every call reported)",
         [wl, "fdlink", str(n(100000)), files_dir], base + same2 + one, True, False, None),
        ("c", f"(c) {n(500000)} x getppid (not trapped)",
         [wl, "getppid", str(n(500000))], base + ["leaks"] + ["f1p", "f1s", "fsec"], False, False,
         None),
        ("s", "(s) start-up only: the workload doing nothing (0 x getppid)",
         [wl, "getppid", "0"], base + ["leaks", "valgrind", "f1p", "f1s", "fsec"], False, False,
         None),
        ("d", "(d) ls -lR of a generated 5000-file tree",
         ["ls", "-lR", tree], base + ["leaks"] + same1 + one_r, False, False, None),
        ("e", "(e) make -B -j2 of 7 generated C files",
         ["make", "-s", "-B", "-j2"], base + ["leaks"] + ["f1p", "f1s"], False, False, proj),
        ("f", f"(f) {n(100000)} x open+close, fd tracking (--leaks; valgrind --track-fds)",
         [wl, "openclose", str(n(100000)), files_dir],
         ["untraced", "strace", "text", "leaks", "valgrind"] + one, True, True, None),
    ]
    done = {}
    for key, title, cmd, keys, reported, leaks_set, cwd in table:
        if only and key not in only:
            continue
        allc = contenders(args, leaks_set)
        cons = [allc[k] for k in keys]
        skipped = [c for c in cons if c.missing]
        cons = [c for c in cons if not c.missing]
        cells = measure(cmd, cons, runs, cwd=cwd)
        trapped = count_trapped(args, cmd, leaks_set, cwd=cwd)
        shown = " ".join(cmd).replace(tmp, "$TMP")
        print_workload(title, shown, cells, cons, "f2p" if reported else "f1p", trapped)
        for c in skipped:
            print(f"    skipped {c.label}: {c.tool} is not installed")
        done[key] = cells
        if key == "s" and "c" in done:
            print_startup_subtracted(done["c"], cells, cons)
        sys.stdout.flush()


def print_startup_subtracted(c_cells, s_cells, cons):
    """(c) with start-up taken out: the cost of the filter alone."""
    base = c_cells["untraced"].med() - s_cells["untraced"].med()
    print("    (c) minus start-up (s), ratio to untraced (c)-(s):")
    for c in cons:
        if c.key in c_cells and c_cells[c.key].med() and s_cells[c.key].med():
            d = c_cells[c.key].med() - s_cells[c.key].med()
            print(f"      {c.label:<28} {d:.3f} s  {d / base:.2f}x")


def scaling_children(args, scale, runs, tmp):
    wl = args.workload
    d = os.path.join(tmp, "kids")
    os.makedirs(d, exist_ok=True)
    total = max(100, int(20000 * scale))
    allc = contenders(args)
    keys = ("untraced", "strace", "text") + (("before",) if args.baseline else ()) + \
        ("f1p", "f1s")
    cons = [allc[k] for k in keys if not allc[k].missing]
    print(f"\n### scaling: K concurrent children doing (a) between them, {total} x "
          "stat+open+close in all")
    hdr = f"{'K':>4} {'contender':<26} {'wall s: median (min-max)':<28} {'/untraced':>9} " \
          f"{'/strace':>8} {'/floor':>8} {'us/trapped':>10} {'RSS MiB':>8}"
    print(hdr)
    print("-" * len(hdr))
    for k in (1, 10, 100):
        cmd = [wl, "children", str(k), str(total), d]
        cells = measure(cmd, cons, runs)
        trapped = count_trapped(args, cmd, False)
        base = cells["untraced"].med()
        for c in cons:
            m = cells[c.key].med()
            per = f"{(m - base) / trapped * 1e6:.1f}" if m and trapped and c.traced else "-"
            rss = f"{cells[c.key].kb / 1024:.1f}" if cells[c.key].kb else "-"
            print(f"{k:>4} {c.label:<26} {fmt_time(cells[c.key]):<28} {fmt_ratio(m, base):>9} "
                  f"{fmt_ratio(m, cells.get('strace', Cell()).med()):>8} "
                  f"{fmt_ratio(m, cells['f1p'].med()):>8} {per:>10} {rss:>8}")
        sys.stdout.flush()


def scaling_fds(args, runs, tmp):
    """Leaks at exit: the same opens with the fds closed before exit and kept
    open; the difference is what the fds left open cost at exit (for
    procfd-trace the report, its /proc reads and symbolizing the stacks; the
    first leak pays for loading the debug information). Per fd: the growth
    from N=10, so that the fixed part drops out."""
    wl = args.workload
    d = os.path.join(tmp, "fds")
    os.makedirs(d, exist_ok=True)
    allc = contenders(args, leaks_set=True)
    cons = [allc[k] for k in ("leaks", "valgrind") if not allc[k].missing]
    print("\n### scaling: N fds open at exit (kept) vs the same opens closed before exit")
    hdr = f"{'N':>6} {'contender':<26} {'kept: wall s median (min-max)':<30} " \
          f"{'closed: median':>14} {'at exit s':>9} {'us/fd (vs N=10)':>15} {'RSS MiB kept':>12}"
    print(hdr)
    print("-" * len(hdr))
    first = {}
    for nfd in (10, 1000, 10000):
        keep, close = [wl, "fds", str(nfd), "keep", d], [wl, "fds", str(nfd), "close", d]
        both = [Contender(c.key + "-k", c.label, c.prefix + keep) for c in cons] + \
               [Contender(c.key + "-c", c.label, c.prefix + close) for c in cons]
        cells = measure([], both, runs)
        for c in cons:
            k, cl = cells[c.key + "-k"], cells[c.key + "-c"]
            at_exit = k.med() - cl.med() if k.med() and cl.med() else None
            first.setdefault(c.key, (nfd, at_exit))
            n0, e0 = first[c.key]
            per = f"{(at_exit - e0) / (nfd - n0) * 1e6:.1f}" \
                if at_exit is not None and e0 is not None and nfd > n0 else "-"
            rss = f"{k.kb / 1024:.1f}" if k.kb else "-"
            ex = f"{at_exit:.3f}" if at_exit is not None else "-"
            print(f"{nfd:>6} {c.label:<26} {fmt_time(k):<30} "
                  f"{(f'{cl.med():.3f}' if cl.med() else '-'):>14} {ex:>9} {per:>15} {rss:>12}")
        sys.stdout.flush()
    print("    valgrind's 'closed' includes its own cost of 10000 tracked closes, so its "
          "difference is not an exit cost")


# ---- --leaks costs (issue 12, Required 5) ------------------------------------

LEAK_TARGETS = {"call": 25.0, "fd": 20.0, "rss": 32.0}


def nofile_room(n):
    """Whether one process here may hold n fds (RLIMIT_NOFILE raised up to
    n + 64 where allowed); else the workload splits them among children."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard >= n + 64:
        return True
    probe = ("import resource; resource.setrlimit(resource.RLIMIT_NOFILE, "
             f"({n + 64}, {n + 64}))")
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


def per_call_costs(args, runs, tmp, n):
    """us per open+close for each contender: (N pairs - 0 pairs) / N, so that
    start-up drops out; --leaks against procfd-trace without it (which traps
    open too, with one stop), the floor's two-stop against its one-stop."""
    d = os.path.join(tmp, "leakcost")
    os.makedirs(d, exist_ok=True)
    allc = contenders(args, leaks_set=True)
    keys = ["untraced", "text", "leaks"] + (["before-leaks"] if args.baseline else []) + \
        ["valgrind", "f1p", "f2p", "f1s", "f2s"]
    allc["before-leaks"] = Contender("before-leaks", "procfd-trace --leaks (--baseline)",
                                     [args.baseline or "", "--leaks", "-o", "/dev/null", "--"])
    cons = [allc[k] for k in keys if not allc[k].missing]
    both = [Contender(c.key + "-n", c.label, c.prefix + [args.workload, "openclose", str(n), d],
                      traced=c.traced) for c in cons] + \
           [Contender(c.key + "-0", c.label, c.prefix + [args.workload, "openclose", "0", d],
                      traced=c.traced) for c in cons]
    cells = measure([], both, runs)
    per = {}
    print(f"\n  per fd-creating call: {n} x open+close (bench/workload openclose), minus the "
          "same command with 0 (start-up)")
    hdr = f"  {'contender':<34} {'wall s: median (min-max)':<28} {'start-up s':>10} " \
          f"{'us/open+close':>13} {'+us vs 1-stop':>13}"
    print(hdr)
    print("  " + "-" * (len(hdr) - 2))
    for c in cons:
        a, z = cells[c.key + "-n"], cells[c.key + "-0"]
        per[c.key] = (a.med() - z.med()) / n * 1e6 if a.med() and z.med() else None
    for c in cons:
        a, z = cells[c.key + "-n"], cells[c.key + "-0"]
        ref = {"leaks": "text", "before-leaks": "text", "f2p": "f1p", "f2s": "f1s"}.get(c.key)
        extra = f"{per[c.key] - per[ref]:+.1f}" if ref and per.get(ref) is not None and \
            per[c.key] is not None else ""
        us = f"{per[c.key]:.1f}" if per[c.key] is not None else "-"
        zs = f"{z.med():.3f}" if z.med() else "-"
        print(f"  {c.label:<34} {fmt_time(a):<28} {zs:>10} {us:>13} {extra:>13}")
    return per


def exit_costs(args, runs, tmp, sizes):
    """At a process's end, per fd left open: the same opens kept and closed
    before exit; the difference is the report (its /proc reads, symbolizing,
    writing). Per fd: the growth from N=10, so that the fixed part (libc's
    debug info, loaded for the first stack) drops out."""
    d = os.path.join(tmp, "leakexit")
    os.makedirs(d, exist_ok=True)
    labels = [("leaks", "procfd-trace --leaks", args.bin)] + \
        ([("before-leaks", "procfd-trace --leaks (--baseline)", args.baseline)]
         if args.baseline else [])
    print("\n  at exit: N fds open at exit (kept) vs the same opens closed before exit "
          "(bench/workload fds N keep|close)")
    hdr = f"  {'N':>6} {'contender':<34} {'kept: median (min-max)':<26} {'closed':>7} " \
          f"{'at exit s':>9} {'us/fd':>6} {'us/fd vs N=10':>13} {'RSS MiB':>8}"
    print(hdr)
    print("  " + "-" * (len(hdr) - 2))
    first, out = {}, {}
    for nfd in sizes:
        r = runs if nfd <= 10000 else min(runs, 3)
        cons = []
        for key, label, binary in labels:
            pre = [binary, "--leaks", "-o", "/dev/null", "--", args.workload, "fds", str(nfd)]
            cons += [Contender(key + "-k", label, pre + ["keep", d]),
                     Contender(key + "-c", label, pre + ["close", d])]
        cells = measure([], cons, r)
        for key, label, _ in labels:
            k, cl = cells[key + "-k"], cells[key + "-c"]
            at_exit = k.med() - cl.med() if k.med() and cl.med() else None
            first.setdefault(key, (nfd, at_exit))
            n0, e0 = first[key]
            growth = (at_exit - e0) / (nfd - n0) * 1e6 \
                if at_exit is not None and e0 is not None and nfd > n0 else None
            out[(key, nfd)] = (growth, k.kb / 1024 if k.kb else None)
            ex = f"{at_exit:.3f}" if at_exit is not None else "-"
            raw = f"{at_exit / nfd * 1e6:.1f}" if at_exit is not None else "-"
            gs = f"{growth:.1f}" if growth is not None else "-"
            rss = f"{k.kb / 1024:.1f}" if k.kb else "-"
            cls = f"{cl.med():.3f}" if cl.med() else "-"
            print(f"  {nfd:>6} {label:<34} {fmt_time(k):<26} {cls:>7} {ex:>9} {raw:>6} "
                  f"{gs:>13} {rss:>8}")
        if not nofile_room(nfd):
            print(f"         (N={nfd}: more than RLIMIT_NOFILE allows one process here: "
                  "held by children at once, so the tracer holds N live records)")
        sys.stdout.flush()
    return out


def leak_costs(args, scale, runs, tmp):
    """The figures of issue 12's cost targets, in one table."""
    n = max(5000, int(100000 * scale))
    print("\n### --leaks costs (issue 12, Required 5; targets: +<=25 us per fd-creating call "
          "over a one-stop trapped call, <=20 us per fd open at exit, <=32 MiB tracer RSS "
          "with 100k live records)")
    per = per_call_costs(args, runs, tmp, n)
    sizes = (10, 1000, 10000, 100000)
    at_exit = exit_costs(args, runs, tmp, sizes)

    def fmt(v, unit=""):
        return f"{v:.1f}{unit}" if v is not None else "-"

    def plus(key):
        return per[key] - per["text"] if per.get(key) is not None and \
            per.get("text") is not None else None

    print("\n  summary (medians of this run)")
    rows = [("leaks", "procfd-trace --leaks")] + \
        ([("before-leaks", "procfd-trace --leaks (--baseline)")] if args.baseline else [])
    hdr = f"  {'':<34} {'+us/call':>9} " + " ".join(f"{'us/fd N=' + str(x):>13}"
                                                  for x in sizes[1:]) + \
        f" {'RSS MiB 100k':>12}"
    print(hdr)
    for key, label in rows:
        cells = " ".join(f"{fmt(at_exit.get((key, x), (None, None))[0]):>13}"
                         for x in sizes[1:])
        print(f"  {label:<34} {fmt(plus(key)):>9} {cells} "
              f"{fmt(at_exit.get((key, 100000), (None, None))[1]):>12}")
    print(f"  {'target':<34} {'<=25':>9} " + " ".join(f"{'<=20':>13}" for _ in sizes[1:]) +
          f" {'<=32':>12}")
    if per.get("f2p") is not None and per.get("f1p") is not None:
        print(f"  the floor's exit stop alone (2-stop - 1-stop): polling "
              f"{per['f2p'] - per['f1p']:+.1f} us, sleeping "
              f"{fmt(per.get('f2s') - per['f1s'] if per.get('f2s') and per.get('f1s') else None)}"
              " us")
    if per.get("valgrind") is not None:
        print(f"  valgrind --tool=none --track-fds=yes: {per['valgrind']:.1f} us per open+close "
              f"(procfd-trace --leaks: {fmt(per.get('leaks'))})")
    sys.stdout.flush()


# ---- placements: where the tracer and the tracee run --------------------------

class Burners:
    """As many busy loops as CPUs, at normal priority: a loaded machine."""

    def __enter__(self):
        self.procs = [subprocess.Popen(["sh", "-c", "while :; do :; done"])
                      for _ in range(os.cpu_count() or 1)]
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()


def placed(con, tracer_cpu, tracee_cpu):
    """con with the tracer (or the untraced command) on tracer_cpu and the
    command, through taskset inside the trace, on tracee_cpu (None: anywhere).
    The bench sets the affinities; procfd-trace never does unless told."""
    pre = (["taskset", "-c", str(tracer_cpu)] if tracer_cpu is not None else []) + con.prefix
    inner = ["taskset", "-c", str(tracee_cpu)] if tracee_cpu is not None else []
    return Contender(con.key, con.label, pre + inner, traced=con.traced)


def placements(args, scale, runs, tmp):
    """Issue 15's item 2: the engine's waiting against the better of the two
    floors, polling and sleeping, in each placement."""
    wl = args.workload
    d = os.path.join(tmp, "place")
    os.makedirs(d, exist_ok=True)
    n = str(max(1, int(100000 * scale)))
    allc = contenders(args)
    rows = [("quiet, anywhere", None, None, False), ("split: tracer CPU 0, command CPU 1", 0, 1, False),
            ("both on CPU 0", 0, 0, False), ("loaded: a busy loop per CPU", None, None, True)]
    for wkey, title, cmd, floors, reads in (
            ("a", f"(a) {n} x stat+open+close, unreported", [wl, "files", n, d],
             ("f1p", "f1s"), "f1pr"),
            ("b", f"(b) {n} x /proc/self/fd/N, reported", [wl, "fdlink", n, d],
             ("f2p", "f2s"), "f2pr")):
        print(f"\n### placements: {title}")
        print("    procfd-trace against the better of the polling and the sleeping floor, and "
              "against the polling floor that also reads each call's registers and path "
              "(floor -r); median wall s (min-max)")
        hdr = f"  {'placement':<36} {'procfd-trace':<20} {'floor polling':<20} " \
              f"{'floor sleeping':<20} {'polling + reads':<20} {'/ better':>8} {'/ +reads':>8}"
        print(hdr)
        print("  " + "-" * (len(hdr) - 2))
        keys = ("text",) + floors + (reads,)
        for label, tcpu, ccpu, loaded in rows:
            cons = [placed(allc[k], tcpu, ccpu) for k in keys]
            if loaded:
                with Burners():
                    cells = measure(cmd, cons, runs)
            else:
                cells = measure(cmd, cons, runs)
            best = min(filter(None, (cells[f].med() for f in floors)), default=None)
            cols = " ".join(f"{fmt_time(cells[k]):<20}" for k in keys)
            ours = cells["text"].med()
            print(f"  {label:<36} {cols} {fmt_ratio(ours, best):>8} "
                  f"{fmt_ratio(ours, cells[reads].med()):>8}")
            sys.stdout.flush()


# ---- a reported call, syscall by syscall (bench/stop_cost.c) ------------------

def stop_costs(args):
    """bench/stop_cost's tables, verbatim: each tracer syscall of a reported
    call timed against a caller held at its seccomp stop, the two-stop round
    trip with and without that work; once unpinned, once pinned (-c)."""
    print("\n### a reported call's tracer syscalls, one by one")
    if not args.stop_cost:
        print("    skipped: no --stop-cost program given")
        return
    for extra in ([], ["-c"]):
        p = subprocess.run([args.stop_cost] + extra, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True)
        sys.stdout.write(p.stdout)
        if p.returncode != 0:
            print(f"    stop_cost {' '.join(extra)} failed (exit {p.returncode}): "
                  f"{p.stderr.strip()[-200:]}")
        if not extra:
            print()
        sys.stdout.flush()


# ---- the fd-description library per class (bench/fdesc_cost.c) ---------------

def fdesc_costs(args):
    """bench/fdesc_cost's tables, verbatim: per class the probe, the fdinfo
    read, a description with a warm context and without one; a batch of
    sockets with one context against one per socket."""
    print("\n### describing an fd, class by class (tracer/fdesc/)")
    if not args.fdesc_cost:
        print("    skipped: no --fdesc-cost program given")
        return
    p = subprocess.run([args.fdesc_cost], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    sys.stdout.write(p.stdout)
    if p.returncode != 0:
        print(f"    fdesc_cost failed (exit {p.returncode}): {p.stderr.strip()[-200:]}")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--workload", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--stop-cost", help="bench/stop_cost (the stop-costs section)")
    ap.add_argument("--fdesc-cost", help="bench/fdesc_cost (the fdesc-costs section)")
    ap.add_argument("--baseline", help="another procfd-trace binary, run beside --bin "
                    "(before/after a change)")
    args = ap.parse_args()
    for a in ("bin", "workload", "floor", "baseline", "stop_cost", "fdesc_cost"):
        if getattr(args, a):
            setattr(args, a, os.path.abspath(getattr(args, a)))
    scale = float(os.environ.get("BENCH_SCALE", "0.25"))
    runs = max(5, int(os.environ.get("BENCH_RUNS", "5")))
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    header(args, scale, runs)
    la0 = loadavg()
    print(f"load average before: {' '.join(la0)}")
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pfd-bench-") as tmp:
        main_workloads(args, scale, runs, tmp, only)
        if not only or "scale-children" in only:
            scaling_children(args, scale, runs, tmp)
        if not only or "scale-fds" in only:
            scaling_fds(args, runs, tmp)
        if not only or "leak-costs" in only:
            leak_costs(args, scale, runs, tmp)
        la1 = loadavg()  # before the placements' own load
        if not only or "placements" in only:
            placements(args, scale, runs, tmp)
        if not only or "stop-costs" in only:
            stop_costs(args)
        if not only or "fdesc-costs" in only:
            fdesc_costs(args)
    print(f"\nload average after (before the placements' busy loops): {' '.join(la1)}; "
          f"now {' '.join(loadavg())}; bench took {time.monotonic() - t0:.0f} s")
    if max(float(la0[0]), float(la1[0])) > 0.5:
        print("NOTE: the 1-minute load average was above 0.5: the machine was busy "
              "(other work shares the 2 CPUs); absolute times and polling figures are "
              "noisy, ratios within a round less so.")


if __name__ == "__main__":
    main()
