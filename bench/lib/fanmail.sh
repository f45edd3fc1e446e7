# shellcheck shell=bash
# fanmail.sh: build, start, drive over REST and stop fanmail for the benchmark (sourced).
#
# fanmail runs from target/quarkus-app through bin/fanmail (its class-data sharing archive in a
# temp dir, a copy of the build's when there is one) on its embedded PostgreSQL in that temp dir, HTTP and SMTP on 127.0.0.1 only, with a
# fixed admin token we generate, and the workload's routing (transport map or DNS). The embedded postgres is found through DIR/db/postmaster.pid so
# that its memory can be sampled apart, and stopped by that PID if it outlives fanmail.

fm_pid=""        # the java process
fm_pg_pid=""     # the embedded postmaster, once known
fm_dir=""        # temp dir of this instance
fm_http=""       # HTTP port
fm_smtp=""       # SMTP port
fm_token=""      # admin token
fm_started_ms="" # when java was launched

# fm_build PROJECT_ROOT: builds the jar when it is missing (bounded by the caller's timeout)
fm_build() {
  local root=$1
  if [[ ${BENCH_FANMAIL_MOCK:-0} != 1 && ! -f $root/target/quarkus-app/quarkus-run.jar ]]; then
    log "building fanmail (target/quarkus-app/quarkus-run.jar is missing)"
    (cd "$root" && timeout 1200 ./mvnw -B -q package -DskipTests) >&2
  fi
}

# fm_start PROJECT_ROOT DIR TRANSPORT_MAP [DNS_ADDR SINK_PORT]: launches java; sets fm_pid and
# the ports. With DNS_ADDR, routing by MX records through the resolver at DNS_ADDR:53 (MX hosts
# on loopback allowed) to port SINK_PORT, no transport map. Called again with the same DIR it
# restarts on the data the first run left (same admin token, new ports).
fm_start() {
  local root=$1 transport=$3 dns=${4:-} sink_port=${5:-}
  fm_dir=$2
  mkdir -p "$fm_dir"
  fm_http=$(free_port)
  fm_smtp=$(free_port)
  fm_mgmt=$(free_port) # health and metrics: the management port
  [[ -n $fm_token ]] || fm_token=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
  local -a jopts=()
  read -ra jopts <<<"${BENCH_FANMAIL_JAVA_OPTS:-}" # extra JVM options, e.g. -Xmx512m
  fm_started_ms=$(now_ms)
  local -a props=(
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$fm_http"
    -Dquarkus.management.port="$fm_mgmt"
    -Dfanmail.smtp.host=127.0.0.1 -Dfanmail.smtp.port="$fm_smtp"
    -Dfanmail.smtp.hostname=fanmail.bench.test
    -Dfanmail.public-url="http://127.0.0.1:$fm_http"
    -Dfanmail.embedded-db.dir="$fm_dir/db"
    -Dfanmail.admin.token="$fm_token"
    -Dfanmail.delivery.max-recipients-per-transaction=100
    -Dfanmail.delivery.tls=none
    -Dfanmail.smtp.max-connections-per-ip=500
    -Dfanmail.smtp.max-messages-per-ip=1000000
    # Inbound SPF/DKIM/DMARC checks ask DNS for every post; the isolated Postfix checks nothing,
    # and the transport routing has no resolver that answers here: off unless asked for
    # (BENCH_INBOUND_AUTH=true, which needs a resolver: the dns routing's dnsmasq).
    -Dfanmail.smtp.inbound-auth.enabled="${BENCH_INBOUND_AUTH:-false}"
  )
  if [[ -n $dns ]]; then
    props+=(-Dfanmail.delivery.dns-servers="$dns:53" -Dfanmail.delivery.allowed-mx-networks=127.0.0.0/8
      -Dfanmail.delivery.port="$sink_port")
  else
    props+=(-Dfanmail.delivery.transport-map="$transport")
  fi
  if [[ ${BENCH_FANMAIL_MOCK:-0} == 1 ]]; then # harness self-test only, see mockfanmail.py
    python3 "$BENCH_DIR/tools/mockfanmail.py" "${props[@]}" >>"$fm_dir/fanmail.log" 2>&1 &
  elif [[ -x $root/bin/fanmail ]]; then
    # the launcher as a user runs it: every start maps the archive the build recorded (see
    # seed_cds_archive); without one the first start records it when it stops and the restarts
    # map it (BENCH_FANMAIL_CDS=off: none)
    [[ -n ${BENCH_FANMAIL_CDS:-} ]] || seed_cds_archive "$root" "$fm_dir/cds.jsa"
    FANMAIL_APP=$root/target/quarkus-app FANMAIL_CDS_ARCHIVE=${BENCH_FANMAIL_CDS:-$fm_dir/cds.jsa} \
      "$root/bin/fanmail" "${jopts[@]}" "${props[@]}" >>"$fm_dir/fanmail.log" 2>&1 &
  else # a build from before bin/fanmail
    java "${jopts[@]}" "${props[@]}" -jar "$root/target/quarkus-app/quarkus-run.jar" >>"$fm_dir/fanmail.log" 2>&1 &
  fi
  fm_pid=$!
  log "fanmail started, pid $fm_pid, http 127.0.0.1:$fm_http, smtp 127.0.0.1:$fm_smtp"
}

