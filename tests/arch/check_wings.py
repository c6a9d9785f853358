#!/usr/bin/env python3
"""Fail when an #include crosses a wing the wrong way (docs/ARCHITECTURE.md).

Each source file belongs to the wing of its folder. A wing may include its
own headers and those of the wings it depends on, never one above it: the
SDK depends on nothing, the engine never on a plugin, a plugin only on the
SDK. The table below is the one docs/ARCHITECTURE.md draws; change both
together.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))

# wing: (folder prefix, wings it may include besides itself)
WINGS = {
    "sdk":     ("include/procfd/", []),
    "output":  ("tracer/output/", ["sdk"]),
    "stack":   ("tracer/stack/", ["sdk", "output"]),
    "filters": ("filters/", ["sdk"]),
    "fdesc":   ("tracer/fdesc/", ["sdk", "output"]),
    "engine":  ("tracer/engine/", ["sdk", "output", "stack", "filters"]),
    "procfd":  ("tracer/plugins/procfd/", ["sdk", "plugins"]),
    "leaks":   ("tracer/plugins/leaks/", ["sdk", "plugins"]),
    "plugins": ("tracer/plugins/", ["sdk"]),
    "explain": ("tracer/explain/", ["sdk", "output", "fdesc", "procfd"]),
    "cli":     ("tracer/cli/", None),  # the top: may include every wing
}

# Includes that cross the wrong way today, each with the issue that removes
# it. The check fails on any other, and on an entry here that no longer
# happens (so the list only shrinks).
KNOWN = {
    ("tracer/plugins/leaks/leaks_impl.h", "tracer/plugins/procfd/procfd.h"):
        "issue 20: the leak report describes fds through the fd-description "
        "library (the SDK's fdesc.h), not the procfd plugin's probe",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def wing_of(path):
    best = None
    for name, (prefix, _) in WINGS.items():
        if path.startswith(prefix) and (best is None or len(prefix) > len(WINGS[best][0])):
            best = name
    return best


def header_path(inc):
    """Where an include resolves with -Iinclude -I. (the Makefile's flags)."""
    if os.path.exists(os.path.join(ROOT, "include", inc)):
        return "include/" + inc
    return inc


def undocumented(files):
    """docs/ARCHITECTURE.md names every source file (by its path, or by its
    name in the row of its folder)."""
    with open(os.path.join(ROOT, "docs", "ARCHITECTURE.md")) as f:
        doc = f.read()
    def named(rel):
        return rel in doc or re.search(r"(?<![\w/.])" + re.escape(os.path.basename(rel))
                                       + r"(?![\w])", doc)
    # a header beside its .c is named with it
    return [f"{rel}: not in docs/ARCHITECTURE.md's file table" for rel in files
            if not named(rel) and not (rel.endswith(".h") and named(rel[:-2] + ".c"))]


def main():
    bad = []
    files = 0
    seen_known = set()
    all_files = []
    for top in ("include", "filters", "tracer"):
        for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
            for n in sorted(names):
                if not n.endswith((".c", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, n), ROOT)
                src = wing_of(rel)
                if src is None:
                    bad.append(f"{rel}: in no wing (add its folder to tests/arch/check_wings.py)")
                    continue
                files += 1
                all_files.append(rel)
                allowed = WINGS[src][1]
                with open(os.path.join(ROOT, rel)) as f:
                    text = f.read()
                for m in INCLUDE.finditer(text):
                    target = header_path(m.group(1))
                    dst = wing_of(target)
                    if dst is None:
                        bad.append(f"{rel}: includes {m.group(1)}, which is in no wing")
                    elif allowed is not None and dst != src and dst not in allowed:
                        if (rel, target) in KNOWN:
                            seen_known.add((rel, target))
                            continue
                        line = text.count("\n", 0, m.start()) + 1
                        bad.append(f"{rel}:{line}: {src} includes {target} ({dst})")
    bad += undocumented(all_files)
    for k in sorted(set(KNOWN) - seen_known):
        bad.append(f"{k[0]} no longer includes {k[1]}: remove it from KNOWN")
    for b in bad:
        print("check_wings: " + b)
    if bad:
        print(f"check_wings: FAIL, {len(bad)} problem(s)")
        return 1
    print(f"check_wings: {files} files, every include goes down a wing"
          + (f" ({len(KNOWN)} known exception(s) listed in KNOWN)" if KNOWN else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
