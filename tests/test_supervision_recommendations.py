"""Recommendations sent upward (issue 9 item 2): a speech or an agenda item of the minutes marked
as a recommendation to the superior committee, its inbox (filters, overdue first), its moves
(received → being handled → answered, or forwarded up one level) with who and when, the answer on
the cell's meeting page and at its next meeting's preparation; every refusal changes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from chibo.meetings.models import AgendaItem, Meeting, Speech
from chibo.orgs.models import Member, Organization, Position
from chibo.orgs.selectors import recommendation_answer_days
from chibo.supervision import selectors, services
from chibo.supervision.models import Recommendation, RecommendationStep
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db

#: The pages and actions whose access this module tests (tests/test_access_orgs.py checks every URL
#: is covered somewhere).
COVERED = ("recommendation_inbox", "recommendation_detail", "recommendation_send_meeting")

SENT = datetime(2025, 1, 3, 14, 0, tzinfo=UTC)


@pytest.fixture
def speech(meeting, tree):
    return Speech.objects.create(meeting=meeting, position=0, member=tree["M2"], item="Tình hình thôn",
                                 summary="Đề nghị xã sửa đường liên thôn trước mùa mưa.")


@pytest.fixture
def rec(meeting, speech, personas):
    return services.recommendation_send(meeting, topic="economy", speech=speech, user=personas["secretary"], now=SENT)


def test_send_from_a_speech_reaches_the_parent_committee(rec, tree, personas, meeting):
    assert rec.committee == tree["G"]
    assert rec.organization == tree["C1"]
    assert rec.text == "Đề nghị xã sửa đường liên thôn trước mùa mưa."
    assert rec.status == "received"
    assert rec.due_on == date(2025, 2, 2)  # 30 days after 03/01/2025 (Asia/Ho_Chi_Minh)
    assert list(rec.steps.values_list("status", "committee__code", "by__username")) == [
        ("received", "G", "secretary")]


def test_send_from_an_agenda_item_with_own_text(meeting, personas):
    item = AgendaItem.objects.create(meeting=meeting, position=0, title="Xây dựng nông thôn mới", notes="Vốn đối ứng")
    rec = services.recommendation_send(meeting, topic="policy", agenda_item=item, text="  Xin hỗ trợ vốn  ",
                                       user=personas["secretary"], now=SENT)
    assert (rec.text, rec.agenda_item_id, rec.speech_id) == ("Xin hỗ trợ vốn", item.pk, None)
    other = AgendaItem.objects.create(meeting=meeting, position=1, title="Giao thông", notes="Đường thôn")
    assert services.recommendation_send(meeting, topic="policy", agenda_item=other, now=SENT).text == \
        "Giao thông\nĐường thôn"


def test_send_refusals(meeting, speech, rec, tree):
    fresh = Speech.objects.create(meeting=meeting, position=1, member=tree["M1"], summary="x")
    other = Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="regular",
                                   date=date(2025, 2, 3), status="planned")
    own = Speech.objects.create(meeting=other, position=0, member=tree["M1"], summary="y")
    before = snapshot()
    with pytest.raises(ValidationError, match="đã được gửi lên"):
        services.recommendation_send(meeting, topic="economy", speech=speech)
    with pytest.raises(ValidationError, match="Chọn một"):
        services.recommendation_send(meeting, topic="economy")
    with pytest.raises(ValidationError, match="Chọn lĩnh vực"):
        services.recommendation_send(meeting, topic="nope", speech=fresh)
    with pytest.raises(ValidationError, match="chưa diễn ra"):
        services.recommendation_send(other, topic="economy", speech=own)
    with pytest.raises(ValidationError, match="không thuộc cuộc họp"):
        services.recommendation_send(other, topic="economy", speech=speech)
    assert snapshot() == before


def test_take_answer_keep_who_and_when(rec, tree, personas):
    services.recommendation_take(rec, tree["G"], user=personas["staff"])
    services.recommendation_answer(rec, tree["G"], "Xã đã đưa vào kế hoạch quý II.", user=personas["staff"])
    rec.refresh_from_db()
    assert (rec.status, rec.answer, rec.answered_by.username) == ("answered", "Xã đã đưa vào kế hoạch quý II.", "staff")
    assert list(rec.steps.values_list("status", "committee__code", "by__username")) == [
        ("received", "G", "secretary"), ("handling", "G", "staff"), ("answered", "G", "staff")]
    before = snapshot()
    with pytest.raises(ValidationError, match="đã được trả lời"):
        services.recommendation_answer(rec, tree["G"], "Lần hai")
    with pytest.raises(ValidationError, match="Chỉ nhận xử lý"):
        services.recommendation_take(rec, tree["G"])
    assert snapshot() == before


def test_forward_moves_it_one_level_up_with_as_many_days(rec, tree, personas):
    now = SENT + timedelta(days=10)
    services.recommendation_forward(rec, tree["G"], "Vượt thẩm quyền của xã.", user=personas["staff"], now=now)
    rec.refresh_from_db()
    assert (rec.committee.code, rec.forwarded_from.code, rec.status) == ("P", "G", "received")
    assert rec.due_on == date(2025, 1, 13) + timedelta(days=30)
    assert list(rec.steps.values_list("status", "committee__code")) == [
        ("received", "G"), ("forwarded", "G"), ("received", "P")]
    before = snapshot()
    with pytest.raises(ValidationError, match="không gửi đến cấp ủy"):
        services.recommendation_answer(rec, tree["G"], "Trả lời")
    assert snapshot() == before
    # G still sees it, as forwarded; P has it to answer
    assert [r.pk for r in selectors.inbox(tree["G"], today=date(2025, 1, 14), status="forwarded")] == [rec.pk]
    assert [r.pk for r in selectors.inbox(tree["P"], today=date(2025, 1, 14))] == [rec.pk]
    assert selectors.inbox(tree["G"], today=date(2025, 1, 14), status="received") == []


def _many(meeting, tree, n, start=0):
    out = []
    for i in range(start, start + n):
        s = Speech.objects.create(meeting=meeting, position=i + 10, member=tree["M1"], summary=f"Kiến nghị {i}")
        out.append(services.recommendation_send(meeting, topic="party" if i % 2 else "land", speech=s,
                                                now=SENT + timedelta(days=i)))
    return out


def test_inbox_overdue_first_and_filters(meeting, tree):
    recs = _many(meeting, tree, 4)
    services.recommendation_answer(recs[0], tree["G"], "Đã trả lời")
    today = date(2025, 2, 4)  # due 02/02, 03/02, 04/02, 05/02 for recs 0..3: 1 is overdue (0 answered)
    rows = selectors.inbox(tree["G"], today=today)
    assert [(r.pk, r.overdue) for r in rows] == [(recs[1].pk, True), (recs[0].pk, False), (recs[2].pk, False),
                                                  (recs[3].pk, False)]
    assert [r.pk for r in selectors.inbox(tree["G"], today=today, status="overdue")] == [recs[1].pk]
    assert [r.pk for r in selectors.inbox(tree["G"], today=today, status="answered")] == [recs[0].pk]
    assert [r.pk for r in selectors.inbox(tree["G"], today=today, topic="party")] == [recs[1].pk, recs[3].pk]
    assert selectors.inbox(tree["G"], today=today, cell_id=tree["C2"].pk) == []
    assert [r.pk for r in selectors.inbox(tree["G"], today=today, cell_id=tree["C1"].pk)] == [r.pk for r in rows]
    Recommendation.objects.filter(pk=recs[3].pk).update(sent_at=timezone.now())
    assert recs[3].pk not in [r.pk for r in selectors.inbox(tree["G"], today=today, age=7)]


def test_inbox_page_filters_and_query_count(client_for, personas, meeting, tree, django_assert_num_queries):
    _many(meeting, tree, 2)
    client = client_for(personas["staff"])
    url = reverse("recommendation_inbox", args=["G"])
    client.get(url)
    with django_assert_num_queries(QUERIES_INBOX) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    _many(meeting, tree, 6, start=2)
    with django_assert_num_queries(len(ctx.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("data-recommendation=") == 8
    assert client.get(url + "?tinh_trang=answered").content.decode().count("data-recommendation=") == 0
    assert client.get(url + "?tinh_trang=bogus").status_code == 400
    assert client.get(url + "?chi_bo=C3").status_code == 400


#: session, user, the scope: 1 query (roles, member id), the top bar (roles, notices), the committee,
#: its cells, the inbox rows, the committee's days to answer (its own or inherited)
QUERIES_INBOX = 8


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("staff", 200), ("designated", 200), ("secretary", 404), ("member", 404),
    ("other", 404), ("sibling", 404), ("rival", 404), ("anonymous", 302)])
def test_inbox_access(client_for, personas, rec, persona, status):
    """A cell's people cannot see the committee (404); C1's own inbox does not exist (a cell)."""
    client = client_for(personas[persona])
    before = snapshot()
    response = client.get(reverse("recommendation_inbox", args=["G"]))
    assert response.status_code == status
    assert client.get(reverse("recommendation_inbox", args=["C1"])).status_code in (302, 403, 404)
    assert snapshot() == before


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("staff", 200), ("designated", 200), ("secretary", 200), ("member", 200),
    ("other", 404), ("sibling", 404), ("rival", 404), ("anonymous", 302)])
def test_detail_access(client_for, personas, rec, persona, status):
    response = client_for(personas[persona]).get(reverse("recommendation_detail", args=[rec.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("persona", ["secretary", "member", "other", "sibling", "rival", "anonymous"])
@pytest.mark.parametrize("action", ["take", "answer", "forward"])
def test_only_the_committee_handles(client_for, personas, rec, persona, action):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(reverse("recommendation_detail", args=[rec.pk]),
                                                  {"action": action, "answer": "Trả lời", "note": "Chuyển"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/dang-nhap/" in response["Location"]
    assert snapshot() == before


def test_committee_answers_through_the_page_and_the_cell_sees_it(client_for, personas, rec, meeting):
    staff = client_for(personas["staff"])
    url = reverse("recommendation_detail", args=[rec.pk])
    assert staff.post(url, {"action": "take"}).status_code == 302
    empty = staff.post(url, {"action": "answer", "answer": ""})
    assert empty.status_code == 400 and "Trường này bắt buộc." in empty.content.decode()
    assert staff.post(url, {"action": "answer", "answer": "Xã sẽ sửa trong tháng 3."}).status_code == 302
    rec.refresh_from_db()
    assert rec.status == "answered"
    page = client_for(personas["member"]).get(reverse("meeting_detail", args=[meeting.ident])).content.decode()
    assert "Xã sẽ sửa trong tháng 3." in page
    nxt = Meeting.objects.create(ident="C1-2025-02", organization=meeting.organization, kind="regular",
                                 date=date(2025, 2, 3), status="planned")
    prep = client_for(personas["secretary"]).get(reverse("meeting_prepare", args=[nxt.ident])).content.decode()
    assert "Xã sẽ sửa trong tháng 3." in prep


def test_rival_committee_sees_nothing(client_for, personas, rec, meeting):
    page = client_for(personas["rival"]).get(reverse("recommendation_inbox", args=["G2"])).content.decode()
    assert page.count("data-recommendation=") == 0


@pytest.mark.parametrize(("persona", "ok"), [
    ("admin", True), ("secretary", True), ("designated", True), ("staff", False), ("member", False),
    ("other", False), ("sibling", False), ("rival", False), ("anonymous", False)])
def test_send_through_the_meeting_page(client_for, personas, meeting, speech, persona, ok):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(reverse("recommendation_send_meeting", args=[meeting.ident]),
                                                  {"nguon": f"speech-{speech.pk}", "topic": "economy", "text": ""})
    if ok:
        assert response.status_code == 302
        assert Recommendation.objects.get().speech_id == speech.pk
        assert RecommendationStep.objects.count() == 1
    else:
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert "/dang-nhap/" in response["Location"]
        assert snapshot() == before


def test_send_error_keeps_the_input(client_for, personas, meeting, speech):
    response = client_for(personas["secretary"]).post(
        reverse("recommendation_send_meeting", args=[meeting.ident]),
        {"nguon": f"speech-{speech.pk}", "topic": "bogus", "text": "Giữ lại chữ này"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Giữ lại chữ này" in page and 'id="send-errors"' in page


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_user_text_is_escaped_on_every_new_page(client_for, personas, meeting, tree):
    """The cell's text, the answer, a forward note, a visit's remarks and guidance and a plan's note
    come out escaped on the inbox, the recommendation, the meeting, its superior-committee page,
    the plan page and the member's visits."""
    Position.objects.create(member=tree["M4"], organization=tree["G"], title="chi_uy_vien", start=date(2020, 1, 1))
    Member.objects.filter(code="M4").update(full_name=PAYLOAD)
    m4 = Member.objects.get(code="M4")
    speech = Speech.objects.create(meeting=meeting, position=0, member=tree["M2"], summary="Ý kiến")
    rec = services.recommendation_send(meeting, topic="economy", speech=speech, text=PAYLOAD)
    services.recommendation_answer(rec, tree["G"], PAYLOAD)
    item = AgendaItem.objects.create(meeting=meeting, position=0, title="Mục")
    other = services.recommendation_send(meeting, topic="land", agenda_item=item, text=PAYLOAD)
    services.recommendation_forward(other, tree["G"], PAYLOAD)
    services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=m4, year=2025, half=1, meeting=meeting, note=PAYLOAD)
    services.visit_record(meeting, committee=tree["G"], member=m4, remarks=PAYLOAD, guidance=PAYLOAD,
                          today=date(2025, 3, 1))
    pages = [
        (personas["staff"], reverse("recommendation_inbox", args=["G"])),
        (personas["admin"], reverse("recommendation_inbox", args=["P"])),
        (personas["staff"], reverse("recommendation_detail", args=[rec.pk])),
        (personas["admin"], reverse("recommendation_detail", args=[other.pk])),
        (personas["member"], reverse("meeting_detail", args=[meeting.ident])),
        (personas["secretary"], reverse("meeting_upward", args=[meeting.ident])),
        (personas["staff"], reverse("visit_plan", args=["G"]) + "?nam=2025&ky=1"),
        (personas["other"], reverse("my_visits") + "?nam=2025"),
    ]
    for user, url in pages:
        page = client_for(user).get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url
    assert "&lt;script&gt;" in client_for(personas["staff"]).get(
        reverse("recommendation_detail", args=[rec.pk])).content.decode()


