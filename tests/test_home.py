"""The start page of each role (chibo/home): what it lists, exactly; links only where the access
helper of the target allows; the role switcher; a constant number of queries."""

import re
from datetime import date, time, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.utils import timezone

from chibo.meetings import dates
from chibo.meetings.models import AbsenceNotice, Attendance, Meeting, MeetingDocument, ScoreConfirmation, Task
from chibo.meetings.planning import services as planning_services
from chibo.orgs import services as org_services
from chibo.orgs.models import Role
from chibo.results.services import refresh_cell_year
from tests.access_matrix import snapshot

TODAY = date(2025, 1, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)


def block(page: str, ident: str) -> str:
    """The text of the element with id `ident` (nested elements included, tags dropped, spaces
    collapsed)."""
    m = re.search(rf'<(\w+)[^>]*id="{ident}"[^>]*>', page)
    assert m, ident
    tag, depth, pos = m.group(1), 1, m.end()
    for t in re.finditer(rf"<(/?){tag}\b[^>]*>", page[pos:]):
        depth += -1 if t.group(1) else 1
        if depth == 0:
            inner = page[pos:pos + t.start()]
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inner)).strip()
    raise AssertionError(ident)


@pytest.fixture
def cell_data(tree, meeting):
    """C1: the held meeting of 03/01 (fixture `meeting`), the next one on 03/02 with its agenda from
    the template, an absence reason of M2, tasks due this week, overdue, later and done."""
    nxt = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30),
                                           place="Nhà văn hóa thôn Đông")
    AbsenceNotice.objects.create(meeting=nxt, member=tree["M2"], reason="Đi công tác")
    Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Thu đảng phí",
                        due=date(2025, 1, 25))
    Task.objects.create(meeting=meeting, position=1, assignee=tree["M3"], description="Sửa đường",
                        due=date(2025, 1, 10))
    Task.objects.create(meeting=meeting, position=2, assignee=tree["M3"], description="Việc tháng ba",
                        due=date(2025, 3, 1))
    Task.objects.create(meeting=meeting, position=3, assignee=tree["M2"], description="Việc đã xong",
                        due=date(2025, 1, 15), done_on=date(2025, 1, 14))
    Attendance.objects.filter(meeting=meeting, member=tree["M3"]).update(status="absent_unexcused")
    refresh_cell_year(tree["C1"], 2025, as_of=TODAY)
    return nxt


# --- the cell secretary ----------------------------------------------------------------------------

def test_secretary_sees_the_next_meeting_its_steps_what_is_late_absences_tasks_and_findings(
        personas, tree, cell_data, client_for):
    page = client_for(personas["secretary"]).get("/").content.decode()
    assert block(page, "next-meeting").startswith("03/02/2025 , 19:30 · Nhà văn hóa thôn Đông · sinh hoạt thường kỳ")
    steps = re.findall(r'data-step="(\w+)" data-done="(\d)"', page)
    assert steps == [("agenda", "1"), ("documents", "0"), ("notice", "0")]
    assert '<a href="/sinh-hoat/C1-2025-02/chuan-bi/chuong-trinh/">Chương trình sinh hoạt</a>' in page
    assert '<a href="/sinh-hoat/C1-2025-02/chuan-bi/#tai-lieu">Tài liệu</a>' in page
    assert '<a href="/sinh-hoat/C1-2025-02/thong-bao/">Gửi thông báo triệu tập</a>' in page
    assert block(page, "late") == "Cuộc họp ngày 03/01/2025 chưa hoàn tất biên bản."
    assert '<a href="/sinh-hoat/C1-2025-01/">Cuộc họp ngày 03/01/2025 chưa hoàn tất biên bản.</a>' in page
    assert block(page, "absences") == "Trần Thị Bình: Đi công tác"
    assert block(page, "tasks") == ("Sửa đường Lê Văn Cường · giao tại cuộc họp ngày 03/01/2025 hạn 10/01/2025 Quá hạn "
                                    "Thu đảng phí Trần Thị Bình · giao tại cuộc họp ngày 03/01/2025 hạn 25/01/2025")
    assert block(page, "findings") == (
        "Cuộc họp ngày 03/01/2025 "
        "Vắng mặt không có lý do Lê Văn Cường Việc cần làm: Nhắc nhở, kiểm điểm đồng chí vắng không lý do; "
        "theo dõi nếu vắng nhiều lần. "
        "Tỷ lệ dự họp thấp Việc cần làm: Thông báo sớm hơn, chọn thời gian thuận tiện; cuộc họp sau cần đủ tỷ lệ dự họp. "
        "Biên bản chưa đầy đủ Ý kiến phát biểu, Kết luận "
        "Việc cần làm: Bổ sung các mục còn thiếu của biên bản (đã hoàn tất thì đính chính).")
    assert '<a href="/sinh-hoat/C1-2025-01/">Cuộc họp ngày 03/01/2025</a>' in page


