"""chibo minutes-book --org CODE --year YYYY --output FILE.pdf: a cell's minutes book of a year."""

from chibo.commands import BadInput, ChiboCommand, positive_int
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.management.commands.minutes import write_output
from chibo.orgs.models import Organization


class Command(ChiboCommand):
    help = "In sổ biên bản sinh hoạt chi bộ của một năm (các biên bản đã hoàn tất) ra tệp PDF."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="mã chi bộ")
        parser.add_argument("--year", required=True, type=positive_int("năm", 1900, 2100), help="năm, ví dụ 2025")
        parser.add_argument("--output", "-o", required=True, help="tệp PDF kết quả ('-' để in ra stdout)")

    def handle(self, *args, org, year, output, **options):
        cell = Organization.objects.select_related("parent").filter(code=org).first()
        if cell is None:
            raise BadInput(f"Không tìm thấy tổ chức có mã '{org}'.")
        if not cell.is_cell:
            raise BadInput(f"Tổ chức '{org}' ({cell.name}) không phải chi bộ; sổ biên bản là của chi bộ.")
        if not 1900 <= year <= 2100:
            raise BadInput(f"Năm không hợp lệ: {year}.")
        write_output(docs_adapter.minutes_book_file(cell, year), output)
