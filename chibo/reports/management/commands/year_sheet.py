"""`chibo year-sheet --org CODE --year YYYY --format xlsx|pdf|json --output PATH [--as-of D]`:
the year-end sheets for batch printing. A cell: its sheet in the file PATH. A committee: one file
per cell of its subtree in the directory PATH (CODE-YYYY.xlsx, ...). The figures are the page's
(chibo.reports.yearsheet: the stored results, the engine's roll and task rules).

`--jobs N` (default: the number of CPUs) prints a committee's sheets in N worker processes, each
with its own database connection, CHUNK cells at a time; a run of at most CHUNK cells stays in
this process."""

import multiprocessing
import os
from datetime import date
from pathlib import Path

from django.db import connections
from django.utils import timezone

from chibo.commands import BadInput, ChiboCommand, parse_iso
from chibo.orgs.models import CELL_KINDS, Organization
from chibo.reports import yearsheet
from chibo.results import services as results


class Command(ChiboCommand):
    help = "In bảng tổng hợp sinh hoạt cuối năm của một chi bộ, hoặc của mọi chi bộ thuộc một cấp ủy."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="mã chi bộ, hoặc mã cấp ủy (mọi chi bộ trực thuộc)")
        parser.add_argument("--year", required=True, type=int, help="năm, ví dụ 2025")
        parser.add_argument("--format", dest="fmt", required=True, choices=["xlsx", "pdf", "json"])
        parser.add_argument("--output", required=True, help="tệp kết quả (một chi bộ) hoặc thư mục (một cấp ủy)")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                            help="số tiến trình in song song (mặc định: số CPU)")
        parser.add_argument("--as-of", dest="as_of", help="nhiệm vụ quá hạn tính đến ngày YYYY-MM-DD "
                                                          "(mặc định: hôm nay, hoặc 31/12 của năm đã qua)")

    def handle(self, *args, org, year, fmt, output, as_of, jobs, **options):
        made_on = timezone.localdate()
        if not 2000 <= year <= made_on.year + 1:
            raise BadInput(f"Năm {year} không hợp lệ.")
        if jobs < 1:
            raise BadInput(f"--jobs phải từ 1 trở lên (đã cho {jobs}).")
        as_of_day = parse_iso(as_of, "--as-of") if as_of else min(made_on, date(year, 12, 31))
        root = Organization.objects.filter(code=org).first()
        if root is None:
            raise BadInput(f"Không có tổ chức mã '{org}'.")
        if root.is_cell:
            batches, folder = [[root]], None
        else:
            folder = Path(output)
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BadInput(f"Không tạo được thư mục {output}: {exc.strerror}.") from exc
            # about a district at a time (the refresh's batches), CHUNK cells a task: each read in ten queries
            batches = [cells[i:i + CHUNK] for part in results.batches(root)
                       for cells in [list(Organization.objects.filter(part.subtree_q(), kind__in=CELL_KINDS)
                                           .order_by("path"))]
                       for i in range(0, len(cells), CHUNK)]
        tasks = [(cells, year, as_of_day, fmt, output, folder, made_on) for cells in batches]
        if jobs == 1 or len(tasks) == 1:
            written = sum(write_sheets(*task) for task in tasks)
        else:
            # each worker opens its own connection: none is shared across the fork (an in-memory
            # SQLite database, the tests', is not closed: the workers read their copy of it)
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=_own_connections) as pool:
                written = sum(pool.imap_unordered(_write_task, tasks))
        self.stdout.write(f"Đã in {written} bảng tổng hợp năm {year}.\n")


#: cells a worker prints at a time
CHUNK = 50


def write_sheets(cells, year, as_of_day, fmt, output, folder, made_on) -> int:
    """Writes the sheets of `cells`; their number."""
    written = 0
    for sheet in yearsheet.year_sheets(cells, year, as_of_day):
        path = Path(output) if folder is None else folder / f"{sheet.cell.code}-{year}.{fmt}"
        try:
            if fmt == "json":
                path.write_text(yearsheet.to_json(sheet, made_on), encoding="utf-8")
            else:
                path.write_bytes(yearsheet.to_xlsx(sheet, made_on) if fmt == "xlsx"
                                 else yearsheet.to_pdf(sheet, made_on))
        except OSError as exc:
            raise BadInput(f"Không ghi được {path}: {exc.strerror}.") from exc
        written += 1
    return written


#: a worker's inherited connection objects, kept so that no finalizer closes a socket it shares
_inherited: list = []


def _own_connections() -> None:
    """A forked worker's first step: whatever connection it inherited is set aside (not closed: a
    close would end the session of the process it shares the socket with) and the worker opens its
    own on its first query, so two workers never talk over one socket."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and conn.vendor != "sqlite":
            _inherited.append(conn.connection)
            conn.connection = None


def _write_task(task) -> int:
    return write_sheets(*task)
