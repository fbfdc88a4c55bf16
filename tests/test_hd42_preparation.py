"""HD 42 preparation (rules-v2.md §2, issue 14 item 2): the documents posted on the Sổ tay, the
chi ủy's agreement, the superior committee notified (by hand, or by the notice service when it
reaches the committee's staff), the scorer; after the meeting the results posted or secret.
Every refusal changes nothing; the page keeps what was typed and shows the message by the field."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chibo.meetings import dates
from chibo.meetings.models import Meeting, QualityRecord
from chibo.meetings.preparation import services as preparation_services
from chibo.meetings.preparation import services_hd42
from chibo.orgs.models import Role

FIELDS = ("docs_posted_on", "committee_prepared_on", "superior_notified_on", "results_posted_on", "secret_content")

#: The routes whose denied access this module tests (tests/test_access_orgs.py).
COVERED = {"meeting_hd42_prep", "meeting_results_posted"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2026, 1, 2))


@pytest.fixture
def upcoming(tree):
    return Meeting.objects.create(ident="C1-2026-01", organization=tree["C1"], kind="regular", date=date(2026, 1, 3),
                                  start=time(19, 30), place="Nhà văn hóa thôn Đông")


@pytest.fixture
def held(tree):
    return Meeting.objects.create(ident="C1-2025-12", organization=tree["C1"], kind="regular", date=date(2025, 12, 3),
                                  status="held", start=time(19, 30), end=time(21, 30))


def state(meeting):
    row = Meeting.objects.get(pk=meeting.pk)
    quality = QualityRecord.objects.filter(meeting=meeting).values_list("scorer__code", flat=True).first()
    return {**{f: getattr(row, f) for f in FIELDS}, "scorer": quality,
            "records": QualityRecord.objects.filter(meeting=meeting).count()}


def prep(meeting, **values):
    given = {"docs_posted_on": None, "committee_prepared_on": None, "superior_notified_on": None, "scorer": None}
    return services_hd42.meeting_hd42_prep_set(meeting, **{**given, **values})


# --- services -----------------------------------------------------------------------------------

def test_prep_dates_and_scorer_recorded(tree, upcoming):
    prep(upcoming, docs_posted_on=date(2026, 1, 1), committee_prepared_on=date(2025, 12, 29),
         superior_notified_on=date(2025, 12, 30), scorer=tree["M2"])
    assert state(upcoming) == {"docs_posted_on": date(2026, 1, 1), "committee_prepared_on": date(2025, 12, 29),
                               "superior_notified_on": date(2025, 12, 30), "results_posted_on": None,
                               "secret_content": False, "scorer": "M2", "records": 1}
    prep(upcoming, docs_posted_on=date(2026, 1, 1))  # the scorer cleared: the record stays, empty
    assert state(upcoming)["scorer"] is None and state(upcoming)["records"] == 1


def test_no_scorer_no_record(upcoming):
    prep(upcoming, committee_prepared_on=date(2025, 12, 29))
    assert state(upcoming)["records"] == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("docs_posted_on", date(2026, 1, 4), "Ngày đăng tài liệu lên Sổ tay đảng viên (04/01/2026) phải trước hoặc "
                                         "đúng ngày họp (03/01/2026)."),
    ("committee_prepared_on", date(2026, 1, 5), "Ngày chi ủy thống nhất nội dung (05/01/2026) phải trước hoặc đúng "
                                               "ngày họp (03/01/2026)."),
    ("superior_notified_on", date(2026, 1, 3), "Ngày thông báo cấp ủy cấp trên (03/01/2026) chưa đến: không được "
                                               "sau hôm nay."),
])
def test_prep_dates_refused(tree, upcoming, field, value, message):
    before = state(upcoming)
    with pytest.raises(ValidationError) as exc:
        prep(upcoming, **{field: value}, scorer=tree["M2"])
    assert exc.value.message_dict == {field: [message]}
    assert state(upcoming) == before


def test_scorer_not_on_the_roll_refused(tree, upcoming):
    before = state(upcoming)
    with pytest.raises(ValidationError) as exc:
        prep(upcoming, docs_posted_on=date(2026, 1, 1), scorer=tree["M4"])  # a member of the sibling cell
    assert exc.value.message_dict == {"scorer": ["Không tìm thấy đảng viên này."]}
    assert state(upcoming) == before  # the date was not kept either: one transaction


def test_prep_refused_once_finalized_or_cancelled(tree, upcoming):
    Meeting.objects.filter(pk=upcoming.pk).update(status="cancelled", cancel_reason="Bão")
    before = state(upcoming)
    with pytest.raises(ValidationError) as exc:
        prep(upcoming, docs_posted_on=date(2026, 1, 1))
    assert exc.value.messages == [preparation_services.CANCELLED]
    assert state(upcoming) == before


def test_results_posted_after_the_meeting(held):
    services_hd42.meeting_results_posted_set(held, results_posted_on=date(2025, 12, 5), secret_content=False)
    assert state(held)["results_posted_on"] == date(2025, 12, 5)
    services_hd42.meeting_results_posted_set(held, results_posted_on=None, secret_content=True)
    assert (state(held)["results_posted_on"], state(held)["secret_content"]) == (None, True)


@pytest.mark.parametrize(("value", "secret", "message"), [
    (date(2025, 12, 2), False, "Ngày đăng kết quả (02/12/2025) không được trước ngày họp (03/12/2025)."),
    (date(2026, 1, 3), False, "Ngày đăng kết quả (03/01/2026) chưa đến: không được sau hôm nay."),
    (date(2025, 12, 5), True, "Nội dung mật không được đăng: bỏ ngày đăng kết quả, hoặc bỏ đánh dấu nội dung mật."),
])
def test_results_posted_refused(held, value, secret, message):
    before = state(held)
    with pytest.raises(ValidationError) as exc:
        services_hd42.meeting_results_posted_set(held, results_posted_on=value, secret_content=secret)
    assert exc.value.message_dict == {"results_posted_on": [message]}
    assert state(held) == before


def test_results_posted_refused_before_the_meeting_is_held(upcoming):
    before = state(upcoming)
    with pytest.raises(ValidationError) as exc:
        services_hd42.meeting_results_posted_set(upcoming, results_posted_on=date(2026, 1, 2), secret_content=False)
    assert exc.value.messages == ["Cuộc họp chưa diễn ra (chưa ghi là đã họp): chưa thể ghi ngày đăng kết quả."]
    assert state(upcoming) == before


def test_database_refuses_results_before_the_meeting(held):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=held.pk).update(results_posted_on=date(2025, 12, 1))


def test_notice_to_the_committee_staff_fills_superior_notified(personas, tree, upcoming, django_capture_on_commit_callbacks):
    staff = personas["staff"]
    staff.email = "dangy@example.vn"
    staff.save()
    with django_capture_on_commit_callbacks(execute=False):
        preparation_services.notice_send(upcoming, personas["secretary"], on=date(2026, 1, 1))
    assert state(upcoming)["superior_notified_on"] == date(2026, 1, 1)


def test_notice_without_a_committee_recipient_leaves_it_empty(personas, tree, upcoming,
                                                              django_capture_on_commit_callbacks):
    Role.objects.filter(kind=Role.Kind.COMMITTEE_STAFF).delete()
    with django_capture_on_commit_callbacks(execute=False):
        preparation_services.notice_send(upcoming, personas["secretary"], on=date(2026, 1, 1))
    assert state(upcoming)["superior_notified_on"] is None


# --- the page -------------------------------------------------------------------------------------

def test_page_saves_and_shows(personas, tree, upcoming, client_for):
    client = client_for(personas["secretary"])
    answer = client.post(f"/sinh-hoat/{upcoming.ident}/chuan-bi/hd42/", {
        "docs_posted_on": "01/01/2026", "committee_prepared_on": "29/12/2025", "superior_notified_on": "",
        "scorer": "M2"})
    assert answer.status_code == 302
    page = client.get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/").content.decode()
    assert "Đăng tài liệu lên Sổ tay đảng viên điện tử: <b>01/01/2026</b>" in page
    assert "Người theo dõi, chấm điểm: <b>Trần Thị Bình</b>" in page


def test_page_error_keeps_what_was_typed(personas, tree, upcoming, client_for):
    client = client_for(personas["secretary"])
    before = state(upcoming)
    answer = client.post(f"/sinh-hoat/{upcoming.ident}/chuan-bi/hd42/", {
        "docs_posted_on": "04/01/2026", "committee_prepared_on": "29/12/2025", "scorer": "M2"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="id_docs_posted_on_error"' in page
    assert "phải trước hoặc đúng ngày họp (03/01/2026)" in page
    assert 'value="29/12/2025"' in page and 'value="04/01/2026"' in page
    assert state(upcoming) == before


def test_results_page_error_keeps_what_was_typed(personas, held, client_for):
    client = client_for(personas["secretary"])
    answer = client.post(f"/sinh-hoat/{held.ident}/chuan-bi/dang-ket-qua/",
                         {"results_posted_on": "01/12/2025"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="id_results_posted_on_error"' in page and 'value="01/12/2025"' in page
    assert state(held)["results_posted_on"] is None


@pytest.mark.parametrize(("persona", "status"), [
    ("member", 403), ("other", 404), ("sibling", 404), ("rival", 404), ("anonymous", 302)])
def test_denied(personas, tree, upcoming, held, client_for, persona, status):
    client = client_for(personas[persona])
    before = (state(upcoming), state(held))
    a = client.post(f"/sinh-hoat/{upcoming.ident}/chuan-bi/hd42/", {"docs_posted_on": "01/01/2026", "scorer": "M2"})
    b = client.post(f"/sinh-hoat/{held.ident}/chuan-bi/dang-ket-qua/", {"results_posted_on": "05/12/2025"})
    assert (a.status_code, b.status_code) == (status, status)
    assert (state(upcoming), state(held)) == before


def test_the_section_is_shown_only_to_who_may_save(personas, upcoming, client_for):
    page = client_for(personas["member"]).get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/").content.decode()
    assert "Các bước theo Hướng dẫn 42" in page and "chuan-bi/hd42/" not in page


def test_prep_page_queries_do_not_grow_with_the_roll(personas, tree, upcoming, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chibo.orgs import services as org_services

    client = client_for(personas["secretary"])
    prep(upcoming, docs_posted_on=date(2026, 1, 1), scorer=tree["M2"])
    client.get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/")
    for i in range(12):
        org_services.member_create(code=f"X{i}", full_name=f"Đảng viên {i}", organization=tree["C1"],
                                   start=date(2020, 1, 1), gender="nam", joined_on=date(2000, 1, 1),
                                   official_on=date(2001, 1, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/").content.decode()
    assert page.count('<option value="X') == 12  # the scorer's choices: the whole roll


def test_a_finalized_meeting_links_to_where_its_results_are_recorded(personas, held, client_for):
    Meeting.objects.filter(pk=held.pk).update(status="finalized", finalized_at="2025-12-04T10:00:00Z")
    link = f'href="/sinh-hoat/{held.ident}/chuan-bi/#hd42"'
    assert link in client_for(personas["secretary"]).get(f"/sinh-hoat/{held.ident}/").content.decode()
    assert link not in client_for(personas["member"]).get(f"/sinh-hoat/{held.ident}/").content.decode()
    page = client_for(personas["secretary"]).get(f"/sinh-hoat/{held.ident}/chuan-bi/").content.decode()
    assert 'action="/sinh-hoat/C1-2025-12/chuan-bi/dang-ket-qua/"' in page
    assert 'action="/sinh-hoat/C1-2025-12/chuan-bi/hd42/"' not in page  # the preparation is over


def test_notice_to_the_member_assigned_to_follow_the_meeting(personas, tree, upcoming,
                                                             django_capture_on_commit_callbacks):
    from chibo.orgs.models import Member
    from chibo.supervision.models import VisitPlan

    Member.objects.filter(pk=tree["M5"].pk).update(email="em@example.vn")
    VisitPlan.objects.create(committee=tree["G"], cell=tree["C1"], assignee=tree["M5"], year=2026, half=1,
                             meeting=upcoming)
    with django_capture_on_commit_callbacks(execute=False):
        result = preparation_services.notice_send(upcoming, personas["secretary"], on=date(2026, 1, 1))
    assert [(r["code"], r["role"]) for r in result.notice.recipients] == [("M5", "committee")]
    assert state(upcoming)["superior_notified_on"] == date(2026, 1, 1)


def test_a_plan_of_another_half_year_or_cell_is_not_a_follower(tree, upcoming):
    from chibo.supervision.models import VisitPlan

    VisitPlan.objects.create(committee=tree["G"], cell=tree["C1"], assignee=tree["M5"], year=2026, half=2)
    VisitPlan.objects.create(committee=tree["G"], cell=tree["C2"], assignee=tree["M4"], year=2026, half=1)
    VisitPlan.objects.create(committee=tree["G"], cell=tree["C1"], assignee=tree["M4"], year=2026, half=1)
    assert [m.code for m in preparation_services.notice_followers(upcoming)] == ["M4"]


# --- only where HD 42 applies (the engine's rulebook: the profile's pin, else the date) ---------

@pytest.fixture
def before_switch(tree):
    """Held on 20/10/2025, before 28/10/2025: judged by HD 12-2018."""
    return Meeting.objects.create(ident="C1-2025-10", organization=tree["C1"], kind="regular",
                                  date=date(2025, 10, 20), status="held", start=time(19, 30), end=time(21, 30))


HD42_SECTION = "Các bước theo Hướng dẫn 42"


def test_the_section_is_not_shown_for_a_meeting_judged_by_hd12(personas, before_switch, held, client_for):
    client = client_for(personas["secretary"])
    page = client.get(f"/sinh-hoat/{before_switch.ident}/chuan-bi/").content.decode()
    assert HD42_SECTION not in page and "chuan-bi/hd42/" not in page and "dang-ket-qua/" not in page
    Meeting.objects.filter(pk=before_switch.pk).update(status="finalized", finalized_at="2025-10-21T10:00:00Z")
    detail = client.get(f"/sinh-hoat/{before_switch.ident}/").content.decode()
    assert 'id="results-link"' not in detail
    record = client.get(f"/sinh-hoat/{before_switch.ident}/ghi/").content.decode()
    assert 'id="s-danh-gia"' not in record and 'href="#s-danh-gia"' not in record
    # the December meeting (HD 42 by date) shows them
    record = client.get(f"/sinh-hoat/{held.ident}/ghi/").content.decode()
    assert 'id="s-danh-gia"' in record and 'href="#s-danh-gia"' in record
    page = client.get(f"/sinh-hoat/{held.ident}/chuan-bi/").content.decode()
    assert HD42_SECTION in page and 'action="/sinh-hoat/C1-2025-12/chuan-bi/dang-ket-qua/"' in page


def test_a_profile_pinning_hd12_hides_the_section_after_the_switch_date(personas, tree, upcoming, client_for):
    from chibo.rules.models import RuleProfile

    client = client_for(personas["secretary"])
    assert HD42_SECTION in client.get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/").content.decode()
    RuleProfile.objects.create(organization=tree["G"], values={"rulebook": "hd12-2018"})
    page = client.get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/").content.decode()
    assert HD42_SECTION not in page and "chuan-bi/hd42/" not in page
    # and a pin to HD 42 shows them for a meeting dated before the switch
    RuleProfile.objects.filter(organization=tree["G"]).update(values={"rulebook": "hd42-2025"})
    Meeting.objects.filter(pk=upcoming.pk).update(date=date(2025, 10, 20))
    assert HD42_SECTION in client.get(f"/sinh-hoat/{upcoming.ident}/chuan-bi/").content.decode()


def test_hd42_steps_refused_for_a_meeting_judged_by_hd12(personas, tree, before_switch, client_for):
    message = ("Sinh hoạt này được đánh giá theo Hướng dẫn 12-HD/BTCTW (2018): không có các bước chuẩn bị, "
               "đăng kết quả theo Hướng dẫn 42.")
    before = state(before_switch)
    with pytest.raises(ValidationError) as exc:
        prep(before_switch, committee_prepared_on=date(2025, 10, 15), scorer=tree["M2"])
    assert exc.value.messages == [message]
    with pytest.raises(ValidationError) as exc:
        services_hd42.meeting_results_posted_set(before_switch, results_posted_on=date(2025, 10, 22),
                                                 secret_content=False, on=date(2025, 10, 25))
    assert exc.value.messages == [message]
    client = client_for(personas["secretary"])
    response = client.post(f"/sinh-hoat/{before_switch.ident}/chuan-bi/hd42/",
                           {"committee_prepared_on": "15/10/2025", "scorer": "M2"}, follow=True)
    assert message in response.content.decode()
    response = client.post(f"/sinh-hoat/{before_switch.ident}/chuan-bi/dang-ket-qua/",
                           {"results_posted_on": "22/10/2025"}, follow=True)
    assert message in response.content.decode()
    assert state(before_switch) == before == {**{f: None for f in FIELDS}, "secret_content": False, "scorer": None,
                                              "records": 0}
