"""`chibo report --org CODE --from D --to D --format xlsx|pdf|json --output FILE [--loai KIND]`:
the committee's report (the dashboard's figures, one row per unit below) for batch printing and
sending upward. Reads the stored results (computing the cell-years never stored)."""

from pathlib import Path

from django.utils import timezone

from chibo import vocabulary
from chibo.commands import BadInput, ChiboCommand, parse_iso
from chibo.orgs.models import Organization
from chibo.reports import export
from chibo.reports.dashboard import dashboard
from chibo.reports.services import refresh_missing
from chibo.results.selectors import missing_slices


class Command(ChiboCommand):
    help = "In báo cáo tình hình sinh hoạt chi bộ của một tổ chức (xlsx, pdf hoặc json)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="mã tổ chức (cấp ủy cấp trên chi bộ)")
        parser.add_argument("--from", dest="date_from", required=True, help="từ ngày YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="đến ngày YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", required=True, choices=["xlsx", "pdf", "json"])
        parser.add_argument("--output", required=True, help="tệp kết quả ('-' để in JSON ra màn hình)")
        parser.add_argument("--loai", default="", help="chỉ một loại chi bộ: " + ", ".join(sorted(vocabulary.CELL_KINDS)))

    def handle(self, *args, org, date_from, date_to, fmt, output, loai, **options):
        d_from, d_to = parse_iso(date_from, "--from"), parse_iso(date_to, "--to")
        if d_to < d_from:
            raise BadInput(f"--to ({d_to.isoformat()}) không được trước --from ({d_from.isoformat()}).")
        if loai and loai not in vocabulary.CELL_KINDS:
            raise BadInput(f"--loai '{loai}' không phải loại chi bộ ({', '.join(sorted(vocabulary.CELL_KINDS))}).")
        root = Organization.objects.filter(code=org).first()
        if root is None:
            raise BadInput(f"Không có tổ chức mã '{org}'.")
        if root.is_cell:
            raise BadInput(f"'{org}' là chi bộ: báo cáo dành cho cấp ủy cấp trên chi bộ.")
        if output == "-" and fmt != "json":
            raise BadInput("Chỉ in được JSON ra màn hình; với xlsx và pdf hãy cho --output một tệp.")
        missing = missing_slices(root, d_from, d_to)
        if missing:
            refresh_missing(missing)
        data = dashboard(root, d_from, d_to, loai or None)
        made_on = timezone.localdate()
        period = f"từ {d_from:%d/%m/%Y} đến {d_to:%d/%m/%Y}"
        lines = export.heading_lines(root.name, period, d_from, d_to, made_on,
                                     vocabulary.ORG_KINDS.labels[loai] if loai else "")
        if fmt == "json":
            text = export.to_json(lines, data, root.code, d_from, d_to, made_on)
            if output == "-":
                self.stdout.write(text, ending="")
                return
            Path(output).write_text(text, encoding="utf-8")
        else:
            content = export.to_xlsx(lines, data) if fmt == "xlsx" else export.to_pdf(lines, data)
            try:
                Path(output).write_bytes(content)
            except OSError as exc:
                raise BadInput(f"Không ghi được tệp '{output}': {exc.strerror}") from None
        self.stderr.write(f"Đã ghi báo cáo {root.name} ({period}) vào {output}.")
