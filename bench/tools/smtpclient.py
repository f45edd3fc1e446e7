#!/usr/bin/env python3
"""smtpclient.py: the benchmark's SMTP client (loopback only).

  inject   one message to many recipients (read from a file, one a line, or given once
           with --to); prints JSON {"t250_ms": epoch ms when the 250 after DATA arrived,
           "reply": that reply, "inject_s": seconds from connect to that 250}
  latency  SESSIONS concurrent sessions send MESSAGES messages in total (each session
           reuses its connection); per message, the time from MAIL FROM to the 250 after
           DATA. Prints JSON {posts_per_s, p50_ms, p99_ms, max_ms, ok, failed, elapsed_s}.
  each     one message per recipient of --rcpts-file (a personalized list's copies, for an MTA
           that gets them one by one), over --sessions connections each reusing its
           connection. Prints JSON {"t250_ms": epoch ms of the first message's 250,
           "last250_ms": of the last one, "messages", "refused", "inject_s"}.
  blast    load generator for the sink's own capacity: SESSIONS connections each send
           their share of MESSAGES transactions of RCPTS recipients, MAIL+RCPTs+DATA
           pipelined in one write (RFC 2920), then the body. Prints {rcpts, seconds,
           rcpts_per_s}. Distinct recipients per session, repeated across messages.

Every socket operation has a timeout, so a run always ends.
"""
import argparse
import json
import os
import smtplib
import sys
import threading
import time


def check_loopback(host):
    if not host.startswith("127."):
        raise SystemExit("loopback addresses only: " + host)


