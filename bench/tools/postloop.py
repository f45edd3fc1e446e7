#!/usr/bin/env python3
"""postloop.py: posts one after another to a list, each waited for at the BenchSink (postloop.sh).

Prints 250 -> first and last RCPT at the sink (p50, p90 over the last three quarters of the
posts: the first quarter is the JVM warming up) and the CPU of the process PID per post by thread
name (threadcpu.py's fold; threads that ended meanwhile are left out). Uses waitsink.py's and
threadcpu.py's functions. Loopback only; every socket has a timeout.
"""
import argparse
import os
import smtplib
import time

from threadcpu import by_name, snap
from waitsink import command, stats

TICK = os.sysconf("SC_CLK_TCK")


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
    c0 = snap(a.pid)
    for i in range(a.posts):
        command(a.control, "reset")
        s = smtplib.SMTP("127.0.0.1", a.port, timeout=30)
        s.ehlo("postloop.bench.test")
        s.sendmail("poster@bench.test", ["bench@lists.bench.test"],
                   "From: poster@bench.test\r\nTo: bench@lists.bench.test\r\nSubject: loop %d\r\n"
                   "Message-ID: <%d.loop@bench.test>\r\n\r\n%s" % (i, time.time_ns(), body))
        t250 = time.time() * 1000
        s.quit()
        deadline = time.monotonic() + a.timeout
        while True:
            st = stats(a.control)
            if st["distinct"] >= a.expect or time.monotonic() > deadline:
                break
            time.sleep(0.002)
        rows.append((st["first_rcpt_ms"] - t250, st["last_rcpt_ms"] - t250, st["connections"]))
        time.sleep(a.gap)
    c1 = snap(a.pid)
    tail = rows[len(rows) // 4:]
    first, last = [r[0] for r in tail], [r[1] for r in tail]
    print("posts %d, %.1f s apart: 250 -> first RCPT p50 %.0f p90 %.0f ms; -> last RCPT p50 %.0f "
          "p90 %.0f ms; connections of the last post %d"
          % (a.posts, a.gap, pct(first, 50), pct(first, 90), pct(last, 50), pct(last, 90), rows[-1][2]))
    per = by_name(c0, c1)
    print("JVM CPU ms a post by thread: %s; total %.1f" % (
        ", ".join("%s %.1f" % (k, v * 1000 / TICK / a.posts) for k, v in per.most_common()
                  if v * 1000 / TICK / a.posts >= 0.5),
        sum(per.values()) * 1000 / TICK / a.posts))


if __name__ == "__main__":
    main()
