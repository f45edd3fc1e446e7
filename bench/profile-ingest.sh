#!/usr/bin/env bash
# profile-ingest.sh: where a post's CPU goes, for A/B comparisons of fanmail builds.
#
#   bench/profile-ingest.sh [--big] [--warm N] [--posts N] [--fanout N] [APP_DIR...]
#
# For each APP_DIR (a directory holding target/quarkus-app; default: this checkout), in turn:
# a fresh PostgreSQL cluster (Debian's PostgreSQL 15 binaries, pg_stat_statements loaded, fsync
# and synchronous_commit on) in a temp dir, fanmail on it, a one-member list whose member is
# relayed to Postfix's smtp-sink, N posts of warm-up, then N timed posts through
# `smtp-source -s 20`. Prints posts/s and the CPU seconds of fanmail's JVM and of the cluster
# (every backend) in the timed run, the JVM's CPU by thread, statements per post, and the
# statements by total time. The warm-up is long (30,000) because the JIT compiles per-post code
# only after some 15,000 posts; after 3,000, a third of the JVM's figure was the compiler's.
# --big first imports four lists of 100,000 members and fans one post out to 100,000 of them,
# as the large bench preset leaves its database. Give several APP_DIRs (and run it twice) to
# compare builds in interleaved pairs: this VM moves 15-25 % between identical runs.
#
# --fanout N profiles one post to a list of N members (2,000 domains, all relayed to the sink)
# instead of ingest: two posts of it untimed, then the third timed, with the same CPU figures and
# statements (and the table sizes and per-column sizes of its delivery rows).
#
# PROFILE_JAVA_OPTS adds JVM options (as `bin/fanmail` chooses on two CPUs: "-XX:TieredStopAtLevel=1
# -XX:+UseSerialGC"); PROFILE_PG_OPTS adds `-c name=value` settings to the cluster, and
# PROFILE_PGBIN names another PostgreSQL's bin directory (the embedded one's, say), for experiments.
# PROFILE_SQL runs SQL on fanmail's database once it is migrated, before anything is posted (a
# table's storage parameters, say), for experiments.
# PROFILE_PERF=FILE records the timed run system-wide with `perf record -a -g` into FILE (and has
# the JVM write /tmp/perf-PID.map, so `perf report` names its compiled methods).
#
# Loopback only; every process it starts it stops by PID. Needs root (runuser), Python 3, curl,
# postfix's smtp-sink and smtp-source, /usr/lib/postgresql/15/bin.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib/common.sh
. "$BENCH_DIR/lib/common.sh"

BIG=0 WARM=30000 POSTS=6000 FANOUT=0
APPS=()
while (($#)); do
  case $1 in
    --big) BIG=1 ;;
    --warm) WARM=$2; shift ;;
    --posts) POSTS=$2; shift ;;
    --fanout) FANOUT=$2; shift ;;
    -h | --help) sed -n '2,31p' "$0"; exit 0 ;;
    *) APPS+=("$(cd "$1" && pwd)") ;;
  esac
  shift