def test_a_late_notice_and_a_meeting_not_marked_held_are_late(personas, tree, client_for):
    Meeting.objects.create(ident="C1-2025-01-10", organization=tree["C1"], kind="extraordinary",
                           date=date(2025, 1, 10), status="notified", notice_sent_on=date(2025, 1, 5))
    thematic = planning_services.meeting_create(tree["C1"], kind="thematic", date=TODAY, topic="Chuyển đổi số")
    MeetingDocument.objects.create(meeting=thematic, title="Đề cương", file="meeting-docs/2025/x.pdf")
    page = client_for(personas["secretary"]).get("/").content.decode()
    assert re.findall(r'data-step="(\w+)" data-done="(\d)"', page) == [
        ("agenda", "1"), ("documents", "1"), ("thematic", "0"), ("notice", "0")]
    assert block(page, "late") == (
        "Thông báo triệu tập cuộc họp ngày 20/01/2025 phải gửi chậm nhất ngày 19/01/2025; chưa gửi. "
        "Cuộc họp ngày 10/01/2025 đã qua ngày họp nhưng chưa đánh dấu đã họp.")
    assert block(page, "findings") == "Không có kết luận nào cần xử lý."


def test_without_a_next_meeting(personas, tree, client_for):
    page = client_for(personas["secretary"]).get("/").content.decode()
    assert block(page, "no-next-meeting") == "Chưa có cuộc họp nào sắp tới. Lập kế hoạch"
    assert block(page, "late") == "Không có việc chậm."
    assert 'id="absences"' not in page


def test_designated_recorder_gets_record_links_but_no_preparation_links(personas, tree, cell_data, client_for):
    """A login whose one role is to record C1's meetings: the preparation pages are not theirs
    (Right.MANAGE), the record is (Right.RECORD)."""
    recorder = get_user_model().objects.create_user("recorder")
    Role.objects.create(user=recorder, organization=tree["C1"], kind=Role.Kind.DESIGNATED)
    page = client_for(recorder).get("/").content.decode()
    assert re.findall(r'data-step="(\w+)" data-done="(\d)"', page) == [("agenda", "1"), ("documents", "0"),
                                                                        ("notice", "0")]
    assert "/chuan-bi/chuong-trinh/" not in page and "/thong-bao/" not in page and "#tai-lieu" not in page
    assert '<a href="/sinh-hoat/C1-2025-01/">Cuộc họp ngày 03/01/2025 chưa hoàn tất biên bản.</a>' in page
    assert "(Cán bộ cấp ủy được phân công ghi biên bản)" in page and "Đổi vai trò" not in page


def test_staff_who_also_record_a_cell_switch_to_it(personas, tree, cell_data, client_for):
    client = client_for(personas["designated"])
    assert client.post("/vai-tro/", {"role": f"designated:{tree['C1'].path}"})["Location"] == "/"
    page = client.get("/").content.decode()
    assert "(Cán bộ cấp ủy được phân công ghi biên bản · Chi bộ thôn Đông)" in page
    # As committee staff of G they may prepare C1's meetings too: the links are there.
    assert '<a href="/sinh-hoat/C1-2025-02/thong-bao/">Gửi thông báo triệu tập</a>' in page


# --- the member ----------------------------------------------------------------------------------------

