#!/usr/bin/env python3
"""Where a server worker's CPU goes under load: py-spy's samples, summed.

py-spy (PyPI; a sampling profiler that reads another process's stacks, kept out of the project's
dependencies: install it in a venv of its own) records a gunicorn worker while `run.py` runs:

    python3 -m venv /tmp/spy && /tmp/spy/bin/pip install py-spy
    /tmp/spy/bin/py-spy record --pid WORKER_PID --duration 40 --rate 200 --gil --format raw -o spy.txt
    .venv/bin/python bench/load/spyagg.py spy.txt --top 60

`--gil` keeps only the samples of the thread holding the interpreter lock (the worker's Python CPU;
without it the threads waiting on PostgreSQL are counted too). Prints the share of the samples
per file where the time was spent (self) and per function on the stack (inclusive).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

# The project's own files are named from its root, wherever the clone lies.
ROOT = str(Path(__file__).resolve().parents[2]) + "/"


def summarize(lines) -> tuple[int, Counter, Counter]:
    """Samples in all, self samples per source file, inclusive samples per function (once a stack)."""
    total, by_file, inclusive = 0, Counter(), Counter()
    for line in lines:
        line = line.strip()
        if not line:
            continue
        stack, count = line.rsplit(" ", 1)
        samples = int(count)
        total += samples
        frames = stack.split(";")
        where = re.search(r"\((.*?):\d+\)$", frames[-1])
        path = where.group(1) if where else frames[-1]
        by_file[re.sub(r".*site-packages/", "", path.removeprefix(ROOT))] += samples
        for function in {re.sub(r":\d+\)$", ")", frame) for frame in frames}:
            inclusive[function] += samples
    return total, by_file, inclusive


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("raw", help="py-spy's --format raw output")
    p.add_argument("--top", type=int, default=40)
    args = p.parse_args(argv)
    with open(args.raw, encoding="utf-8") as f:
        total, by_file, inclusive = summarize(f)
    if not total:
        print("no samples", file=sys.stderr)
        return 1
    print(f"{total} samples\n\nself, per file")
    for name, samples in by_file.most_common(args.top // 2):
        print(f"{100 * samples / total:5.1f}% {name}")
    print("\ninclusive, per function")
    for name, samples in inclusive.most_common(args.top):
        print(f"{100 * samples / total:5.1f}% {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
