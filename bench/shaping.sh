#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions called from traps look unreachable to shellcheck
# bench/shaping.sh: the traffic-shaping scenario of issue 21 (BENCHMARKS.md "Traffic shaping").
#
# Usage: bench/shaping.sh [N] [--no-postfix] [--no-fanmail] [--max-wait SECONDS] [--personalize]
#   N recipients (default 6000; the issue's full size is 100000) across three provider-like
#   sites of ten domains each, reached by MX records that dnsmasq serves on loopback
#   (fanmail.delivery.allowed-mx-networks=127.0.0.0/8): sites A and B take everything, site C
#   takes at most 50 messages a minute on one connection and answers "421 4.7.0 ... slow down"
#   past it (bench/tools/throttlesink.py, one port, one loopback address per site).
#   Runs, each with a fresh sink and instance: fanmail with shaping (a profile for site C:
#   45 messages per connection, a rule that throttles on its 421), fanmail without (a shaping
#   file with defaults only: no profile, no rule; the concurrency window still runs), and
#   Postfix at its defaults (routed by a transport map to the same sink addresses: Postfix's
#   own feedback, no DNS). One post to all N members; measured: seconds from the 250 after
#   DATA until the sink holds all N recipients (or --max-wait, default 1800 s), and the 4xx
#   replies the sink gave. Retry schedule at fanmail's default (5m, 10m, ...); Postfix's queue
#   run and backoff at its defaults (minimal_backoff_time 300s).
#   --personalize: the list is personalized (one transaction per member, as bulk senders with
#   VERP send): site C then sees N/3 transactions, not N/300, and its limit bites at small N.
#   Postfix then gets one message per member too (smtpclient.py each, 4 sessions; its clock
#   starts at the first message's 250, so its time includes the injection).
# Prints one JSON line per run and writes bench/out/shaping-<ts>.json. Every process started is
# stopped by PID on exit; loopback only; every wait bounded.
set -euo pipefail
{
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
source "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/fanmail.sh
source "$BENCH_DIR/lib/fanmail.sh"

N=6000 DO_POSTFIX=1 DO_FANMAIL=1 MAX_WAIT=1800 PERSONALIZE=false
while (($#)); do
  case $1 in
    --no-postfix) DO_POSTFIX=0 ;;
    --no-fanmail) DO_FANMAIL=0 ;;
    --max-wait) MAX_WAIT=$2; shift ;;
    --personalize) PERSONALIZE=true ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    [0-9]*) N=$1 ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done

RUN=$(mktemp -d /tmp/fanmail-shaping-bench.XXXXXX)
chmod 0755 "$RUN"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
RESULT="$OUT/shaping-$(date +%Y%m%d-%H%M%S).json"
SITE_A=127.0.3.1 SITE_B=127.0.3.2 SITE_C=127.0.3.3
sink_pid="" dns_pid=""

cleanup() {
  fm_stop || true
  pf_stop || true
  [[ -n $sink_pid ]] && kill -TERM "$sink_pid" 2>/dev/null || true
  [[ -n $dns_pid ]] && kill -TERM "$dns_pid" 2>/dev/null || true
  log "work dir kept: $RUN"
}
trap cleanup EXIT

# --- the workload: domains, MX records, members, routes --------------------------------
SINK_PORT=$(free_port)
DNS_PORT=$(free_port)
dns_args=()
: >"$RUN/members.csv"
: >"$RUN/rcpts.txt"
: >"$RUN/postfix-transport"
for site in a b c; do
  case $site in a) addr=$SITE_A ;; b) addr=$SITE_B ;; c) addr=$SITE_C ;; esac
  dns_args+=("--host-record=mx1.prov-$site.bench.test,$addr" "--host-record=mx2.prov-$site.bench.test,$addr")
  for d in 0 1 2 3 4 5 6 7 8 9; do
    dom="d$d.site-$site.bench.test"
    dns_args+=("--mx-host=$dom,mx1.prov-$site.bench.test,10" "--mx-host=$dom,mx2.prov-$site.bench.test,20")
    printf '%s smtp:[%s]:%s\n' "$dom" "$addr" "$SINK_PORT" >>"$RUN/postfix-transport"
  done