def test_member_sees_the_next_meeting_its_notice_materials_own_tasks_and_sends_an_absence(
        personas, tree, cell_data, client_for):
    AbsenceNotice.objects.filter(member=tree["M2"]).delete()
    client = client_for(personas["member"])
    page = client.get("/").content.decode()
    assert block(page, "notice") == "Chi bộ chưa gửi thông báo triệu tập."
    assert page.count('<ol class="agenda">') == 1 and "Thông qua biên bản cuộc họp" in page
    assert f'<label for="ly-do-{cell_data.pk}">Tôi sẽ vắng, vì…</label>' in page
    assert block(page, "tasks") == ("Thu đảng phí Giao tại cuộc họp ngày 03/01/2025 hạn 25/01/2025 Báo hoàn thành")
    assert "Sửa đường" not in page  # another member's task
    response = client.post(f"/sinh-hoat/{cell_data.ident}/bao-vang/", {"reason": "Ốm", "next": "/"})
    assert response["Location"] == "/"
    assert list(AbsenceNotice.objects.values_list("member__code", "reason")) == [("M2", "Ốm")]
    page = client.get("/").content.decode()
    assert "Đã báo vắng: <i>Ốm</i>" in page and 'id="absence-form"' not in page
    assert "Đổi vai trò" not in page


def test_member_after_the_notice(personas, tree, cell_data, client_for):
    Meeting.objects.filter(pk=cell_data.pk).update(status="notified", notice_sent_on=date(2025, 1, 18))
    page = client_for(personas["member"]).get("/").content.decode()
    assert block(page, "notice") == "Thông báo triệu tập gửi ngày 18/01/2025."


# --- committee staff -----------------------------------------------------------------------------------

def test_committee_staff_see_cells_needing_attention_scores_to_confirm_and_their_own_todo(
        personas, tree, cell_data, meeting, client_for):
    ScoreConfirmation.objects.create(meeting=meeting, scored_at=timezone.now(), scored_by=personas["secretary"])
    page = client_for(personas["staff"]).get("/").content.decode()
    assert block(page, "todo") == (
        "Ban hành định hướng nội dung sinh hoạt chi bộ tháng 01/2025. "
        "Xác nhận điểm đánh giá: Chi bộ thôn Đông: cuộc họp ngày 03/01/2025")
    assert '<a href="/to-chuc/G/dinh-huong/">Ban hành định hướng' in page
    assert '<a href="/sinh-hoat/C1-2025-01/">Chi bộ thôn Đông: cuộc họp ngày 03/01/2025</a>' in page
    assert block(page, "worst") == "Chi bộ thôn Đông Nhiệm vụ được giao quá hạn: 1"
    # The scores they entered themselves are not theirs to confirm.
    ScoreConfirmation.objects.filter(meeting=meeting).update(scored_by=personas["staff"])
    page = client_for(personas["staff"]).get("/").content.decode()
    assert block(page, "todo") == "Ban hành định hướng nội dung sinh hoạt chi bộ tháng 01/2025."


def test_another_committee_sees_nothing_of_this_one(personas, tree, cell_data, client_for):
    page = client_for(personas["rival"]).get("/").content.decode()
    assert block(page, "worst") == "Không có chi bộ nào có kết luận cần xử lý."
    assert "Chi bộ thôn Đông" not in page


# --- the administrator ---------------------------------------------------------------------------------

def test_administrator_sees_accounts_without_role_cells_without_secretary_and_locked_accounts(
        personas, tree, client_for):
    User = get_user_model()
    lonely = User.objects.create_user("lonely", first_name="Hà", last_name="Văn")
    User.objects.create_user("gone", is_active=False)
    AccessAttempt.objects.create(username="bithu9", ip_address="10.0.0.9", failures_since_start=5,
                                 attempt_time=timezone.now(), user_agent="", http_accept="", path_info="/dang-nhap/",
                                 get_data="", post_data="")
    AccessAttempt.objects.create(username="typo", ip_address="10.0.0.8", failures_since_start=2,
                                 attempt_time=timezone.now(), user_agent="", http_accept="", path_info="/dang-nhap/",
                                 get_data="", post_data="")
    page = client_for(personas["admin"]).get("/").content.decode()
    assert block(page, "users-total") == "1"
    assert block(page, "users") == f"{lonely.get_full_name()} (lonely)"
    assert f'href="/quan-tri/auth/user/{lonely.pk}/change/"' in page
    assert block(page, "cells-total") == "1" and block(page, "cells") == "Chi bộ thôn Bắc (C3)"
    assert block(page, "locked").startswith("bithu9 10.0.0.9 · từ ")


