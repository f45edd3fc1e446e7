#!/usr/bin/env bash
# bench/plot.sh: PNG plots from bench/run.sh's JSON results, drawn by gnuplot.
#
# Usage: bench/plot.sh [-o DIR] RESULT.json...   (default DIR: bench/out/plots)
#
# Writes into DIR:
#   delivery-transport.png, delivery-dns.png  delivery time of one post (250 -> last RCPT at
#       the sink) against its recipients, both axes log scale, fanmail beside Postfix, cold
#       (the first post after a start) and warm (the same post again), one plot per routing
#   ingest.png  ingest posts/s of each smtp-source segment against the posts sent before it
#       (the warm-up), fanmail and Postfix, each routing, from the smallest preset given
#   plots.dat-*  the data the plots were drawn from (gnuplot's input, kept for reading)
# Results of several runs of one preset and routing: the last one (by file name) is drawn.
# Needs gnuplot (Debian: apt-get install gnuplot-nox); draws nothing it has no figure for.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
OUT=$BENCH_DIR/out/plots
if [[ ${1:-} == -o ]]; then OUT=$2; shift 2; fi
(($#)) || { sed -n '2,16p' "$0"; exit 2; }
command -v gnuplot >/dev/null 2>&1 || { echo "plot.sh: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 2; }
mkdir -p "$OUT"

python3 - "$OUT" "$@" <<'PY'
import json, os, sys
out, files = sys.argv[1], sorted(sys.argv[2:])
order = {"tiny": 0, "small": 1, "medium": 2, "large": 3, "huge": 4}
runs = {}
for f in files:  # the last result of each preset and routing
    d = json.load(open(f))
    if d.get("smoke"):
        continue
    runs[(d.get("routing", "transport"), d["preset"])] = d
for routing in ("transport", "dns"):
    for sysname in ("fanmail", "postfix"):
        for phase, blob in (("cold", "fanout-cold"), ("warm", "fanout")):
            rows = []
            for (r, preset), d in sorted(runs.items(), key=lambda kv: order.get(kv[0][1], 9)):
                b = (d.get("raw") or {}).get("%s-%s" % (sysname, blob)) or {}
                if r == routing and b.get("seconds") and not b.get("missing"):
                    rows.append("%d %.3f %.3f" % (b["recipients"], b["seconds"], b.get("first_rcpt_after_s") or 0))
            with open(os.path.join(out, "plots.dat-%s-%s-%s" % (routing, sysname, phase)), "w") as fh:
                fh.write("# recipients seconds first_rcpt_s\n" + "\n".join(rows) + "\n")
    # ingest: the smallest preset of this routing that has segments
    cands = sorted((order.get(p, 9), p) for (r, p) in runs if r == routing)
    for sysname in ("fanmail", "postfix"):
        rows = []
        for _, p in cands:
            segs = ((runs[(routing, p)].get("raw") or {}).get(sysname + "-ingest") or {}).get("segments")
            if segs:
                rows = ["%d %.1f" % (s["after_posts"] + 1, s["posts_per_s"]) for s in segs]
                break
        with open(os.path.join(out, "plots.dat-ingest-%s-%s" % (routing, sysname)), "w") as fh:
            fh.write("# posts_before+1 posts_per_s\n" + "\n".join(rows) + "\n")
PY

has() { [[ $(grep -c '^[0-9]' "$1" || true) -gt 0 ]]; }
for routing in transport dns; do
  plots=()
  for sys in fanmail postfix; do
    for phase in warm cold; do
      f=$OUT/plots.dat-$routing-$sys-$phase
      has "$f" || continue
      dash=$([[ $phase == cold ]] && echo 2 || echo 1)
      color=$([[ $sys == fanmail ]] && echo '#1f77b4' || echo '#d62728')
      plots+=("'$f' using 1:2 with linespoints dt $dash lw 2 lc rgb '$color' title '$sys $phase'")
    done
  done
  ((${#plots[@]})) || continue
  gnuplot <<GP
set terminal pngcairo size 900,600 noenhanced
set output '$OUT/delivery-$routing.png'
set title 'One post: 250 after DATA -> last RCPT at the sink (routing: $routing)'
set logscale xy
set xrange [80:1300000]
set xlabel 'recipients'
set ylabel 'seconds'
set grid
set key top left
plot $(IFS=,; echo "${plots[*]}")
GP
done

plots=()
for routing in transport dns; do
  for sys in fanmail postfix; do
    f=$OUT/plots.dat-ingest-$routing-$sys
    has "$f" || continue
    dash=$([[ $routing == dns ]] && echo 2 || echo 1)
    color=$([[ $sys == fanmail ]] && echo '#1f77b4' || echo '#d62728')
    plots+=("'$f' using 1:2 with linespoints dt $dash lw 2 lc rgb '$color' title '$sys ($routing)'")
  done
done
if ((${#plots[@]})); then
  gnuplot <<GP
set terminal pngcairo size 900,600 noenhanced
set output '$OUT/ingest.png'
set title 'Ingest from a fresh start (smtp-source -s 20, 4 KB posts): posts/s of each segment'
set logscale x
set xlabel 'posts sent before the segment + 1 (warm-up)'
set ylabel 'posts/s'
set yrange [0:*]
set grid
set key top left
plot $(IFS=,; echo "${plots[*]}")
GP
fi
ls "$OUT"/*.png 2>/dev/null || true
