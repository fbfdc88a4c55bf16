"""The HD 42 score on the pages (issue 14 item 3): the recording page's closing step (computed
groups with their reasons, the entered groups autosaved, a refused value answered with its
message), the cell's adoption, the superior's official grade on the meeting page. Denied access
changes nothing: a member cannot score, the cell's secretary cannot decide the official grade, a
sibling cell sees nothing. Query counts do not grow with the roll."""

from datetime import date, time

import pytest

from chibo.meetings.models import Attendance, Meeting, QualityRecord
from chibo.meetings.recording import services_quality as q
from chibo.orgs import services as org_services

#: The routes whose denied access this module tests (tests/test_access_orgs.py).
COVERED = {"record_quality", "quality_adopt", "quality_confirm"}


@pytest.fixture
def m26(tree):
    m = Meeting.objects.create(ident="C1-2026-01", organization=tree["C1"], kind="regular", date=date(2026, 1, 3),
                               status="held", start=time(19, 30), end=time(21, 0), chair=tree["M1"],
                               secretary=tree["M2"])
    for i, code in enumerate(["M1", "M2", "M3"]):
        Attendance.objects.create(meeting=m, member=tree[code], position=i, status="present")
    return m


def snap(meeting):
    return QualityRecord.objects.filter(meeting=meeting).values("groups", "status", "official_grade", "version").first()


def score(client, meeting, group, value, version=""):
    return client.post(f"/sinh-hoat/{meeting.ident}/ghi/cham-diem/", {"group": group, "value": value,
                                                                      "version": version})


def test_recording_page_shows_the_computed_groups_and_the_inputs(personas, m26, client_for):
    page = client_for(personas["secretary"]).get(f"/sinh-hoat/{m26.ident}/ghi/").content.decode()
    assert 'id="s-danh-gia"' in page
    assert "Chấp hành thời gian, thời lượng sinh hoạt: <b>5/5</b>" in page
    assert "Sinh hoạt 90 phút, đủ tối thiểu 90 phút: 5/5 điểm" in page
    assert 'data-quality-group="organisation"' in page and 'data-quality-group="time"' not in page
    assert "chibo/quality.js" in page


def test_hd12_meeting_keeps_the_old_score(personas, meeting, client_for):
    page = client_for(personas["secretary"]).get(f"/sinh-hoat/{meeting.ident}/ghi/").content.decode()
    assert 's-danh-gia' not in page
    detail = client_for(personas["secretary"]).get(f"/sinh-hoat/{meeting.ident}/").content.decode()
    assert 'id="score"' in detail and 'id="quality"' not in detail


def test_autosave_answers_and_refuses(personas, m26, client_for):
    client = client_for(personas["secretary"])
    ok = score(client, m26, "preparation", "9", "0")
    assert (ok.status_code, ok.json()) == (200, {"ok": True, "version": 2, "status": "self"})
    refused = score(client, m26, "preparation", "12", "2")
    assert refused.status_code == 400
    assert refused.json() == {"ok": False, "field": "preparation",
                              "error": "Điểm “Công tác chuẩn bị” phải là số nguyên từ 0 đến 10."}
    stale = score(client, m26, "preparation", "7", "1")
    assert stale.status_code == 409
    assert stale.json()["current"] == {"version": 2, "value": "9"}
    assert snap(m26) == {"groups": {"preparation": 9}, "status": "self", "official_grade": "", "version": 2}


def test_adopt_then_official_grade_on_the_meeting_page(personas, m26, client_for):
    for gid, v in {"preparation": 9, "organisation": 35, "principles": 5, "closing": 4}.items():
        q.quality_group_set(m26, gid, v, user=personas["secretary"])
    client = client_for(personas["secretary"])
    assert client.post(f"/sinh-hoat/{m26.ident}/cham-diem/thong-qua/").status_code == 302
    assert snap(m26)["status"] == "adopted"
    staff = client_for(personas["staff"])
    page = staff.get(f"/sinh-hoat/{m26.ident}/").content.decode()
    assert "Quyết định xếp loại" in page
    assert staff.post(f"/sinh-hoat/{m26.ident}/cham-diem/xep-loai/", {"official_grade": "kha"}).status_code == 302
    assert snap(m26)["official_grade"] == "kha"
    page = staff.get(f"/sinh-hoat/{m26.ident}/").content.decode()
    # 5 + 5 + 9 + 35 + 5 + 30 (no previous task) + 4 = 93: Tốt by the sheet, Khá decided by the superior
    assert '<span class="score-total">93/100</span> <span class="grade grade-tot">Tốt</span>' in page
    assert "Cấp trên đã quyết định xếp loại: Khá" in page


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("other", 404), ("sibling", 404),
                                                 ("rival", 404), ("anonymous", 302)])
