#!/usr/bin/env python3
"""Benchmark: the committee dashboard of a generated province, against the bare SQL it needs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/province \\
        .venv/bin/python bench/bench_dashboard.py [--year 2025] [CODE ...]

The database must hold a generated province with its stored results (`chibo generate ...`,
then `chibo refresh --as-of 2025-12-31`, bench_results.py says how). For the root (T01) and the
first organisation of each level below it (or the CODEs given), warm (the median of 7 runs):

- the page: GET /to-chuc/CODE/bang-theo-doi/?ky=YEAR through Django's test client as a superuser
  (server time: access, queries, figures, template), with its number of queries;
- the bare SQL: the same queries sent again through the database cursor, all rows fetched;
- their ratio (goal: at most 2; the page under 1 s for the province).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
os.environ.setdefault("CHIBO_DEV", "1")  # a development secret key: the bench logs in through a session


def median_time(fn, runs: int = 7) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", nargs="*")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    logging.getLogger("chibo.requests").setLevel(logging.WARNING)  # one line per request: not here
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chibo.orgs.models import CELL_KINDS, Organization

    settings.ALLOWED_HOSTS = ["*"]
    # the root, then the first district and the first grassroots committee (not a cell)
    codes = args.codes or ["T01"] + [
        Organization.objects.filter(depth=d).exclude(kind__in=CELL_KINDS).order_by("path")
        .values_list("code", flat=True).first() for d in (1, 2)]
    user, _ = get_user_model().objects.get_or_create(username="bench-dashboard", defaults={"is_superuser": True})
    client = Client()
    client.force_login(user)
    print(f"{connection.vendor}, year {args.year}")
    print(f"{'organisation':<14} {'cells':>6} {'page ms':>8} {'queries':>7} {'bare SQL ms':>11} {'ratio':>6}")
    for code in [c for c in codes if c]:
        org = Organization.objects.get(code=code)
        cells = Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).count()
        url = f"/to-chuc/{code}/bang-theo-doi/?ky={args.year}"

        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        with CaptureQueriesContext(connection) as ctx:
            page()
        queries = [q["sql"] for q in ctx.captured_queries]
        # the dashboard's own queries: the session's and the user's are not part of the aggregation
        counted = [q for q in queries if "results_" in q or "orgs_organization" in q]

        def bare(counted=counted):
            with connection.cursor() as cursor:
                for sql in counted:
                    cursor.execute(sql)
                    cursor.fetchall()

        page_s, bare_s = median_time(page), median_time(bare)
        print(f"{code:<14} {cells:>6} {page_s * 1000:>8.0f} {len(queries):>7} {bare_s * 1000:>11.0f} "
              f"{page_s / bare_s:>6.2f}")


if __name__ == "__main__":
    main()
