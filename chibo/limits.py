"""Input limits, in one place: sizes of free texts, rows per meeting, uploads and dates.

They keep every page and document fast whatever users type or import: the minutes PDF of a
meeting holding the largest accepted texts and the most rows prints in a few seconds
(`bench/bench_largest_minutes.py`): WeasyPrint's time grows with the printed text, about a
second for 10 pages, so the limits bound what one meeting's minutes print to about 30 pages. The services, the forms and `chibo import` enforce them with
the same numbers; the integer columns are checked against the database's own bounds
(`chibo.interchange.db.import_limits`). Pure Python, no Django.

A Vietnamese cell's minutes run to a few pages: a speech summary is a paragraph or two, the
conclusion and the resolution a page or two each. The limits leave generous room above that.
"""

from datetime import date

#: Free texts without a column length (TextField), by "model.field": characters at most.
TEXT_LIMITS: dict[str, int] = {
    "speech.summary": 3_000,  # tóm tắt một ý kiến phát biểu
    "meeting.conclusion": 10_000,  # kết luận của chủ trì
    "meeting.cancel_reason": 500,  # lý do hủy cuộc họp (Meeting.cancel_reason)
    "meeting.resolution_text": 20_000,  # nội dung nghị quyết
    "task.description": 1_000,  # nhiệm vụ được giao
    "task.done_note": 2_000,  # kết quả thực hiện nhiệm vụ
    "agenda.notes": 2_000,  # ghi chú một mục chương trình
    "amendment.reason": 500,  # lý do đính chính
    "orientation.content": 5_000,  # nội dung định hướng sinh hoạt chi bộ của cấp ủy
}

#: The long texts the minutes print, together (conclusion, speech summaries, task descriptions):
#: about 9 of the minutes' pages. (The resolution text is printed in the resolution.)
MINUTES_TEXT_LIMIT = 25_000

#: Rows of one meeting (each row's short texts are bounded by their column).
ROW_LIMITS: dict[str, int] = {
    "speeches": 60,
    "votes": 15,
    "tasks": 30,
    "guests": 10,
    "agenda": 20,
    "amendments": 5,
}
#: The history of amendments printed under the minutes shows each old and new value up to this
#: many characters (the full values stay in the amendment record).
AMENDMENT_SHOWN = 200
ROW_LABELS: dict[str, str] = {
    "speeches": "ý kiến phát biểu",
    "votes": "lượt biểu quyết",
    "tasks": "nhiệm vụ",
    "guests": "khách mời",
    "agenda": "mục chương trình",
    "amendments": "lần đính chính",
}

#: Uploads, in bytes.
MB = 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * MB  # meeting documents and thematic presentations
SPREADSHEET_MAX_BYTES = 5 * MB  # the Excel member import
#: ... and what its parts unpack to (a sheet of a million blank rows packs into little: openpyxl
#: reads a sheet whole before the first row when it states no dimension). 10,000 rows are ~7 MB.
SPREADSHEET_MAX_UNPACKED = 40 * MB
#: The Excel member import: data rows at most, and reading stops after this many blank rows in
#: a row (a sheet of a million formatted but empty rows is not read to the end).
SPREADSHEET_MAX_ROWS = 10_000
SPREADSHEET_BLANK_RUN = 1_000

#: Dates: years outside are typing mistakes (and break calendars and documents).
YEAR_MIN, YEAR_MAX = 1900, 2100
DATE_MIN, DATE_MAX = date(YEAR_MIN, 1, 1), date(YEAR_MAX, 12, 31)


def size_label(n_bytes: int) -> str:
    """20 MB, 5 MB: how the messages name an upload limit."""
    return f"{n_bytes // MB} MB"


def too_long(label: str, limit: int) -> str:
    """The message for a text over its limit ("Kết luận dài quá 20.000 ký tự.")."""
    return f"{label} dài quá {limit:,} ký tự.".replace(",", ".")
