#!/bin/sh
# Install the Debian packages procfd-trace needs to build and test, when they
# are missing. Run by the Makefile; safe to run by hand. Installs nothing when
# everything is already there.
set -eu

need=""
have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }

command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
have_pc libseccomp || need="$need libseccomp-dev"
have_pc cmocka || need="$need libcmocka-dev"
# Stack traces: libunwind (remote unwinding) and elfutils libdw (file:line).
if ! have_pc libunwind-ptrace || ! have_pc libunwind-generic; then
	need="$need libunwind-dev"
fi
have_pc libdw || need="$need libdw-dev"
command -v python3 >/dev/null 2>&1 || need="$need python3"
# Real tools the integration suite runs on /proc links (issue 13).
command -v file >/dev/null 2>&1 || need="$need file"
command -v find >/dev/null 2>&1 || need="$need findutils"
command -v tar >/dev/null 2>&1 || need="$need tar"
# Symbolizing a stripped binary's frames after the run (tests/integration/after_run.py).
command -v eu-addr2line >/dev/null 2>&1 || need="$need elfutils"
command -v objcopy >/dev/null 2>&1 || need="$need binutils"
# i386 test programs (issue: 32-bit tracees) need a 32-bit libc.
if [ "$(uname -m)" = x86_64 ] && ! echo 'int main(void){return 0;}' |
	cc -m32 -x c -o /dev/null - >/dev/null 2>&1; then
	need="$need gcc-multilib"
fi
# The fuzz targets (make fuzz, and the smoke runs of make check) need clang
# with its libFuzzer and sanitizer runtimes (libclang-rt-dev, which the clang
# package only recommends). Optional: without them the smoke runs say so
# and are skipped, so a user who cannot install them can still build.
want=""
if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' |
	clang -fsanitize=fuzzer,address,undefined -x c -o /dev/null - >/dev/null 2>&1; then
	want="clang libclang-rt-dev"
fi

if [ -z "$need" ] && [ -n "$want" ] && [ "$(id -u)" != 0 ]; then
	echo "install-deps: not root; the fuzz smoke runs will be skipped until: sudo apt-get install $want" >&2
	exit 0
fi
[ -z "$need$want" ] && exit 0

# LLVM's libunwind-14-dev ships its own libunwind.h and Conflicts with
# libunwind-dev: remove it deliberately, and say so, rather than let apt
# decide behind a -y.
conflict=""
case "$need" in *libunwind-dev*)
	if dpkg-query -W -f='${Status}' libunwind-14-dev 2>/dev/null |
		grep -q 'install ok installed'; then
		conflict=libunwind-14-dev
	fi
esac

if [ -n "$need" ]; then
	echo "install-deps: missing Debian packages:$need" >&2
fi
if [ "$(id -u)" != 0 ]; then
	[ -n "$want" ] && echo "install-deps: for the fuzz targets also: $want" >&2
	[ -n "$conflict" ] &&
		echo "install-deps: not root; first run: sudo apt-get remove $conflict" >&2
	echo "install-deps: not root; run: sudo apt-get install$need" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ -n "$conflict" ]; then
	echo "install-deps: removing $conflict, which conflicts with libunwind-dev" >&2
	apt-get remove -y -qq "$conflict" >&2
fi
apt-get update -qq >&2
if [ -n "$need" ]; then
	echo "install-deps: running apt-get install$need" >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >&2
fi
if [ -n "$want" ]; then
	echo "install-deps: running apt-get install $want (for the fuzz targets)" >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $want >&2 ||
		echo "install-deps: could not install $want: the fuzz smoke runs will be skipped" >&2
fi
