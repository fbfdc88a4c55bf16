"""Time the minutes of the largest meeting the input limits accept (chibo/limits.py).

    .venv/bin/python bench/bench_largest_minutes.py [RUNS]

On a fresh SQLite file in a temporary directory (migrated, not timed), builds through the
services (so only what they accept is stored) a cell of 60 members and one meeting where every
text field holds its largest accepted text and every list its most rows (chibo/limits.py): names,
place, topic and reason at their column sizes, 60 attendance rows (20 absent with 255-character
reasons), the most guests, agenda items (255-character titles), speeches, votes (500-character
subjects) and tasks, the conclusion and the resolution text at their limits and the speech
summaries at theirs until the minutes' text budget is spent; then finalizes it and amends it the
most times allowed, each amendment rewriting the whole conclusion with a reason at its limit.

Prints the time of the minutes PDF (`docs_adapter.minutes_file(meeting, "pdf")`, cold and warm)
and of the Word file, and exits 1 when the PDF takes 5 s or more.
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

TARGET_PDF = 5.0
WORDS = ("Chi bộ thống nhất nâng cao chất lượng sinh hoạt, tăng cường công tác dân vận, phân công đảng viên "
         "phụ trách từng hộ gia đình và báo cáo kết quả vào kỳ sinh hoạt sau. ")


def text(n: int, paragraph: int = 600) -> str:
    """n characters of Vietnamese prose in paragraphs of about `paragraph` characters."""
    body = (WORDS * (n // len(WORDS) + 1))[:n]
    if paragraph and n > paragraph:
        body = "\n".join(body[i : i + paragraph] for i in range(0, n, paragraph))
        body = body[:n]
    return body


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    os.environ.setdefault("CHIBO_DEV", "1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build():
    from django.contrib.auth import get_user_model

    from chibo import limits
    from chibo.meetings.models import Guest, Meeting
    from chibo.meetings.preparation import services as preparation_services
    from chibo.meetings.recording import services
    from chibo.orgs import services as org_services
    from chibo.orgs.models import Position

    user = get_user_model().objects.create_user("bench-admin", is_superuser=True)
    upper = org_services.org_create(code="BX", name="Đảng bộ xã Tân Thành có tên dài " + "x" * 200,
                                    kind="dang_bo_co_so", locality="Tân Thành")
    cell = org_services.org_create(code="BX-T1", name="Chi bộ thôn 1 " + "y" * 230, kind="chi_bo", parent=upper)
    members = [org_services.member_create(code=f"T1-{n:02d}", full_name=f"Nguyễn Thị Ngọc Ánh Hoàng Phương {n:02d}",
                                          organization=cell, start=date(2015, 1, 1), joined_on=date(2010, 1, 1),
                                          official_on=date(2011, 1, 1))
               for n in range(60)]
    Position.objects.create(member=members[0], organization=cell, title="bi_thu", start=date(2020, 1, 1))
    meeting = Meeting.objects.create(ident="BX-T1-2025-06", organization=cell, kind="combined",
                                     date=date(2025, 6, 3), status="held")
    preparation_services.agenda_save(meeting, [("body", f"Mục {i:02d} " + text(246, 0), text(2_000))
                                        for i in range(limits.ROW_LIMITS["agenda"])])
    field = services.meeting_field_set
    for name, value in (("start", clock(7, 30)), ("end", clock(11, 45)), ("place", text(255, 0)),
                        ("topic", text(500, 0)), ("rescheduled_reason", text(500, 0)),
                        ("notice_sent_on", date(2025, 5, 30)), ("chair", members[0]), ("secretary", members[1]),
                        ("conclusion", text(limits.TEXT_LIMITS["meeting.conclusion"])),
                        ("resolution_text", text(limits.TEXT_LIMITS["meeting.resolution_text"]))):
        field(meeting, name, value)
    for i, member in enumerate(members):
        if i < 40:
            services.attendance_set(meeting, member, "present")
        else:
            services.attendance_set(meeting, member, "absent_excused", text(255, 0))
    Guest.objects.bulk_create([Guest(meeting=meeting, position=i, name="Trần Văn Bình " + "z" * 100,
                                     title=text(255, 0), organization=text(255, 0))
                               for i in range(limits.ROW_LIMITS["guests"])])
    budget = (limits.MINUTES_TEXT_LIMIT - limits.TEXT_LIMITS["meeting.conclusion"]
              - limits.ROW_LIMITS["tasks"] * 40)
    titles = [f"Mục {i:02d} " + text(246, 0) for i in range(limits.ROW_LIMITS["agenda"])]
    for i in range(limits.ROW_LIMITS["speeches"]):
        size = min(limits.TEXT_LIMITS["speech.summary"], budget)
        budget -= size
        services.speech_save(meeting, i, member=members[i % 40], item=titles[i % len(titles)],
                             summary=text(size) if size else "")
    for i in range(limits.ROW_LIMITS["votes"]):
        services.vote_record(meeting, i, kind="resolution", method="show_of_hands", subject=text(500, 0),
                             votes_for=38, votes_against=1, votes_abstain=1)
    for i in range(limits.ROW_LIMITS["tasks"]):
        services.task_save(meeting, i, description=text(40, 0), assignee=members[i % 40], due=date(2025, 12, 31))
    services.meeting_finalize(meeting, user)
    meeting.refresh_from_db()
    for n in range(limits.ROW_LIMITS["amendments"]):
        services.meeting_amend(meeting, user, text(limits.TEXT_LIMITS["amendment.reason"], 0),
                               {"conclusion": f"Lần {n + 1:02d}. " + text(limits.TEXT_LIMITS["meeting.conclusion"] - 9)})
        meeting.refresh_from_db()
    return meeting


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def cpu_timed(fn, *args):
    start = time.process_time()
    fn(*args)
    return time.process_time() - start


def pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="chibo-bench-largest-") as tmp:
        setup_django(Path(tmp))
        from chibo.meetings.documents import adapter as docs_adapter

        meeting = build()
        cold, pdf = timed(docs_adapter.minutes_file, meeting, "pdf")
        warm = [timed(docs_adapter.minutes_file, meeting, "pdf")[0] for _ in range(runs)]
        cpu = cpu_timed(docs_adapter.minutes_file, meeting, "pdf")
        docx_time, docx = timed(docs_adapter.minutes_file, meeting, "docx")
        resolution_time, resolution = timed(docs_adapter.resolution_file, meeting, "pdf")
        worst = max([cold, *warm])
        print(f"The largest meeting the limits accept (chibo/limits.py), finalized and amended "
              f"{meeting.amendments.count()} times")
        print(f"minutes pdf, cold (first in process, loads fonts): {cold:.2f} s, {pages(pdf)} pages, "
              f"{len(pdf) / 1024:.0f} KiB")
        print(f"minutes pdf: median {statistics.median(warm):.2f} s, worst {max(warm):.2f} s over {runs} run(s) "
              f"(target < {TARGET_PDF:.0f} s) {'OK' if worst < TARGET_PDF else 'TOO SLOW'}")
        print(f"minutes pdf, processor time of one run: {cpu:.2f} s")
        print(f"minutes docx: {docx_time:.2f} s, {len(docx) / 1024:.0f} KiB")
        print(f"resolution pdf (resolution text at its limit): {resolution_time:.2f} s, {pages(resolution)} pages")
        return 0 if worst < TARGET_PDF else 1


if __name__ == "__main__":
    sys.exit(main())