def message(sender, to, subject, size):
    body = ("benchmark body line, padding the post to a realistic size\r\n" * (size // 58 + 1))[:size]
    return ("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%d.%d@bench.test>\r\n"
            "Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n%s"
            % (sender, to, subject, time.time_ns(), threading.get_ident(),
               time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()), body))


def inject(a):
    if a.to:
        rcpts = [a.to]
    else:
        with open(a.rcpts_file) as f:
            rcpts = [line.strip() for line in f if line.strip()]
    msg = message(a.sender, a.header_to or rcpts[0], a.subject, a.size)
    t0 = time.time()
    s = smtplib.SMTP(a.host, a.port, local_hostname="bench.client", timeout=a.timeout)
    s.ehlo()
    code, resp = s.mail(a.sender)
    if code != 250:
        raise SystemExit("MAIL refused: %d %s" % (code, resp))
    refused = 0
    for r in rcpts:
        code, resp = s.rcpt(r)
        if code not in (250, 251):
            refused += 1
    code, resp = s.data(msg)
    t250 = time.time()
    if a.snap_pid:  # CPU of the server's tree right at the 250, before the fan-out starts
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import procstat
        with open(a.snap_out, "w") as f:
            json.dump(procstat.snap(a.snap_pid), f)
    try:
        s.quit()
    except smtplib.SMTPException:
        pass
    print(json.dumps({"t250_ms": int(t250 * 1000), "code": code,
                      "reply": resp.decode("utf-8", "replace"), "recipients": len(rcpts),
                      "refused": refused, "inject_s": round(t250 - t0, 3)}))
    if code != 250:
        sys.exit(1)


def each(a):
    with open(a.rcpts_file) as f:
        rcpts = [line.strip() for line in f if line.strip()]
    shares = [rcpts[i::a.sessions] for i in range(a.sessions)]
    lock = threading.Lock()
    firsts, lasts, refused = [], [], [0]

    def session(share):
        if not share:
            return
        s = smtplib.SMTP(a.host, a.port, local_hostname="bench.client", timeout=a.timeout)
        s.ehlo()
        first = last = None
        bad = 0
        for r in share:
            try:
                s.sendmail(a.sender, [r], message(a.sender, r, a.subject, a.size))
                last = time.time()
                first = first or last
            except smtplib.SMTPException:
                bad += 1
        try:
            s.quit()
        except smtplib.SMTPException:
            pass
        with lock:
            refused[0] += bad
            if first:
                firsts.append(first)
                lasts.append(last)

    t0 = time.time()
    threads = [threading.Thread(target=session, args=(sh,)) for sh in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not firsts:
        raise SystemExit("no message accepted")
    print(json.dumps({"t250_ms": int(min(firsts) * 1000), "last250_ms": int(max(lasts) * 1000),
                      "messages": len(rcpts) - refused[0], "refused": refused[0],
                      "inject_s": round(max(lasts) - t0, 3)}))
    sys.exit(1 if refused[0] else 0)


def latency(a):
    lat = []
    failed = [0]
    lock = threading.Lock()
    counter = [0]

    def session():
        s = None
        while True:
            with lock:
                if counter[0] >= a.messages:
                    break
                counter[0] += 1
            try:
                if s is None:
                    s = smtplib.SMTP(a.host, a.port, local_hostname="bench.client", timeout=a.timeout)
                    s.ehlo()
                msg = message(a.sender, a.to, a.subject, a.size)
                t0 = time.perf_counter()
                s.sendmail(a.sender, [a.to], msg)
                dt = time.perf_counter() - t0
                with lock:
                    lat.append(dt)
            except (smtplib.SMTPException, OSError):
                with lock:
                    failed[0] += 1
                try:
                    if s is not None:
                        s.close()
                except OSError:
                    pass
                s = None
        if s is not None:
            try:
                s.quit()
            except (smtplib.SMTPException, OSError):
                pass

    t0 = time.perf_counter()
    threads = [threading.Thread(target=session, daemon=True) for _ in range(a.sessions)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + a.deadline
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    elapsed = time.perf_counter() - t0
    lat.sort()

    def pct(p):
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else None

    print(json.dumps({"ok": len(lat), "failed": failed[0], "elapsed_s": round(elapsed, 3),
                      "posts_per_s": round(len(lat) / elapsed, 1) if elapsed > 0 else None,
                      "p50_ms": pct(0.50), "p99_ms": pct(0.99),
                      "max_ms": round(lat[-1] * 1000, 2) if lat else None,
                      "timed_out": any(t.is_alive() for t in threads)}))


def blast(a):
    import socket
    per = [a.messages // a.sessions + (1 if i < a.messages % a.sessions else 0) for i in range(a.sessions)]
    done = [0]
    lock = threading.Lock()
    body = message(a.sender, a.to, a.subject, a.size).replace("\r\n.", "\r\n..") + "\r\n.\r\n"

    def session(idx, count):
        with socket.create_connection((a.host, a.port), timeout=a.timeout) as s:
            f = s.makefile("rb")
            f.readline()  # banner
            s.sendall(b"EHLO bench.client\r\n")
            while True:
                line = f.readline()
                if not line or line[3:4] != b"-":
                    break
            local, _, dom = a.to.partition("@")
            cmds = ("MAIL FROM:<%s>\r\n" % a.sender
                    + "".join("RCPT TO:<%s%d.%d@%s>\r\n" % (local, idx, r, dom) for r in range(a.rcpts))
                    + "DATA\r\n").encode()
            payload = body.encode()
            for _ in range(count):
                s.sendall(cmds)
                for _ in range(a.rcpts + 2):  # MAIL, RCPTs, DATA(354)
                    if not f.readline():
                        raise OSError("connection closed")
                s.sendall(payload)
                if not f.readline().startswith(b"250"):
                    raise OSError("DATA not accepted")
                with lock:
                    done[0] += a.rcpts
            s.sendall(b"QUIT\r\n")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=session, args=(i, n), daemon=True) for i, n in enumerate(per)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + a.deadline
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    secs = time.perf_counter() - t0
    print(json.dumps({"rcpts": done[0], "seconds": round(secs, 3),
                      "rcpts_per_s": round(done[0] / secs) if secs > 0 else None,
                      "method": "pipelined MAIL+%d RCPT+DATA, %d sessions" % (a.rcpts, a.sessions)}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["inject", "each", "latency", "blast"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--from", dest="sender", default="poster@bench.test")
    p.add_argument("--to")
    p.add_argument("--header-to")
    p.add_argument("--rcpts-file")
    p.add_argument("--subject", default="fanmail benchmark post")
    p.add_argument("--size", type=int, default=2000, help="body bytes")
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--snap-pid", type=int, nargs="*", help="inject: PIDs whose tree CPU to snap at the 250")
    p.add_argument("--snap-out", help="inject: where that snap goes (JSON)")
    p.add_argument("--rcpts", type=int, default=100, help="blast: RCPTs per transaction")
    p.add_argument("--timeout", type=float, default=120.0, help="per socket operation, s")
    p.add_argument("--deadline", type=float, default=600.0, help="whole latency run, s")
    a = p.parse_args()
    check_loopback(a.host)
    if a.mode == "inject":
        if not a.to and not a.rcpts_file:
            p.error("inject needs --to or --rcpts-file")
        inject(a)
    elif a.mode == "each":
        if not a.rcpts_file:
            p.error("each needs --rcpts-file")
        each(a)
    else:
        if not a.to:
            p.error(a.mode + " needs --to")
        latency(a) if a.mode == "latency" else blast(a)


if __name__ == "__main__":
    main()
