#!/usr/bin/env python3
"""The documents name everything the JSON can hold (make check-docs).

Fails when
  * a resolution of the code's table (pfd_resolution_name,
    tracer/plugins/procfd/procfd_names.c) is missing from docs/json-schema.md's
    `resolution` table or from the man page's list of resolutions
    (docs/procfd-trace.1, DESCRIPTION);
  * a JSON key some writer call of tracer/ writes (pfd_w_*(w, "key", ...)) is
    named nowhere in docs/json-schema.md (as `key` or "key").

The names come from the code, so a new resolution or key fails here until
both documents say what it means."""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NAMES_C = os.path.join(ROOT, "tracer/plugins/procfd/procfd_names.c")
SCHEMA = os.path.join(ROOT, "docs/json-schema.md")
MAN = os.path.join(ROOT, "docs/procfd-trace.1")

# Never written: the value of a call not yet judged.
NOT_WRITTEN = {"none"}
# Keys of text-only fields (pfd_w_text_only): never in JSON.
TEXT_ONLY_KEYS = {"raw_args"}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def resolutions():
    """The names of pfd_resolution_name's table, in order."""
    text = read(NAMES_C)
    m = re.search(r"pfd_resolution_name\(.*?\{(.*?)\};", text, re.S)
    if not m:
        sys.exit("check_docs: no pfd_resolution_name table in %s" % NAMES_C)
    names = re.findall(r'\[PFD_RES_[A-Z_]+\]\s*=\s*"([a-z-]+)"', m.group(1))
    if len(names) < 10:
        sys.exit("check_docs: only %d resolutions parsed from %s" % (len(names), NAMES_C))
    return [n for n in names if n not in NOT_WRITTEN]


def schema_resolution_rows(schema):
    """The first cells of the table under ### `resolution`."""
    m = re.search(r"^### `resolution`\n(.*?)(?=^#)", schema, re.S | re.M)
    if not m:
        return set()
    return set(re.findall(r"^\| `([a-z-]+)` \|", m.group(1), re.M))


def man_resolutions(man):
    """The .B/.BR words from "how the call resolved" to "with a sentence"."""
    m = re.search(r"how\s+the call resolved(.*?)with a sentence", man, re.S)
    if not m:
        return set()
    return set(re.findall(r"^\.BR? ([a-z-]+)", m.group(1), re.M))


def written_keys():
    keys = set()
    call = re.compile(r'pfd_w_[a-z_]+\(\s*w\s*,\s*"([a-z_0-9]+)"')
    for top, _, files in os.walk(os.path.join(ROOT, "tracer")):
        for f in files:
            if f.endswith(".c"):
                keys.update(call.findall(read(os.path.join(top, f))))
    return keys - TEXT_ONLY_KEYS


def main():
    schema, man = read(SCHEMA), read(MAN)
    problems = []
    res = resolutions()
    rows, listed = schema_resolution_rows(schema), man_resolutions(man)
    for name in res:
        if name not in rows:
            problems.append("resolution %r: no row in docs/json-schema.md's resolution table" % name)
        if name not in listed:
            problems.append("resolution %r: not in the man page's list of resolutions" % name)
    keys = written_keys()
    for key in sorted(keys):
        if "`%s`" % key not in schema and '"%s"' % key not in schema:
            problems.append("JSON key %r: named nowhere in docs/json-schema.md" % key)
    for p in problems:
        print("check_docs: " + p)
    if problems:
        return 1
    print("check_docs: %d resolutions in both documents, %d JSON keys in the schema"
          % (len(res), len(keys)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
