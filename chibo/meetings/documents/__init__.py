"""The official documents of a cell meeting: minutes, resolution and the year's minutes book.

Public API (pure: plain data in, file bytes out, no ORM and no settings needed):

- `minutes_docx(data) -> bytes`, `minutes_pdf(data) -> bytes`: the minutes (biên bản).
- `resolution_docx(data) -> bytes`, `resolution_pdf(data) -> bytes`: the resolution (nghị quyết).
- `minutes_book_pdf(cell_name, superior_name, year, items) -> bytes`: cover, index with page
  numbers, then every meeting's minutes from a new page.
- `notice_docx(data) -> bytes`, `notice_pdf(data) -> bytes`: the meeting notice (thông báo), one
  page, from a `NoticeData`.

`data` is a `MinutesData` (see `data.py`). This module says what each document contains, as
blocks of the document model; `docx_builder` and `pdf_builder` lay the blocks out
(A4, Times New Roman / Tinos 14, layout of Hướng dẫn 36-HD/VPTW). The builders are imported
when a document is printed, not with the package: WeasyPrint alone costs about a second of
start-up, which every page and `chibo` command would otherwise pay.

The package's database side sits beside the layout and the layout never imports it
(tests/test_architecture.py): `adapter.py` reads the record (or a finalized meeting's
snapshot) into `MinutesData`, `views.py` and `urls.py` are the downloads.
"""

from __future__ import annotations

from .data import (
    ABSENCE_LABELS,
    DOTS,
    GRADE_LABELS,
    KIND_LABELS,
    VOTE_KIND_LABELS,
    VOTE_METHOD_LABELS,
    AgendaItem,
    Amendment,
    Block,
    Counts,
    Document,
    FeeStatus,
    Guest,
    Header,
    MinutesData,
    NoticeData,
    Para,
    Recipients,
    Run,
    ScoreGroup,
    Signature,
    SignatureRow,
    Speech,
    Table,
    Task,
    VoteLine,
    cell_line,
    date_words,
    fmt_date,
    fmt_datetime,
    group_speeches,
    meeting_subtitle,
    money,
    month_number,
    month_words,
    nfc,
    percent,
    superior_committee,
    superior_line,
    time_words,
    verdict_label,
)
from .fonts import FontsMissing

__all__ = [
    "AgendaItem",
    "Amendment",
    "Counts",
    "FeeStatus",
    "FontsMissing",
    "Guest",
    "MinutesData",
    "NoticeData",
    "ScoreGroup",
    "Speech",
    "Task",
    "VoteLine",
    "group_speeches",
    "minutes_book_pdf",
    "minutes_docx",
    "minutes_pdf",
    "notice_docx",
    "notice_pdf",
    "resolution_docx",
    "resolution_pdf",
]


def minutes_docx(data: MinutesData) -> bytes:
    from . import docx_builder

    return docx_builder.render(minutes_document(data))


def minutes_pdf(data: MinutesData) -> bytes:
    from . import pdf_builder

    return pdf_builder.render(minutes_document(data))


def resolution_docx(data: MinutesData) -> bytes:
    from . import docx_builder

    return docx_builder.render(resolution_document(data))


def resolution_pdf(data: MinutesData) -> bytes:
    from . import pdf_builder

    return pdf_builder.render(resolution_document(data))


def notice_docx(data: NoticeData) -> bytes:
    from . import docx_builder

    return docx_builder.render(notice_document(data))


def notice_pdf(data: NoticeData) -> bytes:
    from . import pdf_builder

    return pdf_builder.render(notice_document(data))


def minutes_book_pdf(cell_name: str, superior_name: str, year: int, items: list[MinutesData]) -> bytes:
    """The year's minutes book; meetings in order of date, then id (rules.md §7.2)."""
    from . import pdf_builder

    ordered = sorted(items, key=lambda m: (m.date, m.meeting_id))
    entries = [
        pdf_builder.BookEntry(fmt_date(m.date), KIND_LABELS[m.kind].capitalize(), minutes_document(m))
        for m in ordered
    ]
    return pdf_builder.render_book(superior_line(superior_name), cell_line(cell_name), year, entries)


# ---------------------------------------------------------------------------------------
# Building blocks