def test_no_role(tree, client_for):
    user = get_user_model().objects.create_user("lonely")
    page = client_for(user).get("/").content.decode()
    assert "Tài khoản chưa được phân vai trò nào." in page
    assert "(Chưa được phân quyền)" in page


# --- the role switcher ---------------------------------------------------------------------------------

def test_role_switcher_keeps_the_choice_in_the_session(personas, tree, cell_data, client_for):
    client = client_for(personas["secretary"])
    page = client.get("/").content.decode()
    assert '<a href="/vai-tro/" id="role-switch">Đổi vai trò</a>' in page
    assert "(Bí thư / thư ký chi bộ)" in page and 'id="prep-steps"' in page
    roles = client.get("/vai-tro/").content.decode()
    assert re.findall(r'data-role="([^"]+)"', roles) == [f"secretary:{tree['C1'].path}", f"member:{tree['C1'].path}"]
    assert client.post("/vai-tro/", {"role": f"member:{tree['C1'].path}"})["Location"] == "/"
    page = client.get("/").content.decode()
    assert "(Đảng viên · Chi bộ thôn Đông)" in page and 'id="prep-steps"' not in page
    assert block(page, "notice") == "Chi bộ chưa gửi thông báo triệu tập."
    # Another page keeps the chosen role in the top bar.
    assert "(Đảng viên · Chi bộ thôn Đông)" in client.get("/to-chuc/C1/").content.decode()


def test_role_switcher_refuses_a_role_one_does_not_hold(personas, tree, client_for):
    client = client_for(personas["secretary"])
    for role in (f"committee_staff:{tree['G'].path}", f"secretary:{tree['C2'].path}", "admin:", ""):
        assert client.post("/vai-tro/", {"role": role}).status_code == 400
    assert "(Bí thư / thư ký chi bộ)" in client.get("/").content.decode()


def test_a_role_no_longer_held_falls_back_to_the_first(personas, tree, client_for):
    client = client_for(personas["designated"])
    session = client.session
    session["chibo_start_role"] = {"key": f"designated:{tree['C2'].path}", "name": "Chi bộ thôn Tây"}
    session.save()
    page = client.get("/").content.decode()
    assert "(Cán bộ cấp ủy (giám sát cấp dưới))" in page and 'id="worst"' in page


def test_anonymous_goes_to_login(client):
    assert client.get("/")["Location"] == "/dang-nhap/?next=/"
    assert client.get("/vai-tro/")["Location"] == "/dang-nhap/?next=/vai-tro/"


# --- constant queries ------------------------------------------------------------------------------------

def grow(tree, meeting, n):
    """n more members of C1 with an absence reason each for the next meeting, a task due this week
    and an overdue one; n more held meetings with stored results; n cells under G; n users
    without a role; n score sheets waiting for confirmation."""
    nxt = Meeting.objects.get(ident="C1-2025-02")
    for i in range(n):
        m = org_services.member_create(code=f"N{i}", full_name=f"Nguyễn Văn Số {i}", organization=tree["C1"],
                                       start=date(2020, 1, 1), joined_on=date(2000, 1, 1), official_on=date(2001, 1, 1))
        AbsenceNotice.objects.create(meeting=nxt, member=m, reason=f"Bận {i}")
        Task.objects.create(meeting=meeting, position=10 + 2 * i, assignee=m, description=f"Việc {i}",
                            due=TODAY + timedelta(days=i % 7))
        Task.objects.create(meeting=meeting, position=11 + 2 * i, assignee=tree["M2"], description=f"Việc cũ {i}",
                            due=TODAY - timedelta(days=i + 1))
        held = Meeting.objects.create(ident=f"C1-X{i}", organization=tree["C1"], kind="extraordinary",
                                      date=date(2025, 1, 4 + i), status="held")
        ScoreConfirmation.objects.create(meeting=held, scored_at=timezone.now())
        org_services.org_create(code=f"X{i}", name=f"Chi bộ số {i}", kind="chi_bo", parent=tree["G"])
        get_user_model().objects.create_user(f"u{i}")
    refresh_cell_year(tree["C1"], 2025, as_of=TODAY)


