#!/usr/bin/env python3
"""postloop.py: posts one after another to a list, each waited for at the BenchSink (postloop.sh).

Prints 250 -> first and last RCPT at the sink (p50, p90 over the last three quarters of the
posts: the first quarter is the JVM warming up) and the CPU of the process PID per post by thread
name (digits folded; "/sys" the system part). Loopback only; every socket has a timeout.
"""
import argparse
import json
import os
import re
import smtplib
import socket
import time

TICK = os.sysconf("SC_CLK_TCK")


def sink(port, command):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((command + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            buf += chunk
    return buf


def threads(pid):
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(")") + 2:].split()
        name = re.sub(r"\d+", "N", s[s.index("(") + 1:s.rindex(")")])
        out[name] = out.get(name, 0) + int(rest[11]) + int(rest[12])
        out[name + "/sys"] = out.get(name + "/sys", 0) + int(rest[12])
    return out


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--control", type=int, required=True)
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--posts", type=int, default=40)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--gap", type=float, default=1.5)
    p.add_argument("--timeout", type=float, default=120)
    a = p.parse_args()
    body = ("benchmark body line, padding the post to a realistic size\r\n" * 35)
    rows = []
    c0 = threads(a.pid)
    for i in range(a.posts):
        sink(a.control, "reset")
        s = smtplib.SMTP("127.0.0.1", a.port, timeout=30)
        s.ehlo("postloop.bench.test")
        s.sendmail("poster@bench.test", ["bench@lists.bench.test"],
                   "From: poster@bench.test\r\nTo: bench@lists.bench.test\r\nSubject: loop %d\r\n"
                   "Message-ID: <%d.loop@bench.test>\r\n\r\n%s" % (i, time.time_ns(), body))
        t250 = time.time() * 1000
        s.quit()
        deadline = time.monotonic() + a.timeout
        while True:
            st = json.loads(sink(a.control, "stats"))
            if st["distinct"] >= a.expect or time.monotonic() > deadline:
                break
            time.sleep(0.002)
        rows.append((st["first_rcpt_ms"] - t250, st["last_rcpt_ms"] - t250, st["connections"]))
        time.sleep(a.gap)
    c1 = threads(a.pid)
    tail = rows[len(rows) // 4:]
    first, last = [r[0] for r in tail], [r[1] for r in tail]
    print("posts %d, %.1f s apart: 250 -> first RCPT p50 %.0f p90 %.0f ms; -> last RCPT p50 %.0f "
          "p90 %.0f ms; connections of the last post %d"
          % (a.posts, a.gap, pct(first, 50), pct(first, 90), pct(last, 50), pct(last, 90), rows[-1][2]))
    per = {k: (c1.get(k, 0) - c0.get(k, 0)) * 1000 / TICK / a.posts for k in c1}
    total = sum(v for k, v in per.items() if not k.endswith("/sys"))
    print("JVM CPU ms a post by thread: %s; total %.1f" % (
        ", ".join("%s %.1f" % (k, v) for k, v in sorted(per.items(), key=lambda x: -x[1]) if v >= 0.5),
        total))


if __name__ == "__main__":
    main()
