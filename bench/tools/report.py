#!/usr/bin/env python3
"""report.py: turns the result blobs of one bench/run.sh run into the table and the JSON.

Usage: report.py RES_DIR RESULT_JSON PRESET SMOKE [ROUTING]
Reads RES_DIR/*.json (machine, workload, sink-capacity, postfix-*, fanmail-*), writes one
JSON document to RESULT_JSON and prints a Markdown table: one row per figure, with fanmail,
Postfix and the ratio fanmail/Postfix. Missing figures show as "pending" (fanmail not
measurable yet, with the reason below the table) or "n/a" (no such thing for that system).
"""
import datetime
import glob
import json
import os
import sys


def load_all(res):
    blobs = {}
    for path in glob.glob(os.path.join(res, "*.json")):
        try:
            blobs[os.path.basename(path)[:-5]] = json.load(open(path))
        except ValueError:
            blobs[os.path.basename(path)[:-5]] = {"unparsable": open(path).read()[:500]}
    for name in ("fanmail-error.txt", "fanmail-post-status.txt", "loadavg-end.txt"):
        p = os.path.join(res, name)
        if os.path.exists(p):
            blobs[name[:-4]] = open(p).read().strip()[:2000]
    return blobs


def get(blobs, name, *keys):
    v = blobs.get(name)
    for k in keys:
        if not isinstance(v, dict):
            return None
        v = v.get(k)
    return v


def mb(kb):
    return None if kb is None else round(kb / 1024, 1)


def fmt(v):
    if v is None:
        return None
    if isinstance(v, float):
        return "%.2f" % v if abs(v) < 100 else "{:,.0f}".format(v)
    if isinstance(v, int):
        return "{:,}".format(v)
    return str(v)


