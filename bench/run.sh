#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions called from traps look unreachable to shellcheck
# bench/run.sh: fanmail next to an isolated Postfix on this machine, same workload, same sink.
#
# Usage: bench/run.sh [tiny|small|medium|large|huge|series] [--routing transport|dns|both]
#                     [--smoke] [--no-fanmail] [--no-postfix] [--fanmail-required]
#                     [--personalize] [--cold] [--with-huge] [--dkim]
#
# Starts a counting SMTP sink on K loopback addresses (127.0.1.1..), measures the sink's own
# capacity, then for Postfix and for fanmail: start-up (fanmail: the first start on a fresh
# database, and restarts on the data), idle memory, one post fanned out to N recipients
# (250 after DATA -> last RCPT at the sink) cold, i.e. the first post after a start, then the
# same post again (warm), then LAT more posts one after another for the p50/p99 of a post's
# delivery time; SMTP ingest from a fresh start (posts/s of each segment of smtp-source runs,
# 0 .. 30,000 posts of warm-up before it, and latencies); for fanmail the REST CSV import.
# Routing (--routing, default both: one run after the other, each its own JSON):
#   transport  transport maps name each domain's host:port (fanmail.delivery.transport-map,
#              Postfix transport_maps)
#   dns        dnsmasq on a loopback address, port 53, serves an MX record for every domain
#              and an A record for every host (TTL 300 s); fanmail resolves through it
#              (fanmail.delivery.dns-servers, allowed-mx-networks=127.0.0.0/8, delivery.port
#              = the sink's), Postfix through a resolv.conf bind-mounted in its own mount
#              namespace (smtp_tcp_port = the sink's)
# Prints a table and writes bench/out/<preset>-<routing>-<ts>.json. `series` runs tiny, small,
# medium and large (and huge with --with-huge) for the routings asked, then bench/plot.sh on
# those JSONs: the one command for a side-by-side of every size.
# With --personalize fanmail also fans the same post out to a second list of the same N
# members with personalize=true (one transaction per recipient, VERP sender, own link) and
# prints recipients/s, transactions and connections of both runs side by side.
# --cold: only the cold post (no warm post, no latency series).
# With --dkim fanmail's list domain gets an active RSA and an Ed25519 key before any post, so
# every copy is dual-signed and ARC-sealed (issue 20); compare with the same run without it.
#
# Exit status: 0 when the harness worked (whatever the figures), non-zero when the harness
# itself broke (sink, Postfix, dnsmasq, tools). fanmail figures that cannot be taken because
# fanmail lacks a feature are recorded as pending with the reason, unless --fanmail-required
# is given. Every process started is stopped by PID on exit; only loopback addresses are
# used; every wait is bounded.
set -euo pipefail
{ # the whole script is one compound command: bash parses it all before running, so
  # editing this file during a run cannot break the run

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib/common.sh
source "$BENCH_DIR/lib/common.sh"
# shellcheck source=bench/lib/postfix.sh
source "$BENCH_DIR/lib/postfix.sh"
# shellcheck source=bench/lib/fanmail.sh
source "$BENCH_DIR/lib/fanmail.sh"

# --- arguments and presets ------------------------------------------------------------
PRESET=small SMOKE=0 DO_FANMAIL=1 DO_POSTFIX=1 FANMAIL_REQUIRED=0 PERSONALIZE=0 WARM=1
ROUTING=both WITH_HUGE=0 DKIM=0
ARGS=("$@")
for ((a = 0; a < $#; a++)); do
  arg=${ARGS[a]}
  case $arg in
    tiny | small | medium | large | huge | series) PRESET=$arg ;;
    --routing) a=$((a + 1)); ROUTING=${ARGS[a]:-} ;;
    --routing=*) ROUTING=${arg#--routing=} ;;
    --smoke) SMOKE=1 ;;
    --no-fanmail) DO_FANMAIL=0 ;;
    --no-postfix) DO_POSTFIX=0 ;;
    --fanmail-required) FANMAIL_REQUIRED=1 ;;
    --personalize) PERSONALIZE=1 ;;
    --cold) WARM=0 ;;
    --with-huge) WITH_HUGE=1 ;;
    --dkim) DKIM=1 ;;
    -h | --help) sed -n '2,38p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done
