# shellcheck shell=bash
# common.sh: small helpers shared by the benchmark scripts (sourced, not run).
# Everything here talks to loopback addresses only and every wait is bounded.

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

now_ms() { date +%s%3N; }

# free_port: a TCP port that is free on 127.0.0.1 right now
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port HOST PORT SECONDS: until something accepts connections there (bounded)
wait_port() {
  local host=$1 port=$2 secs=$3 i
  for ((i = 0; i < secs * 10; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  log "nothing answers on $host:$port after ${secs}s"
  return 1
}

# sink_cmd PORT CMD: one command to the sink's control port, prints the answer line
sink_cmd() {
  local port=$1 cmd=$2 line=""
  exec 7<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s\n' "$cmd" >&7
  read -r -t 10 line <&7 || true
  exec 7>&- 7<&-
  [[ -n $line ]] || return 1
  printf '%s\n' "$line"
}

# jq-free JSON field reader: json_get JSON KEY (top-level number or string)
json_get() {
  python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}

# seed_cds_archive ROOT DEST: copies the class-data archive the build recorded
# (ROOT/target/fanmail-cds.jsa, `./mvnw package`) to DEST (a .jsa name), times kept, so that a
# first start maps it as a user's first start does; bin/fanmail still drops it when a jar is newer.
# An AOT cache recorded for JDK 25 and later (fanmail-cds.aot, `JAVA=... bin/fanmail --record-cds`)
# goes beside DEST with .aot for .jsa, where bin/fanmail looks for it on such a JDK. No archive,
# or BENCH_NO_PACKAGE_CDS=1: nothing (the first start records one when it stops, as before).
seed_cds_archive() {
  local ext src dest
  [[ ${BENCH_NO_PACKAGE_CDS:-0} != 1 ]] || return 0
  for ext in jsa aot; do
    src=$1/target/fanmail-cds.$ext dest=${2%.jsa}.$ext
    if [[ -f $src && ! -e $dest ]]; then
      cp -p "$src" "$dest"
    fi
  done
}
