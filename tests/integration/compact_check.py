#!/usr/bin/env python3
"""The default (compact) text of procfd-trace, and where it wraps (issue 22).

Used as a +wrap of a +raw case in cases.txt:

    compact_check.py MODE BIN OPTIONS -- PROGRAMS/ls_holder

runs BIN OPTIONS -- ls_holder, which holds 13 fds and runs
`ls -l --color=always` on its /proc/PID/fd (tests/programs/ls_holder.c
prints "holder PID", "ls PID" and a "link FD TEXT" line per fd), and checks
the text trace:

    file   the trace goes to a file (-o): every link of the holder takes at
           most 5 lines of ls's part of the trace (its calls on
           /proc/PID/fd/N, its state line, its follow-ups), every link's
           text is on a line whole and quoted (grep finds it), no line has
           an unbalanced quote, and no line is a continuation: a file is
           never wrapped
    pty60  the trace goes to a terminal 60 columns wide (a pty, TIOCSWINSZ):
           the indented lines are wrapped, each piece within 60 columns
           unless it is one quoted string that cannot break, and no
           quoted string is split
    pty200 a terminal 200 columns wide: no indented line needs wrapping, so
           none is continued
    link   -P: COMMAND is explain_holder demo, started here untraced (it
           holds a deleted file, a pipe and a socket and says "ready PID");
           BIN -P PID:FD -- ls -l --color=always /proc/PID/fd reports calls
           on fd FD only and its one follow-up (also for a pipe's read end,
           whose write end has the same text), -P /proc/PID/fd on every fd
           and the directory, -P of a process ls does not look at nothing

Nothing depends on timing: the pty is read until every writer has closed
it. Exit 0 when all holds, 1 (with the trace) otherwise."""

import os
import pty
import re
import struct
import subprocess
import sys
import fcntl
import termios

HEAD = re.compile(r"^\[pid +(\d+)\] ")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CONTINUATION = re.compile(r"^      (?! )")
MAX_LINES_PER_LINK = 5


def fail(why, text):
    sys.stderr.write("compact_check: %s\n--- trace:\n%s" % (why, text))
    sys.exit(1)


def unbalanced(line):
    """Whether line has an odd number of quotes outside escapes."""
    n, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        n += line[i] == '"'
        i += 1
    return n % 2 == 1


def holder_facts(stdout, text):
    holder = re.search(r"^holder (\d+)$", stdout, re.M)
    ls = re.search(r"^ls (\d+)$", stdout, re.M)
    links = re.findall(r"^link (\d+) (.*)$", stdout, re.M)
    if not holder or not ls or len(links) < 13:
        fail("ls_holder did not say its pid, ls's pid and 13 links:\n%s" % stdout, text)
    return holder.group(1), ls.group(1), links


def ls_part(lines, ls_pid):
    """ls's headlines and the lines under them."""
    out, mine = [], False
    for l in lines:
        m = HEAD.match(l)
        if m:
            mine = m.group(1) == ls_pid
        if mine:
            out.append(l)
    return out


def check_file(trace, stdout):
    holder, ls_pid, links = holder_facts(stdout, trace)
    lines = [ANSI.sub("", l) for l in trace.splitlines()]
    part = ls_part(lines, ls_pid)
    if not part:
        fail("no line of ls (pid %s)" % ls_pid, trace)
    for l in lines:
        if unbalanced(l):
            fail("a line with an unbalanced quote: %r" % l, trace)
        if CONTINUATION.match(l):
            fail("a continuation line in a file: %r" % l, trace)
    blocks = []
    for l in part:
        if HEAD.match(l) or not blocks:
            blocks.append([l])
        else:
            blocks[-1].append(l)
    texts = [t for _, t in links]
    for fd, text in links:
        quoted = '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')
        marks = ['"/proc/%s/fd/%s"' % (holder, fd), "[follow-up of fd %s:" % fd]
        if texts.count(text) == 1:  # a call on the text (a follow-up) is this link's
            marks += ["(%s" % quoted, ", %s" % quoted, '"/proc/%s/fd/%s"' % (holder, text)]
        mine = [l for b in blocks if any(m in b[0] for m in marks) for l in b]
        if not mine:
            fail("no line of ls's part is about fd %s" % fd, trace)
        if len(mine) > MAX_LINES_PER_LINK:
            fail("fd %s takes %d lines (at most %d):\n%s" % (fd, len(mine), MAX_LINES_PER_LINK,
                                                               "\n".join(mine)), trace)
        if not any(quoted in l for l in part):
            fail("grep finds no line with fd %s's text %s" % (fd, quoted), trace)


