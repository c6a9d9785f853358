#!/usr/bin/env python3
"""procfd-render (tests/tools/render.c) renders a JSON trace as the text
procfd-trace writes for the same run: a text run and a JSON run of one
command, the JSON rendered back, must give the same lines (pids and times
masked as compare_outputs.py does, lines sorted: the two runs are two
processes). The command makes only events whose text is said by layouts
(exec, exit, the -c summary, the leak total); every event kind's text is
checked against its own JSON inside each run by PROCFD_RENDER_CHECK
(run.py), this checks the shipped tool end to end.

    render_tool.py --bin build/procfd-trace --render-bin build/tests/procfd-render
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_outputs import normal  # noqa: E402

COMMAND = ["/bin/sh", "-c", "/bin/true; exit 3"]
OPTIONS = [["-c", "--leaks"], ["-qq", "-c"], ["-tt", "--leaks"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--render-bin", required=True)
    args = ap.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="pfdrender.") as tmp:
        text, jsonl = os.path.join(tmp, "t.txt"), os.path.join(tmp, "t.jsonl")
        for opts in OPTIONS:
            subprocess.run([args.bin, "-o", text] + opts + ["--"] + COMMAND, check=False)
            subprocess.run([args.bin, "--json", "-o", jsonl] + opts + ["--"] + COMMAND,
                           check=False)
            # -c (summary only) writes its text as -qq does: no exec/exit lines
            text_opts = sorted({"-qq" if o == "-c" else o for o in opts if o != "--leaks"})
            r = subprocess.run([args.render_bin] + text_opts + [jsonl], capture_output=True,
                               text=True)
            with open(text) as f:
                want = f.read()
            if r.returncode != 0 or normal(r.stdout) != normal(want) or not want:
                failed += 1
                print("render_tool: %s: procfd-render (status %d) gives\n%s\nthe text run "
                      "wrote\n%s" % (" ".join(opts), r.returncode, r.stdout, want))
    print("render_tool: %d of %d option sets differ" % (failed, len(OPTIONS)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