case $ROUTING in transport | dns | both) ;; *) die "--routing: transport, dns or both" ;; esac
# several runs (presets x routings): this script again for each, each its own JSON; the
# arguments other than the preset and the routing are passed on
if [[ $PRESET == series || $ROUTING == both ]]; then
  presets=$PRESET
  [[ $PRESET == series ]] && presets="tiny small medium large$( ((WITH_HUGE)) && echo " huge" || true)"
  routings=$ROUTING
  [[ $ROUTING == both ]] && routings="transport dns"
  pass=()
  for arg in "$@"; do
    case $arg in tiny | small | medium | large | huge | series | --routing=* | --with-huge) ;; *) pass+=("$arg") ;; esac
  done
  # drop "--routing X" pairs from what is passed on
  clean=()
  for ((a = 0; a < ${#pass[@]}; a++)); do
    if [[ ${pass[a]} == --routing ]]; then a=$((a + 1)); continue; fi
    clean+=("${pass[a]}")
  done
  marker=$(mktemp)
  rc=0
  for p in $presets; do
    for r in $routings; do
      "$0" "$p" --routing "$r" ${clean[@]+"${clean[@]}"} || rc=$?
    done
  done
  mapfile -t made < <(find "$BENCH_DIR/out" -maxdepth 1 -name '*.json' -newer "$marker" | sort)
  rm -f "$marker"
  if ((${#made[@]})) && command -v gnuplot >/dev/null 2>&1; then
    "$BENCH_DIR/plot.sh" "${made[@]}" || log "plotting failed"
  fi
  exit "$rc"
fi
# N recipients, D domains, K hosts, M ingest latency messages, IMPORT rows, CAP sink-capacity
# messages, LAT posts one after another after the warm one (p50/p99 of a post's delivery)
case $PRESET in
  tiny) N=100 D=10 K=5 M=2000 IMPORT=10000 CAP=500 LAT=50 ;;
  small) N=1000 D=50 K=10 M=2000 IMPORT=10000 CAP=500 LAT=30 ;;
  medium) N=20000 D=500 K=50 M=5000 IMPORT=100000 CAP=2000 LAT=8 ;;
  large) N=100000 D=2000 K=100 M=5000 IMPORT=100000 CAP=2000 LAT=3 ;;
  huge) N=1000000 D=20000 K=500 M=5000 IMPORT=100000 CAP=2000 LAT=0 DO_POSTFIX=0 ;;
esac
# Ingest: smtp-source runs one after another on a freshly started server, each timed; the
# posts/s of each against the posts sent before it (the warm-up) is the ingest curve. The
# first is the cold figure, the one after 1,000 the issue's warm-up, the last (after 30,000)
# the steady state of the earlier stops.
SEGMENTS=${BENCH_INGEST_SEGMENTS:-"1000 1000 1000 2000 5000 10000 10000 5000"}
if ((SMOKE)); then
  M=200 IMPORT=2000 CAP=200 LAT=3 SEGMENTS="100 100 200"
fi
LAT=${BENCH_LAT:-$LAT} # posts in the latency series (for profiling: more of them)
((WARM)) || LAT=0
FANOUT_TIMEOUT=$((120 + N / 200)) # seconds; generous: slowness is a figure, not a failure
STALL=120

TS=$(date -u +%Y%m%dT%H%M%SZ)
OUT_DIR=$BENCH_DIR/out
mkdir -p "$OUT_DIR/classes"
RUN=$(mktemp -d /tmp/fanmail-bench.XXXXXX)
chmod 0755 "$RUN" # the Postfix daemons (user postfix) must reach their dirs below it
RES=$RUN/res
mkdir -p "$RES"
PIDS=$RUN/pids # "name pid" of every background process, for the EXIT trap

# --- cleanup: stop by PID everything we started --------------------------------------
cleanup() {
  local rc=$?
  set +e
  fm_stop
  pf_stop
  if [[ -f $PIDS ]]; then
    local name pid
    while read -r name pid; do
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        [[ $name == fanmail-pg || $name == fanmail ]] && log "stopped leftover $name ($pid)"
      fi
    done < <(tac "$PIDS")
  fi
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    log "kept $RUN"
  else
    rm -rf "$RUN"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

remember() { printf '%s %s\n' "$1" "$2" >>"$PIDS"; }

# stop_pid PID: TERM, bounded wait, KILL
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# save NAME JSON: one result blob
save() { printf '%s\n' "$2" >"$RES/$1.json"; }

# --- machine --------------------------------------------------------------------------
log "preset $PRESET, routing $ROUTING: N=$N D=$D K=$K, ingest segments $SEGMENTS, latency $M messages, import $IMPORT rows, $LAT posts in the series, smoke=$SMOKE"
python3 - "$RES/machine.json" <<'EOF'
import json, os, subprocess, sys
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip() \
            + subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stderr.strip()
    except Exception as e:
        return "error: %s" % e
m = {"nproc": sh("nproc"), "free_g": sh("free -g"), "kernel": sh("uname -r"),
     "java": sh("java -version 2>&1 | head -1"), "postfix": sh("postconf -d -h mail_version 2>/dev/null"),
     "loadavg_start": open("/proc/loadavg").read().strip(),
     "cpu_model": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")}
json.dump(m, open(sys.argv[1], "w"))
EOF

# --- sink, then the workload (whose transport maps name the sink's port) --------------
# the sink's port goes into the transport maps; if another process (other engineers run
# tests on this machine) takes it before the sink binds, new ports and a new workload
SINK_PORT=$(free_port)
SINK_CTL=$(free_port)
if [[ ! -f $OUT_DIR/classes/BenchSink.class || $BENCH_DIR/sink/BenchSink.java -nt $OUT_DIR/classes/BenchSink.class ]]; then
  javac -d "$OUT_DIR/classes" "$BENCH_DIR/sink/BenchSink.java"
fi
SINK_PID=""
for ((try = 1; try <= 5; try++)); do
  java -Xmx2g -cp "$OUT_DIR/classes" BenchSink --port "$SINK_PORT" --control "$SINK_CTL" --hosts "$K" \
    >"$RUN/sink.log" 2>&1 &
  SINK_PID=$!
  remember sink "$SINK_PID"
  for ((i = 0; i < 300; i++)); do # up to 30 s for the JVM to bind or die
    grep -q '^benchsink listening' "$RUN/sink.log" && break
    kill -0 "$SINK_PID" 2>/dev/null || break
    sleep 0.1
  done
  if grep -q '^benchsink listening' "$RUN/sink.log"; then break; fi
  log "sink did not start on port $SINK_PORT/$SINK_CTL (try $try): $(grep -m1 Exception "$RUN/sink.log" || true)"
  stop_pid "$SINK_PID"
  SINK_PID=""
  SINK_PORT=$(free_port)
  SINK_CTL=$(free_port)
done
[[ -n $SINK_PID ]] || die "sink did not start: $(head -3 "$RUN/sink.log")"
wait_port 127.0.0.1 "$SINK_CTL" 10 || die "sink control port not answering"
wait_port 127.0.1.1 "$SINK_PORT" 10 || die "sink not listening on 127.0.1.1:$SINK_PORT"
python3 "$BENCH_DIR/tools/workload.py" "$RUN/wl" "$N" "$D" "$K" "$SINK_PORT" "$IMPORT" >"$RES/workload-summary.json"
cp "$RUN/wl/workload.json" "$RES/workload.json"
log "workload: $(cat "$RES/workload-summary.json")"
log "sink pid $SINK_PID on $K addresses, port $SINK_PORT"

# DNS routing: dnsmasq on a loopback address of its own at port 53 (Postfix's resolver cannot
# name another port), answering only for bench.test, from the workload's records
DNS_ADDR=""
if [[ $ROUTING == dns ]]; then
  [[ -x /usr/sbin/dnsmasq ]] || die "--routing dns needs dnsmasq (apt-get install dnsmasq-base)"
  for ((try = 1; try <= 5; try++)); do
    cand="127.53.$((RANDOM % 250 + 1)).53"
    ss -lun | grep -q " $cand:53 " && continue
    /usr/sbin/dnsmasq --no-daemon --port=53 --listen-address="$cand" --bind-interfaces --no-resolv \
      --no-hosts --local=/bench.test/ --cache-size=0 --conf-file="$RUN/wl/dnsmasq.conf" \
      --pid-file="$RUN/dnsmasq.pid" >"$RUN/dnsmasq.log" 2>&1 &
    remember dnsmasq "$!"
    DNS_PID=$!
    for ((i = 0; i < 50; i++)); do
      python3 "$BENCH_DIR/tools/dnsquery.py" "$cand" mx1.bench.test A >/dev/null 2>&1 && { DNS_ADDR=$cand; break; }
      kill -0 "$DNS_PID" 2>/dev/null || break
      sleep 0.1
    done
    [[ -n $DNS_ADDR ]] && break
    stop_pid "$DNS_PID"
  done
  [[ -n $DNS_ADDR ]] || die "dnsmasq did not start: $(tail -3 "$RUN/dnsmasq.log")"
  log "dnsmasq pid $DNS_PID on $DNS_ADDR:53: $(python3 "$BENCH_DIR/tools/dnsquery.py" "$DNS_ADDR" d00001.bench.test MX)"
fi

# Sink capacity, two ways, 100 RCPTs a transaction, the figures taken from the sink's own
# clock (first to last RCPT): (1) smtp-source, 20 sessions reusing their connections; it
# does not pipeline, so it measures round trips more than the sink; (2) our pipelined
# client (MAIL + 100 RCPT + DATA in one write, 20 sessions), the closer bound. The table
# shows the larger; the fan-out figures should stay well below it.
sink_rate() { # prints the sink's stats with seconds and rcpts_per_s added
  python3 -c '
import json, sys
s = json.loads(sys.argv[1]); s.pop("hosts", None)
secs = max(0.001, (s["last_rcpt_ms"] - s["first_rcpt_ms"]) / 1000)
s.update({"seconds": round(secs, 3), "rcpts_per_s": round(s["rcpts"] / secs), "transactions_per_s": round(s["transactions"] / secs)})
print(json.dumps(s))' "$1"
}
log "measuring sink capacity ($CAP messages x 100 RCPTs, smtp-source and pipelined)"
sink_cmd "$SINK_CTL" reset >/dev/null
timeout 300 /usr/sbin/smtp-source -s 20 -m "$CAP" -r 100 -d -l 1000 -M bench.client \
  -f bench-bounces@lists.bench.test -t u@cap.bench.test "127.0.1.1:$SINK_PORT" \
  || die "smtp-source against the sink failed"
cap1=$(sink_rate "$(sink_cmd "$SINK_CTL" stats)") || die "sink stats failed"
sink_cmd "$SINK_CTL" reset >/dev/null
timeout 300 python3 "$BENCH_DIR/tools/smtpclient.py" blast --host 127.0.1.1 --port "$SINK_PORT" \
  --to u@cap.bench.test --sessions 20 --messages "$((CAP * 5))" --rcpts 100 --size 1000 --deadline 240 \
  >"$RUN/blast.json" || die "pipelined client against the sink failed"
cap2=$(sink_rate "$(sink_cmd "$SINK_CTL" stats)") || die "sink stats failed"
sink_cmd "$SINK_CTL" reset >/dev/null
save sink-capacity "$(python3 -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"rcpts_per_s": max(a["rcpts_per_s"], b["rcpts_per_s"]),
                  "smtp_source": a, "pipelined": b,
                  "note": "smtp-source -s 20 -d -r 100 does not pipeline RCPTs; pipelined = our client"}))' "$cap1" "$cap2")"