def test_scoring_and_adopting_denied(personas, m26, client_for, persona, status):
    q.quality_group_set(m26, "preparation", 9, user=personas["secretary"])
    before = snap(m26)
    client = client_for(personas[persona])
    assert score(client, m26, "preparation", "3", "2").status_code == status
    assert client.post(f"/sinh-hoat/{m26.ident}/cham-diem/thong-qua/").status_code == status
    assert snap(m26) == before


@pytest.mark.parametrize(("persona", "status"), [("secretary", 403), ("member", 403), ("sibling", 404),
                                                 ("rival", 404), ("anonymous", 302)])
def test_official_grade_denied(personas, m26, client_for, persona, status):
    for gid, v in {"preparation": 9, "organisation": 35, "principles": 5, "closing": 4}.items():
        q.quality_group_set(m26, gid, v, user=personas["designated"])
    q.quality_adopt(m26, personas["designated"])
    before = snap(m26)
    answer = client_for(personas[persona]).post(f"/sinh-hoat/{m26.ident}/cham-diem/xep-loai/",
                                                {"official_grade": "tot"})
    assert answer.status_code == status
    assert snap(m26) == before


def test_official_grade_refused_to_the_staff_who_scored(personas, m26, client_for):
    for gid, v in {"preparation": 9, "organisation": 35, "principles": 5, "closing": 4}.items():
        q.quality_group_set(m26, gid, v, user=personas["designated"])
    q.quality_adopt(m26, personas["secretary"])
    before = snap(m26)
    client = client_for(personas["designated"])
    answer = client.post(f"/sinh-hoat/{m26.ident}/cham-diem/xep-loai/", {"official_grade": "tot"}, follow=True)
    assert "Người đã chấm hoặc ghi thông qua điểm không được tự quyết định xếp loại" in answer.content.decode()
    assert snap(m26) == before


def test_recording_page_queries_do_not_grow(personas, tree, m26, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas["secretary"])
    q.quality_group_set(m26, "preparation", 9, user=personas["secretary"])
    prev = Meeting.objects.create(ident="C1-2025-12", organization=tree["C1"], kind="regular", date=date(2025, 12, 3),
                                  status="held")
    prev.tasks.create(position=0, description="Việc đầu", due=date(2025, 12, 30))
    client.get(f"/sinh-hoat/{m26.ident}/ghi/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/sinh-hoat/{m26.ident}/ghi/")
    for i in range(10):
        x = org_services.member_create(code=f"X{i}", full_name=f"Đảng viên {i}", organization=tree["C1"],
                                       start=date(2020, 1, 1), gender="nam", joined_on=date(2000, 1, 1),
                                       official_on=date(2001, 1, 1))
        Attendance.objects.create(meeting=m26, member=x, position=3 + i, status="present")
    for i in range(1, 5):
        prev.tasks.create(position=i, description=f"Việc {i}", due=date(2025, 12, 30))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(f"/sinh-hoat/{m26.ident}/ghi/").content.decode()
    assert "Hoàn thành 0/5 nhiệm vụ kỳ trước đến hạn: 10/30 điểm" in page


def test_meeting_page_queries_do_not_grow(personas, tree, m26, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas["staff"])
    for gid, v in {"preparation": 9, "organisation": 35, "principles": 5, "closing": 4}.items():
        q.quality_group_set(m26, gid, v, user=personas["secretary"])
    q.quality_adopt(m26, personas["secretary"])
    prev = Meeting.objects.create(ident="C1-2025-12", organization=tree["C1"], kind="regular", date=date(2025, 12, 3),
                                  status="held")
    prev.tasks.create(position=0, description="Việc đầu", due=date(2025, 12, 30), done_on=date(2025, 12, 29))
    client.get(f"/sinh-hoat/{m26.ident}/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/sinh-hoat/{m26.ident}/")
    for i in range(8):
        x = org_services.member_create(code=f"X{i}", full_name=f"Đảng viên {i}", organization=tree["C1"],
                                       start=date(2020, 1, 1), gender="nam", joined_on=date(2000, 1, 1),
                                       official_on=date(2001, 1, 1))
        Attendance.objects.create(meeting=m26, member=x, position=3 + i, status="present")
        prev.tasks.create(position=1 + i, description=f"Việc {i}", due=date(2025, 12, 30))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(f"/sinh-hoat/{m26.ident}/").content.decode()
    assert "Hoàn thành 1/9 nhiệm vụ kỳ trước đến hạn: 10/30 điểm" in page
