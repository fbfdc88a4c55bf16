"""The minutes' opening records the month's party fees (issue 14): members paid in full out of those
with a recorded due, the amount collected against the amount due after relief, the members not
paid in full by name; never a member's income or own amount. Finalized minutes keep the figures
they had at finalizing. The files are opened (python-docx, pypdf) and read back against
hand-worked numbers."""

import io
from datetime import date

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from chibo.fees import services as fees
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.models import Meeting, Speech
from chibo.meetings.recording import services as recording

JAN = date(2025, 1, 1)


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in open_docx(io.BytesIO(content)).paragraphs)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def january_fees(tree):
    """C1's January 2025: M1 due 50 000 (income 5 123 456 recorded), paid in full; M2 due 31 000
    halved by a relief (15 500), paid 10 000; M3 due 20 000, nothing paid. C2's M4 due 90 000,
    unpaid (another cell: not counted). Hand-worked: 1/3 paid in full, 60 000 collected of
    50 000 + 15 500 + 20 000 = 85 500 due after relief; not paid in full: M2, M3."""
    s = fees.fee_record_save
    s(cell=tree["C1"], member=tree["M1"], month=JAN, base=5_123_456, due=50_000, paid=50_000,
      paid_on=date(2025, 1, 2), channel="cash")
    fees.relief_save(cell=tree["C1"], member=tree["M2"], kind="reduce_50", basis="5.2", from_month=JAN,
                     to_month=date(2025, 6, 1), decided_by=tree["G"], reason="Ốm nặng", decision_number="3-QĐ/ĐU")
    s(cell=tree["C1"], member=tree["M2"], month=JAN, due=31_000, paid=10_000, paid_on=date(2025, 1, 2),
      channel="cash")
    s(cell=tree["C1"], member=tree["M3"], month=JAN, due=20_000)
    s(cell=tree["C2"], member=tree["M4"], month=JAN, due=90_000)
    return tree


OPENING = ("6. Đảng phí tháng 01/2025: 1/3 đồng chí đã nộp đủ; đã thu 60.000/85.500 đồng phải đóng "
           "(sau miễn, giảm). Chưa nộp đủ: đồng chí Trần Thị Bình, Lê Văn Cường.")


def test_the_opening_prints_the_months_fees_in_word_and_pdf(meeting, january_fees):
    data = docs_adapter.minutes_data(meeting)
    assert (data.fee_status.members, data.fee_status.paid_members, data.fee_status.paid,
            data.fee_status.due_after) == (3, 1, 60_000, 85_500)
    word = docx_text(docs_adapter.minutes_file(meeting, "docx"))
    paragraphs = word.split("\n")
    assert OPENING in paragraphs
    # in the opening section, right after the secretary, before the proceedings
    assert paragraphs.index(OPENING) == paragraphs.index("5. Thư ký: đồng chí Trần Thị Bình.") + 1
    assert paragraphs.index(OPENING) < paragraphs.index("II. NỘI DUNG SINH HOẠT")
    pdf = pdf_text(docs_adapter.minutes_file(meeting, "pdf"))
    assert OPENING in pdf
    # no member's income nor own amount; nothing of another cell
    for text in (word, pdf):
        for figure in ("5.123.456", "5123456", "50.000", "15.500", "31.000", "20.000", "90.000", "Phạm Văn Dũng"):
            assert figure not in text


def test_all_paid_and_members_without_a_due(meeting, january_fees):
    fees.fee_payment_record(cell=january_fees["C1"], member=january_fees["M2"], month=JAN, paid=15_500,
                            paid_on=date(2025, 1, 3), channel="cash")
    fees.fee_payment_record(cell=january_fees["C1"], member=january_fees["M3"], month=JAN, paid=20_000,
                            paid_on=date(2025, 1, 3), channel="cash")
    from chibo.fees.models import FeeRecord

    FeeRecord.objects.filter(member=january_fees["M3"]).delete()
    text = docx_text(docs_adapter.minutes_file(meeting, "docx"))
    assert ("6. Đảng phí tháng 01/2025: 2/2 đồng chí đã nộp đủ; đã thu 65.500/65.500 đồng phải đóng "
            "(sau miễn, giảm); 1 đồng chí chưa có số phải đóng. Không có đồng chí nào chưa nộp đủ.") in text.split("\n")


