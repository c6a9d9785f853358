#!/bin/sh
# make stress: procfd-trace -p against a process whose non-leader thread
# execs about every millisecond (exec_storm), N times: attach, once it
# traces let it go on for a moment (0-290 ms, varied), SIGINT. Each run must end within 5 s of
# the SIGINT and leave every thread of the target untraced and not stopped.
# Usage: attach_exec.sh BIN EXEC_STORM [N]
set -u
bin=$1 storm=$2 n=${3:-100}
tmp=$(mktemp -d /tmp/pfdstress.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
hung=0 left=0 failed=0
i=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	"$storm" >"$tmp/ready" &
	target=$!
	until grep -qs ready "$tmp/ready"; do sleep 0.01; done
	"$bin" -o /dev/null -p "$target" 2>"$tmp/err" &
	tracer=$!
	# until it traces (a SIGINT before procfd-trace has set its handlers is
	# lost: a background job of a non-interactive shell ignores SIGINT)
	waited=0
	until grep -qs "^TracerPid:[[:space:]]*$tracer\$" /proc/"$target"/status ||
	      ! kill -0 "$tracer" 2>/dev/null || [ $waited -ge 500 ]; do
		sleep 0.01
		waited=$((waited + 1))
	done
	sleep "0.$(( (i * 37) % 30 ))0"
	kill -INT "$tracer" 2>/dev/null
	waited=0
	while kill -0 "$tracer" 2>/dev/null && [ $waited -lt 50 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 "$tracer" 2>/dev/null; then
		hung=$((hung + 1))
		echo "run $i: procfd-trace $tracer still running 5 s after SIGINT; its stack:"
		cat "/proc/$tracer/stack" 2>/dev/null
		for t in /proc/"$target"/task/*; do
			echo "  $t: $(grep State: "$t/status") $(head -1 "$t/stack" 2>/dev/null)"
		done
		kill -KILL "$tracer"
	fi
	wait "$tracer" 2>/dev/null
	for t in /proc/"$target"/task/*; do
		tp=$(awk '/^TracerPid:/ { print $2 }' "$t/status" 2>/dev/null)
		st=$(awk '/^State:/ { print $2 }' "$t/status" 2>/dev/null)
		if [ "${tp:-0}" != 0 ] || [ "$st" = t ] || [ "$st" = T ]; then
			left=$((left + 1))
			echo "run $i: $t left traced or stopped (TracerPid $tp, State $st)"
		fi
	done
	if grep -q "cannot attach" "$tmp/err"; then
		failed=$((failed + 1))
		echo "run $i: $(cat "$tmp/err")"
	fi
	kill -KILL "$target" 2>/dev/null
	wait "$target" 2>/dev/null
done
echo "attach_exec: $n runs, $hung hung after SIGINT, $left threads left traced, $failed attaches refused"
[ $hung -eq 0 ] && [ $left -eq 0 ] && [ $failed -eq 0 ]