done
python3 - "$N" "$RUN" <<'PY'
import sys
n, run = int(sys.argv[1]), sys.argv[2]
with open(run + "/members.csv", "w") as m, open(run + "/rcpts.txt", "w") as r:
    m.write("email,name\n")
    for i in range(n):
        site = "abc"[i % 3]
        addr = "m%d@d%d.site-%s.bench.test" % (i, (i // 3) % 10, site)
        m.write(addr + ",M\n")
        r.write(addr + "\n")
PY

start_dns() {
  /usr/sbin/dnsmasq --no-daemon --port="$DNS_PORT" --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --local-ttl=3600 --local=/test/ "${dns_args[@]}" >"$RUN/dnsmasq.log" 2>&1 &
  dns_pid=$!
}

start_sink() { # $1: run name
  python3 "$BENCH_DIR/tools/throttlesink.py" --port "$SINK_PORT" \
    --site "$SITE_A=0" --site "$SITE_B=0" --site "$SITE_C=50" --stats "$RUN/$1-sink.json" \
    >"$RUN/$1-sink.log" 2>&1 &
  sink_pid=$!
  wait_port "$SITE_C" "$SINK_PORT" 20 || die "sink did not start"
}

stop_sink() {
  kill -TERM "$sink_pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 50; i++)); do kill -0 "$sink_pid" 2>/dev/null || break; sleep 0.1; done
  sink_pid=""
}

sink_total() { # $1: run name -> recipients accepted in all
  python3 -c 'import json,sys
try: s=json.load(open(sys.argv[1]))
except Exception: print(0); sys.exit()
print(sum(v["recipients"] for v in s.values()))' "$RUN/$1-sink.json"
}

# wait_all NAME T0_MS: until the sink holds N recipients (bounded by MAX_WAIT); prints seconds
wait_all() {
  local name=$1 t0=$2 i got
  for ((i = 0; i < MAX_WAIT; i++)); do
    got=$(sink_total "$name")
    if ((got >= N)); then break; fi
    sleep 1
  done
  python3 -c 'import sys; print(round((int(sys.argv[1]) - int(sys.argv[2])) / 1000, 1))' "$(now_ms)" "$t0"
}

report() { # $1: run name, $2: seconds; prints and appends one JSON line
  python3 - "$1" "$2" "$N" "$RUN/$1-sink.json" <<'PY' | tee -a "$RESULT"
import json, sys
name, secs, n, path = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = json.load(open(path))
print(json.dumps({"run": name, "recipients": n,
                  "delivered": sum(v["recipients"] for v in s.values()),
                  "seconds": secs,
                  "provoked4xx": sum(v["transient4xx"] for v in s.values()),
                  "slowSite": s["127.0.3.3"]}))
PY
}

# --- fanmail -----------------------------------------------------------------------------
cat >"$RUN/shaping-on.yaml" <<'YAML'
defaults:
  failed-cohort: 0
profiles:
  - name: prov-c
    mx-suffixes: [.prov-c.bench.test]
    connections: 10
    messages-per-connection: 45     # the site takes 50 a minute on one connection
    rules:
      - name: slow-down
        code: 421
        enhanced: "4.7.0"
        action: throttle
        for: 1m
        connections: 2
YAML
printf 'defaults:\n  failed-cohort: 0\n' >"$RUN/shaping-off.yaml"
: >"$RUN/empty-transport"

fanmail_run() { # $1: name (shaping-on | shaping-off)
  local name=$1
  start_sink "$name"
  BENCH_FANMAIL_JAVA_OPTS="-Dfanmail.delivery.dns-servers=127.0.0.1:$DNS_PORT \
    -Dfanmail.delivery.allowed-mx-networks=127.0.0.0/8 -Dfanmail.delivery.port=$SINK_PORT \
    -Dfanmail.delivery.shaping-file=$RUN/$name.yaml ${BENCH_FANMAIL_JAVA_OPTS:-}" \
    fm_start "$ROOT" "$RUN/$name" "$RUN/empty-transport"
  fm_wait_ready 180 >/dev/null || die "fanmail did not start"
  local r # (read whole: head -1 on the pipe would SIGPIPE fm_api under pipefail)
  r=$(fm_api POST /api/lists -H 'Content-Type: application/json' \
    -d "{\"address\":\"shape@lists.bench.test\",\"postingPolicy\":\"OPEN\",\"personalize\":$PERSONALIZE}")
  log "list: ${r%%$'\n'*}"
  r=$(fm_api POST /api/lists/shape@lists.bench.test/members/import -H 'Content-Type: text/csv' \
    --data-binary "@$RUN/members.csv")
  log "import: ${r%%$'\n'*}"
  local inj t0
  inj=$(python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$fm_smtp" \
    --to shape@lists.bench.test --timeout 300) || die "post to fanmail failed"
  t0=$(json_get "$inj" t250_ms)
  fm_api GET /api/destinations >"$RUN/$name-destinations-early.json" || true
  local secs
  secs=$(wait_all "$name" "$t0")
  fm_api GET /api/destinations >"$RUN/$name-destinations.json" || true
  stop_sink
  report "$name" "$secs"
  fm_stop
}

postfix_run() {
  start_sink postfix
  local pf_port
  pf_port=$(free_port)
  pf_setup "$RUN/postfix" "$pf_port" "$RUN/postfix-transport" "$((N + 100))"
  pf_start || die "postfix did not start"
  local inj t0
  if [[ $PERSONALIZE == true ]]; then
    inj=$(python3 "$BENCH_DIR/tools/smtpclient.py" each --port "$pf_port" --sessions 4 \
      --rcpts-file "$RUN/rcpts.txt" --timeout 300) || die "posts to postfix failed"
    log "postfix: $N messages injected in $(json_get "$inj" inject_s) s"
  else
    inj=$(python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$pf_port" \
      --rcpts-file "$RUN/rcpts.txt" --timeout 300) || die "post to postfix failed"
  fi
  t0=$(json_get "$inj" t250_ms)
  local secs
  secs=$(wait_all postfix "$t0")
  stop_sink
  report postfix "$secs"
  pf_stop
}

start_dns
if ((DO_FANMAIL)); then
  fm_build "$ROOT"
  fanmail_run shaping-on
  fanmail_run shaping-off
fi
if ((DO_POSTFIX)); then
  postfix_run
fi
log "results in $RESULT"
exit 0
}
