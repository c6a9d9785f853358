#!/bin/sh
# Run libFuzzer targets, each bounded in time, and print per target its
# executions, speed, coverage and result. Used by `make fuzz` and
# `make fuzz-smoke`:
#
#   tests/fuzz/run.sh SECONDS JOBS BUILD_DIR TARGET...
#
# TARGET is a name (classify, flags, ...): the binary is BUILD_DIR/fuzz_NAME,
# the seeds tests/fuzz/corpus/NAME/, the dictionary tests/fuzz/NAME.dict when
# there is one. Each run starts from a scratch copy of the seeds under
# BUILD_DIR/run/NAME/ (new inputs land there, never in the repository);
# crash inputs are kept in BUILD_DIR/artifacts/NAME/, the log in
# BUILD_DIR/run/NAME.log. JOBS targets run at once. Exit 1 when any target
# found something (a crash, leak, timeout or failed check) or did not run.
set -u

[ $# -ge 4 ] || { echo "usage: $0 SECONDS JOBS BUILD_DIR TARGET..." >&2; exit 2; }
seconds=$1 jobs=$2 dir=$3
shift 3
here=$(dirname "$0")

run_one() {
	t=$1
	bin=$dir/fuzz_$t
	scratch=$dir/run/$t
	art=$dir/artifacts/$t
	log=$dir/run/$t.log
	rm -rf "$scratch" "$art"
	mkdir -p "$scratch" "$art"
	cp "$here/corpus/$t"/* "$scratch/" 2>/dev/null
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
	# -timeout: one input running 10 s is a hang; -print_final_stats for
	# the figures below.
	"$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$art/" $dict "$scratch" >"$log" 2>&1
	echo $? >"$log.rc"
}

summary() {
	t=$1
	log=$dir/run/$t.log
	rc=$(cat "$log.rc" 2>/dev/null || echo 127)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1)
	# The last status line: "#N DONE cov: C ft: F corp: K/Sb ...".
	last=$(grep -E '^#[0-9]+' "$log" | tail -n1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
	crashes=$(ls "$dir/artifacts/$t" 2>/dev/null | wc -l)
	if [ "$rc" = 0 ] && [ "$crashes" = 0 ]; then
		result="clean"
	else
		result="FAILED (exit $rc, $crashes artifact(s) in $dir/artifacts/$t; log $log)"
		bad=1
	fi
	printf '%-9s %5ss %10s execs %8s exec/s  cov %5s ft %6s corpus %-10s rss %4sMB  %s\n' \
		"$t" "${secs:-?}" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
		"${corp:-?}" "${rss:-?}" "$result"
}

mkdir -p "$dir/run"
running=0
pids=
for t in "$@"; do
	echo "fuzz: fuzz_$t for ${seconds}s (log $dir/run/$t.log)"
	run_one "$t" &
	pids="$pids $!"
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		# Wait for the oldest of the running ones.
		first=${pids# }
		first=${first%% *}
		wait "$first"
		pids=${pids#* "$first"}
		running=$((running - 1))
	fi
done
wait

bad=0
echo "fuzz: results (${seconds}s each)"
for t in "$@"; do
	summary "$t"
done
if [ "$bad" != 0 ]; then
	for t in "$@"; do
		log=$dir/run/$t.log
		[ "$(cat "$log.rc" 2>/dev/null)" = 0 ] && continue
		echo "== $log (tail)"
		tail -n 40 "$log"
	done
	exit 1
fi
exit 0
