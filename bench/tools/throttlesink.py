#!/usr/bin/env python3
"""throttlesink.py: an SMTP sink that throttles like a large mailbox provider (issue 21).

Listens on several loopback addresses on one port (one address = one provider-like site; MX
records lead each site's domains to its address). Per site: at most --per-conn messages a minute
on one connection (past it: "421 4.7.0 ... slow down" to MAIL, and the connection is closed, as
providers do), optionally a scripted burst of replies for the first MAILs. Counts per site the
messages and recipients accepted, the 4xx replies given, connections and the most open at once;
writes them as JSON to --stats every second and at exit (SIGTERM). Loopback only; no message is
kept.

Usage: throttlesink.py --port P --site 127.0.3.1=0 --site 127.0.3.3=50 --stats FILE
       (ADDRESS=PER_CONN, 0 for no limit) [--burst 127.0.3.2=451 4.7.1 busy:20]
"""
import argparse
import asyncio
import json
import os
import signal
import time
from collections import deque


class Site:
    def __init__(self, addr, per_conn):
        self.addr, self.per_conn = addr, per_conn
        self.messages = self.recipients = self.transient = self.connections = 0
        self.open = self.peak = 0
        self.burst = deque()
        self.first_ms = self.last_ms = None

    def stats(self):
        return {"messages": self.messages, "recipients": self.recipients,
                "transient4xx": self.transient, "connections": self.connections,
                "peakOpen": self.peak, "firstMs": self.first_ms, "lastMs": self.last_ms}


async def serve(site, reader, writer):
    site.connections += 1
    site.open += 1
    site.peak = max(site.peak, site.open)
    sent = deque()
    rcpts = 0

    async def reply(line):
        writer.write((line + "\r\n").encode())
        await writer.drain()

    try:
        await reply("220 sink.bench.test ESMTP throttling sink")
        while True:
            raw = await asyncio.wait_for(reader.readline(), 60)
            if not raw:
                return
            cmd = raw.decode("latin-1").strip().upper()
            if cmd.startswith("EHLO"):
                await reply("250-sink.bench.test\r\n250-PIPELINING\r\n250 8BITMIME")
            elif cmd.startswith("HELO"):
                await reply("250 sink.bench.test")
            elif cmd.startswith("MAIL"):
                rcpts = 0
                now = time.monotonic()
                while sent and sent[0] < now - 60:
                    sent.popleft()
                if site.burst:
                    text = site.burst.popleft()
                    site.transient += 1
                    await reply(text)
                    if text.startswith("421"):
                        return
                    continue
                if site.per_conn and len(sent) >= site.per_conn:
                    site.transient += 1
                    await reply("421 4.7.0 Too many messages on this connection, slow down")
                    return
                sent.append(now)
                await reply("250 2.1.0 Ok")
            elif cmd.startswith("RCPT"):
                rcpts += 1
                await reply("250 2.1.5 Ok")
            elif cmd.startswith("DATA"):
                await reply("354 go ahead")
                while True:
                    line = await asyncio.wait_for(reader.readline(), 60)
                    if not line or line in (b".\r\n", b".\n"):
                        break
                site.messages += 1
                site.recipients += rcpts
                ms = int(time.time() * 1000)
                site.first_ms = site.first_ms or ms
                site.last_ms = ms
                rcpts = 0
                await reply("250 2.0.0 Ok: queued")
            elif cmd.startswith("RSET") or cmd.startswith("NOOP"):
                rcpts = 0
                await reply("250 2.0.0 Ok")
            elif cmd.startswith("QUIT"):
                await reply("221 2.0.0 Bye")
                return
            else:
                await reply("502 5.5.2 Command not recognized")
    except (asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        site.open -= 1
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--site", action="append", required=True)
    ap.add_argument("--burst", action="append", default=[])
    ap.add_argument("--stats", required=True)
    a = ap.parse_args()
    sites = {}
    for spec in a.site:
        addr, per = spec.split("=")
        if not addr.startswith("127."):
            raise SystemExit("loopback addresses only: " + addr)
        sites[addr] = Site(addr, int(per))
    for spec in a.burst:
        addr, rest = spec.split("=", 1)
        text, times = rest.rsplit(":", 1)
        sites[addr].burst.extend([text] * int(times))
    for s in sites.values():
        await asyncio.start_server(lambda r, w, s=s: serve(s, r, w), s.addr, a.port, backlog=500)

    def dump():
        tmp = a.stats + ".tmp"
        with open(tmp, "w") as f:
            json.dump({k: v.stats() for k, v in sites.items()}, f)
        os.replace(tmp, a.stats)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    while not stop.is_set():
        dump()
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            pass
    dump()


if __name__ == "__main__":
    asyncio.run(main())