def _p(*parts: str | Run, align="justify", indent=1, size=None, space_before=0, keep=False) -> Para:
    runs = tuple(
        Run(nfc(p)) if isinstance(p, str) else Run(nfc(p.text), p.bold, p.italic, p.underline) for p in parts
    )
    return Para(runs, align=align, indent=indent, size=size, space_before=space_before, keep_with_next=keep)


def _b(text: str) -> Run:
    return Run(text, bold=True)


def _i(text: str) -> Run:
    return Run(text, italic=True)


def _heading(text: str) -> Para:
    return _p(_b(text), space_before=6, keep=True)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in nfc(text).splitlines() if line.strip()]


def _text_paras(text: str | None, empty: str = DOTS * 6) -> list[Para]:
    return [_p(line) for line in _lines(text)] or [_p(empty)]


def _header(data: MinutesData, number: str | None = None) -> Header:
    place = nfc(data.place_of_issue).strip() or DOTS
    return Header(
        superior_line(data.superior_name),
        cell_line(data.cell_name),
        number,
        f"{place}, {date_words(data.date)}",
    )


def _title(title: str, data: MinutesData) -> list[Para]:
    blocks = [
        _p(_b(title), align="center", indent=0, size=16, space_before=18),
        _p(_b(meeting_subtitle(data)), align="center", indent=0),
    ]
    if data.topic and data.kind in ("thematic", "combined"):
        blocks.append(
            _p(_b("Chuyên đề: "), Run(data.topic, bold=True, italic=True), align="center", indent=0)
        )
    blocks.append(_p("-----", align="center", indent=0))
    return blocks


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n - 1]


def _name(name: str | None) -> str:
    return nfc(name).strip() or DOTS * 3


# ---------------------------------------------------------------------------------------
# Minutes


def minutes_document(data: MinutesData) -> Document:
    sections: list[tuple[str, list[Block]]] = [
        ("THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN", _composition(data)),
        ("NỘI DUNG SINH HOẠT", _proceedings(data)),
    ]
    if data.votes:
        sections.append(("KẾT QUẢ BIỂU QUYẾT", _votes(data.votes)))
    sections.append(("KẾT LUẬN CỦA CHỦ TRÌ", _text_paras(data.conclusion)))
    if data.tasks:
        sections.append(("PHÂN CÔNG THỰC HIỆN", [_tasks_table(data.tasks)]))
    if data.score_groups:
        sections.append(("ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT", _frame_score(data)))
    elif data.score_total is not None or data.grade:
        sections.append(("ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT", [_score(data)]))

    blocks: list[Block] = [_header(data), *_title("BIÊN BẢN", data)]
    for n, (heading, body) in enumerate(sections, start=1):
        blocks.append(_heading(f"{_roman(n)}. {heading}"))
        blocks.extend(body)
    blocks.append(
        _p(f"Buổi sinh hoạt kết thúc vào lúc {time_words(data.end)} cùng ngày.", space_before=6, keep=True)
    )
    note = "(Ký, ghi rõ họ tên)"
    blocks.append(
        SignatureRow(
            Signature(("THƯ KÝ",), nfc(data.secretary_name), note),
            Signature(("CHỦ TRÌ",), nfc(data.chair_name), note),
        )
    )
    if data.amendments:
        blocks.extend(_amendments(data.amendments))
    return Document(f"Biên bản {meeting_subtitle(data).lower()}", tuple(blocks))


