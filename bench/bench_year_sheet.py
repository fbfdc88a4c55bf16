#!/usr/bin/env python3
"""Benchmark: year-end sheets on a generated province (issue 9's quality bar).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/province \\
        .venv/bin/python bench/bench_year_sheet.py [--year 2025] [--org T01-H01] [--format xlsx] [--jobs N]

The database holds a generated province with its stored results (bench_results.py says how).

1. The sheet of the largest cell (its members; the page's and its PDF download's server time,
   their queries): warm, the median of 5.
2. `chibo year-sheet --org ORG --format FMT` over one subtree (default: the first district):
   wall time, CPU seconds (user + system, its worker processes included), cells per second, the
   time the whole province's cells would take at that rate, and the load average (the machine
   may be shared: the CPU seconds are the figure that does not depend on it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
os.environ.setdefault("CHIBO_DEV", "1")  # a development secret key: the bench logs in through a session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--org", default="")
    parser.add_argument("--format", dest="fmt", default="xlsx", choices=["xlsx", "pdf", "json"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="chibo year-sheet --jobs")
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    logging.getLogger("chibo.requests").setLevel(logging.WARNING)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chibo.orgs.models import CELL_KINDS, Membership, Organization

    settings.ALLOWED_HOSTS = ["*"]
    largest = (Membership.objects.filter(end__isnull=True, organization__kind__in=CELL_KINDS)
               .values("organization__code").annotate(n=Count("pk")).order_by("-n").first())
    user, _ = get_user_model().objects.get_or_create(username="bench-dashboard", defaults={"is_superuser": True})
    client = Client()
    client.force_login(user)
    page = f"/to-chuc/{largest['organization__code']}/tong-hop/{args.year}/"
    for what, url in (("page", page), ("PDF", page + "tong-hop.pdf")):
        client.get(url)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            times.append(time.perf_counter() - start)
        print(f"{connection.vendor}: the sheet {what} of {largest['organization__code']} ({largest['n']} members): "
              f"{statistics.median(times) * 1000:.0f} ms, {len(ctx.captured_queries)} queries")

    org = args.org or Organization.objects.filter(depth=1).order_by("path").values_list("code", flat=True).first()
    cells = Organization.objects.filter(Organization.objects.get(code=org).subtree_q(), kind__in=CELL_KINDS).count()
    province = Organization.objects.filter(kind__in=CELL_KINDS).count()
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "chibo"), "year-sheet", "--org", org, "--year", str(args.year),
                        "--format", args.fmt, "--output", out, "--jobs", str(args.jobs)], check=True)
        took = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"chibo year-sheet --org {org} --format {args.fmt} --jobs {args.jobs}: {cells} cells in {took:.1f} s, "
          f"{cpu:.1f} CPU s ({cells / took:.1f} cells/s, {cpu / cells * 1000:.0f} CPU ms a cell); the {province} "
          f"cells at that rate: {province / cells * took / 60:.1f} min; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
