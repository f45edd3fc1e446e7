#!/usr/bin/env python3
"""workload.py: generates the fan-out workload of one benchmark preset.

N recipients spread over D domains with a Zipf-like skew (domain of rank r gets a share
proportional to 1/r, every domain at least one recipient), domains dealt round-robin by
rank onto K destination hosts 127.0.1.1 .. 127.0.1.254, 127.0.2.1 ... (all of 127/8 is
loopback on Linux). Deterministic: the same preset always gives the same files.

Writes into OUTDIR:
  members.csv        "email,name" lines (no header) for fanmail's REST CSV import
  recipients.txt     one address a line (the same N, for the Postfix injection)
  fanmail-transport  "domain 127.0.1.x:PORT" lines (fanmail.delivery.transport-map)
  postfix-transport  "domain smtp:[127.0.1.x]:PORT" lines (run postmap on it)
  dnsmasq.conf       the DNS routing of the same workload: an MX record for every domain
                     (mxH.bench.test, preference 10) and an A record for every host
                     mxH.bench.test (its loopback address), TTL 300 s; dnsmasq serves it
  import.csv         IMPORT_ROWS extra members for the import benchmark (other domain)
  workload.json      the shape: per-host counts and the minimum transaction counts

Usage: workload.py OUTDIR N D K SINK_PORT IMPORT_ROWS
"""
import json
import math
import os
import sys


def host_addr(h):
    """Host number h (1-based) to a loopback address; 254 hosts per /24."""
    return "127.0.%d.%d" % (1 + (h - 1) // 254, 1 + (h - 1) % 254)


def shares(n, d):
    """Zipf(1) shares of n over d domains, each >= 1, summing to n exactly."""
    if n < d:
        raise SystemExit("need at least one recipient per domain (N >= D)")
    weights = [1.0 / r for r in range(1, d + 1)]
    total = sum(weights)
    rest = n - d  # one each first, the rest by weight
    counts = [1 + int(rest * w / total) for w in weights]
    short = n - sum(counts)
    i = 0
    while short > 0:  # hand the rounding remainder to the head of the distribution
        counts[i % d] += 1
        short -= 1
        i += 1
    return counts


def main():
    if len(sys.argv) != 7:
        raise SystemExit(__doc__)
    out, n, d, k, port, import_rows = sys.argv[1], *map(int, sys.argv[2:])
    os.makedirs(out, exist_ok=True)
    counts = shares(n, d)
    domains = ["d%05d.bench.test" % (r + 1) for r in range(d)]
    host_of = [host_addr(r % k + 1) for r in range(d)]

    per_host = {}
    with open(os.path.join(out, "members.csv"), "w") as csv, \
            open(os.path.join(out, "recipients.txt"), "w") as rcpts:
        for r, dom in enumerate(domains):
            for u in range(counts[r]):
                addr = "u%d@%s" % (u + 1, dom)
                csv.write("%s,Member %d of %s\n" % (addr, u + 1, dom))
                rcpts.write(addr + "\n")
            per_host[host_of[r]] = per_host.get(host_of[r], 0) + counts[r]

    with open(os.path.join(out, "fanmail-transport"), "w") as fm, \
            open(os.path.join(out, "postfix-transport"), "w") as pf:
        fm.write("# bench workload: domain host:port\n")
        pf.write("# bench workload: domain transport:[nexthop]:port\n")
        for dom, h in zip(domains, host_of):
            fm.write("%s %s:%d\n" % (dom, h, port))
            pf.write("%s smtp:[%s]:%d\n" % (dom, h, port))
        # the one-member ingest list and the ingest relay domain go to host 1
        fm.write("ingest.bench.test %s:%d\n" % (host_addr(1), port))
        pf.write("ingest.bench.test smtp:[%s]:%d\n" % (host_addr(1), port))

    # DNS routing: the same domain -> host assignment as MX records; the port is not in DNS
    # (fanmail.delivery.port, Postfix's smtp_tcp_port name the sink's)
    with open(os.path.join(out, "dnsmasq.conf"), "w") as dns:
        dns.write("# bench workload: MX and A records\nlocal-ttl=300\n")
        mx_of = {}
        for h in range(1, k + 1):
            mx_of[host_addr(h)] = "mx%d.bench.test" % h
            dns.write("host-record=mx%d.bench.test,%s\n" % (h, host_addr(h)))
        for dom, h in zip(domains, host_of):
            dns.write("mx-host=%s,%s,10\n" % (dom, mx_of[h]))
        dns.write("mx-host=ingest.bench.test,%s,10\n" % mx_of[host_addr(1)])

    with open(os.path.join(out, "import.csv"), "w") as imp:
        for i in range(import_rows):
            imp.write("i%d@import%d.bench.test,Imported %d\n" % (i + 1, i % 997, i + 1))

    shape = {
        "recipients": n,
        "domains": d,
        "hosts": k,
        "largest_domains": counts[:5],
        "smallest_domain": counts[-1],
        "recipients_per_host_max": max(per_host.values()),
        "recipients_per_host_min": min(per_host.values()),
        # fanmail groups per destination host, 100 RCPTs per transaction
        "min_transactions_per_host_100": sum(math.ceil(c / 100) for c in per_host.values()),
        # Postfix's queue manager groups per next hop ([127.0.1.x]:port) too, but with
        # smtp_destination_recipient_limit = 50 (its default)
        "min_transactions_per_host_50": sum(math.ceil(c / 50) for c in per_host.values()),
        # grouping by domain instead (fanmail.delivery.group-by=domain)
        "min_transactions_per_domain_100": sum(math.ceil(c / 100) for c in counts),
        # Postfix routing by MX records: its next hop is the domain, 50 a transaction
        "min_transactions_per_domain_50": sum(math.ceil(c / 50) for c in counts),
        "import_rows": import_rows,
        "per_host": per_host,
    }
    with open(os.path.join(out, "workload.json"), "w") as f:
        json.dump(shape, f, indent=1)
    print(json.dumps({k2: v for k2, v in shape.items() if k2 != "per_host"}))


if __name__ == "__main__":
    main()
