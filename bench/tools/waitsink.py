#!/usr/bin/env python3
"""waitsink.py: waits until the BenchSink has seen EXPECT distinct recipients.

Polls the sink's control port (127.0.0.1 only) every 100 ms. Ends when the sink has seen
at least EXPECT distinct recipients, or after TIMEOUT seconds, or when nothing new arrived
for STALL seconds. Prints the sink's last stats as JSON plus "timed_out"/"stalled" and
"waited_s". Exit status 0 in every case where the sink answered (slowness is a figure,
not an error), 2 when the sink could not be reached at all.

Usage: waitsink.py --control PORT --expect N [--timeout S] [--stall S]
"""
import argparse
import json
import socket
import sys
import time


def command(port, line):
    """One command to the sink's control port; its answer line (bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(line.encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            buf += chunk
    return buf


def stats(port):
    return json.loads(command(port, "stats"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--control", type=int, required=True)
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--stall", type=float, default=120)
    a = p.parse_args()
    t0 = time.monotonic()
    last_change, last_rcpts, st, errors = t0, -1, None, 0
    timed_out = stalled = False
    while True:
        try:
            st = stats(a.control)
            errors = 0
        except (OSError, ValueError):
            errors += 1
            if errors > 50:
                print(json.dumps({"error": "sink control port not answering"}))
                sys.exit(2)
            time.sleep(0.1)
            continue
        now = time.monotonic()
        if st["distinct"] >= a.expect:
            break
        if st["rcpts"] != last_rcpts:
            last_rcpts, last_change = st["rcpts"], now
        if now - t0 > a.timeout:
            timed_out = True
            break
        if now - last_change > a.stall:
            stalled = True
            break
        time.sleep(0.1)
    # With PIPELINING every RCPT of a transaction is accepted before its DATA ends, so the
    # sink counts the last transactions a little after the last recipient: let the
    # transaction count settle (unchanged for 1 s, at most 15 s) before reporting it.
    if not timed_out and not stalled:
        settle_end, last_txn, last_txn_change = time.monotonic() + 15, st["transactions"], time.monotonic()
        while time.monotonic() < settle_end and time.monotonic() - last_txn_change < 1.0:
            time.sleep(0.1)
            try:
                fresh = stats(a.control)
            except (OSError, ValueError):
                continue
            if fresh["transactions"] != last_txn:
                last_txn, last_txn_change = fresh["transactions"], time.monotonic()
            fresh["last_rcpt_ms"] = st.get("last_rcpt_ms", fresh.get("last_rcpt_ms"))
            st = fresh
    st.pop("hosts", None)
    st.update({"timed_out": timed_out, "stalled": stalled,
               "waited_s": round(time.monotonic() - t0, 2), "expected": a.expect})
    print(json.dumps(st))


if __name__ == "__main__":
    main()