def test_every_move_is_on_the_change_log(rec, tree, personas):
    from chibo.changelog.models import LogEntry

    services.recommendation_answer(rec, tree["G"], "Đã xử lý.", user=personas["staff"])
    kinds = sorted(LogEntry.objects.filter(content_type__app_label="supervision").values_list(
        "content_type__model", "action"))
    # the recommendation created then changed (answered), and its two steps created
    assert kinds == [("recommendation", 0), ("recommendation", 1), ("recommendationstep", 0),
                     ("recommendationstep", 0)]


def test_forward_through_the_page(client_for, personas, rec, tree):
    staff = client_for(personas["staff"])
    url = reverse("recommendation_detail", args=[rec.pk])
    assert staff.post(url, {"action": "forward", "note": "Thuộc thẩm quyền tỉnh."}).status_code == 302
    rec.refresh_from_db()
    assert (rec.committee.code, rec.forwarded_from.code, rec.status) == ("P", "G", "received")
    before = snapshot()
    assert staff.post(url, {"action": "answer", "answer": "Không còn thuộc xã"}).status_code == 403
    assert snapshot() == before
    page = staff.get(reverse("recommendation_inbox", args=["G"])).content.decode()
    assert "Đã chuyển lên Đảng bộ tỉnh Thử" in page
    admin = client_for(personas["admin"])
    assert admin.get(reverse("recommendation_inbox", args=["P"])).content.decode().count("data-recommendation=") == 1
    assert admin.post(url, {"action": "bogus"}).status_code == 400