def _composition(data: MinutesData) -> list[Block]:
    c = data.counts
    blocks: list[Block] = [
        _p(f"1. Thời gian: bắt đầu vào lúc {time_words(data.start)}, ngày {fmt_date(data.date)}."),
        _p(f"2. Địa điểm: {nfc(data.place).strip() or DOTS * 4}."),
        _p("3. Thành phần:", keep=True),
        _p(
            f"- Tổng số đảng viên của chi bộ: {c.on_roll} đồng chí (chính thức: {c.official}, "
            f"dự bị: {c.probationary}); miễn công tác và sinh hoạt đảng: {c.exempt}; "
            f"đi vắng dài ngày: {c.away}."
        ),
        _p(f"- Số đảng viên phải có mặt: {c.expected} đồng chí."),
    ]
    rate = percent(c.present, c.expected)
    present = f"- Có mặt: {c.present}/{c.expected} đồng chí" + (f" (đạt {rate})" if rate else "")
    names = [nfc(n) for n in data.present_members]
    blocks.append(_p(present + (f", gồm các đồng chí: {', '.join(names)}." if names else ".")))
    if data.absent:
        blocks.append(_p(f"- Vắng mặt: {len(data.absent)} đồng chí:", keep=True))
        for a in data.absent:
            reason = nfc(a.reason).strip()
            if a.status == "absent_excused":
                reason = reason or "chưa ghi lý do"
            text = f"+ Đồng chí {nfc(a.name)}: {ABSENCE_LABELS[a.status]}" + (
                f" ({reason})" if reason else ""
            )
            blocks.append(_p(text + ".", indent=2))
    else:
        blocks.append(_p("- Vắng mặt: không."))
    if data.guests:
        blocks.append(_p("- Khách mời:", keep=True))
        for g in data.guests:
            parts = [f"Đồng chí {nfc(g.name)}"] + [
                nfc(x) for x in (g.title, g.organization) if nfc(x).strip()
            ]
            blocks.append(_p("+ " + ", ".join(parts) + ".", indent=2))
    blocks.append(_p(f"4. Chủ trì: đồng chí {_name(data.chair_name)}."))
    blocks.append(_p(f"5. Thư ký: đồng chí {_name(data.secretary_name)}."))
    if data.fee_status is not None:
        blocks.append(_fee_paragraph(data.fee_status))
    return blocks


def fee_text(fee: FeeStatus) -> str:
    """The opening's party-fee paragraph: members paid in full out of those with a recorded due,
    amount collected against the amount due after relief, the members not paid in full by name
    (totals and names only, never a member's income or amount: see `FeeStatus`)."""
    text = (f"6. Đảng phí tháng {month_number(fee.month)}: {fee.paid_members}/{fee.members} đồng chí đã nộp đủ; "
            f"đã thu {money(fee.paid)}/{money(fee.due_after)} đồng phải đóng (sau miễn, giảm)")
    if fee.missing:
        text += f"; {fee.missing} đồng chí chưa có số phải đóng"
    names = [nfc(n) for n in fee.unpaid]
    if names:
        return text + f". Chưa nộp đủ: đồng chí {', '.join(names)}."
    return text + ". Không có đồng chí nào chưa nộp đủ."


def _fee_paragraph(fee: FeeStatus) -> Para:
    return _p(fee_text(fee))


def _proceedings(data: MinutesData) -> list[Block]:
    if not data.agenda:
        return [_p(_i("Không có nội dung nào được ghi nhận."))]
    blocks: list[Block] = []
    for n, item in enumerate(data.agenda, start=1):
        blocks.append(_p(_b(f"{n}. {nfc(item.title)}"), keep=bool(item.speeches)))
        for speech in item.speeches:
            lines = _lines(speech.summary) or [""]
            blocks.append(_p("- Đồng chí ", _b(nfc(speech.speaker_name)), f": {lines[0]}"))
            blocks.extend(_p(line) for line in lines[1:])
    return blocks


def _votes(votes: list[VoteLine]) -> list[Block]:
    blocks: list[Block] = []
    for n, v in enumerate(votes, start=1):
        blocks.append(_p(_b(f"{n}. {nfc(v.subject)}"), f" ({VOTE_KIND_LABELS[v.kind]}).", keep=True))
        blocks.append(
            _p(
                f"- Hình thức: {VOTE_METHOD_LABELS[v.method]}. Số đảng viên có quyền biểu quyết: {v.eligible}; "
                f"số phiếu tán thành cần để thông qua: {v.threshold}.",
                keep=True,
            )
        )
        rate = percent(v.for_, v.eligible)
        counts = f"- Kết quả: tán thành {v.for_}/{v.eligible}" + (f" ({rate})" if rate else "")
        counts += f"; không tán thành {v.against}; không biểu quyết {v.abstain}"
        if v.method == "secret_ballot" or v.invalid:
            counts += f"; phiếu không hợp lệ {v.invalid}"
        blocks.append(_p(counts + ".", keep=True))
        blocks.append(_p("- Kết luận: ", _b(verdict_label(v.passed)), "."))
    return blocks


