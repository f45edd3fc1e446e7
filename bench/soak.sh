#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions called from traps look unreachable to shellcheck
# bench/soak.sh: fanmail under continuous posting and destination faults for a while.
#
# Usage: bench/soak.sh [minutes]          (default 5)
#   SOAK_RATE=2      posts a second (one SMTP session each, to an OPEN list)
#   SOAK_MEMBERS=200 members of the list (spread over 20 domains on 5 sink hosts)
#   SOAK_SEED=N      fault seed (default: the time; printed)
#
# Starts BenchSink with --faults (each RCPT: 10 % 450, 1 % 550; 5 % of transactions dropped
# after the final dot without a reply) on 127.0.1.1-5, and fanmail from the packaged jar on
# its embedded PostgreSQL with a short retry schedule (2s,5s,10s). Posts for the given time,
# printing every 30 s: posts accepted, sink copies, recipients by state, fanmail RSS and the
# embedded postgres's RSS. Then waits (bounded) for the queue to drain and prints:
#   lost        = posts x members - (DELIVERED + FAILED + still queued)
#                 + DELIVERED rows the sink never answered 250 for
#   duplicated  = copies the sink accepted - DELIVERED rows
#   errors      = SMTP posts not answered 250 + ERROR lines in fanmail's log
# Every process started is stopped by PID on exit; loopback only; every wait is bounded.
set -euo pipefail
{
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/fanmail.sh
source "$BENCH_DIR/lib/fanmail.sh"

MINUTES=${1:-5}
[[ $MINUTES =~ ^[0-9]+$ && $MINUTES -ge 1 ]] || die "minutes must be a whole number >= 1"
RATE=${SOAK_RATE:-2}
MEMBERS=${SOAK_MEMBERS:-200}
SEED=${SOAK_SEED:-$(date +%s)}
K=5 D=20
RUN=$(mktemp -d /tmp/fanmail-soak.XXXXXX)
OUT_DIR=$BENCH_DIR/out
mkdir -p "$OUT_DIR/classes"
SINK_PID=""
POSTER_PID=""

cleanup() {
  local rc=$?
  set +e
  [[ -n $POSTER_PID ]] && kill -TERM "$POSTER_PID" 2>/dev/null
  fm_stop
  if [[ -n $SINK_PID ]] && kill -0 "$SINK_PID" 2>/dev/null; then
    kill -TERM "$SINK_PID" 2>/dev/null
    wait "$SINK_PID" 2>/dev/null
  fi
  if [[ ${SOAK_KEEP:-0} == 1 ]]; then log "kept $RUN"; else rm -rf "$RUN"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "soak: $MINUTES min, $RATE posts/s, $MEMBERS members, fault seed $SEED (SOAK_SEED=$SEED)"
fm_build "$ROOT"

# --- sink with faults ------------------------------------------------------------------
if [[ ! -f $OUT_DIR/classes/BenchSink.class || $BENCH_DIR/sink/BenchSink.java -nt $OUT_DIR/classes/BenchSink.class ]]; then
  javac -d "$OUT_DIR/classes" "$BENCH_DIR/sink/BenchSink.java"
fi
SINK_PORT=$(free_port)
SINK_CTL=$(free_port)
java -Xmx256m -cp "$OUT_DIR/classes" BenchSink --port "$SINK_PORT" --control "$SINK_CTL" --hosts "$K" \
  --faults "$SEED" >"$RUN/sink.log" 2>&1 &
SINK_PID=$!
wait_port 127.0.0.1 "$SINK_CTL" 30 || die "sink did not start: $(head -3 "$RUN/sink.log")"
python3 "$BENCH_DIR/tools/workload.py" "$RUN/wl" "$MEMBERS" "$D" "$K" "$SINK_PORT" 0 >/dev/null

# --- fanmail -----------------------------------------------------------------------------
export BENCH_FANMAIL_JAVA_OPTS="${BENCH_FANMAIL_JAVA_OPTS:-} -Dfanmail.delivery.retry-schedule=2s,5s,10s -Dfanmail.delivery.scan-interval=1s"
fm_start "$ROOT" "$RUN/fanmail" "$RUN/wl/fanmail-transport"
fm_wait_ready 180 >/dev/null || die "fanmail did not become ready"
resp=$(fm_api POST /api/lists -H 'Content-Type: application/json' \
  -d '{"address":"soak@lists.bench.test","name":"Soak","postingPolicy":"OPEN"}')
[[ ${resp%% *} == 201 || ${resp%% *} == 200 ]] || die "POST /api/lists: ${resp%%$'\n'*}"
resp=$(fm_api POST /api/lists/soak@lists.bench.test/members/import -H 'Content-Type: text/csv' \
  --data-binary "@$RUN/wl/members.csv")
[[ ${resp%% *} == 200 || ${resp%% *} == 201 ]] || die "member import: ${resp%%$'\n'*}"
PGPORT=$(sed -n 4p "$fm_dir/db/postmaster.pid" 2>/dev/null || true)
[[ -n $PGPORT ]] || PGPORT=$(sed -n 4p "$(find "$fm_dir/db" -maxdepth 2 -name postmaster.pid | head -1)")
# The embedded database takes passwords only: fanmail's role and its password file beside the data.
sql() {
  PGPASSWORD=$(cat "$fm_dir/pg-password") \
    psql -h 127.0.0.1 -p "$PGPORT" -U fanmail -d fanmail -At -F ' ' -c "$1"
}
states() {
  sql "select coalesce(string_agg(state || '=' || n, ' ' order by state), 'none')
         from (select state, count(*) n from recipient group by state) s"
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# --- posting -----------------------------------------------------------------------------
python3 - "$fm_smtp" "$RATE" "$((MINUTES * 60))" "$RUN/poster.json" <<'PY' &
import json, smtplib, sys, time
port, rate, secs, out = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ok = temp = perm = err = 0
start = time.time()
n = 0
while time.time() - start < secs:
    n += 1
    due = start + n / rate
    if due > time.time():
        time.sleep(due - time.time())
    msg = ("From: poster@bench.test\r\nTo: soak@lists.bench.test\r\nSubject: soak %d\r\n"
           "Message-ID: <soak.%d.%d@bench.test>\r\n\r\nsoak body %d\r\n" % (n, n, time.time_ns(), n))
    try:
        s = smtplib.SMTP("127.0.0.1", port, local_hostname="soak.client", timeout=30)
        try:
            s.sendmail("poster@bench.test", ["soak@lists.bench.test"], msg)
            ok += 1
        finally:
            s.quit()
    except smtplib.SMTPResponseException as e:
        if 400 <= e.smtp_code < 500: temp += 1
        else: perm += 1
    except smtplib.SMTPRecipientsRefused:
        perm += 1
    except Exception:
        err += 1
    if n % 20 == 0:
        json.dump({"sent": n, "ok": ok, "temp": temp, "perm": perm, "err": err}, open(out, "w"))
json.dump({"sent": n, "ok": ok, "temp": temp, "perm": perm, "err": err}, open(out, "w"))
PY
POSTER_PID=$!

printf '%-6s %-8s %-10s %-9s %-9s %s\n' min posts250 sink-copies rss-MiB pg-MiB recipients
t0=$(date +%s)
rss_max=0
while kill -0 "$POSTER_PID" 2>/dev/null; do
  sleep 30 & wait $! || true
  el=$(( $(date +%s) - t0 ))
  posted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ok"])' "$RUN/poster.json" 2>/dev/null || echo 0)
  copies=$(json_get "$(sink_cmd "$SINK_CTL" stats)" copies)
  rss=$(( $(rss_kb "$fm_pid") / 1024 ))
  (( rss > rss_max )) && rss_max=$rss
  printf '%-6s %-8s %-10s %-9s %-9s %s\n' "$(awk -v s="$el" 'BEGIN{printf "%.1f", s/60}')" \
    "$posted" "$copies" "$rss" "$(( $(rss_kb "${fm_pg_pid:-0}") / 1024 ))" "$(states)"
done
wait "$POSTER_PID" || true
POSTER_PID=""

# --- drain, then the figures -------------------------------------------------------------
log "posting done; waiting up to 180 s for the queue to drain"
for ((i = 0; i < 180; i++)); do
  left=$(sql "select count(*) from recipient where state in ('PENDING','DEFERRED')")
  open=$(sql "select count(*) from post where list_address = 'soak@lists.bench.test'
                and state not in ('DONE','DISCARDED','REJECTED','HELD')")
  [[ $left == 0 && $open == 0 ]] && break
  sleep 1
done
poster=$(cat "$RUN/poster.json")
stats=$(sink_cmd "$SINK_CTL" stats)
read -r posts delivered failed queued < <(sql "select
    (select count(*) from post where list_address = 'soak@lists.bench.test'),
    (select count(*) from recipient where state = 'DELIVERED'),
    (select count(*) from recipient where state = 'FAILED'),
    (select count(*) from recipient where state in ('PENDING','DEFERRED'))")
copies=$(json_get "$stats" copies)
fm_errors=$(grep -c ' ERROR ' "$fm_dir/fanmail.log" || true)
python3 - "$poster" "$stats" "$posts" "$delivered" "$failed" "$queued" "$MEMBERS" "$fm_errors" "$rss_max" "$MINUTES" "$SEED" <<'PY'
import json, sys
poster, stats = json.loads(sys.argv[1]), json.loads(sys.argv[2])
posts, delivered, failed, queued, members, fm_errors, rss_max = map(int, sys.argv[3:10])
expected = poster["ok"] * members
lost = max(0, expected - delivered - failed - queued) + max(0, delivered - stats["copies"])
dup = max(0, stats["copies"] - delivered)
errors = (poster["sent"] - poster["ok"]) + fm_errors
print()
print("soak %s min, seed %s" % (sys.argv[10], sys.argv[11]))
print("  posts sent %d, answered 250 %d (4xx %d, 5xx %d, errors %d); post rows %d"
      % (poster["sent"], poster["ok"], poster["temp"], poster["perm"], poster["err"], posts))
print("  copies expected %d: DELIVERED %d, FAILED %d, still queued %d; sink accepted %d"
      % (expected, delivered, failed, queued, stats["copies"]))
print("  faults injected: %d x 450, %d x 550, %d drops after DATA"
      % (stats["tempfails"], stats["permfails"], stats["drops"]))
print("  lost %d, duplicated %d, errors %d (ERROR log lines %d), fanmail RSS max %d MiB"
      % (lost, dup, errors, fm_errors, rss_max))
PY
exit 0
}