# fm_wait_ready SECONDS: polls /q/health/ready until 200; prints seconds since launch
fm_wait_ready() {
  local secs=$1 i code
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$fm_pid" 2>/dev/null || { log "fanmail exited during start-up"; tail -20 "$fm_dir/fanmail.log" >&2; return 1; }
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$fm_mgmt/q/health/ready" || true)
    if [[ $code == 200 ]]; then
      python3 -c 'import sys; print(round((int(sys.argv[1]) - int(sys.argv[2])) / 1000, 2))' "$(now_ms)" "$fm_started_ms"
      fm_find_pg
      return 0
    fi
    sleep 0.1
  done
  log "fanmail not ready after ${secs}s"
  return 1
}

# fm_find_pg: the embedded postmaster's PID from its pid file (empty if none)
fm_find_pg() {
  local f
  f=$(find "$fm_dir/db" -maxdepth 2 -name postmaster.pid 2>/dev/null | head -1) || true
  if [[ -n $f ]]; then
    fm_pg_pid=$(head -1 "$f" | tr -dc '0-9')
  fi
}

# fm_api METHOD PATH [CURL ARGS...]: prints "HTTP_CODE SECONDS" on the first line, body after
fm_api() {
  local method=$1 path=$2
  shift 2
  local body
  body=$(mktemp "$fm_dir/api.XXXXXX")
  local meta
  meta=$(curl -s -m "${BENCH_API_TIMEOUT:-900}" -X "$method" -o "$body" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $fm_token" "$@" "http://127.0.0.1:$fm_http$path" || echo "000 0")
  printf '%s\n' "$meta"
  cat "$body"
  rm -f "$body"
}

# fm_stop: SIGTERM, bounded wait, SIGKILL; then the embedded postgres by its PID
fm_stop() {
  local i
  if [[ -n $fm_pid ]] && kill -0 "$fm_pid" 2>/dev/null; then
    kill -TERM "$fm_pid" 2>/dev/null || true
    for ((i = 0; i < 400; i++)); do
      kill -0 "$fm_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$fm_pid" 2>/dev/null; then kill -9 "$fm_pid" 2>/dev/null || true; fi
  fi
  fm_pid=""
  [[ -n $fm_dir ]] && fm_find_pg
  # fanmail stops its postgres in a shutdown hook; give that a few seconds to finish
  for ((i = 0; i < 100; i++)); do
    if [[ -z $fm_pg_pid ]] || ! kill -0 "$fm_pg_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [[ -n $fm_pg_pid ]] && kill -0 "$fm_pg_pid" 2>/dev/null; then
    log "embedded postgres (pid $fm_pg_pid) outlived fanmail; fast shutdown"
    kill -INT "$fm_pg_pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      kill -0 "$fm_pg_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$fm_pg_pid" 2>/dev/null; then kill -9 "$fm_pg_pid" 2>/dev/null || true; fi
  fi
  fm_pg_pid=""
}
