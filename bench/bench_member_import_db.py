"""Time the whole Excel member import into the database (parse, checks, save) of 10,000 rows.

    .venv/bin/python bench/bench_member_import_db.py [ROWS]

On a fresh SQLite file in a temporary directory (migrated, not timed), creates one cell and
imports a generated file of ROWS members (default 10,000) into it as an administrator through
`chibo.orgs.importing.import_members`, the function behind the import page. Prints the time and
the number of database queries; exits 1 when the import takes 30 s or more (the target) or
does not save every row. bench/bench_member_import.py times the parsing alone.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 30.0


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    os.environ.setdefault("CHIBO_DEV", "1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(n: int) -> bytes:
    from chibo.orgs.member_import import COLUMNS, DATA_SHEET_TITLE

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET_TITLE)
    ws.append([c.header for c in COLUMNS])
    for i in range(n):
        ws.append([f"B{i:05d}", f"Nguyễn Văn Thứ {i}", "Nam", "", "01/01/2000", "01/01/2001", "C1", "01/01/2020",
                   "", "", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        setup_django(Path(tmp))
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from chibo.orgs import services
        from chibo.orgs.access import scope_for
        from chibo.orgs.importing import import_members
        from chibo.orgs.models import Member

        upper = services.org_create(code="G", name="Đảng bộ xã Tân Thành", kind="dang_bo_co_so")
        services.org_create(code="C1", name="Chi bộ thôn Đông", kind="chi_bo", parent=upper)
        admin = get_user_model().objects.create_user("admin", is_superuser=True, is_staff=True)
        data = build(n)
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = import_members(data, scope=scope_for(admin))
            elapsed = time.perf_counter() - start
        saved = Member.objects.filter(code__startswith="B").count()
        print(f"file: {n:,} rows, {len(data) / 1024:.0f} KiB")
        print(f"import_members: {elapsed:.2f} s, {len(queries.captured_queries)} queries, {saved:,} members saved "
              f"(target < {TARGET:.0f} s)")
        if result.errors or saved != n:
            print(f"FAILED: {len(result.errors)} errors, {saved} of {n} saved")
            return 1
        return 0 if elapsed < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
