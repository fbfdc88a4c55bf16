"""The year-end sheet as a PDF, drawn with reportlab's canvas: A4 landscape, Tinos 9 (the title
14, the sections' titles 11), its two tables with fixed column widths, their cells wrapped within
them, broken across pages with the header row repeated on each page.

It was printed from HTML by WeasyPrint until 04/12/2026: ~150-170 ms of CPU a sheet, nine tenths
laying the tables out; drawn here, the same text in a few milliseconds (docs/scale.md, "Year-end
sheets"), which `chibo year-sheet --format pdf` needs to print a province's 12 000 sheets within
issue 9's ten minutes. The page's download and the command both call `to_pdf`."""

from __future__ import annotations

import io
import unicodedata
from functools import lru_cache

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from chibo.meetings.documents.fonts import reportlab_tinos

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 12 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
SIZE, LEADING = 9, 10.5  # the tables' and paragraphs' text
PAD_X, PAD_Y = 3, 2  # a table cell's padding
ASCENT = 0.9  # Tinos' ascent (em): from a line's top to its baseline


def _columns(fixed_mm: list[float], shares: list[float]) -> list[float]:
    """Column widths (points): the fixed ones, then the rest of the width shared out."""
    fixed = [w * mm for w in fixed_mm]
    rest = WIDTH - sum(fixed)
    return fixed + [rest * s / sum(shares) for s in shares]


MEMBER_WIDTHS = _columns([22, 48], [1] * 12)  # code, name, the twelve figures
MEETING_WIDTHS = _columns([19, 34, 17, 14, 11, 22, 17], [3, 2])  # ..., findings, visits


@lru_cache(maxsize=1)
def _fonts() -> dict[bool, list[tuple[str, frozenset[int]]]]:
    return {bold: reportlab_tinos(bold) for bold in (False, True)}


@lru_cache(maxsize=8192)
def _runs(text: str, bold: bool) -> tuple[tuple[tuple[str, str], ...], float]:
    """`text` as runs of (font name, characters), each character in the first of Tinos' subsets that
    has it, and its width at size 1."""
    fonts = _fonts()[bold]
    if text.isascii():
        runs = [(fonts[0][0], text)]
    else:
        runs = []
        for char in text:
            name = next((n for n, points in fonts if ord(char) in points), fonts[0][0])
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
    return tuple(runs), sum(pdfmetrics.stringWidth(chars, name, 1) for name, chars in runs)


def _width(text: str, bold: bool, size: float) -> float:
    return _runs(text, bold)[1] * size


