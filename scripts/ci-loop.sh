#!/bin/bash
# make check from a fresh clone of COMMIT, N times in a row, under two busy
# loops (issue 23's stress figure): scripts/ci-loop.sh N COMMIT [REPO].
# One line per run in /tmp/ci-loop.summary, each run's log in /tmp/ci-loop.N.log.
set -u
n=${1:?N} commit=${2:?COMMIT} repo=${3:-$(git rev-parse --show-toplevel)}
yes > /dev/null & y1=$!; yes > /dev/null & y2=$!
trap 'kill $y1 $y2 2>/dev/null; rm -rf /tmp/ci-loop.clone' EXIT
echo "start $(date -u +%H:%M) commit $commit" >> /tmp/ci-loop.summary
ok=0
for i in $(seq "$n"); do
	rm -rf /tmp/ci-loop.clone && git clone -q "$repo" /tmp/ci-loop.clone &&
		git -C /tmp/ci-loop.clone checkout -q "$commit" || exit 1
	s=$(date +%s)
	if (cd /tmp/ci-loop.clone && bash .ci/run > /tmp/ci-loop.$i.log 2>&1); then
		ok=$((ok + 1)); r=pass
	else
		r=FAIL
	fi
	echo "run $i: $r in $(($(date +%s) - s)) s, load $(cut -d' ' -f1 /proc/loadavg)" >> /tmp/ci-loop.summary
done
echo "done: $ok of $n passed" >> /tmp/ci-loop.summary