log "sink capacity: $(cat "$RES/sink-capacity.json")"

# fanout_collect OUT_JSON INJECT_JSON ROOT_PIDS...: waits for the sink, writes the fan-out blob.
# The caller has reset the sink, taken a CPU snap into $RUN/cpu0.json and started a sampler.
fanout_collect() {
  local out=$1 inject=$2
  shift 2
  local waited cpu1
  waited=$(python3 "$BENCH_DIR/tools/waitsink.py" --control "$SINK_CTL" --expect "$N" \
    --timeout "$FANOUT_TIMEOUT" --stall "$STALL") || return 1
  cpu1=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$@")
  python3 - "$out" "$inject" "$waited" "$RUN/cpu0.json" "$cpu1" "$RUN/sample-$(basename "$out" .json).json" \
    "$RES/workload.json" "$RUN/cpu0b.json" "$ROUTING" <<'EOF2'
import json, sys
out, inject, waited, cpu0f, cpu1, samplef, wlf, cpu0bf, routing = sys.argv[1:10]
def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return {}
inj, w, c0, c1, smp, wl = json.loads(inject), json.loads(waited), load(cpu0f), json.loads(cpu1), load(samplef), load(wlf)
secs = (w["last_rcpt_ms"] - inj["t250_ms"]) / 1000 if w.get("last_rcpt_ms") else None
r = {"recipients": w["expected"], "distinct": w["distinct"], "missing": w["expected"] - w["distinct"],
     "rcpts": w["rcpts"], "duplicates": w["duplicates"], "connections": w["connections"],
     "transactions": w["transactions"], "routing": routing,
     "min_transactions_100": wl["min_transactions_per_host_100"],
     # Postfix's next hop: the host ([127.0.1.x]:port) with transport maps, the domain with MX
     "min_transactions_50": wl["min_transactions_per_host_50"] if routing == "transport"
         else wl.get("min_transactions_per_domain_50"),
     "seconds": round(secs, 3) if secs else None,
     "first_rcpt_after_s": round((w["first_rcpt_ms"] - inj["t250_ms"]) / 1000, 3) if w.get("first_rcpt_ms") else None,
     "rcpts_per_s": round(w["distinct"] / secs) if secs and secs > 0 else None,
     "timed_out": w["timed_out"], "stalled": w["stalled"],
     # CPU from the 250 on (the fan-out proper), and including the intake of the post
     "cpu_s": round(c1["cpu_s"] - load(cpu0bf).get("cpu_s", 0), 2),
     "cpu_with_intake_s": round(c1["cpu_s"] - c0.get("cpu_s", 0), 2), "peak_rss_kb": smp.get("peak_rss_kb"),
     "peak_pss_kb": smp.get("peak_pss_kb"),
     "hwm_kb": c1.get("hwm_kb"), "inject": inj}
json.dump(r, open(out, "w"))
print(json.dumps({k: v for k, v in r.items() if k != "inject"}))
EOF2
}

