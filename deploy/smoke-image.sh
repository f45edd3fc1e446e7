#!/usr/bin/env bash
# Runs the image tarball without Docker: unpacks its layers into a root file system and starts
# the entrypoint there with chroot, as the image's user, against a throwaway PostgreSQL on
# loopback; passes when /q/health/ready says UP. Needs root (chroot, mounts in a private mount
# namespace) and PostgreSQL's server binaries (Debian: postgresql-15 or newer).
#   deploy/smoke-image.sh [target/fanmail-image.tar]
# What a container runtime adds and this does not: network and PID namespaces, cgroup limits,
# seccomp; the environment comes from the image config only plus the variables set here.
set -euo pipefail
cd "$(dirname "$0")/.."
TAR=${1:-target/fanmail-image.tar}
[ "$(id -u)" = 0 ] || { echo "smoke-image: needs root" >&2; exit 2; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "smoke-image: no PostgreSQL server binaries" >&2; exit 2; }

WORK=$(mktemp -d /tmp/fanmail-smoke.XXXXXX)
chmod 755 "$WORK"
APP_PID=
cleanup() {
  set +e
  if [ -n "$APP_PID" ]; then
    # The application is unshare's only child (sh, env and chroot exec into it).
    java_pid=$(pgrep -P "$APP_PID")
    if [ -n "$java_pid" ]; then
      kill -TERM "$java_pid" 2>/dev/null
      for _ in $(seq 1 40); do kill -0 "$java_pid" 2>/dev/null || break; sleep 1; done
      kill -KILL "$java_pid" 2>/dev/null
    fi
    wait "$APP_PID" 2>/dev/null
  fi
  if [ -f "$WORK/pg/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== unpacking $TAR"
mkdir -p "$WORK/image" "$WORK/rootfs"
tar -xf "$TAR" -C "$WORK/image"
python3 - "$WORK/image" "$WORK/rootfs" "$WORK/config.json" <<'PY'
import json, os, sys, tarfile
src, rootfs, out = sys.argv[1:]
b = lambda d: os.path.join(src, "blobs", *d.split(":"))
index = json.load(open(os.path.join(src, "index.json")))
manifest = json.load(open(b(index["manifests"][0]["digest"])))
for layer in manifest["layers"]:
    with tarfile.open(b(layer["digest"])) as t:
        t.extractall(rootfs, numeric_owner=True)
json.dump(json.load(open(b(manifest["config"]["digest"])))["config"], open(out, "w"))
PY
mkdir -p "$WORK/rootfs/dev" "$WORK/rootfs/proc"
printf '127.0.0.1 localhost\n' > "$WORK/rootfs/etc/hosts"

PGPORT=$(free_port)
echo "== PostgreSQL ($PGBIN) on 127.0.0.1:$PGPORT"
install -d -o postgres -g postgres "$WORK/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -A trust -U postgres -E UTF8 --no-locale >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w -t 60 \
  -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1" start >/dev/null

HTTP=$(free_port); SMTP=$(free_port); MGMT=$(free_port)
user=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["User"])' "$WORK/config.json")
mapfile -t entry < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print("\n".join((c.get("Entrypoint") or [])+(c.get("Cmd") or [])))' "$WORK/config.json")
mapfile -t envs < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1])).get("Env") or []))' "$WORK/config.json")
echo "== starting ${entry[*]} as user $user (HTTP $HTTP, SMTP $SMTP, management $MGMT)"
unshare --mount --fork -- sh -c '
  root=$1; shift
  mount --bind /dev "$root/dev" && mount -t proc proc "$root/proc" && exec "$@"' sh \
  "$WORK/rootfs" env -i "${envs[@]}" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres" \
    QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD= \
    FANMAIL_ADMIN_TOKEN=smoke-test-admin-token-0123456789abcdef FANMAIL_LINK_SECRET=smoke-test-link-secret-0123456789abcdef \
    QUARKUS_HTTP_PORT="$HTTP" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT="$MGMT" \
    FANMAIL_SMTP_PORT="$SMTP" FANMAIL_SMTP_HOST=127.0.0.1 FANMAIL_SMTP_HOSTNAME=smoke.test \
    QUARKUS_LOG_CONSOLE_JSON_ENABLED=true \
    "$(command -v chroot)" --userspec="$user:0" "$WORK/rootfs" "${entry[@]}" > "$WORK/app.log" 2>&1 &
APP_PID=$!

for _ in $(seq 1 90); do
  if curl -fsS "http://127.0.0.1:$MGMT/q/health/ready" -o "$WORK/ready.json" 2>/dev/null; then
    echo "== ready: $(tr -d '\n ' < "$WORK/ready.json" | cut -c1-200)"
    # The main port publishes /api and the public pages only, never the operations endpoints.
    for path in /q/metrics /q/openapi /q/health/ready; do
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP$path")
      if [ "$code" != 404 ]; then
        echo "smoke test FAILED: $path answers $code on the main HTTP port" >&2; exit 1
      fi
    done
    echo "== /q/* not on the main port"
    head -c 300 "$WORK/app.log"; echo
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]' "$WORK/app.log" \
      && echo "== log lines are JSON"
    echo "smoke test passed"
    exit 0
  fi
  kill -0 "$APP_PID" 2>/dev/null || break
  sleep 2
done
echo "smoke test FAILED; application output:" >&2
tail -40 "$WORK/app.log" >&2
exit 1
