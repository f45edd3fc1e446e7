#!/usr/bin/env python3
"""dnsquery.py: one DNS question over UDP to a loopback resolver at port 53 (no library).

Usage: dnsquery.py SERVER NAME A|AAAA|MX
Prints the answers (addresses, or "preference host" for MX) and exits 0 when there is at
least one, 1 otherwise (NXDOMAIN, no data, timeout after 2 s). For the bench's readiness
check of dnsmasq and its log line; loopback only.
"""
import socket
import struct
import sys

TYPES = {"A": 1, "AAAA": 28, "MX": 15}


def name_at(msg, i):
    parts = []
    while True:
        n = msg[i]
        if n == 0:
            return ".".join(parts), i + 1
        if n & 0xC0 == 0xC0:  # compression pointer: the rest of the name is elsewhere
            rest, _ = name_at(msg, ((n & 0x3F) << 8) | msg[i + 1])
            return ".".join(parts + [rest]), i + 2
        parts.append(msg[i + 1:i + 1 + n].decode())
        i += 1 + n


def main():
    server, name, qtype = sys.argv[1], sys.argv[2], TYPES[sys.argv[3]]
    if not server.startswith("127."):
        raise SystemExit("loopback resolvers only")
    q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    q += struct.pack(">HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(q, (server, 53))
        msg = s.recv(4096)
    except OSError:
        return 1
    count = struct.unpack(">H", msg[6:8])[0]
    i = len(q)
    out = []
    for _ in range(count):
        _, i = name_at(msg, i)
        rtype, _, ttl, length = struct.unpack(">HHIH", msg[i:i + 10])
        i += 10
        data = msg[i:i + length]
        if rtype == 1:
            out.append("%s ttl %d" % (socket.inet_ntoa(data), ttl))
        elif rtype == 15:
            out.append("%d %s ttl %d" % (struct.unpack(">H", data[:2])[0], name_at(msg, i + 2)[0], ttl))
        elif rtype == 28:
            out.append("%s ttl %d" % (socket.inet_ntop(socket.AF_INET6, data), ttl))
        i += length
    print("; ".join(out))
    return 0 if out else 1


if __name__ == "__main__":
    sys.exit(main())