def main():
    res, result, preset, smoke = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    routing = sys.argv[5] if len(sys.argv) > 5 else "transport"
    b = load_all(res)
    fm_pending = "fanmail-error" in b or "fanmail-fanout" not in b

    def both(name, *keys, conv=None):
        f, p = get(b, "fanmail-" + name, *keys), get(b, "postfix-" + name, *keys)
        return (conv(f) if conv and f is not None else f), (conv(p) if conv and p is not None else p)

    def txn(sysname, blob="-fanout"):
        t = get(b, sysname + blob, "transactions")
        m = get(b, sysname + blob, "min_transactions_100" if sysname == "fanmail" else "min_transactions_50")
        return None if t is None else "%s (min %s)" % (fmt(t), fmt(m))

    def ms(v):
        return None if v is None else round(v * 1000, 1)

    rows = [
        ("start-up to ready, s (fanmail: first start, fresh database)", *both("startup", "startup_s"), "lower"),
        ("restart to ready on the imported data, s", *both("startup", "restart_s"), "lower"),
        ("restart to ready after the fan-outs, s", get(b, "fanmail-startup", "restart2_s"), None, "lower"),
        ("COLD fan-out (first post after start) recipients/s", *both("fanout-cold", "rcpts_per_s"), "higher"),
        ("cold fan-out seconds (250 -> last RCPT)", *both("fanout-cold", "seconds"), "lower"),
        ("cold: 250 -> first RCPT, ms", *both("fanout-cold", "first_rcpt_after_s", conv=ms), "lower"),
        ("cold transactions", txn("fanmail", "-fanout-cold"), txn("postfix", "-fanout-cold"), None),
        ("cold CPU s after the 250 (fanmail java; Postfix all processes)", *both("fanout-cold", "cpu_s"), "lower"),
        ("WARM fan-out (the same post again) recipients/s", *both("fanout", "rcpts_per_s"), "higher"),
        ("warm: 250 -> first RCPT, ms", *both("fanout", "first_rcpt_after_s", conv=ms), "lower"),
        ("per-post delivery time p50, s (%s posts one after another)" % fmt(get(b, "fanmail-series", "posts")),
         *both("series", "p50_s"), "lower"),
        ("per-post delivery time p99, s", *both("series", "p99_s"), "lower"),
        ("per-post 250 -> first RCPT p50 / p99, ms", *(
            (lambda sysname: None if get(b, sysname + "-series", "first_p50_s") is None else "%s / %s" % (
                fmt(ms(get(b, sysname + "-series", "first_p50_s"))), fmt(ms(get(b, sysname + "-series", "first_p99_s")))))(x)
            for x in ("fanmail", "postfix")), None),
        ("idle RSS, MB (fanmail: java + embedded pg)", *(
            (lambda f, p: (None if f is None else f + (mb(get(b, "fanmail-startup", "idle_pg_rss_kb")) or 0), p))(
                *both("startup", "idle_rss_kb", conv=mb))), "lower"),
        ("idle PSS, MB (fanmail: java + embedded pg)", *(
            (lambda f, p: (None if f is None else f + (mb(get(b, "fanmail-startup", "idle_pg_pss_kb")) or 0), p))(
                *both("startup", "idle_pss_kb", conv=mb))), "lower"),
        ("fan-out seconds (warm)", *both("fanout", "seconds"), "lower"),
        ("transactions (minimum: 100/txn fanmail, 50/txn Postfix)", txn("fanmail"), txn("postfix"), None),
        ("connections", *both("fanout", "connections"), None),
        ("duplicates", *both("fanout", "duplicates"), None),
        ("missing recipients", *both("fanout", "missing"), None),
        ("peak RSS in fan-out, MB (Postfix: sum of its processes)", *both("fanout", "peak_rss_kb", conv=mb), "lower"),
        ("peak PSS in fan-out, MB (fanmail: java + embedded pg)", *(
            (lambda f, p: (None if f is None else f + (mb(get(b, "fanmail-fanout", "pg_peak_pss_kb")) or 0), p))(
                *both("fanout", "peak_pss_kb", conv=mb))), "lower"),
        ("peak RSS of embedded pg in fan-out, MB", mb(get(b, "fanmail-fanout", "pg_peak_rss_kb")), None, None),
        ("CPU s in fan-out after the 250 (fanmail java; Postfix all processes)", *both("fanout", "cpu_s"), "lower"),
        ("CPU s incl. intake of the post (from before MAIL)", *both("fanout", "cpu_with_intake_s"), "lower"),
        ("CPU s of embedded pg in fan-out", get(b, "fanmail-fanout", "pg_cpu_s"), None, None),
        ("ingest posts/s, cold: the first %s posts after a start (smtp-source -s 20)"
         % fmt(((get(b, "fanmail-ingest", "segments") or get(b, "postfix-ingest", "segments") or [{}])[0]).get("messages")),
         *both("ingest", "cold_posts_per_s"), "higher"),
        ("ingest posts/s after 1,000 posts of warm-up", *both("ingest", "after_1000_posts_per_s"), "higher"),
        ("ingest posts/s after %s posts of warm-up (steady state)" % fmt(get(b, "fanmail-ingest", "after_posts")
                                                                       or get(b, "postfix-ingest", "after_posts")),
         *both("ingest", "posts_per_s"), "higher"),
        ("ingest CPU ms per post in the timed run (fanmail: java + embedded pg; Postfix: all processes)",
         *both("ingest", "cpu_ms_per_post"), "lower"),
        ("ingest CPU s of JIT compiler threads in it (a JVM not yet warm shows here)",
         *both("ingest", "jit_cpu_s"), None),
        ("ingest copies at the sink when the client finished (of M)", *both("ingest", "delivered_by_end"), "higher"),
        ("ingest seconds after that until all M were at the sink", *both("ingest", "all_delivered_after_s"), "lower"),
        ("ingest p50 ms (MAIL -> 250 after DATA, 20 sessions)", *both("ingest", "latency", "p50_ms"), "lower"),
        ("ingest p99 ms", *both("ingest", "latency", "p99_ms"), "lower"),
        ("import members/s (%s rows, one REST request; first on the fresh JVM)"
         % fmt(get(b, "workload", "import_rows")),
         get(b, "fanmail-import", "members_per_s"), "n/a", "higher"),
        ("import members/s, the same rows again into another list (warm)",
         get(b, "fanmail-import2", "members_per_s"), "n/a", "higher"),
    ]
    table = []
    for name, f, p, better in rows:
        ratio = adv = None
        if isinstance(f, (int, float)) and isinstance(p, (int, float)) and p:
            ratio = "%.2f" % (f / p)
            # how many times better fanmail is: f/p where higher is better, p/f where lower is
            if better == "higher":
                adv = "%.2f" % (f / p)
            elif better == "lower" and f:
                adv = "%.2f" % (p / f)
        table.append({"figure": name, "fanmail": f, "postfix": p, "ratio": ratio, "advantage": adv,
                      "better": better})

    cap = b.get("sink-capacity", {})
    doc = {
        "preset": preset, "smoke": smoke, "routing": routing,
        "finished_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": b.get("machine"), "loadavg_end": b.get("loadavg-end"),
        "workload": {k: v for k, v in (b.get("workload") or {}).items() if k != "per_host"},
        "sink_capacity": cap,
        "fanmail_pending": fm_pending, "fanmail_error": b.get("fanmail-error"),
        "table": table,
        "raw": {k: v for k, v in b.items() if k.startswith(("fanmail-", "postfix-"))},
    }
    with open(result, "w") as f:
        json.dump(doc, f, indent=1)

    wl = doc["workload"]
    print()
    print("fanmail vs Postfix, preset %s%s, routing %s: %s recipients, %s domains, %s hosts"
          % (preset, " (smoke)" if smoke else "", routing, fmt(wl.get("recipients")), fmt(wl.get("domains")), fmt(wl.get("hosts"))))
    print("sink capacity: %s RCPT/s pipelined, %s RCPT/s with smtp-source (100 RCPTs a transaction)"
          % (fmt(get(b, "sink-capacity", "pipelined", "rcpts_per_s")), fmt(get(b, "sink-capacity", "smtp_source", "rcpts_per_s"))))
    print()
    mock = os.environ.get("BENCH_FANMAIL_MOCK") == "1"
    doc["fanmail_is_mock"] = mock
    with open(result, "w") as f:
        json.dump(doc, f, indent=1)
    if mock:
        print("NOTE: BENCH_FANMAIL_MOCK=1: the fanmail column is the harness's mock, not fanmail")
    print("| figure | fanmail%s | Postfix | fanmail/Postfix | fanmail better by (x) |" % (" (MOCK)" if mock else ""))
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in table:
        fv = fmt(r["fanmail"]) if r["fanmail"] is not None else ("pending" if fm_pending else "n/a")
        pv = fmt(r["postfix"]) if r["postfix"] is not None else "n/a"
        print("| %s | %s | %s | %s | %s |" % (r["figure"], fv, pv, r["ratio"] or "", r["advantage"] or ""))
    print()
    cap_rate = cap.get("rcpts_per_s") or 0
    for r in [x for x in table if "fan-out" in x["figure"] and x["figure"].endswith("recipients/s")]:
        for who in ("fanmail", "postfix"):
            v = r[who]
            if isinstance(v, (int, float)) and cap_rate and v > 0.5 * cap_rate:
                print("WARNING: %s fan-out (%s RCPT/s) is above half the sink's measured capacity: the sink may be the limit"
                      % (who, fmt(v)))
    if "fanmail-personal-fanout" in b:
        print("fanmail shared copies vs personalized (personalize=true: one transaction per recipient,")
        print("VERP sender and own one-click link), same %s members, same sink:" % fmt(wl.get("recipients")))
        print()
        print("| figure | shared | personalized | personalized/shared |")
        print("| --- | ---: | ---: | ---: |")
        for who in ("fanmail-fanout", "fanmail-personal-fanout"):
            r = b.get(who) or {}
            if r.get("seconds") is not None and r.get("first_rcpt_after_s") is not None:
                r["sending_s"] = round(r["seconds"] - r["first_rcpt_after_s"], 3)
        for label, keys in (("fan-out recipients/s", ("rcpts_per_s",)), ("fan-out seconds", ("seconds",)),
                            ("first RCPT after the 250, s", ("first_rcpt_after_s",)),
                            ("sending, s (first to last RCPT)", ("sending_s",)),
                            ("transactions", ("transactions",)), ("connections", ("connections",)),
                            ("missing recipients", ("missing",)), ("duplicates", ("duplicates",)),
                            ("CPU s of fanmail java after the 250", ("cpu_s",)),
                            ("peak RSS, MB", ("peak_rss_kb",))):
            sv, pv = get(b, "fanmail-fanout", *keys), get(b, "fanmail-personal-fanout", *keys)
            if keys[0] == "peak_rss_kb":
                sv, pv = mb(sv), mb(pv)
            ratio = "%.2f" % (pv / sv) if isinstance(sv, (int, float)) and isinstance(pv, (int, float)) and sv else ""
            print("| %s | %s | %s | %s |" % (label, fmt(sv), fmt(pv), ratio))
        doc["personalized"] = b.get("fanmail-personal-fanout")
        with open(result, "w") as f:
            json.dump(doc, f, indent=1)
        print()
    if fm_pending:
        print("fanmail figures pending: %s" % (b.get("fanmail-error") or "fanmail not run"))
    m = b.get("machine") or {}
    print("machine: %s cores, kernel %s, %s, load %s -> %s"
          % (m.get("nproc"), m.get("kernel"), m.get("java"), m.get("loadavg_start"), b.get("loadavg-end")))


if __name__ == "__main__":
    main()
