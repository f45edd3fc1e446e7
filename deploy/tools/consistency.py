"""Cross-checks the deploy files against each other and against the application's settings.

Reads the rendered Kubernetes manifests (argv[1], multi-document YAML), deploy/compose.yaml, the
Dockerfiles and src/main/resources/application.properties. Prints one line per check; exits 1 if
any failed. Run by deploy/check.sh.
"""
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def seconds(value):
    m = re.fullmatch(r"(\d+)(ms|s|m)?", str(value).strip())
    n, unit = int(m.group(1)), m.group(2) or "s"
    return n / 1000 if unit == "ms" else n * 60 if unit == "m" else n


props = {}
for line in (ROOT / "src/main/resources/application.properties").read_text().splitlines():
    if "=" in line and not line.lstrip().startswith("#"):
        k, v = line.split("=", 1)
        props[k.strip()] = v.strip()
shutdown = seconds(props.get("quarkus.shutdown.timeout", "0"))
config_src = (ROOT / "src/main/java/org/fanmail/config/SmtpConfig.java").read_text()
m = re.search(r'@WithName\("drain-timeout"\)\s*@WithDefault\("([^"]+)"\)', config_src)
drain = seconds(m.group(1)) if m else 20
check(shutdown >= drain, f"quarkus.shutdown.timeout {shutdown}s >= smtp drain-timeout {drain}s")
check(props.get("quarkus.management.enabled") == "true"
      and props.get("quarkus.management.host") == "127.0.0.1",
      "operations endpoints on their own port, loopback by default")
mgmt_port = int(props.get("quarkus.management.port", "9000"))
check(props.get("quarkus.log.console.json.enabled") == "false",
      "JSON logs off by default (QUARKUS_LOG_CONSOLE_JSON_ENABLED=true turns them on)")

# --- Kubernetes -------------------------------------------------------------------------
docs = [d for d in yaml.safe_load_all(Path(sys.argv[1]).read_text()) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)
dep = by_kind["Deployment"][0]
pod = dep["spec"]["template"]
spec = pod["spec"]
c = spec["containers"][0]
labels = pod["metadata"]["labels"]


def selects(selector):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


check(dep["spec"]["replicas"] == 2, "Deployment runs 2 replicas")
check(selects(dep["spec"]["selector"]["matchLabels"]), "Deployment selector matches its pods")
grace = spec.get("terminationGracePeriodSeconds", 30)
check(grace > shutdown, f"terminationGracePeriodSeconds {grace} > shutdown timeout {shutdown}s")
ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
check(ports == {"http": 8080, "smtp": 2525, "management": mgmt_port},
      f"container ports http 8080, smtp 2525, management {mgmt_port} ({ports})")
for probe, path in (("startupProbe", "/q/health/started"), ("readinessProbe", "/q/health/ready"),
                    ("livenessProbe", "/q/health/live")):
    got = c.get(probe, {}).get("httpGet", {})
    check(got.get("path") == path and got.get("port") in ("management", mgmt_port),
          f"{probe} on {path} (management port)")
annotations = pod["metadata"].get("annotations", {})
check(str(annotations.get("prometheus.io/port")) == str(mgmt_port)
      and annotations.get("prometheus.io/path") == "/q/metrics",
      "Prometheus scrapes /q/metrics on the management port")
res = c.get("resources", {})
check("requests" in res and "limits" in res and "memory" in res["limits"],
      "resource requests and a memory limit")
sc = {**spec.get("securityContext", {}), **c.get("securityContext", {})}
check(sc.get("runAsNonRoot") is True and sc.get("allowPrivilegeEscalation") is False,
      "runs as non-root, no privilege escalation")
svc = by_kind["Service"][0]
sports = {p["port"]: p["targetPort"] for p in svc["spec"]["ports"]}
check(sports == {25: "smtp", 8080: "http"},
      f"Service 25->smtp(2525), 8080->http, no management port ({sports})")
public_paths = ("/unsubscribe/*", "/confirm/*", "/moderate/*")
for doc in (DEPLOY / "kubernetes/service.yaml", DEPLOY / "README.md", ROOT / "README.md",
            DEPLOY / "compose.yaml", DEPLOY / "Dockerfile.jvm", DEPLOY / "Dockerfile.native"):
    text = doc.read_text()
    check(all(p in text for p in public_paths),
          f"{doc.relative_to(ROOT)} names every public path {public_paths}")
check(selects(svc["spec"]["selector"]), "Service selector matches the pods")
pdb = by_kind["PodDisruptionBudget"][0]
check(selects(pdb["spec"]["selector"]["matchLabels"]), "PodDisruptionBudget selects the pods")
secrets = {s["metadata"]["name"]: s for s in by_kind.get("Secret", [])}
refs = [e["secretRef"]["name"] for e in c.get("envFrom", []) if "secretRef" in e]
check(bool(refs) and all(r in secrets for r in refs), f"envFrom secret exists ({refs})")
keys = set()
for r in refs:
    keys |= set((secrets[r].get("stringData") or {}).keys()) | set((secrets[r].get("data") or {}).keys())
