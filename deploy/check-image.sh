#!/usr/bin/env bash
# Checks an image tarball made by build-image.sh (OCI layout or `docker save` format) without
# Docker: unpacks it and reads the image config and the layers.
#   deploy/check-image.sh [target/fanmail-image.tar]
# Checks: a non-root user; an entrypoint that runs quarkus-run.jar; ports 8080 and 2525 exposed;
# a Java runtime; a libraries layer holding only quarkus-app/lib, below an application layer
# holding quarkus-run.jar, app/ and quarkus/; none of Jib's classpath layers (/app) left over.
set -euo pipefail
TAR=${1:-target/fanmail-image.tar}
[ -f "$TAR" ] || { echo "no image tarball at $TAR (run deploy/build-image.sh)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
tar -xf "$TAR" -C "$WORK"

python3 - "$WORK" <<'PY'
import json, os, sys, tarfile

root = sys.argv[1]
def blob(digest):
    algo, hexd = digest.split(":", 1)
    return os.path.join(root, "blobs", algo, hexd)

if os.path.exists(os.path.join(root, "index.json")):
    index = json.load(open(os.path.join(root, "index.json")))
    manifest = json.load(open(blob(index["manifests"][0]["digest"])))
    config = json.load(open(blob(manifest["config"]["digest"])))
    layers = [blob(l["digest"]) for l in manifest["layers"]]
else:
    m = json.load(open(os.path.join(root, "manifest.json")))[0]
    config = json.load(open(os.path.join(root, m["Config"])))
    layers = [os.path.join(root, l) for l in m["Layers"]]

failures = []
def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)

c = config.get("config", {})
user = str(c.get("User", ""))
check(user not in ("", "0", "root") and not user.startswith(("0:", "root:")),
      f"runs as a non-root user (User={user!r})")
entry = (c.get("Entrypoint") or []) + (c.get("Cmd") or [])
check(any("quarkus-run.jar" in a for a in entry) or any(a.endswith("-runner") or "fanmail" in a
      for a in entry[:1]), f"entrypoint starts fanmail ({' '.join(entry)})")
ports = set((c.get("ExposedPorts") or {}).keys())
check({"8080/tcp", "2525/tcp"} <= ports, f"exposes 8080 and 2525 ({sorted(ports)})")
check(config.get("os") == "linux", f"os linux, architecture {config.get('architecture')}")

names = []  # per layer: regular files and links, without directories
tmp_ok = False
for path in layers:
    with tarfile.open(path) as t:
        members = t.getmembers()
    names.append([m.name.lstrip("./").lstrip("/") for m in members if not m.isdir()])
    tmp_ok |= any(m.isdir() and m.name.strip("./") == "tmp" and m.mode & 0o777 == 0o777
                  for m in members)
comments = [h.get("comment", "") for h in config.get("history", []) if not h.get("empty_layer")]
for i, files in enumerate(names):
    label = comments[i] if i < len(comments) else ""
    print(f"      layer {i}: {label or '-'}: {len(files)} entries")

def files_of(i):
    return names[i]

def find(pred):
    return [i for i in range(len(names)) if files_of(i) and all(pred(n) for n in files_of(i))]

java = [i for i, files in enumerate(names)
        if any(n.endswith("bin/java") for n in files)]
check(bool(java), "a layer holds a Java runtime (bin/java)")
if java:
    check(tmp_ok, "/tmp is writable for the non-root user (SMTP spill files)")
libs = find(lambda n: n.startswith("deployments/lib/"))
check(bool(libs) and any(n.endswith(".jar") for i in libs for n in files_of(i)),
      "a libraries layer holds only deployments/lib/ (the dependencies)")
app = [i for i, files in enumerate(names)
       if "deployments/quarkus-run.jar" in files
       and any(n.startswith("deployments/app/") for n in files)
       and any(n.startswith("deployments/quarkus/") for n in files)
       and not any(n.startswith("deployments/lib/") and n.endswith(".jar") for n in files)]
check(bool(app), "an application layer holds quarkus-run.jar, app/ and quarkus/")
check(bool(libs and app) and max(libs) < min(app),
      "dependencies lie below the application (rebuilds reuse them)")
leftover = [n for files in names for n in files if n == "app" or n.startswith("app/")]
check(not leftover, "no Jib classpath layer (/app) left over")
wide = []
for path in layers:
    with tarfile.open(path) as t:
        for m in t.getmembers():
            if m.isfile() and m.mode & 0o002:
                wide.append(m.name)
check(not wide, f"no world-writable files ({wide[:3]})")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("image checks passed")
PY
