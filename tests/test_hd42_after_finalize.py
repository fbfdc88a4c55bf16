"""HD 42 scores after the minutes are finalized (issue 14): the cell may still record its adoption
(the vote was at the meeting) and the superior committee may decide the official grade, and neither
changes the frozen minutes; the cell may no longer change an entered group (refused in Vietnamese,
nothing changed), on the recording page's autosave or through the service (the API has no score writes)."""

import pytest
from django.core.exceptions import ValidationError

from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.models import Meeting, QualityRecord
from chibo.meetings.recording import services as recording
from chibo.meetings.recording import services_quality as q
from tests.test_hd42_documents import docx_text, scored, today  # noqa: F401  (fixtures: 03/01/2026, 78, Khá)

REFUSED = ("Biên bản đã hoàn tất và bị khóa: điểm tự chấm đã in trong biên bản và nghị quyết, không sửa "
           "được nữa.")


def record_state(meeting):
    return list(QualityRecord.objects.filter(meeting=meeting).values("groups", "status", "official_grade", "version",
                                                                     "scored_at", "adopted_at", "confirmed_at"))


@pytest.fixture
def finalized(personas, scored):  # noqa: F811
    recording.meeting_finalize(scored, personas["secretary"])
    return Meeting.objects.get(pk=scored.pk)


def test_adoption_and_official_grade_after_finalizing_leave_the_snapshot(personas, client_for, finalized):
    frozen = finalized.minutes_snapshot
    assert (frozen["data"]["score_total"], frozen["data"]["grade"], frozen["data"]["official_grade"]) == (
        78, "kha", None)
    assert client_for(personas["secretary"]).post(f"/sinh-hoat/{finalized.ident}/cham-diem/thong-qua/"
                                                  ).status_code == 302
    assert QualityRecord.objects.get(meeting=finalized).status == "adopted"
    answer = client_for(personas["staff"]).post(f"/sinh-hoat/{finalized.ident}/cham-diem/xep-loai/",
                                                {"official_grade": "trung_binh"}, follow=True)
    assert "Đã quyết định xếp loại chính thức buổi sinh hoạt." in answer.content.decode()
    record = QualityRecord.objects.get(meeting=finalized)
    assert (record.status, record.official_grade, record.groups) == (
        "official", "trung_binh", {"preparation": 8, "organisation": 30, "principles": 5, "closing": 4})
    meeting = Meeting.objects.get(pk=finalized.pk)
    assert meeting.minutes_snapshot == frozen  # the stored minutes are untouched
    assert (meeting.status, meeting.amendments.count()) == ("finalized", 0)
    text = docx_text(docs_adapter.minutes_file(meeting, "docx"))
    assert "Tổng điểm: 78/100; xếp loại: Khá." in text  # the cell's score as frozen
    assert "Cấp ủy cấp trên quyết định xếp loại: Trung bình." in text  # the decision, printed as it stands


def test_entered_groups_refused_after_finalizing(personas, client_for, finalized):
    before, frozen = record_state(finalized), finalized.minutes_snapshot
    with pytest.raises(ValidationError) as exc:
        q.quality_group_set(finalized, "organisation", 40, user=personas["secretary"])
    assert exc.value.messages == [REFUSED]
    answer = client_for(personas["secretary"]).post(f"/sinh-hoat/{finalized.ident}/ghi/cham-diem/",
                                                    {"group": "organisation", "value": "40", "version": "1"})
    assert (answer.status_code, answer.json()) == (409, {"ok": False, "field": None, "error": REFUSED})
    # clearing a group is refused too
    answer = client_for(personas["secretary"]).post(f"/sinh-hoat/{finalized.ident}/ghi/cham-diem/",
                                                    {"group": "closing", "value": "", "version": "1"})
    assert answer.status_code == 409
    assert record_state(finalized) == before
    assert Meeting.objects.get(pk=finalized.pk).minutes_snapshot == frozen


def test_entered_groups_refused_after_the_official_grade(personas, scored):  # noqa: F811
    q.quality_adopt(scored, personas["secretary"])
    q.quality_confirm_official(scored, personas["staff"], "kha")
    before = record_state(scored)
    with pytest.raises(ValidationError) as exc:
        q.quality_group_set(scored, "organisation", 40, user=personas["secretary"])
    assert exc.value.messages == ["Cấp ủy cấp trên đã quyết định xếp loại buổi sinh hoạt này; không thể sửa."]
    assert record_state(scored) == before
