#!/usr/bin/env bash
# Checks the deploy files with what a machine without a Docker daemon or a cluster can run.
#   deploy/check.sh            static checks (seconds): scripts, YAML, compose, Kubernetes
#                              schemas, cross-file consistency, Dockerfile rules
#   deploy/check.sh --native   also the native build up to native-image (sources only), and
#                              checks that zonky stays out of it
#   deploy/check.sh --image    also builds the image tarball, checks it, and (root + PostgreSQL
#                              binaries) starts it in a chroot until /q/health/ready (management
#                              port) says UP and /q/* answers 404 on the main port
#   deploy/check.sh --all      all of it
# A check whose tool is missing says "skip" and does not fail; set CHECK_STRICT=1 to make a
# skip fail (CI that installed the tools). Tools: python3 + PyYAML (required), yamllint,
# `docker compose` or docker-compose, kubectl (kustomize), node + npm (schema validation:
# installs kubernetes-models into target/deploy-check on first use).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

native=0 image=0
for a in "$@"; do
  case "$a" in
    --native) native=1 ;;
    --image) image=1 ;;
    --all) native=1 image=1 ;;
    *) echo "usage: deploy/check.sh [--native] [--image] [--all]" >&2; exit 2 ;;
  esac
done

passed=0 failed=0 skipped=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
run() { # run NAME COMMAND...
  local name=$1; shift
  if "$@" >"$TMP/out" 2>&1; then
    passed=$((passed + 1)); echo "PASS  $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; sed 's/^/      /' "$TMP/out" | tail -40
  fi
}
skip() {
  skipped=$((skipped + 1)); echo "SKIP  $1"
  [ "${CHECK_STRICT:-0}" = 1 ] && failed=$((failed + 1))
}
have() { command -v "$1" >/dev/null 2>&1; }

# --- scripts and YAML -------------------------------------------------------------------
for s in deploy/*.sh; do run "bash -n $s" bash -n "$s"; done
if have shellcheck; then run "shellcheck" shellcheck -S warning deploy/*.sh; else skip "shellcheck (not installed)"; fi
run "YAML parses" python3 -c '
import sys, yaml
for f in sys.argv[1:]:
    list(yaml.safe_load_all(open(f)))
' deploy/compose.yaml deploy/kubernetes/*.yaml
if have yamllint; then
  run "yamllint" yamllint -d '{extends: default, rules: {line-length: {max: 120}, document-start: disable, comments: {min-spaces-from-content: 1}, truthy: {check-keys: false}}}' \
    deploy/compose.yaml deploy/kubernetes/
else
  skip "yamllint (not installed)"
fi

# --- compose ----------------------------------------------------------------------------
# Validated on a copy with fanmail.env made from the example (the real one is not in git).
mkdir -p "$TMP/c/deploy"
cp -r deploy/. "$TMP/c/deploy/"
cp deploy/fanmail.env.example "$TMP/c/deploy/fanmail.env"
if docker compose version >/dev/null 2>&1; then
  run "docker compose config" docker compose -f "$TMP/c/deploy/compose.yaml" config -q
elif have docker-compose; then
  run "docker-compose config" docker-compose -f "$TMP/c/deploy/compose.yaml" config -q
else
  skip "compose config (neither docker compose nor docker-compose)"
fi

# --- Kubernetes -------------------------------------------------------------------------
rendered="$TMP/k8s.yaml"
if have kubectl; then
  run "kubectl kustomize" sh -c 'kubectl kustomize deploy/kubernetes > "$1"' sh "$rendered"
else
  skip "kubectl kustomize (no kubectl): checking the raw manifests"
  python3 -c '
import sys, yaml
docs = []
for f in sys.argv[1:]:
    if not f.endswith("kustomization.yaml"):
        docs += [d for d in yaml.safe_load_all(open(f)) if d]
yaml.safe_dump_all(docs, sys.stdout)' deploy/kubernetes/*.yaml > "$rendered"
fi
if have node && have npm; then
  vdir=target/deploy-check
  if [ ! -d "$vdir/node_modules/kubernetes-models" ]; then
    mkdir -p "$vdir"
    (cd "$vdir" && npm install --silent --no-audit --no-fund --no-save kubernetes-models@5.1.0 js-yaml@4.1.0) >/dev/null 2>&1
  fi
  if [ -d "$vdir/node_modules/kubernetes-models" ]; then
    cp deploy/tools/validate-k8s.mjs "$vdir/"
    run "Kubernetes schemas (kubernetes-models)" sh -c 'node "$1/validate-k8s.mjs" < "$2"' sh "$vdir" "$rendered"
  else
    skip "Kubernetes schemas (npm install of kubernetes-models failed)"
  fi
else
  skip "Kubernetes schemas (no node/npm)"
fi
run "consistency: Kubernetes, compose, Dockerfiles, application settings" \
  python3 deploy/tools/consistency.py "$rendered"

# --- native-image substitution target ---------------------------------------------------
# NativeImageSubstitutions replaces FanmailMain.startEmbedded(Config) by name and signature.
if [ -f target/classes/org/fanmail/FanmailMain.class ] && have javap; then
  run "substitution target FanmailMain.startEmbedded(Config) exists" sh -c \
    'javap -p -cp target/classes org.fanmail.FanmailMain | grep -q "static synchronized void startEmbedded(org.eclipse.microprofile.config.Config)"'
else
  skip "substitution target (no target/classes: build first)"
fi

# --- native build (sources only) --------------------------------------------------------
if [ "$native" = 1 ]; then
  run "native build up to native-image (-Dquarkus.native.sources-only=true)" \
    ./mvnw -B -q package -Dnative -Dquarkus.native.sources-only=true -DskipTests
  run "native sources: runner jar and native-image.args, no zonky in lib/" sh -c '
    test -f target/native-sources/native-image.args &&
    ls target/native-sources/*-runner.jar >/dev/null &&
    ! ls target/native-sources/lib | grep -i -e zonky -e embedded-postgres'
fi

# --- image tarball ----------------------------------------------------------------------
if [ "$image" = 1 ]; then
  run "build-image.sh (Jib, OCI tarball) and check-image.sh" deploy/build-image.sh
  if [ "$(id -u)" = 0 ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    run "smoke-image.sh (image rootfs in a chroot, user 185, /q/health/ready UP)" deploy/smoke-image.sh
  else
    skip "smoke-image.sh (needs root and PostgreSQL server binaries)"
  fi
fi

echo "deploy checks: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
