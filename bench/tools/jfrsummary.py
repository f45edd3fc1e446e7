#!/usr/bin/env python3
"""jfrsummary.py: where a JVM's CPU went, from a JFR recording's execution samples.

Usage: jfrsummary.py RECORDING.jfr [TOP]
Runs `jfr print --json --events jdk.ExecutionSample` (the JDK's own tool) and prints, as shares of
all samples: the threads (numbers in thread names folded to N), the top frames (where the CPU
was), and the first fanmail frame of each stack (which of our code led there), TOP rows each
(default 15). async-profiler is not on this machine; JFR samples Java threads only (no GC or JIT
compiler threads, no native time).
"""
import collections
import json
import re
import subprocess
import sys


def frame_name(f):
    m = f.get("method") or {}
    t = (m.get("type") or {}).get("name", "?")
    return "%s.%s" % (t, m.get("name", "?"))


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    threads, tops, ours = collections.Counter(), collections.Counter(), collections.Counter()
    for e in events:
        v = e["values"]
        t = (v.get("sampledThread") or {}).get("javaName") or "?"
        threads[re.sub(r"\d+", "N", t)] += 1
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if frames:
            tops[frame_name(frames[0])] += 1
        mine = next((frame_name(f) for f in frames
                     if frame_name(f).startswith("org/fanmail") and "$$Lambda" not in frame_name(f)),
                    "(no fanmail frame)")
        ours[mine] += 1
    n = max(1, len(events))
    print("%d execution samples in %s" % (len(events), path))
    for title, counter in (("threads", threads), ("top frames", tops), ("first fanmail frame", ours)):
        print("\n%s:" % title)
        for name, c in counter.most_common(top):
            print("  %5.1f %%  %s" % (100.0 * c / n, name))


if __name__ == "__main__":
    main()
