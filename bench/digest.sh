#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions called from traps look unreachable to shellcheck
# bench/digest.sh: one digest issue to N digest members (issue 18's bench preset).
#
# Usage: bench/digest.sh [N] [--smoke]     (N defaults to 100000; --smoke is N=1000)
#
# Starts the counting sink of bench/run.sh (bench/sink/BenchSink.java) on K loopback addresses,
# the same Zipf workload (bench/tools/workload.py: N members over D domains on K hosts), and
# fanmail (bench/lib/fanmail.sh, max-recipients-per-transaction=100). It imports the N members
# as DIGEST_MIME into one list whose automatic digests are off, posts one message over SMTP,
# checks that no member got it on its own, then asks for the issue (POST .../digests) and waits
# for the sink to see the N recipients. Prints one JSON line and writes
# bench/out/digest-<N>-<ts>.json: digest posts written, recipients, duplicates, transactions
# against the per-host minimum (sum over hosts of ceil(recipients on the host / 100)),
# connections, and the seconds from the REST request to the last RCPT. Every process it starts
# it stops by PID on exit; loopback only; every wait is bounded. Exit status 0 when the harness
# worked (whatever the figures), non-zero when a step failed.
set -euo pipefail
{ # parsed whole before it runs, like bench/run.sh

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/fanmail.sh
source "$BENCH_DIR/lib/fanmail.sh"

N=100000
for arg in "$@"; do
  case $arg in
    --smoke) N=1000 ;;
    [0-9]*) N=$arg ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done
# the large preset's shape at 100,000; fewer domains and hosts for small N
D=$((N >= 100000 ? 2000 : (N >= 20000 ? 500 : 50)))
K=$((N >= 100000 ? 100 : (N >= 20000 ? 50 : 10)))
TIMEOUT=$((120 + N / 200)) # seconds; slowness is a figure, not a failure
STALL=120

TS=$(date -u +%Y%m%dT%H%M%SZ)
OUT_DIR=$BENCH_DIR/out
mkdir -p "$OUT_DIR/classes"
RUN=$(mktemp -d /tmp/fanmail-digest-bench.XXXXXX)
PIDS=$RUN/pids
LIST=digest@lists.bench.test

cleanup() {
  local rc=$?
  set +e
  fm_stop
  if [[ -f $PIDS ]]; then
    local name pid i
    while read -r name pid; do
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
      fi
    done < <(tac "$PIDS")
  fi
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $RUN"; else rm -rf "$RUN"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
remember() { printf '%s %s\n' "$1" "$2" >>"$PIDS"; }

# --- the sink and the workload, as bench/run.sh starts them ---------------------------
log "digest bench: N=$N digest members, D=$D domains, K=$K hosts"
if [[ ! -f $OUT_DIR/classes/BenchSink.class || $BENCH_DIR/sink/BenchSink.java -nt $OUT_DIR/classes/BenchSink.class ]]; then
  javac -d "$OUT_DIR/classes" "$BENCH_DIR/sink/BenchSink.java"
fi
SINK_PORT=$(free_port)
SINK_CTL=$(free_port)
java -Xmx2g -cp "$OUT_DIR/classes" BenchSink --port "$SINK_PORT" --control "$SINK_CTL" --hosts "$K" \
  >"$RUN/sink.log" 2>&1 &
remember sink "$!"
for ((i = 0; i < 300; i++)); do
  grep -q '^benchsink listening' "$RUN/sink.log" && break
  sleep 0.1
done
grep -q '^benchsink listening' "$RUN/sink.log" || die "sink did not start: $(head -3 "$RUN/sink.log")"
wait_port 127.0.0.1 "$SINK_CTL" 10 || die "sink control port not answering"
python3 "$BENCH_DIR/tools/workload.py" "$RUN/wl" "$N" "$D" "$K" "$SINK_PORT" 1 >"$RUN/workload-summary.json"
MIN_TX=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["min_transactions_per_host_100"])' "$RUN/wl/workload.json")
log "workload: $(cat "$RUN/workload-summary.json")"

# --- fanmail, the list, its members --------------------------------------------------
fm_build "$ROOT"
fm_start "$ROOT" "$RUN/fanmail" "$RUN/wl/fanmail-transport"
remember fanmail "$fm_pid"
fm_wait_ready 300 >/dev/null || die "fanmail not ready"
fm_find_pg
[[ -n $fm_pg_pid ]] && remember fanmail-pg "$fm_pg_pid"