#: persona -> (role to switch to, or None for the default; exact queries of the start page); a member
#: start page reads the member's planned visits (chibo.supervision, 1)
COUNTS = {"secretary": (None, 15), "member": (None, 11), "staff": (None, 12), "admin": (None, 9),
          "designated": ("designated:C1", 15)}  # a login without a member record: one query for the top bar's counts


@pytest.mark.parametrize("persona", sorted(COUNTS))
def test_start_page_queries_are_constant(personas, tree, cell_data, meeting, client_for, persona,
                                          django_assert_num_queries):
    client = client_for(personas[persona])
    role, n = COUNTS[persona]
    if role:
        kind, code = role.split(":")
        client.post("/vai-tro/", {"role": f"{kind}:{tree[code].path}"})
    with django_assert_num_queries(n):
        assert client.get("/").status_code == 200
    grow(tree, meeting, 6)
    with django_assert_num_queries(n):
        page = client.get("/").content.decode()
    if persona == "secretary":
        assert block(page, "absences").count("Nguyễn Văn Số") == 6
        assert block(page, "tasks").count("Nguyễn Văn Số") == 6 and block(page, "tasks").count("Việc cũ") == 6
    if persona == "admin":
        assert block(page, "users-total") == "6"


# --- nothing changes for those who may not -------------------------------------------------------------

@pytest.mark.parametrize("persona", ["member", "other", "rival", "anonymous"])
def test_role_switch_by_others_changes_nothing(personas, tree, client_for, persona):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post("/vai-tro/", {"role": f"secretary:{tree['C1'].path}"})
    assert response.status_code in (400, 302)
    if persona == "anonymous":
        assert "/dang-nhap/" in response["Location"]
    else:
        assert response.status_code == 400
    assert snapshot() == before


def test_the_cells_month_findings_with_what_to_do(personas, tree, monkeypatch, client_for):
    """No meeting in January and February: on 10/03 the stored results hold the two missing
    months; the start page says them the Vietnamese way, with what to do."""
    monkeypatch.setattr(dates, "today", lambda: date(2025, 3, 10))
    refresh_cell_year(tree["C1"], 2025, as_of=date(2025, 3, 10))
    page = client_for(personas["secretary"]).get("/").content.decode()
    advice = "Việc cần làm: Tổ chức sinh hoạt thường kỳ ngay và ghi nhận lý do tháng không họp."
    assert block(page, "findings") == (
        f"Theo tháng, quý của chi bộ Không sinh hoạt thường kỳ trong tháng tháng 02/2025 {advice} "
        f"Không sinh hoạt thường kỳ trong tháng tháng 01/2025 {advice}")


def test_period_text():
    from chibo.home.selectors import period_text

    assert [period_text(p) for p in ("2025-03", "2025-Q1", "2025-H1", "2025-H2", "2025", "")] == [
        "tháng 03/2025", "quý 1/2025", "6 tháng đầu năm 2025", "6 tháng cuối năm 2025", "năm 2025", ""]


def test_committee_staff_follow_this_months_orientation(personas, tree, cell_data, client_for):
    from chibo.home import services as home_services
    from chibo.supervision import services as supervision_services

    orientation = supervision_services.orientation_publish(tree["G"], year=2025, month=1, title="Chuyển đổi số")
    page = client_for(personas["staff"]).get("/").content.decode()
    assert block(page, "todo") == "Định hướng tháng 01/2025 “Chuyển đổi số”: 0 chi bộ đã đưa vào chương trình họp."
    assert f'<a href="/dinh-huong/{orientation.pk}/">' in page
    february = supervision_services.orientation_publish(tree["G"], year=2025, month=2, title="Tháng hai")
    home_services.orientation_take_up(cell_data, february, personas["secretary"])
    page = client_for(personas["staff"]).get("/").content.decode()
    assert block(page, "todo") == "Định hướng tháng 01/2025 “Chuyển đổi số”: 0 chi bộ đã đưa vào chương trình họp."
