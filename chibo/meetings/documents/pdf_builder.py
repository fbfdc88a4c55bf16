"""Lay a `Document` out as HTML and print it with WeasyPrint in Tinos 14 on A4.

HTML is built in Python: every text goes through `html.escape`. The font configuration and
the stylesheet are loaded once per thread (loading the twelve font files costs more than
printing a page); WeasyPrint objects are not shared between threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html import escape

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .data import Document, Header, Para, Recipients, Run, Signature, SignatureRow, Table
from .fonts import FONT_STACK, font_face_css

STYLESHEET = """
@page {
  size: A4;
  margin: 20mm 15mm 20mm 30mm;
  @bottom-center { content: counter(page); font-family: %(font)s; font-size: 13pt; }
}
@page :first { @bottom-center { content: none; } }
html { font-family: %(font)s; font-size: 14pt; line-height: 1.25; }
body { margin: 0; }
p { margin: 0 0 4pt; text-align: justify; orphans: 2; widows: 2; }
p.i1 { text-indent: 1cm; }
p.i2 { text-indent: 2cm; }
p.center { text-align: center; }
p.left { text-align: left; }
p.right { text-align: right; }
p.keep { break-after: avoid; }
.u { text-decoration: underline; }
table { border-collapse: collapse; width: 100%%; }
table.layout td { vertical-align: top; text-align: center; padding: 0; }
table.layout td div { margin: 0; }
table.header td.left { width: 42%%; }
table.header .nation { font-size: 15pt; font-weight: bold; text-decoration: underline; }
table.header .place-date { margin-top: 8pt; font-style: italic; }
table.grid { margin: 4pt 0 8pt; table-layout: fixed; }
table.grid th, table.grid td { border: 0.6pt solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left; }
table.grid th, table.grid td.center { text-align: center; }
table.grid thead { display: table-header-group; }
table.grid tr { break-inside: avoid; }
table.signatures { margin-top: 12pt; break-inside: avoid; }
table.signatures td.left { width: 45%%; }
table.signatures .room { height: 2.6cm; }
table.signatures .recipients { text-align: left; }
table.signatures .recipients .item { font-size: 12pt; }
.book-part { break-before: page; }
.cover { height: 250mm; border: 3pt double #000; padding: 20mm 10mm; box-sizing: border-box; }
.cover p { text-align: center; margin: 0; }
.cover .cell { font-weight: bold; }
.cover .star { margin-bottom: 60mm; }
.cover .title { font-size: 26pt; font-weight: bold; margin-bottom: 16mm; line-height: 1.5; }
.cover .year { font-size: 18pt; font-weight: bold; }
.index-title { margin-bottom: 8pt; }
a { color: inherit; text-decoration: none; }
a.page-ref::after { content: target-counter(attr(href), page); }
"""

_local = threading.local()


def _stylesheet() -> tuple[CSS, FontConfiguration]:
    if not hasattr(_local, "css"):
        font_config = FontConfiguration()
        css = font_face_css() + STYLESHEET % {"font": FONT_STACK}
        _local.css, _local.font_config = CSS(string=css, font_config=font_config), font_config
    return _local.css, _local.font_config


def _print(title: str, body: str) -> bytes:
    css, font_config = _stylesheet()
    page = f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>{body}</body></html>'
    return HTML(string=page).write_pdf(stylesheets=[css], font_config=font_config)


def render(document: Document) -> bytes:
    return _print(document.title, document_html(document))


@dataclass(frozen=True)
class BookEntry:
    date: str  # "03/01/2025"
    kind: str  # "Thường kỳ"
    document: Document


def render_book(superior: str, cell: str, year: int, entries: list[BookEntry]) -> bytes:
    """Cover (page 1, unnumbered), index with the real page numbers, then one minutes per part."""
    cover = (
        f'<section class="cover"><p class="org">{escape(superior)}</p><p class="cell">{escape(cell)}</p><p class="star">*</p>'
        f'<p class="title">SỔ BIÊN BẢN<br>SINH HOẠT CHI BỘ</p><p class="year">Năm {year}</p></section>'
    )
    if entries:
        rows = "".join(
            f'<tr><td class="center">{n}</td><td class="center"><a href="#m{n}">{escape(e.date)}</a></td>'
            f'<td>{escape(e.kind)}</td><td class="center"><a class="page-ref" href="#m{n}"></a></td></tr>'
            for n, e in enumerate(entries, start=1)
        )
        index_body = (
            '<table class="grid"><colgroup><col style="width:10%"><col style="width:28%"><col style="width:47%">'
            '<col style="width:15%"></colgroup><thead><tr><th>STT</th><th>Ngày sinh hoạt</th>'
            f"<th>Hình thức sinh hoạt</th><th>Trang</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        index_body = f'<p class="center"><i>Chưa có biên bản sinh hoạt nào trong năm {year}.</i></p>'
    index = (
        f'<section class="book-part"><p class="center index-title"><b>MỤC LỤC</b></p>{index_body}</section>'
    )
    parts = "".join(
        f'<section class="book-part" id="m{n}">{document_html(e.document)}</section>'
        for n, e in enumerate(entries, start=1)
    )
    return _print(f"Sổ biên bản sinh hoạt chi bộ năm {year}", cover + index + parts)


# ---------------------------------------------------------------------------------------
# Blocks to HTML


def document_html(document: Document) -> str:
    out = []
    for block in document.blocks:
        if isinstance(block, Header):
            out.append(_header(block))
        elif isinstance(block, Para):
            out.append(_para(block))
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, SignatureRow):
            out.append(_signatures(block))
        else:  # pragma: no cover - the model has no other block
            raise TypeError(f"unknown block {block!r}")
    return "".join(out)


def _run(run: Run) -> str:
    html = escape(run.text)
    if run.underline:
        html = f'<span class="u">{html}</span>'
    if run.italic:
        html = f"<i>{html}</i>"
    if run.bold:
        html = f"<b>{html}</b>"
    return html


def _para(block: Para) -> str:
    classes = [block.align] if block.align != "justify" else []
    if block.indent:
        classes.append(f"i{block.indent}")
    if block.keep_with_next:
        classes.append("keep")
    styles = []
    if block.size:
        styles.append(f"font-size:{block.size}pt")
    if block.space_before:
        styles.append(f"margin-top:{block.space_before}pt")
    attrs = (f' class="{" ".join(classes)}"' if classes else "") + (
        f' style="{";".join(styles)}"' if styles else ""
    )
    return f"<p{attrs}>{''.join(_run(r) for r in block.runs)}</p>"


def _header(block: Header) -> str:
    left = [f"<div>{escape(block.superior)}</div>", f"<div><b>{escape(block.cell)}</b></div>", "<div>*</div>"]
    if block.number:
        left.append(f"<div>{escape(block.number)}</div>")
    right = f'<div class="nation">ĐẢNG CỘNG SẢN VIỆT NAM</div><div class="place-date">{escape(block.place_date)}</div>'
    return (
        f'<table class="layout header"><tr><td class="left">{"".join(left)}</td><td>{right}</td></tr></table>'
    )


def _table(block: Table) -> str:
    total = sum(block.widths)
    cols = "".join(f'<col style="width:{w * 100 / total:.1f}%">' for w in block.widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)
    rows = "".join(
        "<tr>" + "".join(_cell(v, i in block.centered) for i, v in enumerate(row)) + "</tr>"
        for row in block.rows
    )
    return f'<table class="grid"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _cell(text: str, centered: bool) -> str:
    lines = "<br>".join(escape(line) for line in text.splitlines())
    return f'<td class="center">{lines}</td>' if centered else f"<td>{lines}</td>"


def _signature_cell(part: Signature | Recipients | None) -> str:
    if isinstance(part, Signature):
        titles = "".join(f"<div><b>{escape(t)}</b></div>" for t in part.titles)
        note = f"<div><i>{escape(part.note)}</i></div>" if part.note else ""
        return f'{titles}{note}<div class="room"></div><div><b>{escape(part.name)}</b></div>'
    if isinstance(part, Recipients):
        items = "".join(f'<div class="item">{escape(i)}</div>' for i in part.items)
        return f'<div class="recipients"><div class="u">{escape(part.label)}</div>{items}</div>'
    return ""


def _signatures(block: SignatureRow) -> str:
    return (
        f'<table class="layout signatures"><tr><td class="left">{_signature_cell(block.left)}</td>'
        f"<td>{_signature_cell(block.right)}</td></tr></table>"
    )