def run_on_pty(argv, cols):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    # the trace goes to stderr, the terminal: run.py's render check would
    # add its own verdict line there
    env = {k: v for k, v in os.environ.items() if k != "PROCFD_RENDER_CHECK"}
    with open(os.devnull, "rb") as null:
        proc = subprocess.Popen(argv, stdin=null, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:  # until the last writer closes the pty: EIO
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.stdout.read().decode()
    proc.wait()
    os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return proc.returncode, text, stdout


def breakable(piece):
    """Whether a space outside quotes could have cut piece shorter."""
    q = False
    i = 0
    body = piece.lstrip(" ")
    while i < len(body):
        c = body[i]
        if c == "\\" and q:
            i += 2
            continue
        if c == '"':
            q = not q
        elif c == " " and not q:
            return True
        i += 1
    return False


def check_pty(trace, cols):
    lines = [ANSI.sub("", l) for l in trace.splitlines()]
    continued = 0
    for l in lines:
        if unbalanced(l):
            fail("a quoted string split across lines: %r" % l, trace)
        if HEAD.match(l):
            continue  # a call's line is strace's: never wrapped by us
        if CONTINUATION.match(l):
            continued += 1
        if len(l) > cols and breakable(l[:cols]):
            fail("an indented line of %d columns on a %d-column terminal: %r" %
                 (len(l), cols, l), trace)
    if cols < 100 and not continued:
        fail("nothing wrapped on a %d-column terminal" % cols, trace)
    if cols >= 200 and continued:
        fail("a line wrapped on a %d-column terminal" % cols, trace)


CALL = re.compile(r"^\[pid +\d+\] [a-z0-9_]+\(")


def traced_ls(argv, holder, sel):
    """The call lines of BIN -P sel -- ls -l --color=always /proc/holder/fd."""
    env = dict(os.environ, LS_COLORS="or=40;31;01:mi=01;05;37;41")
    cmd = argv[:1] + ["-o", "trace.txt", "-P", sel] + argv[1:argv.index("--") + 1] + \
        ["ls", "-l", "--color=always", "/proc/%s/fd" % holder]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=env)
    with open("trace.txt", encoding="utf-8", errors="replace") as f:
        trace = f.read()
    os.unlink("trace.txt")
    if p.returncode:
        fail("-P %s: procfd-trace exited %d: %s" % (sel, p.returncode, p.stderr.decode()), trace)
    return [l for l in trace.splitlines() if CALL.match(l)], trace


def check_link(argv):
    holder_cmd = argv[argv.index("--") + 1:]
    h = subprocess.Popen(holder_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    try:
        lines = []
        for line in h.stdout:  # blocks until the holder is ready: no timing
            lines.append(line.decode())
            if line.startswith(b"ready "):
                break
        paths = [w for l in lines if l.startswith("explain ") for w in l.split()[1:]]
        m = re.match(r"^/proc/(\d+)/fd/(\d+)$", paths[0] if paths else "")
        if not m:
            fail("the holder said no /proc/PID/fd/N: %r" % lines, "")
        pid = m.group(1)
        # the deleted file, then the pipe's read end: its write end has the
        # same text, and ls's lookup of that end's text is not this fd's
        for path in paths[:2]:
            fd = path.rsplit("/", 1)[1]
            calls, trace = traced_ls(argv, pid, "%s:%s" % (pid, fd))
            mine = ('"/proc/%s/fd/%s"' % (pid, fd), "[follow-up of fd %s:" % fd)
            if not any(mine[0] in l for l in calls) or \
                    sum(mine[1] in l for l in calls) != 1:
                fail("-P %s:%s: not the link's calls and one follow-up" % (pid, fd), trace)
            for l in calls:
                if not any(x in l for x in mine):
                    fail("-P %s:%s reported another link's call: %r" % (pid, fd, l), trace)
        calls, trace = traced_ls(argv, pid, "/proc/%s/fd" % pid)
        fds = set(re.findall(r'"/proc/%s/fd/(\d+)"' % pid, "\n".join(calls)))
        if len(fds) < 4 or not any("[fd directory]" in l for l in calls):
            fail("-P /proc/%s/fd: not every link and the directory (%s)" % (pid, fds), trace)
        calls, trace = traced_ls(argv, pid, str(os.getpid()))
        if calls:
            fail("-P of a process ls does not look at reported %r" % calls[0], trace)
    finally:
        h.terminate()
        h.wait()


def main():
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == "file":
        out = "trace.txt"
        p = subprocess.run(argv[:1] + ["-o", out] + argv[1:], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(out, encoding="utf-8", errors="replace") as f:
            trace = f.read()
        os.unlink(out)
        if p.returncode:
            fail("procfd-trace exited %d: %s" % (p.returncode, p.stderr.decode()), trace)
        check_file(trace, p.stdout.decode())
    elif mode in ("pty60", "pty200"):
        cols = int(mode[3:])
        rc, trace, _ = run_on_pty(argv, cols)
        if rc:
            fail("procfd-trace exited %d" % rc, trace)
        check_pty(trace, cols)
    elif mode == "link":
        check_link(argv)
    else:
        fail("unknown mode %s" % mode, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
