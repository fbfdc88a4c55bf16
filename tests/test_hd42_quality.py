"""The HD 42 quality record (rules-v2.md §5.3, issue 14 item 3): the entered groups scored by the
cell (autosaved, refused out of range, after the superior's grade, and on a stale version), the
cell's adoption after the meeting, the official grade decided only by committee staff above the
cell and never by whoever scored or adopted it. Every refusal changes nothing."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chibo.meetings.models import Meeting, QualityRecord, Task
from chibo.meetings.recording import services_quality as q
from chibo.meetings.recording.services import Conflict
from chibo.rules import engine


@pytest.fixture
def m26(tree):
    """A held regular meeting of C1 under HD 42 (date after 28/10/2025)."""
    return Meeting.objects.create(ident="C1-2026-01", organization=tree["C1"], kind="regular", date=date(2026, 1, 3),
                                  status="held", start=time(19, 30), end=time(21, 0))


def snap(meeting):
    r = QualityRecord.objects.filter(meeting=meeting).values(
        "groups", "status", "official_grade", "scored_by", "adopted_by", "confirmed_by", "version").first()
    return r


def score_all(meeting, user, values=None):
    values = values or {"preparation": 9, "organisation": 35, "principles": 5, "closing": 4}
    for gid, v in values.items():
        q.quality_group_set(meeting, gid, v, user=user)


def test_groups_are_saved_one_at_a_time(personas, m26):
    q.quality_group_set(m26, "preparation", 9, user=personas["secretary"])
    r = q.quality_group_set(m26, "organisation", 35, user=personas["secretary"], version=2)
    assert (r.groups, r.status, r.version) == ({"preparation": 9, "organisation": 35}, "self", 3)
    assert q.quality_group_set(m26, "organisation", 35, version=1).version == 3  # a replay changes nothing


@pytest.mark.parametrize(("group", "value", "errors"), [
    ("preparation", 11, {"preparation": ["Điểm “Công tác chuẩn bị” phải là số nguyên từ 0 đến 10."]}),
    ("organisation", -1, {"organisation": ["Điểm “Tổ chức sinh hoạt, điều hành của bí thư” phải là số nguyên từ 0 "
                                          "đến 40."]}),
    ("time", 5, {"group": ["Nhóm tiêu chí này không chấm tay theo phiếu chấm điểm của chi bộ."]}),
    ("khac", 1, {"group": ["Nhóm tiêu chí này không chấm tay theo phiếu chấm điểm của chi bộ."]}),
])
def test_group_refused(personas, m26, group, value, errors):
    q.quality_group_set(m26, "closing", 4, user=personas["secretary"])
    before = snap(m26)
    with pytest.raises(ValidationError) as exc:
        q.quality_group_set(m26, group, value, user=personas["secretary"])
    assert exc.value.message_dict == errors
    assert snap(m26) == before


def test_stale_version_refused_with_the_current_value(personas, m26):
    q.quality_group_set(m26, "preparation", 9, user=personas["secretary"])  # version 2
    q.quality_group_set(m26, "preparation", 8, user=personas["designated"], version=2)  # version 3
    before = snap(m26)
    with pytest.raises(Conflict) as exc:
        q.quality_group_set(m26, "preparation", 7, user=personas["secretary"], version=2)
    assert exc.value.current == {"version": 3, "value": "8"}
    assert exc.value.message_dict == {"preparation": [
        "Điểm “Công tác chuẩn bị” vừa được sửa trên máy khác thành 8 điểm. Thay đổi của bạn chưa được lưu; sửa lại "
        "nếu vẫn muốn đổi."]}
    assert snap(m26) == before


def test_groups_refused_once_finalized(personas, m26):
    q.quality_group_set(m26, "preparation", 9, user=personas["secretary"])
    Meeting.objects.filter(pk=m26.pk).update(status="finalized", finalized_at="2026-01-04T10:00:00Z")
    before = snap(m26)
    with pytest.raises(ValidationError) as exc:
        q.quality_group_set(m26, "preparation", 10, user=personas["secretary"])
    assert exc.value.code == "finalized"
    assert snap(m26) == before


def test_adopt_needs_every_entered_group(personas, m26):
    q.quality_group_set(m26, "preparation", 9, user=personas["secretary"])
    before = snap(m26)
    with pytest.raises(ValidationError) as exc:
        q.quality_adopt(m26, personas["secretary"])
    assert exc.value.messages == ["Chưa chấm điểm: Tổ chức sinh hoạt, điều hành của bí thư, Thực hiện nguyên tắc "
                                  "tổ chức, sinh hoạt đảng, Kết thúc sinh hoạt."]
    assert snap(m26) == before


def test_adopt_refused_before_the_meeting_is_held(personas, m26):
    score_all(m26, personas["secretary"])
    Meeting.objects.filter(pk=m26.pk).update(status="notified")
    before = snap(m26)
    with pytest.raises(ValidationError) as exc:
        q.quality_adopt(m26, personas["secretary"])
    assert exc.value.code == "not_held"
    assert snap(m26) == before


def test_a_change_after_adoption_withdraws_it(personas, m26):
    score_all(m26, personas["secretary"])
    assert q.quality_adopt(m26, personas["secretary"]).status == "adopted"
    with pytest.raises(ValidationError) as exc:
        q.quality_adopt(m26, personas["secretary"])
    assert exc.value.code == "adopted"
    r = q.quality_group_set(m26, "closing", 5, user=personas["secretary"])
    assert (r.status, r.adopted_at, r.adopted_by) == ("self", None, None)


def test_official_grade_by_staff_above(personas, m26):
    score_all(m26, personas["secretary"])
    q.quality_adopt(m26, personas["secretary"])
    r = q.quality_confirm_official(m26, personas["staff"], "kha")
    assert (r.status, r.official_grade, r.confirmed_by) == ("official", "kha", personas["staff"])
    before = snap(m26)
    for call in (lambda: q.quality_group_set(m26, "closing", 5, user=personas["secretary"]),
                 lambda: q.quality_adopt(m26, personas["secretary"]),
                 lambda: q.quality_confirm_official(m26, personas["admin"], "tot")):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.code == "official"
    assert snap(m26) == before


def test_official_grade_refused_to_who_scored_or_adopted(personas, m26):
    score_all(m26, personas["designated"])  # staff of G designated to record C1
    q.quality_adopt(m26, personas["secretary"])
    before = snap(m26)
    for user in (personas["designated"], personas["secretary"]):
        with pytest.raises(ValidationError) as exc:
            q.quality_confirm_official(m26, user, "tot")
        assert exc.value.code == "same_person"
    assert snap(m26) == before


def test_official_grade_refused_before_adoption_and_for_a_bad_grade(personas, m26):
    score_all(m26, personas["secretary"])
    before = snap(m26)
    with pytest.raises(ValidationError) as exc:
        q.quality_confirm_official(m26, personas["staff"], "tot")
    assert exc.value.code == "not_adopted"
    q.quality_adopt(m26, personas["secretary"])
    before = snap(m26)
    with pytest.raises(ValidationError) as exc:
        q.quality_confirm_official(m26, personas["staff"], "xuat_sac")
    assert exc.value.message_dict == {"official_grade": ["Chọn xếp loại: Tốt, Khá, Trung bình hoặc Kém."]}
    assert snap(m26) == before


def test_database_requires_the_grade_iff_official(m26):
    with pytest.raises(IntegrityError), transaction.atomic():
        QualityRecord.objects.create(meeting=m26, status="official")
    with pytest.raises(IntegrityError), transaction.atomic():
        QualityRecord.objects.create(meeting=m26, status="adopted", official_grade="tot")
    assert QualityRecord.objects.count() == 0


def test_scorer_refused_once_official(personas, tree, m26):
    score_all(m26, personas["secretary"])
    q.quality_adopt(m26, personas["secretary"])
    q.quality_confirm_official(m26, personas["staff"], "tot")
    Meeting.objects.filter(pk=m26.pk).update(status="notified")  # even were it reopened
    with pytest.raises(ValidationError) as exc:
        q.quality_scorer_set(m26, tree["M2"])
    assert exc.value.code == "official"
    assert QualityRecord.objects.get(meeting=m26).scorer_id is None


# --- the score as pages and documents show it (the engine's score_frame) -----------------------------

def test_score_hand_worked(personas, tree, m26):
    """90 minutes (time 5); 3 of 3 present, no absence finding (4 + bonus 1 = 5); previous meeting's
    tasks: 2 due by the date, 1 done (50%: 15); entered 9 + 35 + 5 + 4 = 53. Total 78: Khá."""
    from chibo.meetings import quality, selectors
    from chibo.meetings.models import Attendance

    for i, code in enumerate(["M1", "M2", "M3"]):
        Attendance.objects.create(meeting=m26, member=tree[code], position=i, status="present")
    prev = Meeting.objects.create(ident="C1-2025-12", organization=tree["C1"], kind="regular", date=date(2025, 12, 3),
                                  status="held")
    Task.objects.create(meeting=prev, position=0, description="Việc 1", due=date(2025, 12, 20), done_on=date(2025, 12, 19))
    Task.objects.create(meeting=prev, position=1, description="Việc 2", due=date(2026, 1, 3))
    Task.objects.create(meeting=prev, position=2, description="Việc 3", due=date(2026, 2, 1))  # not due: not counted
    score_all(m26, personas["secretary"])
    shown = quality.quality_score(m26, selectors.meeting_verdict(m26))
    assert {r["id"]: r["points"] for r in shown["rows"]} == {
        "time": 5, "attendance": 5, "preparation": 9, "organisation": 35, "principles": 5, "results": 15, "closing": 4}
    assert (shown["total"], shown["grade"], shown["grade_label"], shown["provisional"]) == (78, "kha", "Khá", False)
    assert [r["id"] for r in shown["remedies"]] == ["preparation", "organisation", "results", "closing"]


def test_quality_and_sheet_saves_make_the_stored_results_stale(personas, tree, m26, monkeypatch):
    from chibo.results import signals
    from chibo.rules.services_sheets import sheet_save

    marked = []
    monkeypatch.setattr(signals, "mark", lambda cell_id, year: marked.append((cell_id, year)))
    q.quality_group_set(m26, "preparation", 9, user=personas["secretary"])
    assert set(marked) == {(tree["C1"].pk, 2026)}  # the record made, then its groups saved
    marked.clear()
    groups = [dict(g) for g in engine.HD42_FRAME["groups"]]
    sheet_save(tree["G"], code="phieu-g", name="Phiếu", source="", user=personas["staff"],
               data={"groups": groups, "bands": {"tot": 90, "kha": 70, "trung_binh": 50}, "tot_requires_max": []})
    assert {cell for cell, _year in marked} == {tree["C1"].pk, tree["C2"].pk}
