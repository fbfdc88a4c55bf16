"""Lay a `Document` out as an editable Word file: A4, Times New Roman 14 (Hướng dẫn 36-HD/VPTW)."""

from __future__ import annotations

from io import BytesIO

from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt

from .data import Document, Header, Para, Recipients, Signature, SignatureRow, Table

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
TEXT_WIDTH = Mm(210 - 30 - 15)
ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def render(document: Document) -> bytes:
    doc = new_docx()
    _setup(doc, document.title)
    for block in document.blocks:
        if isinstance(block, Header):
            _header(doc, block)
        elif isinstance(block, Para):
            _para(doc.add_paragraph(), block)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, SignatureRow):
            _signatures(doc, block)
        else:  # pragma: no cover - the model has no other block
            raise TypeError(f"unknown block {block!r}")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _setup(doc, title: str) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        style.font.size = BODY_SIZE
        # Word picks the East Asian and complex-script slots for some Vietnamese characters.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after, normal.line_spacing = Pt(0), Pt(4), 1.1
    doc.core_properties.title = title
    doc.core_properties.language = "vi-VN"
    # Page numbers at the bottom, centered, from page 2 on.
    section.different_first_page_header_footer = True
    _page_number(section.footer.paragraphs[0])


def _page_number(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _para(paragraph, block: Para) -> None:
    paragraph.alignment = ALIGN[block.align]
    fmt = paragraph.paragraph_format
    if block.indent:
        fmt.first_line_indent = Cm(block.indent)
    if block.space_before:
        fmt.space_before = Pt(block.space_before)
    if block.keep_with_next:
        fmt.keep_with_next = True
    for r in block.runs:
        run = paragraph.add_run(r.text)
        run.bold, run.italic, run.underline = r.bold or None, r.italic or None, r.underline or None
        if block.size:
            run.font.size = Pt(block.size)


def _line(
    cell_or_doc, text: str, *, first: bool = False, bold=False, italic=False, underline=False, size=None
):
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    if size:
        run.font.size = Pt(size)
    return paragraph


def _borderless(doc, widths: tuple[int, ...]):
    """A layout table: no style (no borders), fixed column widths in parts of the text width."""
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths)
    return table


def _widths(table, widths: tuple[int, ...]) -> None:
    # Word reads the cells' widths, LibreOffice the table grid's: set both.
    lengths = [Emu(int(TEXT_WIDTH * width / sum(widths))) for width in widths]
    for column, length in zip(table.columns, lengths, strict=True):
        column.width = length
    for row in table.rows:
        for cell, length in zip(row.cells, lengths, strict=True):
            cell.width = length


def _header(doc, block: Header) -> None:
    left, right = _borderless(doc, (42, 58)).rows[0].cells
    _line(left, block.superior, first=True)
    _line(left, block.cell, bold=True)
    _line(left, "*")
    if block.number:
        _line(left, block.number)
    _line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", first=True, bold=True, underline=True, size=15)
    _line(right, "")
    _line(right, block.place_date, italic=True)


def _table(doc, block: Table) -> None:
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, block.widths)
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        _line(cell, text, first=True, bold=True)
    for row, values in zip(table.rows[1:], block.rows, strict=True):
        for col, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            for i, line in enumerate(text.splitlines() or [""]):
                paragraph = _line(cell, line, first=i == 0)
                if col not in block.centered:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    doc.add_paragraph()


def _signatures(doc, block: SignatureRow) -> None:
    doc.add_paragraph().paragraph_format.keep_with_next = True
    left, right = _borderless(doc, (45, 55)).rows[0].cells
    for cell, part in ((left, block.left), (right, block.right)):
        if isinstance(part, Signature):
            _line(cell, part.titles[0], first=True, bold=True)
            for title in part.titles[1:]:
                _line(cell, title, bold=True)
            if part.note:
                _line(cell, part.note, italic=True)
            for _ in range(4):  # room for the signature
                _line(cell, "")
            _line(cell, part.name, bold=True)
        elif isinstance(part, Recipients):
            label = _line(cell, part.label, first=True, underline=True)
            label.alignment = WD_ALIGN_PARAGRAPH.LEFT
            for item in part.items:
                _line(cell, item, size=12).alignment = WD_ALIGN_PARAGRAPH.LEFT
