#!/usr/bin/env python3
"""One fd-description library below every consumer (issue 20).

tests/programs/fd_factory makes one fd of every kind the library knows and
prints, per fd, "fd N CLASS<TAB>WORDS<TAB>...": the class the library must
choose and pieces its words must hold. Each fd is then seen through the
three consumers:

  trace:   `ls -l /proc/PID/fd` under procfd-trace --json: the lstat and
           readlink of each link are annotated with its `target`;
  explain: procfd-trace --explain PID --json: one `explain` event per fd;
  leaks:   the factory, run under procfd-trace --leaks, exits holding them
           all: one `leak` event per fd (JSON) and its title (text).

For every fd: each consumer's `target.fdesc.class` is CLASS; the trace and
--explain agree on `kind` and on `text_target` (what the text names: nsfs
and mqueue texts are not paths); a size is given only where the class has
one (never for an mqueue, whose st_size is its status text); and for a
class whose text is no path (sockets, anon inodes, namespaces, queues), the
leak title and --explain's "holds:" line carry WORDS.

Exit status 0 when all pass, 1 otherwise."""

import json
import os
import subprocess
import sys
import tempfile

import script_args

# the classes whose link text is no path: their words stand in the titles
WORDY = {"socket", "eventfd", "eventpoll", "signalfd", "timerfd", "inotify", "fanotify",
         "pidfd", "io_uring", "bpf-map", "bpf-prog", "bpf-link", "userfaultfd",
         "perf_event", "anon_inode", "nsfs", "mqueue"}