def _task_cells(t: Task) -> tuple[str, str, str]:
    return (
        nfc(t.assignee_name).strip() or "Chưa phân công",
        nfc(t.description).strip(),
        fmt_date(t.due) or "Chưa xác định",
    )


def _tasks_table(tasks: list[Task]) -> Table:
    rows = tuple((str(n), *_task_cells(t)) for n, t in enumerate(tasks, start=1))
    return Table(
        ("STT", "Người thực hiện", "Nội dung công việc", "Thời hạn"), (7, 25, 48, 20), rows, centered=(0, 3)
    )


def _score(data: MinutesData) -> Para:
    parts: list[str | Run] = []
    if data.score_total is not None:
        parts.append(f"Tổng điểm: {data.score_total}/100" + (" (tạm tính)" if data.provisional else ""))
    if data.grade:
        parts += ["; xếp loại: " if parts else "Xếp loại: ", _b(GRADE_LABELS[data.grade])]
    return _p(*parts, ".")


def _frame_score(data: MinutesData) -> list[Block]:
    """HD 42: the frame rubric's groups with their points, the total and grade, the superior's
    official grade once decided, and what to remedy."""
    rows = tuple((str(n), nfc(g.name) + (f" ({nfc(g.note)})" if g.note else ""), str(g.max), str(g.points))
                 for n, g in enumerate(data.score_groups, start=1))
    blocks: list[Block] = []
    if data.rubric_name:
        blocks.append(_p(f"Chấm theo: {nfc(data.rubric_name)}."))
    blocks.append(Table(("STT", "Nhóm tiêu chí", "Điểm tối đa", "Điểm"), (8, 62, 15, 15), rows, centered=(0, 2, 3)))
    blocks.append(_score(data))
    if data.official_grade:
        blocks.append(_p("Cấp ủy cấp trên quyết định xếp loại: ", _b(GRADE_LABELS[data.official_grade]), "."))
    if data.remedies:
        blocks.append(_p(_b("Biện pháp khắc phục:"), keep=True))
        blocks.extend(_p(f"- {nfc(r)}") for r in data.remedies)
    return blocks


def _amendments(amendments: list[Amendment]) -> list[Block]:
    rows = tuple(
        (str(n), fmt_datetime(a.when), nfc(a.author), nfc(a.reason), nfc(a.summary))
        for n, a in enumerate(amendments, start=1)
    )
    return [
        _p(_b("CÁC LẦN SỬA ĐỔI BIÊN BẢN"), align="center", indent=0, space_before=18, keep=True),
        Table(
            ("STT", "Thời điểm", "Người sửa", "Lý do", "Nội dung sửa đổi"),
            (7, 20, 20, 23, 30),
            rows,
            centered=(0, 1),
        ),
    ]


# ---------------------------------------------------------------------------------------
# Resolution