# timed_post SYSTEM LABEL PORT PID [PG_PID] -- INJECT ARGS...: one post fanned out to the N
# recipients, timed from the 250 to the last RCPT at the sink, into $RES/SYSTEM-LABEL.json
# (with the embedded database's CPU and memory when PG_PID is given)
timed_post() {
  local sys=$1 label=$2 port=$3 pid=$4 pg=""
  shift 4
  if [[ $1 != -- ]]; then pg=$1; shift; fi
  shift
  local name=$sys-$label pg_sampler=""
  sink_cmd "$SINK_CTL" reset >/dev/null
  python3 "$BENCH_DIR/tools/procstat.py" snap "$pid" >"$RUN/cpu0.json"
  if [[ -n $pg ]]; then
    python3 "$BENCH_DIR/tools/procstat.py" snap "$pg" >"$RUN/cpu0-pg.json"
    start_sampler "$name-pg" "$pg"
    pg_sampler=$SAMPLER_PID
  fi
  start_sampler "$name" "$pid"
  timeout 900 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$port" --timeout 300 \
    --snap-pid "$pid" --snap-out "$RUN/cpu0b.json" "$@" >"$RUN/$name-inject.json" \
    || { log "$name: posting failed: $(cat "$RUN/$name-inject.json")"; return 1; }
  fanout_collect "$RES/$name.json" "$(cat "$RUN/$name-inject.json")" "$pid" >/dev/null || return 1
  stop_pid "$SAMPLER_PID"
  if [[ -n $pg_sampler ]]; then
    stop_pid "$pg_sampler"
    fanout_collect_pg "$RES/$name.json" "$(python3 "$BENCH_DIR/tools/procstat.py" snap "$pg")" "$RUN/sample-$name-pg.json"
  fi
  log "$name: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r.pop("inject"); print(json.dumps(r))' "$RES/$name.json")"
}

