#!/usr/bin/env bash
# postloop.sh: the quick latency loop behind the tenth stop's profiles (BENCHMARKS.md).
#
#   bench/postloop.sh [POSTS] [N D K]      e.g. LOOP_GAP=1.5 bench/postloop.sh 40
#
# One fanmail (this tree's target/quarkus-app through bin/fanmail, on a fresh embedded database)
# and the BenchSink on K loopback addresses; a list of N members over D domains (the workload of
# bench/run.sh, transport maps); then POSTS posts one after another, LOOP_GAP seconds apart
# (default 1.5: connections kept 2 s are reused, 4.5: none are), each waited for at the sink. Prints
# 250 -> first and last RCPT (p50, p90 over the last three quarters of the posts) and the JVM's CPU
# per post by thread (user+system). BENCH_FANMAIL_JAVA_OPTS adds JVM
# options, as for run.sh. Much shorter than run.sh: no Postfix, no ingest, no restarts; for
# comparing builds and options, not for the issue's table. Everything on loopback; every process
# it starts is stopped by its PID.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
POSTS=${1:-40} N=${2:-1000} D=${3:-50} K=${4:-10}
# shellcheck source=bench/lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/fanmail.sh
source "$BENCH_DIR/lib/fanmail.sh"
RUN=$(mktemp -d /tmp/fanmail-postloop.XXXXXX)
SINK_PID=""
cleanup() {
  fm_stop || true
  [[ -n $SINK_PID ]] && kill "$SINK_PID" 2>/dev/null || true
  [[ -n ${BENCH_KEEP:-} ]] || rm -rf "$RUN"
}
trap cleanup EXIT
fm_build "$ROOT"
SINK_PORT=$(free_port)
SINK_CTL=$(free_port)
mkdir -p "$RUN/classes"
javac -d "$RUN/classes" "$BENCH_DIR/sink/BenchSink.java"
java -Xmx2g -cp "$RUN/classes" BenchSink --port "$SINK_PORT" --control "$SINK_CTL" --hosts "$K" >"$RUN/sink.log" 2>&1 &
SINK_PID=$!
wait_port 127.0.0.1 "$SINK_CTL" 30 || die "sink not answering"
python3 "$BENCH_DIR/tools/workload.py" "$RUN/wl" "$N" "$D" "$K" "$SINK_PORT" 10 >/dev/null
fm_start "$ROOT" "$RUN/fanmail" "$RUN/wl/fanmail-transport"
fm_wait_ready 300 >/dev/null || die "fanmail not ready"
fm_api POST /api/lists -H 'Content-Type: application/json' \
  -d '{"address":"bench@lists.bench.test","name":"Bench","postingPolicy":"OPEN"}' >"$RUN/list.out"
fm_api POST /api/lists/bench@lists.bench.test/members/import -H 'Content-Type: text/csv' \
  --data-binary "@$RUN/wl/members.csv" >"$RUN/import.out"
[[ $(head -c 3 "$RUN/import.out") == 200 ]] || die "import: $(head -3 "$RUN/import.out")"
python3 "$BENCH_DIR/tools/postloop.py" --port "$fm_smtp" --control "$SINK_CTL" --expect "$N" \
  --posts "$POSTS" --pid "$fm_pid" --gap "${LOOP_GAP:-1.5}"