def resolution_document(data: MinutesData) -> Document:
    number = nfc(data.resolution_number).strip()
    if number.casefold().startswith("số"):
        number = number[2:].strip()
    c = data.counts
    blocks: list[Block] = [
        _header(data, f"Số {number or '      -NQ/CB'}"),
        *_title("NGHỊ QUYẾT", data),
        _p(_i("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;")),
        _p(
            _i(
                f"- Căn cứ kết quả buổi sinh hoạt chi bộ {KIND_LABELS[data.kind]} ngày {fmt_date(data.date)}, "
                f"có {c.present}/{c.expected} đảng viên phải dự có mặt,"
            )
        ),
        _p(_b("CHI BỘ QUYẾT NGHỊ:"), align="center", indent=0, space_before=6, keep=True),
        *_text_paras(data.resolution_text or data.conclusion),
    ]
    if data.tasks:
        blocks.append(_p(_b("Phân công tổ chức thực hiện:"), keep=True))
        for t in data.tasks:
            who, what, due = _task_cells(t)
            blocks.append(_p(f"- {who}: {what} (thời hạn: {due})."))
    adopted = next((v for v in data.votes if v.kind == "resolution" and v.passed), None)
    if adopted:
        rate = percent(adopted.for_, adopted.eligible)
        blocks.append(
            _p(
                f"Nghị quyết được chi bộ biểu quyết thông qua với {adopted.for_}/{adopted.eligible} "
                f"đảng viên có quyền biểu quyết tán thành" + (f" (đạt {rate})" if rate else "") + "."
            )
        )
    if data.score_groups and data.grade:
        blocks.append(_p(f"Chi bộ tự đánh giá chất lượng buổi sinh hoạt đạt {data.score_total}/100 điểm"
                         + (" (tạm tính)" if data.provisional else "") + ", xếp loại ", _b(GRADE_LABELS[data.grade]),
                         "."))
        if data.remedies:
            blocks.append(_p("Biện pháp khắc phục những mặt còn hạn chế:", keep=True))
            blocks.extend(_p(f"- {nfc(r)}") for r in data.remedies)
    blocks.append(_p("Các đồng chí đảng viên trong chi bộ có trách nhiệm thực hiện nghị quyết này."))
    recipients = Recipients((f"- {superior_committee(data.superior_name)},", "- Lưu chi bộ."))
    title = nfc(data.secretary_title_for_signing).strip().upper() or "BÍ THƯ"
    blocks.append(SignatureRow(recipients, Signature(("T/M CHI BỘ", title), nfc(data.signer_name))))
    return Document(f"Nghị quyết {meeting_subtitle(data).lower()}", tuple(blocks))


# ---------------------------------------------------------------------------------------
# Notice


def notice_document(data: NoticeData) -> Document:
    """The meeting notice: heading, "THÔNG BÁO" about the meeting, time, place, order of business,
    who is invited, the request to attend, the secretary's signature and where it goes."""
    kind = KIND_LABELS[data.kind]
    subject = f"Về việc sinh hoạt chi bộ {kind} {month_words(data.date)}"
    place = nfc(data.place_of_issue).strip() or DOTS
    blocks: list[Block] = [
        Header(superior_line(data.superior_name), cell_line(data.cell_name), "Số      -TB/CB",
               f"{place}, {date_words(data.issued_on)}"),
        _p(_b("THÔNG BÁO"), align="center", indent=0, size=16, space_before=18),
        _p(_b(subject), align="center", indent=0),
    ]
    if data.topic and data.kind in ("thematic", "combined"):
        blocks.append(_p(_b("Chuyên đề: "), Run(data.topic, bold=True, italic=True), align="center", indent=0))
    blocks += [
        _p("-----", align="center", indent=0),
        _p(f"Chi ủy {nfc(data.cell_name)} thông báo sinh hoạt chi bộ {kind} như sau:"),
        _p(f"1. Thời gian: bắt đầu vào lúc {time_words(data.start)}, ngày {fmt_date(data.date)}."),
        _p(f"2. Địa điểm: {nfc(data.place).strip() or DOTS * 4}."),
        _p("3. Nội dung:", keep=True),
    ]
    blocks += [_p(f"- {item}.", indent=2) for item in data.agenda] or [_p(DOTS * 6, indent=2)]
    members = data.invited_members
    blocks.append(_p("4. Thành phần:", keep=True))
    blocks.append(_p(f"- Toàn thể đảng viên của chi bộ ({len(members)} đồng chí)"
                     + (f": {', '.join(members)}." if members else ".")))
    for guest in data.invited_guests:
        blocks.append(_p(f"- Mời dự: đồng chí {guest}."))
    blocks.append(_p("Đề nghị các đồng chí đảng viên dự họp đầy đủ, đúng giờ; đồng chí nào vắng mặt phải báo "
                     "lý do với chi ủy trước buổi sinh hoạt.", space_before=6))
    recipients = Recipients(("- Các đảng viên trong chi bộ,", f"- {superior_committee(data.superior_name)} (b/c),",
                             "- Lưu chi bộ."))
    title = nfc(data.signer_title).strip().upper() or "BÍ THƯ"
    blocks.append(SignatureRow(recipients, Signature(("T/M CHI ỦY", title), nfc(data.signer_name))))
    return Document(f"Thông báo sinh hoạt chi bộ {kind} ngày {fmt_date(data.date)}", tuple(blocks))