# post_series SYSTEM PORT PID -- INJECT ARGS...: LAT posts one after another, each waited for
# at the sink; a post's delivery time (250 -> last RCPT) and 250 -> first RCPT, their p50/p99,
# into $RES/SYSTEM-series.json
post_series() {
  local sys=$1 port=$2 pid=$3 i
  shift 4
  ((LAT > 0)) || return 0
  log "$sys: $LAT posts one after another (latency per post)"
  : >"$RUN/$sys-series.lines"
  for ((i = 1; i <= LAT; i++)); do
    sink_cmd "$SINK_CTL" reset >/dev/null
    timeout 900 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$port" --timeout 300 "$@" \
      >"$RUN/series-inject.json" || return 1
    fanout_collect "$RUN/series-one.json" "$(cat "$RUN/series-inject.json")" "$pid" >>"$RUN/$sys-series.lines" || return 1
  done
  python3 - "$RUN/$sys-series.lines" "$RES/$sys-series.json" <<'EOF2'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def pct(vals, p):
    vals = sorted(v for v in vals if v is not None)
    if not vals:
        return None
    return vals[min(len(vals) - 1, int(round(p / 100 * (len(vals) - 1))))]
secs = [r["seconds"] for r in rows]
first = [r["first_rcpt_after_s"] for r in rows]
json.dump({"posts": len(rows), "seconds": secs, "first_rcpt_after_s": first,
           "p50_s": pct(secs, 50), "p99_s": pct(secs, 99), "first_p50_s": pct(first, 50),
           "first_p99_s": pct(first, 99), "transactions": [r["transactions"] for r in rows],
           "missing": sum(r["missing"] for r in rows), "duplicates": sum(r["duplicates"] for r in rows)},
          open(sys.argv[2], "w"))
EOF2
  log "$sys series: $(cat "$RES/$sys-series.json")"
}

# start_sampler NAME PID...: peak RSS of the trees into $RUN/sample-NAME.json
start_sampler() {
  local name=$1
  shift
  python3 "$BENCH_DIR/tools/procstat.py" sample "$RUN/sample-$name.json" "$@" &
  remember "sampler-$name" "$!"
  SAMPLER_PID=$!
}

# cpu_each PID...: a JSON array of one procstat snap per process tree
cpu_each() {
  local pid sep="" out="["
  for pid in "$@"; do
    out+="$sep$(python3 "$BENCH_DIR/tools/procstat.py" snap "$pid")"
    sep=","
  done
  echo "$out]"
}

# settle LABEL PID...: waits (at most 60 s) until the process trees use under a tenth of a core,
# so that background work left by the previous figure (Postfix: its queue, fanmail: autovacuum
# of the fan-out's rows, a checkpoint) is not counted in the next one. Logs how long it waited.
settle() {
  local label=$1 i a b
  shift
  a=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])')
  for ((i = 1; i <= 60; i++)); do
    sleep 1
    b=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])')
    if python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) < 0.1 else 1)' "$a" "$b"; then
      log "$label: idle after ${i} s"
      return 0
    fi
    a=$b
  done
  log "$label: still busy after 60 s, measuring anyway"
}

# ingest SYSTEM PORT TO PID...: on a server started just before, smtp-source runs of SEGMENTS
# posts one after another, each timed (posts/s, CPU per post of the PIDs' process trees, the
# JIT compiler threads' share): the ingest curve against the posts sent before each. Then our
# own client's latencies (M messages). The last segment also says how many copies were at the
# sink when the client finished, and how long the rest took.
ingest() {
  local sys=$1 port=$2 to=$3 t0 t1 lat cpu0 cpu1 inwin drain seg before=0
  shift 3
  : >"$RUN/$sys-ingest.lines"
  for seg in $SEGMENTS; do
    sink_cmd "$SINK_CTL" reset >/dev/null
    cpu0=$(cpu_each "$@")
    t0=$(now_ms)
    timeout 600 /usr/sbin/smtp-source -s 20 -m "$seg" -l 2000 -M bench.client -f poster@bench.test \
      -t "$to" "127.0.0.1:$port" >"$RUN/$sys-smtp-source.log" 2>&1 || {
      log "smtp-source against $sys failed: $(tail -3 "$RUN/$sys-smtp-source.log")"
      return 1
    }
    t1=$(now_ms)
    inwin=$(python3 "$BENCH_DIR/tools/sinkcount.py" --control "$SINK_CTL") || inwin=-1
    cpu1=$(cpu_each "$@")
    python3 -c '
import json, sys
before, m, t0, t1 = map(int, sys.argv[1:5])
c0, c1 = json.loads(sys.argv[5]), json.loads(sys.argv[6])
secs = (t1 - t0) / 1000
each = [round(b["cpu_s"] - a["cpu_s"], 2) for a, b in zip(c0, c1)]
print(json.dumps({"after_posts": before, "messages": m, "seconds": secs, "posts_per_s": round(m / secs, 1),
                  "cpu_s_each": each, "cpu_ms_per_post": round(sum(each) * 1000 / m, 2),
                  # the JVM starts and ends compiler threads as it needs them; one that ended took its
                  # CPU along, and a negative difference says only that: no figure then
                  "jit_cpu_s": (lambda j: j if j >= 0 else None)(
                      round(sum(b["jit_cpu_s"] - a["jit_cpu_s"] for a, b in zip(c0, c1)), 2)),
                  "delivered_by_end": int(sys.argv[7])}))' "$before" "$seg" "$t0" "$t1" "$cpu0" "$cpu1" "$inwin" \
      >>"$RUN/$sys-ingest.lines"
    log "$sys ingest after $before posts: $(tail -1 "$RUN/$sys-ingest.lines")"
    before=$((before + seg))
  done
  drain=$(python3 "$BENCH_DIR/tools/sinkcount.py" --control "$SINK_CTL" --until "$seg" --max 120) || drain=-1
  log "$sys ingest: latency client, 20 sessions, $M messages"
  lat=$(python3 "$BENCH_DIR/tools/smtpclient.py" latency --port "$port" --to "$to" \
    --sessions 20 --messages "$M" --deadline 600 --timeout 60) || return 1
  save "$sys-ingest" "$(python3 -c '
import json, sys
segs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
last, drain = segs[-1], float(sys.argv[3])
def at(n):  # the segment that started after n posts
    return next((s["posts_per_s"] for s in segs if s["after_posts"] == n), None)
print(json.dumps({"segments": segs, "cold_posts_per_s": segs[0]["posts_per_s"],
                  "after_1000_posts_per_s": at(1000),
                  # the steady-state figure of the earlier stops: the last segment
                  "posts_per_s": last["posts_per_s"], "after_posts": last["after_posts"],
                  "messages": last["messages"], "cpu_ms_per_post": last["cpu_ms_per_post"],
                  "cpu_s_each": last["cpu_s_each"], "jit_cpu_s": last["jit_cpu_s"],
                  "delivered_by_end": last["delivered_by_end"],
                  "all_delivered_after_s": drain if drain >= 0 else None,
                  "latency": json.loads(sys.argv[2])}))' "$RUN/$sys-ingest.lines" "$lat" "$drain")"
  log "$sys ingest: $(cat "$RES/$sys-ingest.json")"
}

