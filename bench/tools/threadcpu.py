#!/usr/bin/env python3
"""threadcpu.py: a process's CPU by thread name, for profiles (bench/profile-ingest.sh).

  snap PID OUT        writes {tid: [name, utime+stime ticks]} of every thread of PID to OUT
  diff A B N          prints the CPU used between snaps A and B per thread name (digits folded,
                      so "vert.x-eventloop-thread-0" and "-1" add up), in ms per unit of N
                      (posts), largest first
"""
import collections
import json
import os
import re
import sys


def snap(pid):
    threads = {}
    for tid in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(")") + 2:].split()
        threads[tid] = [s[s.index("(") + 1:s.rindex(")")], int(rest[11]) + int(rest[12])]
    return threads


def by_name(a, b):
    """Ticks used between snaps a and b per thread name, digits folded (threads that ended between
    them are left out: their ticks went with them)."""
    used = collections.Counter()
    for tid, (name, ticks) in b.items():
        used[re.sub(r"\d+", "N", name)] += ticks - a.get(tid, [name, 0])[1]
    return used


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "snap":
        with open(sys.argv[3], "w") as f:
            json.dump(snap(sys.argv[2]), f)
    elif len(sys.argv) == 5 and sys.argv[1] == "diff":
        with open(sys.argv[2]) as f:
            a = json.load(f)
        with open(sys.argv[3]) as f:
            b = json.load(f)
        n, hz = int(sys.argv[4]), os.sysconf("SC_CLK_TCK")
        used = by_name(a, b)
        total = sum(used.values()) or 1
        for name, ticks in used.most_common():
            if ticks:
                print("  %6.3f ms/post %5.1f %%  %s" % (1000 * ticks / hz / n, 100 * ticks / total, name))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
