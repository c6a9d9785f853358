#!/bin/sh
# procfd-trace: the plugin SDK as an outside plugin sees it (make check-sdk).
#   1. the library exports exactly what include/procfd/ marks PFD_API, and
#      every function the SDK headers declare is marked;
#   2. make install DESTDIR=... installs the program, library, SDK headers,
#      procfd.pc, man page and docs, and no internal header;
#   3. each installed header compiles on its own;
#   4. tests/plugins/*.c builds with one pkg-config line against that install
#      and the program it makes traces PROGRAM with the plugin's event.
# usage: check_sdk.sh BUILD PROGRAM SDK_HEADER...
set -eu
build=$1 prog=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-sdk: FAIL: $*" >&2; exit 1; }

# 1. Defined, global, default-visibility symbols of libprocfd.a against the
# PFD_API declarations. "error" is the one deliberate extra: symbols_libdw.c
# interposes glibc's error() so that libdw's out-of-memory exit is caught.
readelf -sW "$build/libprocfd.a" |
	awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" { print $8 }' | sort -u > "$tmp/exported"
{ sed -n 's/^PFD_API .*[ *]\(pfd_[a-z0-9_]*\)(.*/\1/p' "$@"; echo error; } | sort -u > "$tmp/api"
if ! diff "$tmp/api" "$tmp/exported" > "$tmp/diff"; then
	sed -n 's/^< /declared PFD_API but not exported: /p; s/^> /exported but not PFD_API: /p' \
		"$tmp/diff" >&2
	fail "the exported symbols are not the API"
fi
# Every function an SDK header declares is marked (a declaration starts at
# column 0 with its type; PFD_API first).
if grep -n '^[a-z_].*[ *]pfd_[a-z0-9_]*(' "$@" | grep -v ':PFD_API ' > "$tmp/unmarked"; then
	sed 's/^/no PFD_API: /' "$tmp/unmarked" >&2
	fail "an SDK header declares a function without PFD_API"
fi
if grep -n '^extern ' "$@" > "$tmp/vars"; then
	sed 's/^/a variable in the SDK: /' "$tmp/vars" >&2
	fail "an SDK header declares a variable (the SDK is functions, types and macros)"
fi
echo "check-sdk: libprocfd.a exports exactly the $(wc -l < "$tmp/api") PFD_API symbols (+ error)"

# 2. Install into a scratch root.
root=$tmp/root
${MAKE:-make} --no-print-directory -s install BUILD="$build" DESTDIR="$root" PREFIX=/usr/local
for f in bin/procfd-trace lib/libprocfd.a lib/pkgconfig/procfd.pc \
	 share/man/man1/procfd-trace.1 share/doc/procfd-trace/ARCHITECTURE.md; do
	[ -f "$root/usr/local/$f" ] || fail "make install did not install $f"
done
for h in "$@"; do
	[ -f "$root/usr/local/include/procfd/$(basename "$h")" ] || fail "$h not installed"
done
[ "$(ls "$root/usr/local/include/procfd" | wc -l)" -eq $# ] ||
	fail "include/procfd/ holds more than the SDK headers: $(ls "$root/usr/local/include/procfd")"

pc() { PKG_CONFIG_PATH=$root/usr/local/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root pkg-config "$@"; }

# 3. Each header alone, with nothing but the SDK's include path.
for h in "$@"; do
	printf '#include <procfd/%s>\n' "$(basename "$h")" |
		cc -Wall -Wextra -Werror -fsyntax-only $(pc --cflags procfd) -x c - ||
		fail "<procfd/$(basename "$h")> does not compile on its own"
done

# 4. The example plugin, as an outside plugin is built.
cc -Wall -Wextra -Werror -o "$tmp/myprocfd" tests/plugins/*.c $(pc --cflags --libs procfd) ||
	fail "tests/plugins/*.c does not build against the installed SDK"
"$tmp/myprocfd" --json -o "$tmp/trace.json" -- "$prog" > /dev/null 2>&1 ||
	fail "the plugin's procfd-trace failed on $prog"
grep -q '^{"event":"dupcount",' "$tmp/trace.json" ||
	fail "no dupcount event in the trace of $prog"
echo "check-sdk: tests/plugins/ built with pkg-config against a DESTDIR install, and ran"