# pf_drain: until Postfix's queue is empty (bounded: 120 s)
pf_drain() {
  local i
  for ((i = 0; i < 1200; i++)); do
    [[ $(pf_queue_size) -eq 0 ]] && return 0
    sleep 0.1
  done
}

# ======================================================================================
# Postfix
# ======================================================================================
if ((DO_POSTFIX)); then
  log "=== Postfix $(postconf -c /dev/null -d -h mail_version 2>/dev/null || echo '?')"
  PF_PORT=$(free_port)
  pf_setup "$RUN/postfix" "$PF_PORT" "$RUN/wl/postfix-transport" "$((N + 100))" \
    ${DNS_ADDR:+"$DNS_ADDR" "$SINK_PORT"}
  t0=$(now_ms)
  pf_start
  t1=$(now_ms)
  remember postfix-master "$pf_master_pid"
  sleep 2
  idle=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$pf_master_pid")
  save postfix-startup "$(python3 -c '
import json, sys
s = json.loads(sys.argv[3])
print(json.dumps({"startup_s": round((int(sys.argv[2]) - int(sys.argv[1])) / 1000, 2), "idle_rss_kb": s["rss_kb"], "idle_pss_kb": s["pss_kb"], "idle_procs": s["procs"]}))' "$t0" "$t1" "$idle")"
  log "postfix start-up: $(cat "$RES/postfix-startup.json")"

  # cold: the first post after the start; warm: the same post again; then the series
  pf_post=(--from bench-bounces@lists.bench.test --header-to bench@lists.bench.test
    --rcpts-file "$RUN/wl/recipients.txt")
  log "postfix fan-out: one message with $N recipients, cold"
  timed_post postfix fanout-cold "$PF_PORT" "$pf_master_pid" -- "${pf_post[@]}" || die "postfix cold fan-out failed"
  pf_drain
  if ((WARM)); then
    log "postfix fan-out: the same message again, warm"
    timed_post postfix fanout "$PF_PORT" "$pf_master_pid" -- "${pf_post[@]}" || die "postfix warm fan-out failed"
    pf_drain
    post_series postfix "$PF_PORT" "$pf_master_pid" -- "${pf_post[@]}" || die "postfix post series failed"
    pf_drain
  fi

  # ingest from a fresh start (Postfix has no JIT; its smtpd processes are forked anew)
  pf_stop
  t0=$(now_ms)
  pf_start
  t1=$(now_ms)
  remember postfix-master "$pf_master_pid"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["restart_s"]=round((int(sys.argv[3])-int(sys.argv[2]))/1000,2); json.dump(r,open(sys.argv[1],"w"))' \
    "$RES/postfix-startup.json" "$t0" "$t1"
  sink_cmd "$SINK_CTL" reset >/dev/null
  ingest postfix "$PF_PORT" bench@ingest.bench.test "$pf_master_pid" || die "postfix ingest failed"
  pf_drain
  cp "$pf_root/maillog" "$RUN/postfix-maillog" 2>/dev/null || true
  pf_stop
  if [[ -d $pf_root/spool/pid ]] && pgrep -F "$pf_root/spool/pid/master.pid" >/dev/null 2>&1; then
    die "postfix master still running after stop"
  fi
  log "postfix stopped"
fi

