"""Separation of duties and least privilege (docs/permissions.md), each finding of the trust
review reproduced: a secretary keeps no rights over members who left the cell, committee staff
supervise but do not record unless designated, whoever scores does not confirm, members see
their fellows' names but not their profiles or absence reasons, and the recording endpoints
reveal no name from outside the cell."""

import json
from datetime import date

import pytest

from chibo.meetings.models import AbsenceNotice, Attendance, Meeting, ScoreConfirmation
from chibo.meetings.recording import services
from chibo.orgs import services as org_services
from chibo.orgs.models import Member
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db
URL = "/sinh-hoat/C1-2025-01/"


@pytest.fixture
def moved(tree):
    """M3 moved from C1 to C2 on 01/03/2025."""
    org_services.member_transfer(tree["M3"], to=tree["C2"], on=date(2025, 3, 1))
    return tree["M3"]


@pytest.mark.parametrize("path, data", [
    ("/dang-vien/M3/sua/", {"code": "M3", "full_name": "Lê Văn Đổi Tên"}),
    ("/dang-vien/M3/mien-vang/", {"kind": "exempt", "start": "01/04/2025", "reason": "Ốm"}),
    ("/dang-vien/M3/chuc-vu/", {"title": "chi_uy_vien", "start": "01/04/2025"}),
])
def test_the_old_secretary_keeps_no_rights_over_a_member_who_moved(personas, moved, client_for, path, data):
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(path, data)
    assert response.status_code == 403
    assert snapshot() == before
    # the new cell's secretary may
    client = client_for(personas["sibling"])
    before = snapshot()
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert snapshot() != before


def test_the_old_secretary_still_reads_the_former_member(personas, moved, client_for):
    response = client_for(personas["secretary"]).get("/dang-vien/M3/")
    assert response.status_code == 200
    assert "Sửa hồ sơ" not in response.content.decode()


def test_committee_staff_supervise_but_do_not_record(personas, meeting, client_for):
    client = client_for(personas["staff"])
    before = snapshot()
    response = client.post(URL + "ghi/thong-tin/", {"field": "place", "value": "Khác"})
    assert response.status_code == 403
    assert snapshot() == before
    response = client_for(personas["designated"]).post(URL + "ghi/thong-tin/", {"field": "place", "value": "Khác"})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).place == "Khác"


def test_whoever_entered_the_scores_may_not_confirm_them(personas, meeting, client_for):
    client = client_for(personas["designated"])
    client.post(URL + "danh-gia/", {"preparation": "8", "conduct": "9", "principles": "9"})
    client.post(URL + "danh-gia/thong-qua/")
    conf = ScoreConfirmation.objects.get(meeting=meeting)
    assert (conf.scored_by, conf.adopted_at is not None) == (personas["designated"], True)
    response = client.post(URL + "danh-gia/xac-nhan/", follow=True)
    assert ("Người đã chấm điểm không được tự xác nhận điểm đánh giá; việc xác nhận do một cán bộ cấp ủy "
            "cấp trên khác thực hiện.") in response.content.decode()
    assert ScoreConfirmation.objects.get(meeting=meeting).confirmed_at is None
    client_for(personas["staff"]).post(URL + "danh-gia/xac-nhan/")
    conf = ScoreConfirmation.objects.get(meeting=meeting)
    assert conf.confirmed_by == personas["staff"]


def test_members_see_names_not_profiles(personas, tree, client_for):
    client = client_for(personas["member"])
    fellow = client.get("/dang-vien/M1/").content.decode()
    assert "Nguyễn Văn An" in fellow
    for private in ("01/01/2000", "Quá trình sinh hoạt", "Vào Đảng"):
        assert private not in fellow
    own = client.get("/dang-vien/M2/").content.decode()
    assert "Quá trình sinh hoạt" in own and "01/01/2005" in own
    api = json.loads(client.get("/api/members/M1").content)
    assert api == {"code": "M1", "full_name": "Nguyễn Văn An", "gender": "", "joined_on": None,
                   "official_on": None}


def test_members_do_not_see_former_members(personas, moved, client_for):
    client = client_for(personas["member"])
    assert client.get("/dang-vien/M3/").status_code == 404
    assert "Lê Văn Cường" not in client.get("/dang-vien/?q=cuong").content.decode()


def test_members_see_only_their_own_absence_reason(personas, meeting, tree, client_for):
    Attendance.objects.filter(meeting=meeting, member=tree["M3"]).update(status="absent_excused",
                                                                         reason="Khám bệnh tâm thần")
    page = client_for(personas["member"]).get(URL).content.decode()
    assert "Khám bệnh tâm thần" not in page
    assert "Khám bệnh tâm thần" in client_for(personas["secretary"]).get(URL).content.decode()
    assert "Khám bệnh tâm thần" in client_for(personas["staff"]).get(URL).content.decode()


def test_members_see_only_their_own_absence_notice_on_the_preparation_page(personas, tree, client_for):
    m = Meeting.objects.create(ident="C1-2030-01", organization=tree["C1"], kind="regular", date=date(2030, 1, 3),
                               status="planned")
    AbsenceNotice.objects.create(meeting=m, member=tree["M3"], reason="Việc riêng gia đình")
    AbsenceNotice.objects.create(meeting=m, member=tree["M2"], reason="Đi công tác tỉnh")
    page = client_for(personas["member"]).get("/sinh-hoat/C1-2030-01/chuan-bi/").content.decode()
    assert "Việc riêng gia đình" not in page
    assert "Đi công tác tỉnh" in page
    page = client_for(personas["secretary"]).get("/sinh-hoat/C1-2030-01/chuan-bi/").content.decode()
    assert "Việc riêng gia đình" in page and "Đi công tác tỉnh" in page


@pytest.mark.parametrize("path, data", [
    ("ghi/diem-danh/", {"member": "M4", "status": "present"}),
    ("ghi/phat-bieu/", {"position": "0", "member": "M4", "summary": "x"}),
    ("ghi/nhiem-vu/", {"position": "0", "assignee": "M4", "description": "x"}),
    ("ghi/thong-tin/", {"field": "chair", "value": "M4"}),
])
def test_recording_endpoints_reveal_no_name_outside_the_cell(personas, meeting, client_for, path, data):
    client = client_for(personas["secretary"])
    before = snapshot()
    outside = client.post(URL + path, data)
    missing = client.post(URL + path, {k: ("M999" if v == "M4" else v) for k, v in data.items()})
    assert outside.status_code == missing.status_code == 400
    assert json.loads(outside.content)["error"] == json.loads(missing.content)["error"] == "Không tìm thấy đảng viên này."
    assert "Phạm Văn Dũng" not in outside.content.decode()
    assert snapshot() == before


def test_a_member_who_left_the_cell_is_refused_by_name_for_a_later_meeting(personas, moved, tree):
    m = Meeting.objects.create(ident="C1-2025-04", organization=tree["C1"], kind="regular", date=date(2025, 4, 3))
    with pytest.raises(Exception) as exc:
        services.attendance_set(m, Member.objects.get(code="M3"), "present")
    assert exc.value.messages == ["Đảng viên Lê Văn Cường không có trong danh sách chi bộ ngày 03/04/2025."]
