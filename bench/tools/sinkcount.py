#!/usr/bin/env python3
"""sinkcount.py: the BenchSink's recipient count, now or once it reaches a number.

  sinkcount.py --control PORT                      prints the sink's "rcpts" now
  sinkcount.py --control PORT --until N [--max S]  polls every 100 ms until rcpts >= N (at most
                                                   S seconds, default 120); prints the seconds it
                                                   waited, or -1 when N was not reached

The ingest figure uses it to say how much of what a system accepted it had also delivered when
the client finished: a server can accept faster than it delivers for a while, and posts/s alone
would not show it.
"""
import argparse
import time

from waitsink import stats


def rcpts(port):
    return int(stats(port)["rcpts"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--control", type=int, required=True)
    p.add_argument("--until", type=int)
    p.add_argument("--max", type=float, default=120)
    a = p.parse_args()
    if a.until is None:
        print(rcpts(a.control))
        return
    t0 = time.monotonic()
    while True:
        if rcpts(a.control) >= a.until:
            print(round(time.monotonic() - t0, 2))
            return
        if time.monotonic() - t0 > a.max:
            print(-1)
            return
        time.sleep(0.1)


if __name__ == "__main__":
    main()