# ======================================================================================
# fanmail (in a subshell with errexit, so a missing feature is recorded, not fatal)
# ======================================================================================
# fm_restart KEY: stops fanmail, starts it again on the same data, records the seconds to
# ready under KEY in fanmail-startup.json
fm_restart() {
  local key=$1 secs
  fm_stop
  fm_start "$ROOT" "$RUN/fanmail" "$RUN/wl/fanmail-transport" ${DNS_ADDR:+"$DNS_ADDR" "$SINK_PORT"}
  remember fanmail "$fm_pid"
  secs=$(fm_wait_ready 300) || { echo "not ready after restart: $(tail -5 "$fm_dir/fanmail.log")" >"$RES/fanmail-error.txt"; return 1; }
  fm_find_pg
  if [[ -n $fm_pg_pid ]]; then remember fanmail-pg "$fm_pg_pid"; fi
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r[sys.argv[2]]=float(sys.argv[3]); json.dump(r,open(sys.argv[1],"w"))' \
    "$RES/fanmail-startup.json" "$key" "$secs"
  log "fanmail restarted on its data in $secs s ($key)"
}

fanmail_side() {
  trap 'fm_stop' EXIT
  trap 'exit 130' INT TERM
  fm_build "$ROOT"
  fm_start "$ROOT" "$RUN/fanmail" "$RUN/wl/fanmail-transport" ${DNS_ADDR:+"$DNS_ADDR" "$SINK_PORT"}
  remember fanmail "$fm_pid"
  local startup
  startup=$(fm_wait_ready 300) || { echo "not ready: $(tail -5 "$fm_dir/fanmail.log")" >"$RES/fanmail-error.txt"; return 1; }
  fm_find_pg # (fm_wait_ready ran in a command substitution)
  if [[ -n $fm_pg_pid ]]; then remember fanmail-pg "$fm_pg_pid"; fi
  sleep 2
  local idle idle_pg="{}"
  idle=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$fm_pid")
  [[ -n $fm_pg_pid ]] && idle_pg=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$fm_pg_pid")
  save fanmail-startup "$(python3 -c '
import json, sys
s, pg = json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(json.dumps({"startup_s": float(sys.argv[1]), "idle_rss_kb": s["rss_kb"], "idle_pss_kb": s["pss_kb"], "idle_pg_rss_kb": pg.get("rss_kb"), "idle_pg_pss_kb": pg.get("pss_kb"), "idle_procs": s["procs"] + pg.get("procs", 0)}))' "$startup" "$idle" "$idle_pg")"
  log "fanmail start-up: $(cat "$RES/fanmail-startup.json")"

  # lists: the bench list (N members) and a one-member list for the ingest test
  local resp code
  local lists="bench ingest import"
  ((WARM)) && lists="$lists import2"
  ((PERSONALIZE)) && lists="$lists benchp"
  for l in $lists; do
    resp=$(fm_api POST /api/lists -H 'Content-Type: application/json' \
      -d "{\"address\":\"$l@lists.bench.test\",\"name\":\"Bench $l\",\"postingPolicy\":\"OPEN\",\"personalize\":$([[ $l == benchp ]] && echo true || echo false)}")
    code=${resp%% *}
    [[ $code == 201 || $code == 200 ]] || { echo "POST /api/lists answered $code" >"$RES/fanmail-error.txt"; return 1; }
  done
  if ((DKIM)); then
    local alg
    for alg in RSA_SHA256 ED25519_SHA256; do
      resp=$(fm_api POST /api/dkim-keys -H 'Content-Type: application/json' \
        -d "{\"domain\":\"lists.bench.test\",\"selector\":\"bench-${alg%%_*}\",\"algorithm\":\"$alg\"}")
      [[ ${resp%% *} == 201 ]] || { echo "POST /api/dkim-keys answered ${resp%%$'\n'*}" >"$RES/fanmail-error.txt"; return 1; }
    done
  fi
  printf 'i@ingest.bench.test,Ingest sink\n' >"$RUN/ingest.csv"
  resp=$(fm_api POST /api/lists/ingest@lists.bench.test/members/import -H 'Content-Type: text/csv' --data-binary "@$RUN/ingest.csv")
  [[ ${resp%% *} == 200 || ${resp%% *} == 201 ]] || { echo "members import answered ${resp%%$'\n'*}" >"$RES/fanmail-error.txt"; return 1; }

  # import benchmark: IMPORT rows in one request, twice: the first on the fresh JVM (its import
  # code not compiled yet), then the same rows into a second list (warm; skipped with --cold)
  local imp
  for imp in import import2; do
    [[ $imp == import2 ]] && ! ((WARM)) && break
    log "fanmail import ($imp): $IMPORT rows in one request"
    resp=$(fm_api POST /api/lists/$imp@lists.bench.test/members/import -H 'Content-Type: text/csv' --data-binary "@$RUN/wl/import.csv")
    save fanmail-$imp "$(python3 -c '
import json, sys
head, _, body = sys.argv[1].partition("\n")
code, secs = head.split()
try:
    b = json.loads(body)
except ValueError:
    b = {"raw": body[:300]}
rows, secs = int(sys.argv[2]), float(secs)
inv = b.get("invalid") if isinstance(b, dict) else None
print(json.dumps({"rows": rows, "http": int(code), "seconds": secs, "members_per_s": round(rows / secs) if secs > 0 else None,
                  "added": b.get("added") if isinstance(b, dict) else None,
                  "invalid": len(inv) if isinstance(inv, list) else inv}))' "$resp" "$IMPORT")"
    log "fanmail import ($imp): $(cat "$RES/fanmail-$imp.json")"
  done

  # the N members of the bench list, in chunks of 200,000 rows (the request body limit)
  log "fanmail: importing the $N members of bench@lists.bench.test"
  split -l 200000 -d "$RUN/wl/members.csv" "$RUN/members-part."
  local part
  for part in "$RUN"/members-part.*; do
    resp=$(fm_api POST /api/lists/bench@lists.bench.test/members/import -H 'Content-Type: text/csv' --data-binary "@$part")
    [[ ${resp%% *} == 200 || ${resp%% *} == 201 ]] || { echo "members import answered ${resp%%$'\n'*}" >"$RES/fanmail-error.txt"; return 1; }
  done

  # cold means the first post after a start: a restart on the data just imported (the import
  # has run the JDBC and JSON code already), timed as the restart with data
  fm_restart restart_s || return 1
  log "fanmail fan-out: one post to bench@lists.bench.test, cold"
  local fm_post=(--to bench@lists.bench.test)
  timed_post fanmail fanout-cold "$fm_smtp" "$fm_pid" ${fm_pg_pid:+"$fm_pg_pid"} -- "${fm_post[@]}" \
    || { echo "cold fan-out failed" >"$RES/fanmail-error.txt"; return 1; }
  if ((WARM)); then
    log "fanmail fan-out: the same post again, warm"
    timed_post fanmail fanout "$fm_smtp" "$fm_pid" ${fm_pg_pid:+"$fm_pg_pid"} -- "${fm_post[@]}" \
      || { echo "warm fan-out failed" >"$RES/fanmail-error.txt"; return 1; }
  fi
  # fanmail's own view of the post
  local id
  id=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["reply"].split(); print(r[-1].strip("<>") if r else "")' "$RUN/fanmail-fanout-cold-inject.json")
  fm_api GET "/api/posts/$id" >"$RES/fanmail-post-status.txt" || true
  if ((WARM)); then
    post_series fanmail "$fm_smtp" "$fm_pid" -- "${fm_post[@]}" \
      || { echo "post series failed" >"$RES/fanmail-error.txt"; return 1; }
  fi

  if ((PERSONALIZE)); then
    # The same N members on a personalized list: one transaction per recipient.
    log "fanmail: importing the $N members of benchp@lists.bench.test (personalize=true)"
    for part in "$RUN"/members-part.*; do
      resp=$(fm_api POST /api/lists/benchp@lists.bench.test/members/import -H 'Content-Type: text/csv' --data-binary "@$part")
      [[ ${resp%% *} == 200 || ${resp%% *} == 201 ]] || { echo "members import (benchp) answered ${resp%%$'\n'*}" >"$RES/fanmail-error.txt"; return 1; }
    done
    log "fanmail personalized fan-out: one post to benchp@lists.bench.test"
    timed_post fanmail personal-fanout "$fm_smtp" "$fm_pid" -- --to benchp@lists.bench.test \
      || { echo "posting to the personalized list failed" >"$RES/fanmail-error.txt"; return 1; }
  fi

  # ingest from a fresh start too: a restart on the data the fan-outs left
  fm_restart restart2_s || return 1
  sink_cmd "$SINK_CTL" reset >/dev/null
  settle "fanmail before ingest" "$fm_pid" ${fm_pg_pid:+"$fm_pg_pid"}
  ingest fanmail "$fm_smtp" ingest@lists.bench.test "$fm_pid" ${fm_pg_pid:+"$fm_pg_pid"}
  fm_stop
}

