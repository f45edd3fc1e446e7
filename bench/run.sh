#!/usr/bin/env bash
# shellcheck disable=SC2317 # functions called from traps look unreachable to shellcheck
# bench/run.sh: fanmail next to an isolated Postfix on this machine, same workload, same sink.
#
# Usage: bench/run.sh [small|medium|large|huge] [--smoke] [--no-fanmail] [--no-postfix]
#                     [--fanmail-required] [--personalize] [--cold] [--dkim]
#
# Starts a counting SMTP sink on K loopback addresses (127.0.1.1..), measures the sink's own
# capacity, then for Postfix and for fanmail: start-up, idle memory, one post fanned out to N
# recipients (250 after DATA -> last RCPT at the sink), SMTP ingest (posts/s, latencies),
# and for fanmail the REST CSV import. Prints a table and writes bench/out/<preset>-<ts>.json.
# With --personalize fanmail also fans the same post out to a second list of the same N
# members with personalize=true (one transaction per recipient, VERP sender, own link) and
# prints recipients/s, transactions and connections of both runs side by side.
# With --dkim fanmail's list domain gets an active RSA and an Ed25519 key before any post, so
# every copy is dual-signed and ARC-sealed (issue 20); compare with the same run without it.
# Before the timed fan-out each system fans out one untimed warm-up post to the first
# min(N, 100,000) recipients (a server is measured in its steady state: a fresh JVM spends
# about half of its first fan-out's CPU in the JIT compiler); --cold skips it.
#
# Exit status: 0 when the harness worked (whatever the figures), non-zero when the harness
# itself broke (sink, Postfix, tools). fanmail figures that cannot be taken because fanmail
# lacks a feature (e.g. the REST API is not merged yet) are recorded as pending with the
# reason, unless --fanmail-required is given. Every process started is stopped by PID on
# exit; only loopback addresses are used; every wait is bounded.
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
PRESET=small SMOKE=0 DO_FANMAIL=1 DO_POSTFIX=1 FANMAIL_REQUIRED=0 PERSONALIZE=0 WARM=1 DKIM=0
for arg in "$@"; do
  case $arg in
    small | medium | large | huge) PRESET=$arg ;;
    --smoke) SMOKE=1 ;;
    --no-fanmail) DO_FANMAIL=0 ;;
    --no-postfix) DO_POSTFIX=0 ;;
    --fanmail-required) FANMAIL_REQUIRED=1 ;;
    --personalize) PERSONALIZE=1 ;;
    --cold) WARM=0 ;;
    --dkim) DKIM=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done
# N recipients, D domains, K hosts, M ingest messages, IMPORT rows, CAP sink-capacity messages
case $PRESET in
  small) N=1000 D=50 K=10 M=500 IMPORT=10000 CAP=500 ;;
  medium) N=20000 D=500 K=50 M=5000 IMPORT=100000 CAP=2000 ;;
  large) N=100000 D=2000 K=100 M=5000 IMPORT=100000 CAP=2000 ;;
  huge) N=1000000 D=20000 K=500 M=5000 IMPORT=100000 CAP=2000 DO_POSTFIX=0 ;;
esac
if ((SMOKE)); then
  M=200 IMPORT=2000 CAP=200
fi
FANOUT_TIMEOUT=$((120 + N / 200)) # seconds; generous: slowness is a figure, not a failure
# The untimed warm-up fan-out before the timed one (both systems): W recipients, the first W
# of the workload. --cold skips it (and --smoke, which only has to finish).
W=$((N < 100000 ? N : 100000))
((SMOKE)) && WARM=0
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
log "preset $PRESET: N=$N D=$D K=$K, ingest $M messages, import $IMPORT rows, smoke=$SMOKE"
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

