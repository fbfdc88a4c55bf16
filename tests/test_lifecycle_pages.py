"""The life cycle on the pages: "Đánh dấu đã họp" and "Hủy cuộc họp" (who may, what they change,
a refusal in Vietnamese that changes nothing), and a cancelled meeting everywhere it is shown:
the meeting page, the cell's list, the member's page, the documents and the rule engine."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from chibo.meetings import facts, lifecycle
from chibo.meetings.models import Meeting
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot

pytestmark = pytest.mark.django_db

#: URL names whose access is tested here (tests/test_access_meetings.py counts them).
COVERED = {"meeting_mark_held", "meeting_cancel"}
RECORDERS = {"admin", "designated", "secretary"}
MANAGERS = {"admin", "staff", "designated", "secretary"}


def _planned(tree, day=None, ident="C1-P", **extra) -> Meeting:
    return Meeting.objects.create(ident=ident, organization=tree["C1"], kind="regular",
                                  date=day or timezone.localdate(), start=time(19, 30), place="Nhà văn hóa",
                                  **extra)


@pytest.mark.parametrize("persona", PERSONAS)
def test_mark_held_access(tree, personas, client_for, persona):
    m = _planned(tree)
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(f"/sinh-hoat/{m.ident}/da-hop/")
    m.refresh_from_db()
    if persona in RECORDERS:
        assert allowed_response(response) and m.status == lifecycle.HELD
    else:
        assert denied_response(response), (persona, response.status_code)
        assert snapshot() == before and m.status == lifecycle.PLANNED


@pytest.mark.parametrize("persona", PERSONAS)
def test_cancel_access(tree, personas, client_for, persona):
    m = _planned(tree)
    client = client_for(personas[persona])
    before = snapshot()
    page = client.get(f"/sinh-hoat/{m.ident}/huy/")
    response = client.post(f"/sinh-hoat/{m.ident}/huy/", {"reason": "Mưa bão, đường ngập"})
    m.refresh_from_db()
    if persona in MANAGERS:
        assert page.status_code == 200 and allowed_response(response)
        assert (m.status, m.cancel_reason) == (lifecycle.CANCELLED, "Mưa bão, đường ngập")
    else:
        assert denied_response(page) and denied_response(response), (persona, response.status_code)
        assert snapshot() == before and m.status == lifecycle.PLANNED


def test_mark_held_refused_before_the_day(tree, personas, client_for):
    m = _planned(tree, timezone.localdate() + timedelta(days=3))
    client = client_for(personas["secretary"])
    page = client.get(f"/sinh-hoat/{m.ident}/").content.decode()
    assert 'id="mark-held"' not in page and 'id="cancel-link"' in page
    before = snapshot()
    response = client.post(f"/sinh-hoat/{m.ident}/da-hop/", follow=True)
    assert snapshot() == before
    assert [str(x) for x in response.context["messages"]] == [
        f"Cuộc họp ngày {m.date:%d/%m/%Y} chưa diễn ra; chưa thể đánh dấu đã họp."]


def test_mark_held_from_the_meeting_page(tree, personas, client_for):
    m = _planned(tree)
    client = client_for(personas["secretary"])
    assert 'id="mark-held"' in client.get(f"/sinh-hoat/{m.ident}/").content.decode()
    response = client.post(f"/sinh-hoat/{m.ident}/da-hop/", follow=True)
    assert [str(x) for x in response.context["messages"]] == [
        "Đã ghi nhận cuộc họp đã diễn ra. Ghi đủ biên bản rồi bấm Hoàn tất."]
    page = response.content.decode()
    assert 'id="mark-held"' not in page and 'id="cancel-link"' not in page
    again = client.post(f"/sinh-hoat/{m.ident}/da-hop/", follow=True)
    assert [str(x) for x in again.context["messages"]] == ["Cuộc họp đã được đánh dấu đã họp."]


def test_cancel_form_keeps_the_text_and_names_the_field(tree, personas, client_for):
    m = _planned(tree)
    client = client_for(personas["secretary"])
    before = snapshot()
    empty = client.post(f"/sinh-hoat/{m.ident}/huy/", {"reason": "   "})
    assert empty.status_code == 400
    assert empty.context["form"].errors == {"reason": ["Trường này bắt buộc."]}
    long = "x" * 501
    too_long = client.post(f"/sinh-hoat/{m.ident}/huy/", {"reason": long})
    assert too_long.status_code == 400
    assert too_long.context["form"].errors == {"reason": ["Lý do hủy dài quá 500 ký tự."]}
    assert long in too_long.content.decode()  # what the user typed is kept
    assert snapshot() == before


def test_cancel_refused_once_held(tree, personas, client_for, meeting):
    client = client_for(personas["secretary"])
    page = client.get(f"/sinh-hoat/{meeting.ident}/huy/")
    assert page.status_code == 200 and page.context["refusal"] == lifecycle.NOT_UPCOMING
    assert "<textarea" not in page.content.decode()
    before = snapshot()
    response = client.post(f"/sinh-hoat/{meeting.ident}/huy/", {"reason": "Mưa"})
    assert response.status_code == 409 and snapshot() == before


def test_a_cancelled_meeting_on_every_page(tree, personas, client_for):
    today = timezone.localdate()
    m = _planned(tree, today + timedelta(days=5))
    client = client_for(personas["secretary"])
    client.post(f"/sinh-hoat/{m.ident}/huy/", {"reason": "Trùng lịch bầu cử <b>đại biểu</b>"})
    detail = client.get(f"/sinh-hoat/{m.ident}/").content.decode()
    assert "Lý do hủy:</b> Trùng lịch bầu cử &lt;b&gt;đại biểu&lt;/b&gt;" in detail
    for absent in ('id="record-button"', 'id="cancel-link"', "Kiểm tra theo quy định", "/bien-ban.docx"):
        assert absent not in detail
    listing = client.get(f"/to-chuc/C1/sinh-hoat/?nam={m.date.year}").content.decode()
    assert "Lý do hủy: Trùng lịch bầu cử &lt;b&gt;đại biểu&lt;/b&gt;" in listing
    record = client.get(f"/sinh-hoat/{m.ident}/ghi/", follow=True)
    assert record.redirect_chain == [(f"/sinh-hoat/{m.ident}/", 302)]
    assert [str(x) for x in record.context["messages"]] == ["Cuộc họp đã bị hủy; không thể ghi biên bản."]
    status = client.get(f"/sinh-hoat/{m.ident}/ghi/kiem-tra/")
    assert (status.status_code, status.json()) == (409, {"ok": False, "field": None,
                                                         "error": "Cuộc họp đã bị hủy; không thể ghi biên bản."})
    for path in ("bien-ban.docx", "bien-ban.pdf", "nghi-quyet.docx", "nghi-quyet.pdf"):
        assert client.get(f"/sinh-hoat/{m.ident}/{path}").status_code == 404
    mine = client_for(personas["member"]).get("/cua-toi/").content.decode()
    assert "Lý do hủy:</b> Trùng lịch bầu cử &lt;b&gt;đại biểu&lt;/b&gt;" in mine
    assert f'id="ly-do-{m.pk}"' not in mine  # no absence form for a meeting called off


def test_a_cancelled_meeting_does_not_count_for_its_month(tree):
    """The engine reads the record through chibo.meetings.facts: a cancelled regular meeting is not
    the month's meeting (a held one is)."""
    held = _planned(tree, date(2025, 3, 3), ident="C1-2025-03", status=lifecycle.HELD)
    _planned(tree, date(2025, 4, 3), ident="C1-2025-04", status=lifecycle.CANCELLED, cancel_reason="Bão")
    record = facts.subtree_record(tree["C1"], date(2025, 3, 1), date(2025, 4, 30))
    assert [m["id"] for m in record["meetings"]] == [held.ident]
    assert list(facts.meeting_query([tree["C1"].pk], None, None).values_list("ident", flat=True)) == [held.ident]


