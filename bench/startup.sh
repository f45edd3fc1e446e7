#!/usr/bin/env bash
# startup.sh: time to ready of fanmail builds, first start and restarts, in interleaved rounds.
#
#   bench/startup.sh [--rounds N] [--restarts N] [ROOT...]
#
# For each ROOT (a checkout with target/quarkus-app built; default: this one), in turn, each round:
# a fresh instance directory (embedded PostgreSQL, class-data archive), its first start, then N
# restarts on the same data (default 3), each started through ROOT's bin/fanmail, timed from the
# launch to /q/health/ready answering 200, and stopped with SIGTERM. Every start maps the class-data
# archive the build recorded (target/fanmail-cds.jsa, copied into the instance directory), as a
# user's does; with BENCH_NO_PACKAGE_CDS=1, or a build without one, the first stop records the
# archive the restarts map. Prints one line per ROOT and round: the milliseconds of
# the first start, then of each restart. Give two ROOTs for a before/after: this VM moves 10-20 %
# between identical runs, so read rounds side by side, not one figure.
#
# Loopback only; each fanmail it starts it stops by its PID and waits for (its embedded
# PostgreSQL stops with it).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"

ROUNDS=2 RESTARTS=3
ROOTS=()
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift ;;
    --restarts) RESTARTS=$2; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) ROOTS+=("$(cd "$1" && pwd)") ;;
  esac
  shift
done
((${#ROOTS[@]})) || ROOTS=("$(cd "$BENCH_DIR/.." && pwd)")

WORK=$(mktemp -d /tmp/fanmail-startup.XXXXXX)
FM_PID=""
cleanup() {
  if [[ -n $FM_PID ]]; then
    kill "$FM_PID" 2>/dev/null || true
    wait "$FM_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_once ROOT DIR: launches fanmail, waits for ready, prints the milliseconds, stops it
start_once() {
  local root=$1 dir=$2 http mgmt smtp t0 t1 i
  http=$(free_port) mgmt=$(free_port) smtp=$(free_port)
  seed_cds_archive "$root" "$dir/cds.jsa"
  t0=$(now_ms)
  FANMAIL_APP=$root/target/quarkus-app FANMAIL_CDS_ARCHIVE=$dir/cds.jsa "$root/bin/fanmail" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$http" -Dquarkus.management.port="$mgmt" \
    -Dfanmail.smtp.host=127.0.0.1 -Dfanmail.smtp.port="$smtp" \
    -Dfanmail.embedded-db.dir="$dir/db" >>"$dir/fanmail.log" 2>&1 &
  FM_PID=$!
  for ((i = 0; i < 6000; i++)); do
    kill -0 "$FM_PID" 2>/dev/null || die "fanmail exited at start: $(tail -3 "$dir/fanmail.log")"
    curl -fs -o /dev/null "http://127.0.0.1:$mgmt/q/health/ready" && break
    sleep 0.01
  done
  t1=$(now_ms)
  sleep 1
  kill "$FM_PID"
  wait "$FM_PID" 2>/dev/null || true
  FM_PID=""
  echo $((t1 - t0))
}

for ((r = 1; r <= ROUNDS; r++)); do
  for root in "${ROOTS[@]}"; do
    dir=$WORK/$r-$(basename "$root")
    mkdir -p "$dir"
    line="first $(start_once "$root" "$dir") ms, restarts"
    for ((k = 0; k < RESTARTS; k++)); do
      line="$line $(start_once "$root" "$dir")"
    done
    echo "round $r $root: $line ms"
    rm -rf "$dir"
  done
done
