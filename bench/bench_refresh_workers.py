#!/usr/bin/env python3
"""Benchmark: `chibo refresh --jobs` shared by 1, 2, ... Celery worker processes on Redis.

    .venv/bin/python bench/bench_refresh_workers.py --database-url postgres://postgres@127.0.0.1:5432/DB \\
        --root T01 --as-of 2025-12-31 --workers 1,2 --batch-cells 150

The database must hold a generated province (`chibo generate ...`, then `chibo migrate` done).
For each worker count N: starts `celery -A chibo.jobs worker --concurrency N` on a private Redis
database and queue, sends the batches (`chibo refresh --org ROOT --as-of D --jobs`), waits until
every cell-year of the subtree has been stored again, and prints the wall time and the peak
memory (VmHWM) of each worker process. Run on PostgreSQL: workers write at the same time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
VENV = ROOT_DIR / ".venv" / "bin"

COUNT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
import django
django.setup()
from django.utils.dateparse import parse_datetime
from chibo.orgs.models import CELL_KINDS, Organization
from chibo.results.models import CellYear
root = Organization.objects.get(code=sys.argv[1])
since = parse_datetime(sys.argv[2])
cells = Organization.objects.filter(root.subtree_q(), kind__in=CELL_KINDS)
print(CellYear.objects.filter(organization__in=cells, refreshed_at__gte=since).count(), cells.count())
"""


def peak_kb(pid: int) -> int:
    """VmHWM of the process's children (the worker's pool processes) and of itself."""
    total = []
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                   text=True).stdout.split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total.append(int(line.split()[1]))
        except OSError:
            pass
    return max(total, default=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", default="T01")
    parser.add_argument("--as-of", default="2025-12-31")
    parser.add_argument("--year", default="", help="the year refreshed (default: the --as-of's); one year, so that "
                                                   "the count of cell-years to wait for is the subtree's cells")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--batch-cells", default="300")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/7")
    opts = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": opts.database_url, "CELERY_BROKER_URL": opts.broker,
           "CELERY_QUEUE": "bench-refresh", "CHIBO_BATCH_CELLS": opts.batch_cells, "CHIBO_DEV": "1"}
    for n in [int(x) for x in opts.workers.split(",")]:
        subprocess.run([str(VENV / "celery"), "-A", "chibo.jobs", "purge", "-f", "-Q", "bench-refresh"], env=env,
                       cwd=ROOT_DIR, capture_output=True)
        worker = subprocess.Popen([str(VENV / "celery"), "-A", "chibo.jobs", "worker", "--concurrency", str(n),
                                   "-Q", "bench-refresh", "--loglevel", "WARNING", "--without-gossip",
                                   "--without-mingle"], env=env, cwd=ROOT_DIR)
        time.sleep(6)  # the worker connects and forks its pool
        start = subprocess.run([str(VENV / "python"), "-c",
                                "import datetime; print(datetime.datetime.now(datetime.UTC).isoformat())"],
                               capture_output=True, text=True).stdout.strip()
        t0 = time.monotonic()
        sent = subprocess.run([str(VENV / "chibo"), "refresh", "--org", opts.root, "--as-of", opts.as_of, "--jobs",
                               "--year", opts.year or opts.as_of[:4]],
                              env=env, cwd=ROOT_DIR, capture_output=True, text=True)
        print(sent.stdout.strip() or sent.stderr.strip()[-500:])
        cells = int(subprocess.run([str(VENV / "python"), "-c", COUNT, opts.root, start], env=env, cwd=ROOT_DIR,
                                   capture_output=True, text=True).stdout.split()[1])
        while True:  # psql, not Django, to poll: the polling must not take a core from the workers
            done = int(subprocess.run(["psql", opts.database_url, "-tAc",
                                       f"select count(*) from results_cellyear where refreshed_at >= '{start}'"],
                                      capture_output=True, text=True).stdout.strip() or 0)
            if done >= cells:
                break
            if time.monotonic() - t0 > 1800:
                print("quá 30 phút, dừng", file=sys.stderr)
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - t0
        peak = peak_kb(worker.pid)
        worker.terminate()
        worker.wait(timeout=60)
        print(f"{n} worker process(es): {cells} cell-years in {elapsed:.1f} s (polling every 0.5 s), "
              f"peak memory of one worker process {peak / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
