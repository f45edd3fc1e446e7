#!/usr/bin/env python3
"""mockfanmail.py: a stand-in for fanmail that tests the benchmark harness, nothing else.

Used only when BENCH_FANMAIL_MOCK=1, so the harness's fanmail path (REST list creation, CSV
import, SMTP post, fan-out wait, post status) can be exercised before fanmail's REST API,
SMTP front end and fan-out engine exist. Its figures mean nothing about fanmail.

Takes the same -Dkey=value arguments run.sh gives fanmail (quarkus.http.port,
fanmail.smtp.port, fanmail.admin.token, fanmail.delivery.transport-map). Keeps lists in
memory; on a post to a list it groups members by destination host from the transport map
and sends one transaction of up to 100 RCPTs per group, sequentially, with smtplib.
Loopback only.
"""
import http.server
import json
import smtplib
import socketserver
import sys
import threading
import time
from collections import defaultdict

conf = {}
for arg in sys.argv[1:]:
    if arg.startswith("-D") and "=" in arg:
        k, v = arg[2:].split("=", 1)
        conf[k] = v
TOKEN = conf.get("fanmail.admin.token", "")
routes = {}
with open(conf["fanmail.delivery.transport-map"]) as f:
    for line in f:
        parts = line.split()
        if len(parts) == 2 and not parts[0].startswith("#"):
            host, port = parts[1].rsplit(":", 1)
            routes[parts[0]] = (host, int(port))
lists = defaultdict(list)
posts = {}
lock = threading.Lock()


def fan_out(post_id, members, raw):
    groups = defaultdict(list)
    for m in members:
        groups[routes.get(m.split("@")[1])].append(m)
    delivered = 0
    for dest, rcpts in groups.items():
        if dest is None or not dest[0].startswith("127."):
            continue
        s = smtplib.SMTP(dest[0], dest[1], local_hostname="mock.bench.test", timeout=60)
        for i in range(0, len(rcpts), 100):
            s.sendmail("bench-bounces@lists.bench.test", rcpts[i:i + 100], raw)
            delivered += len(rcpts[i:i + 100])
        s.quit()
    posts[post_id].update({"state": "DONE", "delivered": delivered})


class Api(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, doc):
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/q/health/ready":
            return self.reply(200, {"status": "UP"})
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"status": 401})
        if self.path.startswith("/api/posts/"):
            p = posts.get(self.path.rsplit("/", 1)[1])
            return self.reply(200 if p else 404, p or {"status": 404})
        self.reply(404, {"status": 404})

    def do_POST(self):
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"status": 401})
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/api/lists":
            return self.reply(201, json.loads(body))
        if self.path.endswith("/members/import"):
            addr = self.path.split("/")[3]
            rows = [line.split(",")[0].strip().lower() for line in body.decode().splitlines() if "@" in line]
            with lock:
                lists[addr].extend(rows)
            return self.reply(200, {"added": len(rows), "updated": 0, "unchanged": 0, "invalid": []})
        self.reply(404, {"status": 404})


class Smtp(socketserver.StreamRequestHandler):
    def handle(self):
        w = self.wfile.write
        w(b"220 mock ESMTP\r\n")
        rcpts = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line[:4].upper()
            if cmd in (b"EHLO", b"HELO"):
                w(b"250-mock\r\n250 PIPELINING\r\n")
            elif cmd == b"MAIL":
                rcpts = []
                w(b"250 2.1.0 Ok\r\n")
            elif cmd == b"RCPT":
                rcpts.append(line.decode().split("<", 1)[1].split(">", 1)[0].lower())
                w(b"250 2.1.5 Ok\r\n")
            elif cmd == b"DATA":
                w(b"354 go\r\n")
                raw = b""
                while True:
                    ln = self.rfile.readline()
                    if not ln or ln == b".\r\n":
                        break
                    raw += ln
                post_id = "p%d" % time.time_ns()
                members = [m for r in rcpts for m in lists.get(r, [])]
                posts[post_id] = {"id": post_id, "state": "DELIVERING", "recipients": len(members),
                                  "delivered": 0, "deferred": 0, "failed": 0}
                w(("250 2.0.0 Ok: queued as %s\r\n" % post_id).encode())
                threading.Thread(target=fan_out, args=(post_id, members, raw), daemon=True).start()
            elif cmd == b"QUIT":
                w(b"221 2.0.0 Bye\r\n")
                return
            else:
                w(b"250 2.0.0 Ok\r\n")


class TServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


smtp = TServer(("127.0.0.1", int(conf["fanmail.smtp.port"])), Smtp)
threading.Thread(target=smtp.serve_forever, daemon=True).start()
# Health answers on the management port, as fanmail's does.
management = http.server.ThreadingHTTPServer(("127.0.0.1", int(conf["quarkus.management.port"])), Api)
threading.Thread(target=management.serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(("127.0.0.1", int(conf["quarkus.http.port"])), Api).serve_forever()