done
((${#APPS[@]})) || APPS=("$(cd "$BENCH_DIR/.." && pwd)")
PGBIN=${PROFILE_PGBIN:-/usr/lib/postgresql/15/bin}
PSQL=/usr/lib/postgresql/15/bin/psql
[[ -x $PGBIN/initdb && -x $PSQL ]] || die "needs $PGBIN and $PSQL (Debian's postgresql-15)"
[[ $(id -u) == 0 ]] || die "run as root (the cluster runs as user postgres via runuser)"

WORK=$(mktemp -d /tmp/fanmail-profile.XXXXXX)
chmod 0755 "$WORK"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    # SIGINT: a fast shutdown for the postmaster (a SIGTERM after it changes nothing). The others
    # were started in the background of a script, with SIGINT ignored: SIGTERM ends them.
    kill -INT "$p" 2>/dev/null || true
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

cpu_of() { python3 "$BENCH_DIR/tools/procstat.py" snap "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu_s"])'; }

# The timed ingest of POSTS posts after WARM of warm-up; called from profile(), its variables in
# scope.
profile_ingest() {
  /usr/sbin/smtp-source -s 20 -m "$WARM" -l 2000 -M bench.client -f poster@bench.test \
    -t ingest@lists.test "127.0.0.1:$smtp"
  sleep 3
  "${psql[@]}" -d fm -c "select pg_stat_statements_reset()" >/dev/null
  local a b t0 t1 a2 b2
  python3 "$BENCH_DIR/tools/threadcpu.py" snap "$fmpid" "$WORK/$tag/threads0.json"
  a=$(cpu_of "$fmpid") b=$(cpu_of "$pgpid") t0=$(now_ms)
  local perfpid=
  if [[ -n ${PROFILE_PERF:-} ]]; then
    perf record -a -g -o "$PROFILE_PERF" >"$WORK/$tag/perf.log" 2>&1 &
    perfpid=$!
  fi
  /usr/sbin/smtp-source -s 20 -m "$POSTS" -l 2000 -M bench.client -f poster@bench.test \
    -t ingest@lists.test "127.0.0.1:$smtp"
  t1=$(now_ms) a2=$(cpu_of "$fmpid") b2=$(cpu_of "$pgpid")
  if [[ -n $perfpid ]]; then
    kill -INT "$perfpid"
    wait "$perfpid" || true
    jcmd "$fmpid" Compiler.perfmap >/dev/null 2>&1 || true # /tmp/perf-PID.map: the JIT's code by name
  fi
  python3 "$BENCH_DIR/tools/threadcpu.py" snap "$fmpid" "$WORK/$tag/threads1.json"
  python3 -c 'import sys
n, t0, t1, a, a2, b, b2 = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), *map(float, sys.argv[5:9])
s = (t1 - t0) / 1000
print(f"{sys.argv[1]}: {n} posts in {s:.2f} s, {n / s:.0f} posts/s; CPU per post: java {1000 * (a2 - a) / n:.2f} ms, postgresql {1000 * (b2 - b) / n:.2f} ms")' \
    "$tag $app" "$POSTS" "$t0" "$t1" "$a" "$a2" "$b" "$b2"
  echo "JVM CPU by thread:"
  python3 "$BENCH_DIR/tools/threadcpu.py" diff "$WORK/$tag/threads0.json" "$WORK/$tag/threads1.json" "$POSTS"
  "${psql[@]}" -d fm -Atc "select 'statements per post: ' || round(sum(calls)::numeric / $POSTS, 2) from pg_stat_statements where query not like '%pg_stat_statements%'"
  "${psql[@]}" -d fm -c "select calls, round(total_exec_time::numeric) as ms, round((total_exec_time / calls)::numeric, 3) as ms_per_call, shared_blks_hit + shared_blks_read as blocks, left(regexp_replace(query, '\s+', ' ', 'g'), 90) as statement from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time desc limit 12"
}

# post_and_wait LIST TRIES PAUSE: one post to LIST, then waits until no post is left undone, asking
# TRIES times PAUSE seconds apart; fails when one still is. Uses profile()'s variables.
post_and_wait() {
  local i
  /usr/sbin/smtp-source -m 1 -l 2000 -M bench.client -f poster@bench.test -t "$1" "127.0.0.1:$smtp"
  for ((i = 0; i < $2; i++)); do
    [[ $("${psql[@]}" -d fm -Atc "select count(*) from post where state <> 'DONE'") == 0 ]] && return 0
    sleep "$3"
  done
  return 1
}

# One post to a list of FANOUT members, the third of three (the first two untimed); called from
# profile() with its variables (psql, ports, pids) in scope.
profile_fanout() {
  api /api/lists -H 'Content-Type: application/json' \
    -d '{"address":"fan@lists.test","name":"Fan-out","postingPolicy":"OPEN"}'
  python3 -c 'import sys
for i in range(int(sys.argv[1])): print(f"u{i}@d{i % 2000}.bench.test,U")' "$FANOUT" \
    | api /api/lists/fan@lists.test/members/import -H 'Content-Type: text/csv' --data-binary @-
  local n a b t0 t1 a2 b2 perfpid=
  one_post() {
    post_and_wait fan@lists.test 3000 0.1 || die "the post to $FANOUT members was not done after 300 s"
  }
  for n in 1 2; do one_post; done
  "${psql[@]}" -d fm -c "select pg_stat_statements_reset()" >/dev/null
  a=$(cpu_of "$fmpid") b=$(cpu_of "$pgpid") t0=$(now_ms)
  if [[ -n ${PROFILE_PERF:-} ]]; then
    perf record -a -g -o "$PROFILE_PERF" >"$WORK/$tag/perf.log" 2>&1 &
    perfpid=$!
  fi
  one_post
  t1=$(now_ms) a2=$(cpu_of "$fmpid") b2=$(cpu_of "$pgpid")
  if [[ -n $perfpid ]]; then
    kill -INT "$perfpid"
    wait "$perfpid" || true
    jcmd "$fmpid" Compiler.perfmap >/dev/null 2>&1 || true
  fi
  python3 -c 'import sys
t0, t1, a, a2, b, b2 = int(sys.argv[3]), int(sys.argv[4]), *map(float, sys.argv[5:9])
print(f"{sys.argv[1]}: a post to {sys.argv[2]} members done in {(t1 - t0) / 1000:.2f} s (polled every 0.1 s);"
      f" CPU: java {a2 - a:.2f} s, postgresql {b2 - b:.2f} s")' \
    "$tag $app" "$FANOUT" "$t0" "$t1" "$a" "$a2" "$b" "$b2"
  "${psql[@]}" -d fm -c "select calls, round(total_exec_time::numeric) as ms, round((total_exec_time / calls)::numeric, 3) as ms_per_call, shared_blks_hit + shared_blks_read as blocks, wal_bytes, left(regexp_replace(query, '\s+', ' ', 'g'), 90) as statement from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time desc limit 15"
  "${psql[@]}" -d fm -c "select count(*) as delivery_rows, pg_size_pretty(pg_total_relation_size('delivery')) as size from delivery"
  "${psql[@]}" -d fm -c "select pg_column_size(emails) as emails, pg_column_size(members) as members, pg_column_size(outcomes) as outcomes, pg_column_size(replies) as replies, pg_column_size(tries) as tries, pg_column_size(d.*) as row_bytes from delivery d order by id desc limit 1"
}

profile() {
  local app=$1 tag=$2 pgport smtp http mgmt sinkport pgdata pgpid pm fmpid sinkpid
  local -a psql
  pgport=$(free_port) smtp=$(free_port) http=$(free_port) mgmt=$(free_port) sinkport=$(free_port)
  pgdata=$WORK/$tag/pg
  mkdir -p "$pgdata" && chown postgres "$WORK/$tag" "$pgdata"
  runuser -u postgres -- "$PGBIN/initdb" -D "$pgdata" -U postgres --auth=trust >"$WORK/$tag/initdb.log"
  # shellcheck disable=SC2086 # word splitting wanted: several settings
  runuser -u postgres -- "$PGBIN/postgres" -D "$pgdata" -p "$pgport" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$WORK/$tag" -c shared_preload_libraries=pg_stat_statements \
    -c max_connections=200 -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on \
    ${PROFILE_PG_OPTS:-} >"$WORK/$tag/pg.log" 2>&1 &
  pgpid=$!
  PIDS+=("$pgpid")
  wait_port 127.0.0.1 "$pgport" 30
  pm=$(head -1 "$pgdata/postmaster.pid") # runuser's child: the postmaster, stopped by its PID
  PIDS+=("$pm")
  psql=("$PSQL" -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -q)
  "${psql[@]}" -c "create database fm"
  "${psql[@]}" -d fm -c "create extension pg_stat_statements"

  # an older build refuses a key it does not know (fanmail.smtp.max-messages-per-ip came with
  # issue 17): pass it only to builds whose configuration has it
  local -a extra=()
  # (grep -c reads to the end: grep -q would close the pipe early, and pipefail would fail it)
  if [[ $(unzip -p "$app/target/quarkus-app/app/"*.jar 2>/dev/null | grep -ac 'max-messages-per-ip') -gt 0 ]]; then
    extra+=(-Dfanmail.smtp.max-messages-per-ip=1000000)
  fi
  # Inbound SPF/DKIM/DMARC checks (issue 20) ask DNS for every post, and nothing answers here: each
  # post waited for the resolver's timeouts (12 posts/s). Off, as in bench/run.sh.
  if [[ $(unzip -p "$app/target/quarkus-app/app/"*.jar 2>/dev/null | grep -ac 'inbound-auth') -gt 0 ]]; then
    extra+=(-Dfanmail.smtp.inbound-auth.enabled=false)
  fi
  /usr/sbin/smtp-sink -u nobody -c "127.0.0.1:$sinkport" 1000 >"$WORK/$tag/sink.log" 2>&1 &
  sinkpid=$!
  PIDS+=("$sinkpid")
  # shellcheck disable=SC2086 # word splitting wanted: several options
  java ${PROFILE_JAVA_OPTS:-} -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:$pgport/fm" \
    -Dquarkus.datasource.username=postgres -Dquarkus.datasource.password=postgres \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$http" -Dquarkus.management.port="$mgmt" \
    -Dfanmail.smtp.host=127.0.0.1 \
    -Dfanmail.smtp.port="$smtp" -Dfanmail.smtp.hostname=fm.test -Dfanmail.admin.token=profile-admin-token-0123456789abcdef \
    -Dfanmail.link-secret=profile-link-secret-0123456789abcdef0123 \
    -Dfanmail.delivery.transport-map=/dev/null -Dfanmail.delivery.tls=none \
    -Dfanmail.smtp.max-connections-per-ip=500 ${extra[@]+"${extra[@]}"} \
    -Dfanmail.delivery.relay-host="127.0.0.1:$sinkport" \
    -jar "$app/target/quarkus-app/quarkus-run.jar" >"$WORK/$tag/fanmail.log" 2>&1 &
  fmpid=$!
  PIDS+=("$fmpid")
  local i
  for ((i = 0; i < 240; i++)); do
    kill -0 "$fmpid" 2>/dev/null || die "fanmail exited at start: $(tail -3 "$WORK/$tag/fanmail.log")"
    curl -fs -o /dev/null "http://127.0.0.1:$mgmt/q/health/ready" && break
    sleep 0.5
  done
  api() { curl -fs -X POST "http://127.0.0.1:$http$1" -H 'Authorization: Bearer profile-admin-token-0123456789abcdef' "${@:2}" >/dev/null; }
  if [[ -n ${PROFILE_SQL:-} ]]; then
    "${psql[@]}" -d fm -c "$PROFILE_SQL"
  fi
  api /api/lists -H 'Content-Type: application/json' \
    -d '{"address":"ingest@lists.test","name":"Ingest","postingPolicy":"OPEN"}'
  printf 'i@sink.test,I\n' | api /api/lists/ingest@lists.test/members/import \
    -H 'Content-Type: text/csv' --data-binary @-
  if ((BIG)); then
    local l
    for l in big1 big2 big3 big4; do
      api /api/lists -H 'Content-Type: application/json' \
        -d "{\"address\":\"$l@lists.test\",\"name\":\"Big\",\"postingPolicy\":\"OPEN\"}"
      python3 -c 'for i in range(100000): print(f"u{i}@d{i % 2000}.bench.test,U")' \
        | api "/api/lists/$l@lists.test/members/import" -H 'Content-Type: text/csv' --data-binary @-
    done
    post_and_wait big1@lists.test 300 1 || true
  fi
  if ((FANOUT)); then
    profile_fanout
  else
    profile_ingest
  fi
  local p
  for p in "$fmpid" "$sinkpid"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  kill -INT "$pm" 2>/dev/null || true # fast shutdown; runuser ends with it
  wait "$pgpid" 2>/dev/null || true
  PIDS=()
}

n=0
for app in "${APPS[@]}"; do
  [[ -f $app/target/quarkus-app/quarkus-run.jar ]] || die "no target/quarkus-app in $app (./mvnw package -DskipTests)"
  n=$((n + 1))
  profile "$app" "run$n"
done
