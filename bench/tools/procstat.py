#!/usr/bin/env python3
"""procstat.py: memory and CPU of a process (tree) from /proc, for the benchmark.

  snap   PID [PID...]  one JSON line: {"cpu_s", "rss_kb", "hwm_kb", "procs"} for each PID
                       and all its descendants. cpu_s = utime+stime of every live process
                       in the tree plus cutime+cstime of each root (children that already
                       exited and were reaped), so the difference of two snaps is the CPU
                       the tree used in between. rss_kb sums VmRSS (shared pages counted
                       once per process: an upper bound); pss_kb sums the proportional set size from
                       smaps_rollup (shared pages split among their users: the fair sum for a
                       multi-process server); hwm_kb is the largest VmHWM; jit_cpu_s is the part
                       of cpu_s spent by JIT compiler threads (a JVM's C1/C2 CompilerThreads).
  sample OUT PID...    every 200 ms rewrites OUT with the peak rss_kb and pss_kb seen so far and the
                       last snap; ends by itself when every PID is gone (or after --max-s).
"""
import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def read_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    rest = s[s.rindex(")") + 2:].split()
    # fields after the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return int(rest[1]), int(rest[11]), int(rest[12]), int(rest[13]), int(rest[14])


def status_kb(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_map():
    kids = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                ppid = read_stat(int(name))[0]
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(name))
    return kids


def pss_kb(pid):
    """Proportional set size: shared pages divided among their users (sums fairly)."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def jit_ticks(pid):
    """utime+stime of the process's JIT compiler threads (named "C1 CompilerThre", "C2 ...")."""
    ticks = 0
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return 0
    for t in tasks:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, t)) as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        if name.startswith(("C1 Compiler", "C2 Compiler")):
            rest = s[s.rindex(")") + 2:].split()
            ticks += int(rest[11]) + int(rest[12])
    return ticks


def snap(roots):
    kids = children_map()
    cpu = rss = pss = hwm = procs = jit = 0
    for root in roots:
        stack = [root]
        while stack:
            pid = stack.pop()
            try:
                _, ut, st, cut, cst = read_stat(pid)
            except (OSError, ValueError, IndexError):
                continue
            procs += 1
            cpu += ut + st + ((cut + cst) if pid == root else 0)
            rss += status_kb(pid, "VmRSS")
            pss += pss_kb(pid)
            jit += jit_ticks(pid)
            hwm = max(hwm, status_kb(pid, "VmHWM"))
            stack.extend(kids.get(pid, []))
    return {"cpu_s": round(cpu / TICK, 2), "rss_kb": rss, "pss_kb": pss, "hwm_kb": hwm, "procs": procs,
            "jit_cpu_s": round(jit / TICK, 2)}


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "snap":
        print(json.dumps(snap([int(p) for p in sys.argv[2:]])))
    elif len(sys.argv) >= 4 and sys.argv[1] == "sample":
        out, roots = sys.argv[2], [int(p) for p in sys.argv[3:]]
        peak = peak_pss = 0
        end = time.monotonic() + 4 * 3600  # hard bound
        while time.monotonic() < end:
            s = snap(roots)
            if s["procs"] == 0:
                break
            peak = max(peak, s["rss_kb"])
            peak_pss = max(peak_pss, s["pss_kb"])
            s["peak_rss_kb"] = peak
            s["peak_pss_kb"] = peak_pss
            tmp = out + ".tmp"
            with open(tmp, "w") as f:
                json.dump(s, f)
            os.replace(tmp, out)
            time.sleep(0.2)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
