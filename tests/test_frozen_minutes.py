"""The official record is frozen at finalizing: renaming, exempting, moving and rescoring after
finalizing never changes the minutes, the resolution or the minutes book; only an amendment
does, and it shows in the document's history."""

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.models import Meeting, Speech
from chibo.meetings.recording import services
from chibo.orgs import services as org_services
from chibo.orgs.models import Member, Organization

pytestmark = pytest.mark.django_db


def docx_xml(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml")


def pdf_text(content: bytes, skip: int = 0) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages[skip:])


def documents(meeting) -> dict:
    cell = Organization.objects.get(pk=meeting.organization_id)
    return {
        "minutes.docx": docx_xml(docs_adapter.minutes_file(meeting, "docx")),
        "resolution.docx": docx_xml(docs_adapter.resolution_file(meeting, "docx")),
        "minutes.pdf": pdf_text(docs_adapter.minutes_file(meeting, "pdf")),
        "resolution.pdf": pdf_text(docs_adapter.resolution_file(meeting, "pdf")),
        # the book's cover and index name the cell as it is now; its meetings are the frozen minutes
        "book.pdf": pdf_text(docs_adapter.minutes_book_file(cell, 2025), skip=2),
    }


@pytest.fixture
def finalized(meeting, tree, personas):
    Speech.objects.create(meeting=meeting, position=0, member=tree["M2"], item="Tình hình", summary="Nhất trí.")
    Meeting.objects.filter(pk=meeting.pk).update(conclusion="Chi bộ thống nhất.")
    services.meeting_scores_set(meeting, preparation=8, conduct=9, principles=10, user=personas["secretary"])
    return services.meeting_finalize(Meeting.objects.get(pk=meeting.pk), personas["secretary"])


def test_finalizing_stores_what_the_minutes_print(finalized):
    stored = Meeting.objects.get(pk=finalized.pk).minutes_snapshot
    assert stored["version"] == 1
    assert stored["names"] == {"M1": "Nguyễn Văn An", "M2": "Trần Thị Bình", "M3": "Lê Văn Cường"}
    data = stored["data"]
    assert (data["cell_name"], data["superior_name"]) == ("Chi bộ thôn Đông", "Đảng bộ xã Tân Thành")
    assert data["present_members"] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert data["counts"] == {"on_roll": 3, "official": 2, "probationary": 1, "exempt": 0, "away": 0,
                              "expected": 3, "present": 3}
    assert (data["chair_name"], data["secretary_name"]) == ("Nguyễn Văn An", "Trần Thị Bình")
    assert data["resolution_number"] == "01-NQ/CB"
    assert "amendments" not in data


def test_later_changes_of_the_live_records_never_change_the_documents(finalized, tree):
    before = documents(finalized)
    assert "Trần Thị Bình" in before["minutes.pdf"] and "Chi bộ thôn Đông".upper() in before["minutes.pdf"]
    # rename a member and the cell and its superior
    org_services.member_update(Member.objects.get(code="M2"), full_name="Trần Thị Bình Mới")
    for code, name in (("C1", "Chi bộ thôn Đông Mới"), ("G", "Đảng bộ xã Tân Thành Mới")):
        org = Organization.objects.get(code=code)
        org_services.org_update(org, name=name, kind=org.kind, parent=org.parent,
                                established_on=org.established_on)
    # a backdated exemption (changes the roll that day), a transfer, and a rescore behind the services' back
    org_services.period_add(Member.objects.get(code="M3"), kind="exempt", start=date(2024, 1, 1), end=None,
                            reason="Ốm dài ngày")
    org_services.member_transfer(Member.objects.get(code="M1"), to=tree["C2"], on=date(2025, 2, 1))
    Meeting.objects.filter(pk=finalized.pk).update(score_preparation=0, score_conduct=0, score_principles=0)
    after = documents(Meeting.objects.get(pk=finalized.pk))
    assert after == before
    # the live record did change: minutes built from it now would read differently
    live, _full = docs_adapter.live_minutes_data(finalized)
    assert (live.cell_name, live.superior_name, live.counts.exempt, live.chair_name) == (
        "Chi bộ thôn Đông Mới", "Đảng bộ xã Tân Thành Mới", 1, "Nguyễn Văn An")
    assert live.secretary_name == "Trần Thị Bình Mới"


def test_scores_are_frozen_and_changed_only_by_an_amendment(finalized, personas):
    with pytest.raises(ValidationError) as exc:
        services.meeting_scores_set(finalized, preparation=1, conduct=1, principles=1, user=personas["secretary"])
    assert exc.value.messages == ["Biên bản đã hoàn tất: điểm đánh giá đã ghi trong biên bản, muốn sửa phải lập "
                                  "đính chính (ghi rõ lý do)."]
    total = Meeting.objects.get(pk=finalized.pk).minutes_snapshot["data"]["score_total"]
    services.meeting_amend(finalized, personas["secretary"], "Chấm lại theo ý kiến cấp ủy", {"conduct": 5})
    stored = Meeting.objects.get(pk=finalized.pk)
    assert stored.score_conduct == 5
    assert stored.minutes_snapshot["data"]["score_total"] == total - 4
    text = documents(stored)["minutes.pdf"]
    assert "Điểm điều hành: 9 → 5" in text


def test_an_amendment_changes_the_snapshot_and_shows_in_the_history(finalized, personas, tree):
    org_services.member_update(Member.objects.get(code="M3"), full_name="Lê Văn Cường Đổi Tên")
    services.meeting_amend(finalized, personas["secretary"], "Ghi nhầm điểm danh",
                           {"place": "Hội trường xã", ("attendance", "M3"): ("absent_excused", "Đi công tác")})
    stored = Meeting.objects.get(pk=finalized.pk)
    data = stored.minutes_snapshot["data"]
    assert data["place"] == "Hội trường xã"
    # the member keeps the name the minutes gave them; the count of those present is recounted
    assert data["present_members"] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert data["absent"] == [{"name": "Lê Văn Cường", "status": "absent_excused", "reason": "Đi công tác"}]
    assert data["counts"]["present"] == 2
    amendment = stored.amendments.get()
    assert amendment.author_name == "Nguyễn Văn An"
    minutes = documents(stored)["minutes.pdf"]
    assert "Hội trường xã" in minutes
    assert "Ghi nhầm điểm danh" in minutes
    assert "Lê Văn Cường Đổi Tên" not in minutes
    # renaming the author later does not change the history either
    org_services.member_update(Member.objects.get(code="M1"), full_name="Nguyễn Văn An Khác")
    assert documents(Meeting.objects.get(pk=finalized.pk))["minutes.pdf"] == minutes
