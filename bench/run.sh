#!/bin/sh
# make bench: time each tracer on the same workload, several runs, best of.
# Prints microseconds per call of each kind, derived from the differences
# between workloads that vary one kind of call at a time.
set -eu
BIN=${1:-build/procfd-trace}
WL=${2:-build/bench/workload}
RUNS=${RUNS:-5}
N_UNTRAPPED=${N_UNTRAPPED:-200000}
N_TRAPPED=${N_TRAPPED:-20000}
N_REPORTED=${N_REPORTED:-2000}

now_ns() { date +%s%N; }

# best-of-RUNS wall time (ns) of a command
best() {
	best_ns=
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		t1=$(now_ns)
		d=$((t1 - t0))
		if [ -z "$best_ns" ] || [ $d -lt "$best_ns" ]; then best_ns=$d; fi
		i=$((i + 1))
	done
	echo "$best_ns"
}

per_call() { # name, runner prefix...
	name=$1; shift
	base=$(best "$@" "$WL" 0 0 0)
	u=$(best "$@" "$WL" "$N_UNTRAPPED" 0 0)
	t=$(best "$@" "$WL" 0 "$N_TRAPPED" 0)
	r=$(best "$@" "$WL" 0 0 "$N_REPORTED")
	awk -v n="$name" -v b="$base" -v u="$u" -v t="$t" -v r="$r" \
	    -v nu="$N_UNTRAPPED" -v nt="$N_TRAPPED" -v nr="$N_REPORTED" 'BEGIN {
		printf "%-28s %10.3f %10.2f %10.2f %10.1f\n", n, (u-b)/nu/1000, (t-b)/nt/1000, (r-b)/nr/1000, b/1e6
	}'
}

echo "best of $RUNS runs; microseconds per call (startup in ms)"
printf "%-28s %10s %10s %10s %10s\n" tracer getppid stat-file stat-fdlink startup
per_call "untraced"
per_call "procfd-trace (seccomp)" "$BIN" -o /dev/null --
per_call "procfd-trace --no-seccomp" "$BIN" --no-seccomp -o /dev/null --
if command -v strace >/dev/null 2>&1; then
	per_call "strace -f" strace -f -qq -o /dev/null -e trace=stat,newfstatat,statx --
	per_call "strace -f --seccomp-bpf" strace -f -qq --seccomp-bpf -o /dev/null \
		-e trace=stat,newfstatat,statx --
fi
