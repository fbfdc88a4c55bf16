"""Time the official documents printed from the database (adapter + rule engine + rendering).

    .venv/bin/python bench/bench_documents_db.py [RUNS]

On a fresh SQLite file in a temporary directory (migrated, not timed), builds a cell of 20
members with one fully recorded meeting per month of 2025 (18 present, 2 absent with reasons,
guests, 4 agenda items, 16 speeches, 3 votes, 5 tasks), finalized and numbered, then measures:

- minutes .docx of one meeting from the database (target < 0.5 s),
- minutes PDF of one meeting from the database (target < 2 s; the first PDF of a process also
  loads the fonts and is reported apart as "cold"),
- the minutes book of the 12 meetings from the database (target < 15 s),

with the number of database queries of each. Exits 1 when a target is missed.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"minutes docx": 0.5, "minutes pdf": 2.0, "minutes book (12 meetings)": 15.0}


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    os.environ.setdefault("CHIBO_DEV", "1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_cell():
    from chibo.meetings.models import Attendance, Guest, Meeting, Speech, Task, Vote
    from chibo.meetings.recording.numbering import assign_resolution_number
    from chibo.orgs import services
    from chibo.orgs.models import Position

    upper = services.org_create(code="BX", name="Đảng bộ xã Tân Thành", kind="dang_bo_co_so")
    upper.locality = "Tân Thành"
    upper.save()
    cell = services.org_create(code="BX-T1", name="Chi bộ thôn 1", kind="chi_bo", parent=upper)
    members = [
        services.member_create(code=f"T1-{n:02d}", full_name=f"Nguyễn Thị Ngọc Ánh {n:02d}", organization=cell,
                               start=date(2015, 1, 1), joined_on=date(2010, 1, 1),
                               official_on=date(2011, 1, 1) if n < 18 else None)
        for n in range(20)
    ]
    Position.objects.create(member=members[0], organization=cell, title="bi_thu", start=date(2020, 1, 1))
    items = ["Đánh giá kết quả thực hiện nhiệm vụ tháng trước", "Phương hướng nhiệm vụ tháng tới",
             "Công tác phát triển đảng viên", "Công tác dân vận"]
    meetings = []
    for month in range(1, 13):
        m = Meeting.objects.create(
            ident=f"BX-T1-2025-{month:02d}", organization=cell, kind="regular", date=date(2025, month, 3),
            start=clock(19, 30), end=clock(21, 15), place="Nhà văn hóa thôn 1", chair=members[0],
            secretary=members[1], notice_sent_on=date(2025, month, 1),
            conclusion="Chi bộ thống nhất các nội dung đã thảo luận.\nGiao chi ủy cụ thể hóa thành kế hoạch.",
            resolution_text="1. Hoàn thành các chỉ tiêu của tháng.\n2. Tăng cường công tác dân vận.",
            status="finalized")
        Attendance.objects.bulk_create([
            Attendance(meeting=m, member=member, position=i,
                       status="present" if i < 18 else "absent_excused",
                       reason="" if i < 18 else "Đi công tác theo quyết định của cơ quan")
            for i, member in enumerate(members)])
        Guest.objects.create(meeting=m, name="Trần Văn Bình", title="Đảng ủy viên", organization="Đảng ủy xã")
        Speech.objects.bulk_create([
            Speech(meeting=m, position=i, member=members[i % 18], item=items[i % 4],
                   summary="Thống nhất với báo cáo; đề nghị chi bộ quan tâm hơn đến công tác dân vận, "
                           "phân công đảng viên phụ trách từng hộ và báo cáo kết quả vào kỳ sinh hoạt sau.")
            for i in range(16)])
        Vote.objects.bulk_create([
            Vote(meeting=m, position=0, kind="resolution", method="show_of_hands", subject="Nghị quyết tháng",
                 votes_for=16, votes_abstain=2),
            Vote(meeting=m, position=1, kind="admission", method="show_of_hands", subject="Kết nạp quần chúng",
                 votes_for=14, votes_against=2, votes_abstain=2),
            Vote(meeting=m, position=2, kind="election", method="secret_ballot", subject="Bầu chi ủy viên",
                 votes_for=12, votes_against=4, votes_abstain=1, votes_invalid=1),
        ])
        Task.objects.bulk_create([
            Task(meeting=m, position=i, assignee=members[i], description=f"Thực hiện nhiệm vụ số {i + 1}",
                 due=date(2025, month, 28)) for i in range(5)])
        assign_resolution_number(m)
        meetings.append(m)
    return cell, meetings


def timed(fn, *args):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn(*args)
        elapsed = time.perf_counter() - start
    return elapsed, result, len(ctx.captured_queries)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="chibo-bench-docs-") as tmp:
        setup_django(Path(tmp))
        from chibo.meetings.documents import adapter as docs_adapter

        cell, meetings = build_cell()
        meeting = meetings[5]
        cold, pdf, _ = timed(docs_adapter.minutes_file, meeting, "pdf")
        results, queries = {}, {}
        for name, fmt in (("minutes docx", "docx"), ("minutes pdf", "pdf")):
            timings = []
            for _ in range(runs):
                elapsed, _content, queries[name] = timed(docs_adapter.minutes_file, meeting, fmt)
                timings.append(elapsed)
            results[name] = timings
        book_time, book, queries["minutes book (12 meetings)"] = timed(docs_adapter.minutes_book_file, cell, 2025)
        results["minutes book (12 meetings)"] = [book_time]

        print("Documents from the database: a 20-member cell, 18 present, 16 speeches, 3 votes, 5 tasks")
        print(f"minutes pdf, cold (first in process, loads fonts): {cold:.3f} s, {len(pdf) / 1024:.0f} KiB")
        failed = False
        for name, timings in results.items():
            worst = max(timings)
            ok = worst < TARGETS[name]
            failed |= not ok
            print(f"{name}: median {statistics.median(timings):.3f} s, worst {worst:.3f} s over {len(timings)} "
                  f"run(s), {queries[name]} queries (target < {TARGETS[name]} s) {'OK' if ok else 'TOO SLOW'}")
        print(f"minutes book: {len(book) / 1024:.0f} KiB")
        cold_ok = cold < TARGETS["minutes pdf"]
        failed |= not cold_ok
        print(f"cold minutes pdf within the pdf target: {'OK' if cold_ok else 'TOO SLOW'}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