# fanout SYSTEM INJECT_JSON_FILE ROOT_PIDS...: waits for the sink, records the fan-out blob.
# The caller has reset the sink, taken a CPU snap into $RUN/cpu0.json and started a sampler.
fanout_collect() {
  local sys=$1 inject=$2
  shift 2
  local waited cpu1
  waited=$(python3 "$BENCH_DIR/tools/waitsink.py" --control "$SINK_CTL" --expect "$N" \
    --timeout "$FANOUT_TIMEOUT" --stall "$STALL") || return 1
  cpu1=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$@")
  python3 - "$RES/$sys-fanout.json" "$inject" "$waited" "$RUN/cpu0.json" "$cpu1" "$RUN/sample-$sys.json" \
    "$RES/workload.json" "$RUN/cpu0b.json" <<'EOF'
import json, sys
out, inject, waited, cpu0f, cpu1, samplef, wlf, cpu0bf = sys.argv[1:9]
def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return {}
inj, w, c0, c1, smp, wl = json.loads(inject), json.loads(waited), load(cpu0f), json.loads(cpu1), load(samplef), load(wlf)
secs = (w["last_rcpt_ms"] - inj["t250_ms"]) / 1000 if w.get("last_rcpt_ms") else None
r = {"recipients": w["expected"], "distinct": w["distinct"], "missing": w["expected"] - w["distinct"],
     "rcpts": w["rcpts"], "duplicates": w["duplicates"], "connections": w["connections"],
     "transactions": w["transactions"],
     "min_transactions_100": wl["min_transactions_per_host_100"],
     "min_transactions_50": wl["min_transactions_per_host_50"],
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
EOF
}

# warm_wait SYSTEM: waits (untimed) until the sink has seen the W warm-up recipients, then
# empties its counters
warm_wait() {
  local waited
  waited=$(python3 "$BENCH_DIR/tools/waitsink.py" --control "$SINK_CTL" --expect "$W" \
    --timeout "$FANOUT_TIMEOUT" --stall "$STALL") || return 1
  log "$1 warm-up fan-out ($W recipients, not timed): $waited"
  sink_cmd "$SINK_CTL" reset >/dev/null
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

# ingest SYSTEM PORT TO PID...: smtp-source posts/s, the CPU the PIDs' process trees used in the
# timed run (per post), then our own client's latencies
ingest() {
  local sys=$1 port=$2 to=$3 t0 t1 lat cpu0 cpu1 inwin drain
  shift 3
  # Warm-up, not timed, the same for both systems: a long-running server is measured in its
  # steady state (a JVM compiles a method that runs once per post with its optimizing compiler
  # only after some 15,000 calls; Postfix's smtpd forks its processes). 30,000 messages through
  # the same client (half of M with --smoke): after 3,000, fanmail's JIT compiler threads still
  # used a third of its JVM's CPU in the timed run, after 30,000 a tenth (BENCHMARKS.md). The
  # JSON gives the JIT's share (jit_cpu_s) so that a run that was not warm shows it.
  local warm=${BENCH_INGEST_WARM:-30000}
  ((SMOKE)) && warm=$((M / 2))
  log "$sys ingest: warm-up, smtp-source -s 20 -m $warm to $to (not timed)"
  timeout 600 /usr/sbin/smtp-source -s 20 -m "$warm" -l 2000 -M bench.client \
    -f poster@bench.test -t "$to" "127.0.0.1:$port" >"$RUN/$sys-smtp-source-warm.log" 2>&1 || {
    log "smtp-source warm-up against $sys failed: $(tail -3 "$RUN/$sys-smtp-source-warm.log")"
    return 1
  }
  # The warm-up's copies delivered, the sink counts only the timed run's.
  settle "$sys after the ingest warm-up" "$@"
  sink_cmd "$SINK_CTL" reset >/dev/null
  log "$sys ingest: smtp-source -s 20 -m $M to $to"
  cpu0=$(cpu_each "$@")
  t0=$(now_ms)
  timeout 600 /usr/sbin/smtp-source -s 20 -m "$M" -l 2000 -M bench.client -f poster@bench.test \
    -t "$to" "127.0.0.1:$port" >"$RUN/$sys-smtp-source.log" 2>&1 || {
    log "smtp-source against $sys failed: $(tail -3 "$RUN/$sys-smtp-source.log")"
    return 1
  }
  t1=$(now_ms)
  # How much of what was accepted had reached the sink when the client finished, and how long
  # the rest took: accepting faster than delivering shows here, not in posts/s.
  inwin=$(python3 "$BENCH_DIR/tools/sinkcount.py" --control "$SINK_CTL") || inwin=-1
  cpu1=$(cpu_each "$@")
  drain=$(python3 "$BENCH_DIR/tools/sinkcount.py" --control "$SINK_CTL" --until "$M" --max 120) || drain=-1
  log "$sys ingest: latency client, 20 sessions, $M messages"
  lat=$(python3 "$BENCH_DIR/tools/smtpclient.py" latency --port "$port" --to "$to" \
    --sessions 20 --messages "$M" --deadline 600 --timeout 60) || return 1
  save "$sys-ingest" "$(python3 -c '
import json, sys
m, t0, t1, lat = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
c0, c1 = json.loads(sys.argv[5]), json.loads(sys.argv[6])
inwin, drain = int(sys.argv[7]), float(sys.argv[8])
secs = (t1 - t0) / 1000
each = [round(b["cpu_s"] - a["cpu_s"], 2) for a, b in zip(c0, c1)]
jit = round(sum(b["jit_cpu_s"] - a["jit_cpu_s"] for a, b in zip(c0, c1)), 2)
cpu = sum(each)
print(json.dumps({"messages": m, "smtp_source_s": secs, "posts_per_s": round(m / secs, 1),
                  "cpu_s": round(cpu, 2), "cpu_s_each": each, "cpu_ms_per_post": round(cpu * 1000 / m, 2),
                  "jit_cpu_s": jit,
                  "delivered_by_end": inwin, "all_delivered_after_s": drain if drain >= 0 else None,
                  "latency": lat}))' \
    "$M" "$t0" "$t1" "$lat" "$cpu0" "$cpu1" "$inwin" "$drain")"
  log "$sys ingest: $(cat "$RES/$sys-ingest.json")"
}

# ======================================================================================
# Postfix
# ======================================================================================
if ((DO_POSTFIX)); then
  log "=== Postfix $(postconf -c /dev/null -d -h mail_version 2>/dev/null || echo '?')"
  PF_PORT=$(free_port)
  pf_setup "$RUN/postfix" "$PF_PORT" "$RUN/wl/postfix-transport" "$((N + 100))"
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

  if ((WARM)); then
    sink_cmd "$SINK_CTL" reset >/dev/null
    head -n "$W" "$RUN/wl/recipients.txt" >"$RUN/wl/warm-recipients.txt"
    timeout 900 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$PF_PORT" \
      --from bench-bounces@lists.bench.test --header-to bench@lists.bench.test \
      --rcpts-file "$RUN/wl/warm-recipients.txt" --timeout 300 >"$RUN/postfix-warm.json" \
      || die "postfix warm-up injection failed"
    warm_wait postfix || die "postfix warm-up fan-out did not finish"
    for ((i = 0; i < 1200; i++)); do # and let its queue drain (bounded: 120 s)
      [[ $(pf_queue_size) -eq 0 ]] && break
      sleep 0.1
    done
  fi
  log "postfix fan-out: injecting one message with $N recipients"
  sink_cmd "$SINK_CTL" reset >/dev/null
  python3 "$BENCH_DIR/tools/procstat.py" snap "$pf_master_pid" >"$RUN/cpu0.json"
  start_sampler postfix "$pf_master_pid"
  timeout 900 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$PF_PORT" \
    --from bench-bounces@lists.bench.test --header-to bench@lists.bench.test \
    --rcpts-file "$RUN/wl/recipients.txt" --timeout 300 \
    --snap-pid "$pf_master_pid" --snap-out "$RUN/cpu0b.json" >"$RUN/postfix-inject.json"
  fanout_collect postfix "$(cat "$RUN/postfix-inject.json")" "$pf_master_pid" >/dev/null
  stop_pid "$SAMPLER_PID"
  log "postfix fan-out: $(cat "$RES/postfix-fanout.json")"

  sink_cmd "$SINK_CTL" reset >/dev/null
  settle "postfix before ingest" "$pf_master_pid"
  ingest postfix "$PF_PORT" bench@ingest.bench.test "$pf_master_pid" || die "postfix ingest failed"
  for ((i = 0; i < 1200; i++)); do # let it drain (bounded: 120 s)
    [[ $(pf_queue_size) -eq 0 ]] && break
    sleep 0.1
  done
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
fanmail_side() {
  trap 'fm_stop' EXIT
  trap 'exit 130' INT TERM
  fm_build "$ROOT"
  fm_start "$ROOT" "$RUN/fanmail" "$RUN/wl/fanmail-transport"
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
  ((WARM)) && lists="$lists warm import2"
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

  if ((WARM)); then
    head -n "$W" "$RUN/wl/members.csv" >"$RUN/warm.csv"
    resp=$(fm_api POST /api/lists/warm@lists.bench.test/members/import -H 'Content-Type: text/csv' --data-binary "@$RUN/warm.csv")
    [[ ${resp%% *} == 200 || ${resp%% *} == 201 ]] || { echo "members import (warm) answered ${resp%%$'\n'*}" >"$RES/fanmail-error.txt"; return 1; }
    sink_cmd "$SINK_CTL" reset >/dev/null
    timeout 300 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$fm_smtp" \
      --to warm@lists.bench.test --timeout 120 >"$RUN/fanmail-warm.json" \
      || { echo "warm-up post failed: $(cat "$RUN/fanmail-warm.json")" >"$RES/fanmail-error.txt"; return 1; }
    warm_wait fanmail || { echo "warm-up fan-out did not finish" >"$RES/fanmail-error.txt"; return 1; }
  fi
  log "fanmail fan-out: one post to bench@lists.bench.test"
  sink_cmd "$SINK_CTL" reset >/dev/null
  python3 "$BENCH_DIR/tools/procstat.py" snap "$fm_pid" >"$RUN/cpu0.json"
  local pg_sampler=""
  if [[ -n $fm_pg_pid ]]; then
    python3 "$BENCH_DIR/tools/procstat.py" snap "$fm_pg_pid" >"$RUN/cpu0-pg.json"
    start_sampler fanmail-pg "$fm_pg_pid"
    pg_sampler=$SAMPLER_PID
  fi
  start_sampler fanmail "$fm_pid"
  timeout 300 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$fm_smtp" \
    --to bench@lists.bench.test --timeout 120 \
    --snap-pid "$fm_pid" --snap-out "$RUN/cpu0b.json" >"$RUN/fanmail-inject.json" \
    || { echo "posting over SMTP failed: $(cat "$RUN/fanmail-inject.json")" >"$RES/fanmail-error.txt"; return 1; }
  fanout_collect fanmail "$(cat "$RUN/fanmail-inject.json")" "$fm_pid" >/dev/null
  stop_pid "$SAMPLER_PID"
  if [[ -n $pg_sampler ]]; then
    stop_pid "$pg_sampler"
    FM_PG_CPU1=$(python3 "$BENCH_DIR/tools/procstat.py" snap "$fm_pg_pid")
    fanout_collect_pg
  fi
  # fanmail's own view of the post
  local id
  id=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["reply"].split(); print(r[-1].strip("<>") if r else "")' "$RUN/fanmail-inject.json")
  fm_api GET "/api/posts/$id" >"$RES/fanmail-post-status.txt" || true
  log "fanmail fan-out: $(cat "$RES/fanmail-fanout.json")"

  if ((PERSONALIZE)); then
    # The same N members on a personalized list: one transaction per recipient.
    log "fanmail: importing the $N members of benchp@lists.bench.test (personalize=true)"
    for part in "$RUN"/members-part.*; do
      resp=$(fm_api POST /api/lists/benchp@lists.bench.test/members/import -H 'Content-Type: text/csv' --data-binary "@$part")
      [[ ${resp%% *} == 200 || ${resp%% *} == 201 ]] || { echo "members import (benchp) answered ${resp%%$'\n'*}" >"$RES/fanmail-error.txt"; return 1; }
    done
    log "fanmail personalized fan-out: one post to benchp@lists.bench.test"
    sink_cmd "$SINK_CTL" reset >/dev/null
    python3 "$BENCH_DIR/tools/procstat.py" snap "$fm_pid" >"$RUN/cpu0.json"
    start_sampler fanmail-personal "$fm_pid"
    timeout 300 python3 "$BENCH_DIR/tools/smtpclient.py" inject --port "$fm_smtp" \
      --to benchp@lists.bench.test --timeout 120 \
      --snap-pid "$fm_pid" --snap-out "$RUN/cpu0b.json" >"$RUN/fanmail-personal-inject.json" \
      || { echo "posting to the personalized list failed: $(cat "$RUN/fanmail-personal-inject.json")" >"$RES/fanmail-error.txt"; return 1; }
    fanout_collect fanmail-personal "$(cat "$RUN/fanmail-personal-inject.json")" "$fm_pid" >/dev/null
    stop_pid "$SAMPLER_PID"
    log "fanmail personalized fan-out: $(cat "$RES/fanmail-personal-fanout.json")"
  fi

  sink_cmd "$SINK_CTL" reset >/dev/null
  settle "fanmail before ingest" "$fm_pid" ${fm_pg_pid:+"$fm_pg_pid"}
  ingest fanmail "$fm_smtp" ingest@lists.bench.test "$fm_pid" ${fm_pg_pid:+"$fm_pg_pid"}
  fm_stop
}

# fanout_collect_pg: adds the embedded postgres's CPU to the fanmail fan-out blob
fanout_collect_pg() {
  python3 - "$RES/fanmail-fanout.json" "$RUN/cpu0-pg.json" "$FM_PG_CPU1" "$RUN/sample-fanmail-pg.json" <<'EOF'
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
RESULT=$OUT_DIR/$PRESET$SUFFIX-$TS.json
python3 "$BENCH_DIR/tools/report.py" "$RES" "$RESULT" "$PRESET" "$SMOKE"
log "result written to ${RESULT#"$ROOT"/}"
exit 0
}
