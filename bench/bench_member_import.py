"""Time parse_members_xlsx on a generated 10,000-row member file.

    .venv/bin/python bench/bench_member_import.py [ROWS]
"""

import io
import sys
import time
from datetime import datetime
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chibo.orgs.member_import import COLUMNS, DATA_SHEET_TITLE, parse_members_xlsx  # noqa: E402


def build(n: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET_TITLE)
    ws.append([c.header for c in COLUMNS])
    for i in range(n):
        ws.append([f"DV{i:05d}", f"Nguyễn Thị Ngọc Ánh {i}", "Nữ" if i % 2 else "Nam", "05/09/1980",
                   datetime(2010, 2, 3), "03/02/2011" if i % 3 else None, f"CB{i % 20:02d}", "01/01/2020",
                   "0912 345 678", f"dv{i}@example.vn", "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    start = time.perf_counter()
    data = build(n)
    built = time.perf_counter() - start
    cells = {f"CB{i:02d}" for i in range(20)}
    existing = {f"OLD{i}" for i in range(50_000)}
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        rows = parse_members_xlsx(data, cells, existing)
        timings.append(time.perf_counter() - start)
    assert len(rows) == n
    print(f"file: {n:,} rows, {len(data) / 1024:.0f} KiB, built in {built:.2f} s")
    print(f"parse_members_xlsx: best {min(timings):.2f} s, worst {max(timings):.2f} s over {len(timings)} runs")


if __name__ == "__main__":
    main()