# fanout_collect_pg OUT_JSON PG_CPU1 PG_SAMPLE_JSON: adds the embedded postgres's CPU and
# memory to a fan-out blob
fanout_collect_pg() {
  python3 - "$1" "$RUN/cpu0-pg.json" "$2" "$3" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
c0, c1 = json.load(open(sys.argv[2])), json.loads(sys.argv[3])
try:
    pg = json.load(open(sys.argv[4]))
    r["pg_peak_rss_kb"], r["pg_peak_pss_kb"] = pg.get("peak_rss_kb"), pg.get("peak_pss_kb")
except (OSError, ValueError):
    pass
r["pg_cpu_s"] = round(c1["cpu_s"] - c0["cpu_s"], 2)
json.dump(r, open(sys.argv[1], "w"))
EOF
}

if ((DO_FANMAIL)); then
  log "=== fanmail"
  set +e
  (
    set -e
    fanmail_side
  )
  fm_rc=$?
  set -e
  if ((fm_rc != 0)); then
    [[ -s $RES/fanmail-error.txt ]] || echo "fanmail stage failed (exit $fm_rc)" >"$RES/fanmail-error.txt"
    log "fanmail figures pending: $(cat "$RES/fanmail-error.txt")"
    if ((FANMAIL_REQUIRED)); then die "fanmail was required"; fi
  fi
fi

# --- report ---------------------------------------------------------------------------
cat /proc/loadavg >"$RES/loadavg-end.txt"
SUFFIX=""
if ((SMOKE)); then SUFFIX=-smoke; fi
if ((DKIM)); then SUFFIX=$SUFFIX-dkim; fi
RESULT=$OUT_DIR/$PRESET-$ROUTING$SUFFIX-$TS.json
python3 "$BENCH_DIR/tools/report.py" "$RES" "$RESULT" "$PRESET" "$SMOKE" "$ROUTING"
log "result written to ${RESULT#"$ROOT"/}"
exit 0
}