@lru_cache(maxsize=8192)
def _wrap(text: str, bold: bool, size: float, width: float) -> tuple[str, ...]:
    """`text` (NFC) in lines no wider than `width`: broken at spaces, a word too long at a character."""
    text = unicodedata.normalize("NFC", text)
    if _width(text, bold, size) <= width:
        return (text,)
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, bold, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while _width(word, bold, size) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and _width(word[:cut], bold, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    return tuple(lines)


class _Pages:
    """A canvas and where the next line goes; each page's text in one text object."""

    def __init__(self, out: io.BytesIO):
        regular = _fonts()[False][0][0]  # the canvas's own font too: nothing in Helvetica
        self.canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True, pageCompression=1,
                             initialFontName=regular, initialFontSize=SIZE)
        self.canvas.setLineWidth(0.5)
        self.canvas.setStrokeColorRGB(0.27, 0.27, 0.27)
        self.y = PAGE_HEIGHT - MARGIN
        self.text = self.canvas.beginText()
        self.font: tuple[str, float] | None = None

    def new_page(self) -> None:
        self.canvas.drawText(self.text)
        self.canvas.showPage()
        self.canvas.setLineWidth(0.5)
        self.canvas.setStrokeColorRGB(0.27, 0.27, 0.27)
        self.y = PAGE_HEIGHT - MARGIN
        self.text = self.canvas.beginText()
        self.font = None

    def room(self) -> float:
        return self.y - MARGIN

    def line(self, text: str, x: float, baseline: float, bold: bool, size: float) -> None:
        self.text.setTextOrigin(x, baseline)
        for name, chars in _runs(text, bold)[0]:
            if self.font != (name, size):
                self.text.setFont(name, size)
                self.font = (name, size)
            self.text.textOut(chars)

    def paragraph(self, text: str, *, bold: bool = False, size: float = SIZE, center: bool = False,
                  before: float = 0, after: float = 4) -> None:
        lines = _wrap(text, bold, size, WIDTH)
        leading = size * LEADING / SIZE
        if self.room() < before + len(lines) * leading:
            self.new_page()
        else:
            self.y -= before
        for line in lines:
            x = MARGIN + (WIDTH - _width(line, bold, size)) / 2 if center else MARGIN
            self.line(line, x, self.y - ASCENT * size, bold, size)
            self.y -= leading
        self.y -= after

    def _row_lines(self, row: list, widths: list[float], bold: bool) -> tuple[list[tuple[str, ...]], float]:
        cells = [_wrap(str(value), bold, SIZE, w - 2 * PAD_X) for value, w in zip(row, widths, strict=True)]
        return cells, max(len(lines) for lines in cells) * LEADING + 2 * PAD_Y

    def table(self, title: str, rows: list[list], widths: list[float], *, numbers_from: int, bold_last: bool = False) -> None:
        """`rows[0]` the header row (bold, repeated on every page the table spans), then the body;
        a body cell from column `numbers_from` on that is a number is aligned right."""
        header, header_height = self._row_lines(rows[0], widths, True)
        laid = [(self._row_lines(row, widths, bold_last and i == len(rows) - 1), row)
                for i, row in enumerate(rows[1:], 1)]
        first_height = laid[0][0][1] if laid else 0
        title_height = 11 * LEADING / SIZE + 10
        if self.room() < title_height + header_height + first_height:
            self.new_page()
        self.paragraph(title, bold=True, size=11, before=6, after=4)
        edges = [MARGIN]
        for w in widths:
            edges.append(edges[-1] + w)
        top = self.y
        rules = [self.y]  # the y of each horizontal rule of this page's part of the table

        def draw(cells, height, bold, row=None):
            for i, lines in enumerate(cells):
                right = row is not None and i >= numbers_from and isinstance(row[i], int)
                for n, text in enumerate(lines):
                    x = edges[i + 1] - PAD_X - _width(text, bold, SIZE) if right else edges[i] + PAD_X
                    self.line(text, x, self.y - PAD_Y - ASCENT * SIZE - n * LEADING, bold, SIZE)
            self.y -= height
            rules.append(self.y)

        def close():
            lines = [(edges[0], y, edges[-1], y) for y in rules]
            lines += [(x, top, x, rules[-1]) for x in edges]
            self.canvas.lines(lines)

        draw(header, header_height, True)
        for i, ((cells, height), row) in enumerate(laid, 1):
            if self.room() < height:
                close()
                self.new_page()
                top = self.y
                rules = [self.y]
                draw(header, header_height, True)
            draw(cells, height, bold_last and i == len(laid), row)
        close()

    def finish(self) -> None:
        self.canvas.drawText(self.text)
        self.canvas.showPage()
        self.canvas.save()


def render(lines: list[str], members: list[list], meetings: list[list], grades: dict[str, int],
           period_findings: list[tuple[str, str]]) -> bytes:
    """The sheet's PDF from its heading's lines, its two tables (header row first; the members'
    last row their totals) and the cell's grades and findings of a period."""
    out = io.BytesIO()
    pages = _Pages(out)
    pages.paragraph(lines[0], bold=True, size=14, center=True, after=8)
    for line in lines[1:]:
        pages.paragraph(line)
    pages.table("Đảng viên", members, MEMBER_WIDTHS, numbers_from=2, bold_last=True)
    pages.table("Các cuộc họp", meetings, MEETING_WIDTHS, numbers_from=2)
    pages.paragraph("Xếp loại chất lượng các cuộc họp: " + ", ".join(f"{label}: {n}" for label, n in grades.items())
                    + ".", before=6)
    for period, label in period_findings:
        pages.paragraph(f"{period}: {label}")
    pages.finish()
    return out.getvalue()