def test_only_meetings_held_count_for_their_month(tree, personas):
    """A meeting planned (or notified) but never held is not the month's meeting: the engine
    reads held and finalized meetings only, plus the one whose page is open."""
    from chibo.meetings.evaluation import evaluate
    from chibo.meetings.recording import services
    from chibo.rules import engine

    planned = _planned(tree, date(2025, 3, 3), ident="C1-2025-03")
    first, last = date(2025, 3, 1), date(2025, 3, 31)

    def month_findings():
        audit = engine.audit(facts.subtree_record(tree["C1"], first, last), first, last)
        return [m["id"] for m in audit["meetings"]], [f["code"] for f in audit["findings"]
                                                      if f.get("organization") == "C1" and "period" in f
                                                      and f["period"] == "2025-03"]

    assert month_findings() == ([], ["MISSING_REGULAR_MEETING"])
    assert evaluate(planned)["id"] == "C1-2025-03"  # its own page still judges it
    services.meeting_mark_held(planned, personas["secretary"], on=date(2025, 3, 3))
    assert month_findings() == (["C1-2025-03"], [])


def test_the_draft_minutes_of_a_meeting_not_yet_held(tree, personas, client_for):
    m = _planned(tree, date(2025, 3, 3), ident="C1-2025-03")
    client = client_for(personas["secretary"])
    for path in ("bien-ban.docx", "bien-ban.pdf", "nghi-quyet.docx"):
        response = client.get(f"/sinh-hoat/{m.ident}/{path}")
        assert response.status_code == 200 and response.content[:2] in (b"PK", b"%P"), path
