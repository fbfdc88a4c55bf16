#!/usr/bin/env python3
"""Benchmark: the stored audit results of a generated province.

    .venv/bin/python bench/bench_results.py --members 20000 --cells 1200      # SQLite, a fresh file
    .venv/bin/python bench/bench_results.py                                   # 200 000 members, 12 000 cells
    .venv/bin/python bench/bench_results.py --database /tmp/bench-audit-x.sqlite3   # a kept database

Measures (wall time, CPU time, peak memory, as bench_generate.measure does):

1. chibo generate --members N --cells M --seed S --months 12 --year 2025 --version V   (unless --database)
2. chibo refresh --org ROOT --as-of 2025-12-31          (every cell-year computed and stored)
3. chibo audit --org ROOT --from .. --to .. --as-of .. --version V  (the engine over the record)
4. chibo audit --org ROOT ... --stored --version V      (the same audit from the stored results)

V is --data-version: 2 (the default, as `chibo generate`'s: HD 42 fields, quality records and
fee ledgers, audited by version 2) or 1 (the record a version-1 bundle carries, audited by
version 1 as in the runs before version 2).

and checks that 3 and 4 printed the same bytes and (version 2) that the stored monthly fee
totals of every cell are the computed audit's `fees` (exit 1 otherwise); then times the committee
dashboard of ROOT for the year (`chibo.reports.dashboard.dashboard`, warm: the median of 5 runs,
with its number of queries) and ten saves of an attendance mark, each with the re-audit of its
cell-year after the commit (what makes a cell's figures current).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_audit import same_bytes
from bench_generate import Result, chibo, fresh_database, generate_args, measure, print_table, remove_database

DASHBOARD = """
import os, statistics, time
from datetime import date
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from chibo.orgs.models import Organization
from chibo.reports.dashboard import dashboard
root = Organization.objects.get(code="{root}")
times = []
for _ in range(6):
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        data = dashboard(root, date({year}, 1, 1), date({year}, 12, 31))
    times.append(time.perf_counter() - t)
from django.db import transaction as tx
from chibo.meetings.models import Attendance
saves = []
for row in list(Attendance.objects.filter(meeting__date__year={year}).order_by("pk")[:400:40]):
    t = time.perf_counter()
    with tx.atomic():  # the save re-audits its cell-year when it commits (chibo.results.signals)
        row.status = "absent_unexcused" if row.status != "absent_unexcused" else "present"
        row.save()
    saves.append(time.perf_counter() - t)
print(f"save of an attendance mark + re-audit of its cell-year: median {{statistics.median(saves) * 1000:.0f}} ms, "
      f"max {{max(saves) * 1000:.0f}} ms ({{len(saves)}} saves)")
print(f"dashboard {root}: median {{statistics.median(times[1:]) * 1000:.0f}} ms (warm, 5 runs), "
      f"{{len(ctx.captured_queries)}} queries, {{data['total'].meetings}} meetings, {{len(data['children'])}} children")
"""

#: The stored monthly fee totals (CellYear.fees, what the dashboards and year-end sheets read) against
#: the computed audit's `fees`: each month of a member who moved counted in one cell only.
FEE_TOTALS = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
import django
django.setup()
from chibo.orgs.models import Organization
from chibo.results.models import CellYear
root = Organization.objects.get(code="{root}")
cells = Organization.objects.filter(root.subtree_q())
stored = sorted((code, t["month"], t["due"], t["paid"], t["unpaid"]) for code, fees in CellYear.objects.filter(
    organization__in=cells, year={year}).values_list("organization__code", "fees") for t in fees)
with open("{computed}", encoding="utf-8") as f:
    computed = sorted((t["organization"], t["month"], t["due"], t["paid"], t["unpaid"]) for t in json.load(f)["fees"])
print(f"Tổng đảng phí theo tháng đã lưu / của kiểm tra: {{'giống nhau' if stored == computed else 'KHÁC NHAU'}} "
      f"({{len(stored)}} / {{len(computed)}} chi bộ-tháng).")
raise SystemExit(0 if stored == computed else 1)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--cells", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--root", default="T01")
    parser.add_argument("--keep", action="store_true", help="giữ lại tệp SQLite")
    parser.add_argument("--data-version", type=int, choices=(1, 2), default=2,
                        help="phiên bản dữ liệu sinh ra và kiểm tra (mặc định 2)")
    parser.add_argument("--database", type=Path, help="dùng lại tệp SQLite đã sinh (bỏ qua bước generate)")
    opts = parser.parse_args()
    as_of = f"{opts.year}-12-31"
    period = ["--from", f"{opts.year}-01-01", "--to", f"{opts.year}-12-31", "--as-of", as_of]
    v = str(opts.data_version)
    if opts.database:
        path, env = opts.database, {**os.environ, "CHIBO_DEV": "1", "DATABASE_URL": f"sqlite:///{opts.database}"}
    else:
        path, env = fresh_database("results")
    out = Path(tempfile.mkdtemp(prefix="bench-results-", dir="/tmp"))
    computed, stored = out / "computed.json", out / "stored.json"
    results: list[Result] = []
    try:
        if not opts.database:
            results.append(measure("generate", [*generate_args(opts.members, opts.cells, opts.seed, 12, opts.year),
                                                "--version", v], env))
        results.append(measure("refresh", [chibo(), "refresh", "--org", opts.root, "--as-of", as_of], env))
        results.append(measure("audit (tính)", [chibo(), "audit", "--org", opts.root, *period, "--version", v], env,
                               stdout_path=computed))
        results.append(measure("audit --stored", [chibo(), "audit", "--org", opts.root, *period, "--stored", "--version", v],
                               env,
                               stdout_path=stored))
        print_table(results)
        for r in results:
            if r.returncode:
                print(f"{r.step}: lỗi {r.stderr.strip()[-500:]}", file=sys.stderr)
                return 1
        timing = subprocess.run([sys.executable, "-c", DASHBOARD.format(root=opts.root, year=opts.year)], env=env,
                                cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
        print(timing.stdout.rstrip() or timing.stderr.rstrip()[-2000:])
        fees_same = True
        if v == "2":
            check = subprocess.run([sys.executable, "-c", FEE_TOTALS.format(root=opts.root, year=opts.year,
                                                                             computed=computed)],
                                   env=env, cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True)
            print(check.stdout.rstrip() or check.stderr.rstrip()[-2000:])
            fees_same = check.returncode == 0
        same = same_bytes(computed, stored)
        print(f"Kiểm tra tính trực tiếp / từ kết quả đã lưu: {'giống hệt nhau' if same else 'KHÁC NHAU'} "
              f"({computed.stat().st_size / 2**20:.1f} MB).")
        return 0 if same and fees_same else 1
    finally:
        if opts.keep or opts.database:
            print(f"Giữ lại {path}.")
        else:
            remove_database(path)
        for f in out.iterdir():
            f.unlink()
        out.rmdir()


if __name__ == "__main__":
    sys.exit(main())