def test_a_committee_above_reads_the_subtree(client_for, personas, rec, tree):
    """Staff of the province (P) read the inbox of the commune's committee (G) below it and the
    recommendation; G's staff cannot open P's inbox (above them)."""
    from django.contrib.auth import get_user_model

    from chibo.orgs.models import Role

    province = get_user_model().objects.create_user("province")
    Role.objects.create(user=province, organization=tree["P"], kind=Role.Kind.COMMITTEE_STAFF)
    client = client_for(province)
    assert client.get(reverse("recommendation_inbox", args=["G"])).content.decode().count("data-recommendation=") == 1
    assert client.get(reverse("recommendation_inbox", args=["P"])).content.decode().count("data-recommendation=") == 0
    assert client.get(reverse("recommendation_detail", args=[rec.pk])).status_code == 200
    assert client_for(personas["staff"]).get(reverse("recommendation_inbox", args=["P"])).status_code == 404


def test_the_days_to_answer_are_the_committees_own_or_inherited(meeting, tree, personas, client_for):
    """The answer is due as many days after it arrives as the receiving committee gives itself
    (the rule profile page), inherited from the committee above; overdue the day after."""
    Organization.objects.filter(code="P").update(recommendation_answer_days=10)
    assert recommendation_answer_days(tree["G"]) == (10, Organization.objects.get(code="P"))
    first = _many(meeting, tree, 1)[0]  # sent 03/01/2025 to G, which inherits P's 10 days
    assert first.due_on == date(2025, 1, 13)
    on_time = [(r.pk, r.overdue) for r in selectors.inbox(tree["G"], today=date(2025, 1, 12))]
    on_the_day = [(r.pk, r.overdue) for r in selectors.inbox(tree["G"], today=date(2025, 1, 13))]
    after = [(r.pk, r.overdue) for r in selectors.inbox(tree["G"], today=date(2025, 1, 14))]
    assert (on_time, on_the_day, after) == ([(first.pk, False)], [(first.pk, False)], [(first.pk, True)])
    page = client_for(personas["staff"]).get(reverse("recommendation_inbox", args=["G"])).content.decode()
    assert "quá 10 ngày kể từ khi nhận" in page
    # G's own setting wins over P's; forwarded to P, the answer is due in P's days
    Organization.objects.filter(code="G").update(recommendation_answer_days=45)
    second = _many(meeting, tree, 1, start=1)[0]  # sent 04/01/2025
    assert second.due_on == date(2025, 1, 4) + timedelta(days=45)
    services.recommendation_forward(second, tree["G"], "Vượt thẩm quyền.", now=SENT + timedelta(days=5))
    second.refresh_from_db()
    assert (second.committee.code, second.due_on) == ("P", date(2025, 1, 18))
    Organization.objects.filter(code__in=["P", "G"]).update(recommendation_answer_days=None)
    assert recommendation_answer_days(tree["G"]) == (30, None)