def test_no_recorded_due_prints_no_fee_paragraph(meeting, tree):
    fees.fee_record_save(cell=tree["C1"], member=tree["M1"], month=date(2025, 2, 1), due=50_000)  # another month
    data = docs_adapter.minutes_data(meeting)
    assert data.fee_status is None
    text = docx_text(docs_adapter.minutes_file(meeting, "docx"))
    assert "Đảng phí" not in text


def test_finalized_minutes_keep_the_fees_of_the_day_they_were_finalized(meeting, january_fees, personas):
    Speech.objects.create(meeting=meeting, position=0, member=january_fees["M2"], item="Tình hình", summary="Nhất trí.")
    Meeting.objects.filter(pk=meeting.pk).update(conclusion="Chi bộ thống nhất.")
    recording.meeting_scores_set(meeting, preparation=8, conduct=9, principles=10, user=personas["secretary"])
    finalized = recording.meeting_finalize(Meeting.objects.get(pk=meeting.pk), personas["secretary"])
    stored = Meeting.objects.get(pk=finalized.pk).minutes_snapshot["data"]["fee_status"]
    assert stored == {"month": "2025-01-01", "members": 3, "paid_members": 1, "due_after": 85_500, "paid": 60_000,
                      "unpaid": ["Trần Thị Bình", "Lê Văn Cường"], "missing": 0}
    word_before = docx_text(docs_adapter.minutes_file(finalized, "docx"))
    pdf_before = pdf_text(docs_adapter.minutes_file(finalized, "pdf"))
    assert OPENING in word_before.split("\n") and OPENING in pdf_before
    # M3 pays later: the ledger changes, the finalized minutes do not
    fees.fee_payment_record(cell=january_fees["C1"], member=january_fees["M3"], month=JAN, paid=20_000,
                            paid_on=date(2025, 1, 20), channel="cash")
    meeting = Meeting.objects.get(pk=finalized.pk)
    assert docx_text(docs_adapter.minutes_file(meeting, "docx")) == word_before
    assert pdf_text(docs_adapter.minutes_file(meeting, "pdf")) == pdf_before
    live, _full = docs_adapter.live_minutes_data(meeting)
    assert (live.fee_status.paid_members, live.fee_status.paid, live.fee_status.unpaid) == (2, 80_000, ("Trần Thị Bình",))
    # an amendment of the header re-freezes what it amends only
    recording.meeting_amend(meeting, personas["secretary"], "Ghi nhầm địa điểm", {"place": "Hội trường xã"})
    meeting = Meeting.objects.get(pk=finalized.pk)
    assert meeting.minutes_snapshot["data"]["fee_status"] == stored
    assert OPENING in docx_text(docs_adapter.minutes_file(meeting, "docx")).split("\n")


def test_minutes_frozen_before_the_fee_paragraph_stay_without_it(meeting, january_fees, personas):
    Speech.objects.create(meeting=meeting, position=0, member=january_fees["M2"], item="Tình hình", summary="Nhất trí.")
    Meeting.objects.filter(pk=meeting.pk).update(conclusion="Chi bộ thống nhất.")
    recording.meeting_scores_set(meeting, preparation=8, conduct=9, principles=10, user=personas["secretary"])
    finalized = recording.meeting_finalize(Meeting.objects.get(pk=meeting.pk), personas["secretary"])
    snapshot = finalized.minutes_snapshot
    del snapshot["data"]["fee_status"]  # as stored before the minutes printed the fees
    Meeting.objects.filter(pk=finalized.pk).update(minutes_snapshot=snapshot)
    text = docx_text(docs_adapter.minutes_file(Meeting.objects.get(pk=finalized.pk), "docx"))
    assert "Đảng phí" not in text
    assert "5. Thư ký: đồng chí Trần Thị Bình." in text.split("\n")