def events(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def joined(text):
    """Text lines with their wrapped continuations (6 more spaces) put back."""
    out = []
    for line in text.splitlines():
        if out and line.startswith("      ") and out[-1].startswith("    "):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


def factory_lines(text):
    want = {}
    for line in text.splitlines():
        if line.startswith("fd "):
            head, *words = line.split("\t")
            _, fd, cls = head.split(" ", 2)
            want[int(fd)] = (cls, [w for w in words if w])
    return want


def start_factory(args):
    p = subprocess.Popen([os.path.join(args.programs, "fd_factory")], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = []
    for line in p.stdout:
        out.append(line)
        if line.strip() == "ready":
            break
    return p, "".join(out)


def trace_targets(args, tmp, pid):
    path = os.path.join(tmp, "trace.json")
    subprocess.run([args.bin, "--json", "-o", path, "--", "ls", "-l", "/proc/%d/fd" % pid],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    seen = {}
    for e in events(path):
        link, t = e.get("link") or {}, e.get("target")
        if e.get("event") == "syscall" and t and link.get("pid") == pid:
            seen[link.get("fd")] = (t, e.get("text_target"))
    return seen


def explain_targets(args, tmp, pid):
    path = os.path.join(tmp, "explain.json")
    subprocess.run([args.bin, "--json", "-o", path, "--explain", str(pid)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    text = subprocess.run([args.bin, "--explain", str(pid)], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, timeout=120).stdout.decode(errors="replace")
    holds = {}
    fd = None
    for line in joined(text):
        if " explain /proc/" in line:
            try:
                fd = int(line.split(" explain /proc/")[1].split(" ")[0].split("/fd/")[1])
            except (IndexError, ValueError):
                fd = None
        elif line.strip().startswith("holds:") and fd is not None:
            holds[fd] = line
    seen = {}
    for e in events(path):
        if e.get("event") == "explain" and e.get("target"):
            fd = int(e["link"].rsplit("/", 1)[1])
            seen[fd] = (e["target"], e.get("text_target"), holds.get(fd, ""))
    return seen


def leak_reports(args, tmp):
    """The factory traced by --leaks, in JSON and in text: its leaks, the
    text run's titles, and the text run's own factory lines (its ports)."""
    path = os.path.join(tmp, "leaks.json")
    subprocess.run([args.bin, "--leaks", "--json", "-o", path, "--",
                    os.path.join(args.programs, "fd_factory")], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    p = subprocess.run([args.bin, "--leaks", "--", os.path.join(args.programs, "fd_factory")],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    # the factory's own leaks (a child it forks holds fds of its own)
    titles, main = {}, None
    for line in joined(p.stderr.decode(errors="replace")):
        if main is None and "+++ exec" in line:
            main = int(line.split("]")[0].split()[-1])
        if main is not None and line.startswith("[pid") and \
                " open at exit of pid %d " % main in line:
            fd = int(line.split("] fd ", 1)[1].split(" ", 1)[0])
            titles[fd] = line
    evs = events(path)
    first = next((e["pid"] for e in evs if e.get("event") == "exec"), None)
    leaks = {e["fd"]: e for e in evs if e.get("event") == "leak" and e.get("pid") == first}
    return leaks, titles, factory_lines(p.stdout.decode(errors="replace"))


def check(want, trace, explain, leaks, titles, leak_want):
    problems = []
    for fd, (cls, words) in sorted(want.items()):
        where = "fd %d (%s)" % (fd, cls)
        if fd not in trace or fd not in explain or fd not in leaks:
            problems.append("%s: missing from %s" % (where, [n for n, d in (
                ("trace", trace), ("explain", explain), ("leaks", leaks)) if fd not in d]))
            continue
        tt, ttext = trace[fd]
        et, etext, holds = explain[fd]
        lt = leaks[fd]["target"]
        for name, t in (("trace", tt), ("explain", et), ("leaks", lt)):
            got = (t.get("fdesc") or {}).get("class")
            if got != cls:
                problems.append("%s: %s's fdesc.class is %r" % (where, name, got))
        if tt.get("kind") != et.get("kind"):
            problems.append("%s: kind %r in the trace, %r in --explain" %
                            (where, tt.get("kind"), et.get("kind")))
        if ttext != etext:
            problems.append("%s: text_target %r in the trace, %r in --explain" %
                            (where, ttext, etext))
        if cls in ("nsfs", "mqueue") and ttext != "not-a-path":
            problems.append("%s: text_target %r, not not-a-path" % (where, ttext))
        if cls == "mqueue" and lt.get("size") is not None:
            problems.append("%s: the leak gives a size %r" % (where, lt.get("size")))
        if cls in WORDY:
            # the factory removes its queue at exit, before the leak report:
            # the title then names it with the kernel's " (deleted)"
            for w in (leak_want.get(fd, (cls, []))[1] if cls != "mqueue" else []):
                if w not in titles.get(fd, ""):
                    problems.append("%s: the leak title lacks %r: %r" % (where, w, titles.get(fd)))
            # a socket in no table of its running holder's namespace (an
            # unbound UDP one, one made in another namespace) could only be
            # asked through a copy of its fd, which --explain does not take
            unlisted = "listed in no /proc/net table" in holds
            for w in ([] if unlisted and cls == "socket" else words):
                if w not in holds:
                    problems.append("%s: --explain's holds line lacks %r: %r" % (where, w, holds))
    return problems


def main():
    args = script_args.bin_and_programs(__doc__)
    with tempfile.TemporaryDirectory(prefix="pfdtest.fdesc.") as tmp:
        p, out = start_factory(args)
        try:
            want = factory_lines(out)
            trace = trace_targets(args, tmp, p.pid)
            explain = explain_targets(args, tmp, p.pid)
        finally:
            p.stdin.close()
            p.wait(timeout=60)
        leaks, titles, leak_want = leak_reports(args, tmp)
    problems = check(want, trace, explain, leaks, titles, leak_want) if len(want) > 20 else \
        ["the factory made %d fds" % len(want)]
    print("%s fdesc_consumers (%d fds, %d classes)" % (
        "FAIL" if problems else "PASS", len(want), len({c for c, _ in want.values()})))
    for pr in problems:
        print("  - " + pr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