resp=$(fm_api POST /api/lists -H 'Content-Type: application/json' \
  -d "{\"address\":\"$LIST\",\"name\":\"Bench digest\",\"postingPolicy\":\"OPEN\",\"digest\":{\"enabled\":false}}")
[[ ${resp%% *} == 201 || ${resp%% *} == 200 ]] || die "POST /api/lists answered: $resp"
# the workload's members as DIGEST_MIME members, in chunks of 200,000 rows (the body limit)
split -l 200000 -d "$RUN/wl/members.csv" "$RUN/members-part."
log "importing $N DIGEST_MIME members"
for part in "$RUN"/members-part.*; do
  { echo 'email,name,deliveryMode'; sed 's/$/,DIGEST_MIME/' "$part"; } >"$part.csv"
  resp=$(fm_api POST "/api/lists/$LIST/members/import" -H 'Content-Type: text/csv' --data-binary "@$part.csv")
  [[ ${resp%% *} == 200 || ${resp%% *} == 201 ]] || die "members import answered: ${resp%%$'\n'*}"
done

# --- one post: delivered to nobody on its own ----------------------------------------
sink_cmd "$SINK_CTL" reset >/dev/null
timeout 300 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$fm_smtp" --to "$LIST" \
  --timeout 120 >"$RUN/inject.json" || die "posting over SMTP failed: $(cat "$RUN/inject.json")"
POST_ID=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["reply"].split(); print(r[-1].strip("<>") if r else "")' "$RUN/inject.json")
state=""
for ((i = 0; i < 600; i++)); do # the post's expansion finds no regular member (bounded: 60 s)
  state=$(fm_api GET "/api/posts/$POST_ID" | tail -n +2 | python3 -c 'import json,sys
try: print(json.load(sys.stdin).get("state", ""))
except ValueError: print("")')
  [[ $state == DONE ]] && break
  sleep 0.1
done
[[ $state == DONE ]] || die "post $POST_ID not DONE after 60 s (state '$state')"
INDIVIDUAL=$(python3 "$BENCH_DIR/tools/sinkcount.py" --control "$SINK_CTL")

# --- the issue: REST request to the last RCPT ----------------------------------------
sink_cmd "$SINK_CTL" reset >/dev/null
T0=$(now_ms)
resp=$(fm_api POST "/api/lists/$LIST/digests")
[[ ${resp%% *} == 202 ]] || die "POST .../digests answered: $resp"
waited=$(python3 "$BENCH_DIR/tools/waitsink.py" --control "$SINK_CTL" --expect "$N" \
  --timeout "$TIMEOUT" --stall "$STALL") || die "sink unreachable"
issues=$(fm_api GET "/api/lists/$LIST/digests?page=0&size=10" | tail -n +2)
python3 - "$OUT_DIR/digest-$N-$TS.json" "$N" "$T0" "$waited" "$MIN_TX" "$INDIVIDUAL" "$issues" "${resp#*$'\n'}" <<'EOF'
import json, sys
out, n, t0, w, min_tx, individual, issues, reply = sys.argv[1:9]
w, n, t0 = json.loads(w), int(n), int(t0)
try:
    issues = json.loads(issues)
except ValueError:
    issues = {"raw": issues[:300]}
secs = (w["last_rcpt_ms"] - t0) / 1000 if w.get("last_rcpt_ms") else None
r = {"digest_members": n, "individual_copies": int(individual), "issue": json.loads(reply),
     "issues_listed": issues, "recipients": w["distinct"], "missing": n - w["distinct"],
     "rcpts": w["rcpts"], "duplicates": w["duplicates"], "transactions": w["transactions"],
     "min_transactions_per_host_100": int(min_tx), "connections": w["connections"],
     "seconds_request_to_last_rcpt": round(secs, 3) if secs else None,
     "first_rcpt_after_s": round((w["first_rcpt_ms"] - t0) / 1000, 3) if w.get("first_rcpt_ms") else None,
     "rcpts_per_s": round(w["distinct"] / secs) if secs else None,
     "timed_out": w["timed_out"], "stalled": w["stalled"]}
json.dump(r, open(out, "w"), indent=1)
print(json.dumps({k: v for k, v in r.items() if k != "issues_listed"}))
EOF
log "written $OUT_DIR/digest-$N-$TS.json"
exit 0
}
