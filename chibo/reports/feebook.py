"""The *sổ thu nộp đảng phí* of a cell as PDF, for a month or a year (the .xlsx is
`chibo.fees.ledger_io.book_xlsx`). Here rather than in chibo/fees because the PDF prints with the
documents' font (`meetings/documents/fonts.py`), which the fees app (below meetings) may not
import; the figures are the fees selectors', the layout the year-end sheet's."""

from __future__ import annotations

from datetime import date

from chibo.fees import ledger_io


def to_pdf(cell, ledgers: list, made_on: date) -> bytes:
    import html

    from weasyprint import CSS, HTML

    from chibo.meetings.documents.fonts import FONT_STACK, font_face_css

    esc = html.escape

    def cell_text(v):
        if v is None:
            return ""
        if isinstance(v, int):
            return f"{v:,}".replace(",", ".")
        return str(v)

    def table(rows):
        head = "".join(f"<th>{esc(str(h))}</th>" for h in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{esc(cell_text(v))}</td>" for v in row) + "</tr>" for row in rows[1:])
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    period = f"tháng {ledgers[0].month:%m/%Y}" if len(ledgers) == 1 else f"năm {ledgers[0].month.year}"
    lines = ledger_io.title_lines(cell, period, made_on)
    parts = [f"<h1>{esc(lines[0])}</h1>"] + [f"<p>{esc(line)}</p>" for line in lines[1:]]
    if len(ledgers) > 1:
        summary = [["Tháng", "Số đảng viên có sổ", "Phải đóng sau miễn, giảm (đồng)", "Đã nộp (đồng)",
                    "Số đảng viên chưa nộp đủ"]]
        summary += [[f"{x.month:%m/%Y}", len(x.recorded), x.total_due_after, x.total_paid, len(x.unpaid_rows)]
                    for x in ledgers]
        summary.append(["Cộng", sum(len(x.recorded) for x in ledgers), sum(x.total_due_after for x in ledgers),
                        sum(x.total_paid for x in ledgers), ""])
        parts.append("<h2>Cả năm</h2>" + table(summary))
    for x in ledgers:
        if len(ledgers) > 1 and not x.rows:
            continue
        parts.append(f"<h2>Tháng {x.month:%m/%Y}</h2>" + table(ledger_io.sheet_rows(x)))
    css = font_face_css() + f"""
@page {{ size: A4 landscape; margin: 12mm; }}
html {{ font-family: {FONT_STACK}; font-size: 9pt; }}
h1 {{ font-size: 14pt; text-align: center; }} h2 {{ font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 6pt; }}
th, td {{ border: 0.5pt solid #444; padding: 2pt 3pt; vertical-align: top; }}
tbody tr:last-child td {{ font-weight: bold; }}
"""
    return HTML(string=f"<html lang='vi'><body>{''.join(parts)}</body></html>").write_pdf(
        stylesheets=[CSS(string=css)])
