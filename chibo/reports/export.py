"""The dashboard as a report a committee sends upward: .xlsx, PDF or JSON, in Vietnamese, with
the organisation, the period and the date of the report on it. The figures are the dashboard's
(`chibo.reports.dashboard`), never recomputed here."""

import html
import io
import json
from datetime import date

from chibo import vocabulary
from chibo.reports.dashboard import MEETING_CODES
from chibo.rules.engine import FINDING_LABELS


def _grade(code: str):
    return lambda f: f.grades[code]


def _meetings_with(code: str):
    return lambda f: f.meeting_findings[code]


def _finding(code: str):
    return lambda f: f.findings[code]


TITLE = "BÁO CÁO TÌNH HÌNH SINH HOẠT CHI BỘ"
#: (column heading, how the value is read from a Figures).
COLUMNS: list[tuple[str, object]] = [
    ("Cuộc họp", lambda f: f.meetings),
    ("Sinh hoạt thường kỳ", lambda f: f.regular),
    ("Tháng họp đúng hạn", lambda f: f.on_time_months),
    ("Tháng họp muộn", lambda f: f.late_regular),
    ("Tháng không họp", lambda f: f.missing_regular),
    ("Sinh hoạt chuyên đề", lambda f: f.thematic),
    ("Quý thiếu chuyên đề", lambda f: f.findings["MISSING_THEMATIC_MEETING"]),
    ("Tỷ lệ dự họp", lambda f: f.attendance_rate or "—"),
    ("Điểm trung bình", lambda f: f.average_score if f.average_score is not None else "—"),
    *[(label, _grade(code)) for code, label in vocabulary.GRADES.choices()],
    ("Đạt khung HD 12", lambda f: f.framework),
    ("Đảng viên cần xem xét xóa tên", lambda f: f.findings["REMOVAL_REVIEW"]),
    ("Nhiệm vụ quá hạn", lambda f: f.findings["TASK_OVERDUE"]),
    ("Nửa năm thiếu lượt cấp trên dự", lambda f: f.findings["NO_SUPERIOR_VISIT"]),
    *[(f"{FINDING_LABELS[code]} (số cuộc họp)", _meetings_with(code)) for code in MEETING_CODES],
    *[(FINDING_LABELS[code], _finding(code)) for code in ("FEE_UNPAID_REVIEW", "FEE_RELIEF_TOO_LONG")],
    ("Tổng số vấn đề", lambda f: f.problems),
]


def heading_lines(org_name: str, period_name: str, d_from: date, d_to: date, made_on: date,
                  kind_label: str = "") -> list[str]:
    lines = [TITLE, org_name, f"Kỳ báo cáo: {period_name} ({d_from:%d/%m/%Y} – {d_to:%d/%m/%Y})"]
    if kind_label:
        lines.append(f"Loại chi bộ: {kind_label}")
    lines.append(f"Ngày lập báo cáo: {made_on:%d/%m/%Y}")
    return lines


def table(data: dict) -> list[list]:
    """Heading row, then one row per direct child and the total row."""
    rows = [["Đơn vị", *[heading for heading, _read in COLUMNS]]]
    for fig in [*data["children"], data["total"]]:
        name = "Tổng cộng" if fig is data["total"] else fig.name
        rows.append([name, *[read(fig) for _heading, read in COLUMNS]])
    return rows


def to_xlsx(lines: list[str], data: dict) -> bytes:
    from openpyxl import Workbook  # here: openpyxl adds 0.1 s to every command's start-up
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    for text in lines:
        sheet.append([text])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    first = sheet.max_row + 1
    for row in table(data):
        sheet.append(row)
    for cell in sheet[first]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    sheet.append([])
    sheet.append(["Theo tháng", "Cuộc họp", "Số có mặt", "Số phải có mặt", "Tỷ lệ dự họp"])
    for month, fig in data["months"]:
        sheet.append([f"{month:%m/%Y}", fig.meetings, fig.present, fig.expected, fig.attendance_rate or "—"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(lines: list[str], data: dict) -> bytes:
    from weasyprint import CSS, HTML

    from chibo.meetings.documents.fonts import FONT_STACK, font_face_css

    esc = html.escape
    rows = table(data)
    head = "".join(f"<th>{esc(str(h))}</th>" for h in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>" for row in rows[1:])
    months = "".join(f"<tr><td>{m:%m/%Y}</td><td>{f.meetings}</td><td>{f.present}/{f.expected}</td>"
                     f"<td>{esc(f.attendance_rate or '—')}</td></tr>" for m, f in data["months"])
    page = (f"<h1>{esc(lines[0])}</h1>" + "".join(f"<p>{esc(line)}</p>" for line in lines[1:])
            + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            + "<h2>Tỷ lệ dự họp theo tháng</h2><table class='months'><thead><tr><th>Tháng</th><th>Cuộc họp</th>"
            + f"<th>Có mặt / phải có mặt</th><th>Tỷ lệ</th></tr></thead><tbody>{months}</tbody></table>")
    css = font_face_css() + f"""
@page {{ size: A4 landscape; margin: 12mm; }}
html {{ font-family: {FONT_STACK}; font-size: 9pt; }}
h1 {{ font-size: 14pt; text-align: center; }} h2 {{ font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 6pt; }}
th, td {{ border: 0.5pt solid #444; padding: 2pt 3pt; vertical-align: top; }}
tbody tr:last-child td {{ font-weight: bold; }} table.months tbody tr:last-child td {{ font-weight: normal; }}
"""
    return HTML(string=f"<html lang='vi'><body>{page}</body></html>").write_pdf(stylesheets=[CSS(string=css)])


def to_json(lines: list[str], data: dict, org_code: str, d_from: date, d_to: date, made_on: date) -> str:
    headings = [h for h, _read in COLUMNS]
    rows = table(data)[1:]
    return json.dumps({
        "organization": org_code, "title": lines[1], "from": d_from.isoformat(), "to": d_to.isoformat(),
        "made_on": made_on.isoformat(),
        "units": [{"code": fig.code, "name": row[0], **dict(zip(headings, row[1:], strict=True))}
                  for fig, row in zip([*data["children"], data["total"]], rows, strict=True)],
        "months": [{"month": f"{m:%Y-%m}", "meetings": f.meetings, "present": f.present, "expected": f.expected}
                   for m, f in data["months"]],
    }, ensure_ascii=False, indent=1) + "\n"