need = {"FANMAIL_ADMIN_TOKEN", "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME",
        "QUARKUS_DATASOURCE_PASSWORD"}
check(need <= keys, f"Secret holds {sorted(need)}")
env = {e["name"]: e.get("value") for e in c.get("env", [])}
maps = {m["metadata"]["name"]: m for m in by_kind.get("ConfigMap", [])}
mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
tmap = env.get("FANMAIL_DELIVERY_TRANSPORT_MAP", "")
vol_ok = False
for v in spec.get("volumes", []):
    cm = v.get("configMap", {}).get("name")
    if cm in maps and v["name"] in mounts:
        vol_ok = any(tmap == f"{mounts[v['name']]}/{k}" for k in maps[cm]["data"])
check(vol_ok, f"transport map ConfigMap mounted where FANMAIL_DELIVERY_TRANSPORT_MAP points ({tmap})")
names = set(env) | keys
check(all(re.fullmatch(r"(FANMAIL|QUARKUS|JAVA|JDK)_[A-Z0-9_]+", n) for n in names),
      "environment names follow the Quarkus scheme")

# --- Compose ----------------------------------------------------------------------------
compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
svcs = compose["services"]
fan = {n: s for n, s in svcs.items() if n.startswith("fanmail")}
check(len(fan) == 2, f"compose: two fanmail replicas ({sorted(fan)})")
check(str(svcs["postgres"]["image"]).startswith("postgres:17"), "compose: PostgreSQL 17")
for n, s in fan.items():
    e = s.get("environment", {})
    check(s.get("env_file") == "fanmail.env", f"compose {n}: admin token and secrets from fanmail.env")
    check(e.get("FANMAIL_DELIVERY_TRANSPORT_MAP") == "/etc/fanmail/transport.map"
          and any(str(v).endswith(":/etc/fanmail/transport.map:ro") for v in s.get("volumes", [])),
          f"compose {n}: transport map mounted and configured")
    check("healthcheck" in s
          and f"localhost:{mgmt_port}/q/health/ready" in " ".join(s["healthcheck"]["test"]),
          f"compose {n}: health check on /q/health/ready (management port)")
    check(not any(str(p).endswith(f":{mgmt_port}") for p in s.get("ports", [])),
          f"compose {n}: management port not published")
    check(seconds(s.get("stop_grace_period", "10s")) > shutdown,
          f"compose {n}: stop_grace_period > shutdown timeout")
    check(all(p.startswith("127.0.0.1:") for p in s.get("ports", [])), f"compose {n}: loopback ports")
check("healthcheck" in svcs["postgres"], "compose postgres: health check")
sink = (DEPLOY / "transport.map").read_text()
check(re.search(r"^\*\s+mailpit:1025\s*$", sink, re.M) is not None,
      "compose: transport map sends everything to the sink")
example = (DEPLOY / "fanmail.env.example").read_text()
check("FANMAIL_ADMIN_TOKEN=" in example and "FANMAIL_LINK_SECRET=" in example,
      "fanmail.env.example: admin token and link secret")
# Shipped examples must not start as they are: every secret is empty, never a placeholder.
shipped = {k: v for k, v in (l.split("=", 1) for l in example.splitlines()
                             if "=" in l and not l.lstrip().startswith("#"))}
for r in refs:
    shipped |= {k: str(v) for k, v in (secrets[r].get("stringData") or {}).items()}
secret_names = [k for k in shipped if re.search(r"TOKEN|SECRET|PASSWORD", k)]
check(bool(secret_names) and all(shipped[k].strip() in ("", '""') for k in secret_names),
      f"shipped secrets are empty, no placeholders ({sorted(secret_names)})")

# --- Dockerfiles ------------------------------------------------------------------------
for name in ("Dockerfile.jvm", "Dockerfile.native"):
    text = (DEPLOY / name).read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    check(all(":" in f and not f.endswith(":latest") for f in froms), f"{name}: base images pinned")
    check(bool(users) and users[-1].split(":")[0] not in ("0", "root"),
          f"{name}: runs as non-root ({users[-1] if users else 'no USER'})")
    check(re.search(r"^EXPOSE\s+8080\s+2525\s*$", text, re.M) is not None,
          f"{name}: EXPOSE 8080 2525")
    check(re.search(r"^(ENTRYPOINT|CMD)\s+\[", text, re.M) is not None, f"{name}: exec-form entrypoint")

if failures:
    print(f"{len(failures)} consistency check(s) failed")
    sys.exit(1)
print("consistency checks passed")
