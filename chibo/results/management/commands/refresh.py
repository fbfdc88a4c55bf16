"""`chibo refresh [--org CODE] [--year YYYY ...] [--as-of D] [--jobs]`: recompute the stored results.

Every cell of the subtree (the whole tree by default), for the years given (default: the years
with meetings, and the as-of day's year), one cell-year at a time (`refresh_cell_year`: the
engine on that cell's slice only). Run it after a bulk load (`chibo import`, `chibo generate`)
and every night (results that depend on the day: overdue tasks, months that ended without
their meeting). With `--jobs` each batch (about a district, one year) is sent as a background job
(`chibo.results.tasks.refresh_batch`) for the workers to share (`celery -A chibo.jobs worker`,
as many as there are cores and machines); without a broker they run here, one after the other."""

from django.utils import timezone

from chibo.commands import BadInput, ChiboCommand, parse_iso
from chibo.orgs.models import Organization
from chibo.results import services


class Command(ChiboCommand):
    help = "Tính lại kết quả kiểm tra đã lưu của một cây tổ chức (mặc định: toàn bộ)."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="mã tổ chức (mặc định: mọi tổ chức gốc)")
        parser.add_argument("--year", type=int, action="append", help="năm (có thể lặp lại)")
        parser.add_argument("--as-of", dest="as_of", help="tính đến ngày YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--jobs", action="store_true", help="gửi từng cụm (khoảng một huyện) thành công việc nền")

    def handle(self, *args, org, year, as_of, jobs=False, **options):
        as_of = parse_iso(as_of, "--as-of") or timezone.localdate()
        if org:
            roots = list(Organization.objects.filter(code=org))
            if not roots:
                raise BadInput(f"Không có tổ chức mã '{org}'.")
        else:
            roots = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
        for y in year or ():
            if not 1900 <= y <= 9999:
                raise BadInput(f"Năm '{y}' không hợp lệ.")
        total = sent = 0
        for root in roots:
            years = sorted(set(year) if year else set(services.years_with_meetings(root)) | {as_of.year})
            if jobs:
                from chibo.jobs.queue import send
                from chibo.results.tasks import refresh_batch

                for part in services.batches(root):
                    for y in years:
                        send(refresh_batch, (part.pk, y, as_of.isoformat()), {})
                        sent += 1
            else:
                total += services.refresh_subtree(root, years, as_of)
        if not jobs:
            analyze(["results_meetingresult", "results_periodfinding", "results_cellyear"])
        if jobs:
            self.stdout.write(f"Đã gửi {sent} công việc tính lại (mỗi cụm chi bộ một năm, tính đến {as_of:%d/%m/%Y}).\n")
        else:
            self.stdout.write(f"Đã tính lại {total} kết quả chi bộ-năm (tính đến {as_of:%d/%m/%Y}).\n")


def analyze(tables: list[str]) -> None:
    """After a bulk write, PostgreSQL's planner statistics and visibility map (autovacuum would
    get there later; until then the dashboards' plans can be orders of magnitude off, and their
    covering indexes are read together with the table). VACUUM cannot run inside a transaction
    (a test's): there ANALYZE alone."""
    from django.db import connection

    if connection.vendor == "postgresql":
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{verb} " + ", ".join(connection.ops.quote_name(t) for t in tables))
