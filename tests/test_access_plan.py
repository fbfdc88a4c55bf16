"""Every planning / preparation URL for the six personas: who may see and who may change what;
a denied change changes nothing. (tests/test_access_orgs.py::test_every_url_is_in_the_matrix should
also read COVERED from this module.)"""

from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.meetings import dates
from chibo.meetings.models import (
    AbsenceNotice,
    CalendarToken,
    Contribution,
    Meeting,
    Task,
    ThematicPlan,
    ThematicPrep,
)
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.notices.models import NoticeDelivery
from chibo.orgs.models import Member
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The personas are created with passwords: a cheap hasher keeps this module fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

pytestmark = pytest.mark.django_db

ALL = set(PERSONAS) - {"anonymous"}
READERS_C1 = {"admin", "staff", "designated", "secretary", "member"}
MANAGERS_C1 = {"admin", "staff", "designated", "secretary"}
SUPERVISORS_G = {"admin", "staff", "designated"}
WITH_MEMBER = {"secretary", "member", "other", "sibling"}


@pytest.fixture
def world(tree, personas, meeting, settings, tmp_path, monkeypatch):
    """C1 has a held meeting (C1-2025-01), an upcoming regular meeting C1-2025-02 with a document and
    absence notices of M1 and M2, an upcoming thematic meeting C1-2025-Q1-CD with a presentation and a
    contribution, a task of M2, and an unreported thematic plan."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))
    Member.objects.filter(code__in=["M1", "M2"]).update(email="x@example.vn")
    feb = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30))
    doc = preparation_services.document_add(feb, title="Dự thảo", file=SimpleUploadedFile("d.pdf", b"%PDF"))
    for code in ("M1", "M2"):
        AbsenceNotice.objects.create(meeting=feb, member=tree[code], reason="Bận")
    cd = planning_services.meeting_create(tree["C1"], kind="thematic", date=date(2025, 2, 20), topic="Chuyển đổi số")
    preparation_services.thematic_prep_save(cd, topic="Chuyển đổi số", presenter=tree["M1"],
                                     presentation=SimpleUploadedFile("de-dan.pdf", b"%PDF"))
    contribution = Contribution.objects.create(meeting=cd, member=tree["M2"], title="Tham luận")
    task = Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Thu đảng phí")
    ThematicPlan.objects.bulk_create([ThematicPlan(organization=tree["C1"], year=2025, quarter=q, topic=f"CĐ {q}")
                                      for q in (1, 2, 3, 4)])
    return {"doc": doc.pk, "contribution": contribution.pk, "task": task.pk}


# (url name, path, personas allowed); `{doc}`, `{contribution}`, `{task}` filled from the world
READS = [
    ("meeting_list", "/to-chuc/C1/sinh-hoat/?nam=2025", READERS_C1),
    ("meeting_list", "/to-chuc/C2/sinh-hoat/", {"admin", "staff", "designated", "other", "sibling"}),
    ("my_page", "/cua-toi/", WITH_MEMBER),
    ("plan_year", "/to-chuc/C1/sinh-hoat/ke-hoach/?year=2025&combine=on", MANAGERS_C1),
    ("meeting_create", "/to-chuc/C1/sinh-hoat/them/", MANAGERS_C1),
    ("thematic_plan", "/to-chuc/C1/chuyen-de/2025/", READERS_C1),
    ("thematic_plans_subtree", "/to-chuc/G/ke-hoach-chuyen-de/?nam=2025", SUPERVISORS_G),
    ("thematic_plans_subtree", "/to-chuc/C1/ke-hoach-chuyen-de/", SUPERVISORS_G),
    ("agenda_template", "/to-chuc/G/chuong-trinh-mau/", SUPERVISORS_G),
    ("agenda_template", "/to-chuc/C1/chuong-trinh-mau/", READERS_C1),
    ("meeting_prepare", "/sinh-hoat/C1-2025-02/chuan-bi/", READERS_C1),
    ("meeting_prepare", "/sinh-hoat/C1-2025-Q1-CD/chuan-bi/", READERS_C1),
    ("agenda_edit", "/sinh-hoat/C1-2025-02/chuan-bi/chuong-trinh/", MANAGERS_C1),
    ("notice_send", "/sinh-hoat/C1-2025-02/thong-bao/", MANAGERS_C1),
    ("notice_pdf", "/sinh-hoat/C1-2025-02/thong-bao.pdf", READERS_C1),
    ("notice_docx", "/sinh-hoat/C1-2025-02/thong-bao.docx", READERS_C1),
    ("document_download", "/sinh-hoat/C1-2025-02/tai-lieu/{doc}/", READERS_C1),
    ("presentation_download", "/sinh-hoat/C1-2025-Q1-CD/chuan-bi/chuyen-de/bai-de-dan/", READERS_C1),
]


def _plan_formset():
    return {"cd-TOTAL_FORMS": "1", "cd-INITIAL_FORMS": "0", "cd-0-quarter": "1", "cd-0-topic": "Chuyên đề mới",
            "cd-0-presenter": "", "cd-0-planned_date": ""}


WRITES = [
    ("plan_year", "/to-chuc/C1/sinh-hoat/ke-hoach/", lambda: {"year": "2025", "combine": "on"}, MANAGERS_C1),
    ("meeting_create", "/to-chuc/C1/sinh-hoat/them/", lambda: {"kind": "extraordinary", "date": "10/03/2025"},
     MANAGERS_C1),
    ("thematic_plan", "/to-chuc/C1/chuyen-de/2025/", _plan_formset, MANAGERS_C1),
    ("thematic_plan_report", "/to-chuc/C1/chuyen-de/2025/bao-cao/", dict, MANAGERS_C1),
    ("agenda_template", "/to-chuc/G/chuong-trinh-mau/",
     lambda: {"mau-TOTAL_FORMS": "1", "mau-INITIAL_FORMS": "0", "mau-0-order": "1", "mau-0-section": "opening",
              "mau-0-title": "Khai mạc"}, SUPERVISORS_G),
    ("agenda_template", "/to-chuc/C1/chuong-trinh-mau/",
     lambda: {"mau-TOTAL_FORMS": "1", "mau-INITIAL_FORMS": "0", "mau-0-order": "1", "mau-0-section": "opening",
              "mau-0-title": "Khai mạc"}, SUPERVISORS_G),
    ("calendar_token_cell", "/to-chuc/C1/lich/", dict, MANAGERS_C1),
    ("calendar_token_member", "/cua-toi/lich/", dict, WITH_MEMBER),
    ("meeting_schedule", "/sinh-hoat/C1-2025-02/chuan-bi/thoi-gian/",
     lambda: {"date": "04/02/2025", "start": "08:00", "place": "Trụ sở"}, MANAGERS_C1),
    ("agenda_edit", "/sinh-hoat/C1-2025-02/chuan-bi/chuong-trinh/",
     lambda: {"ct-TOTAL_FORMS": "1", "ct-INITIAL_FORMS": "0", "ct-0-order": "1", "ct-0-section": "body",
              "ct-0-title": "Một nội dung", "ct-0-notes": ""}, MANAGERS_C1),
    ("agenda_reset", "/sinh-hoat/C1-2025-02/chuan-bi/chuong-trinh/lay-mau/", dict, MANAGERS_C1),
    ("thematic_prep_edit", "/sinh-hoat/C1-2025-Q1-CD/chuan-bi/chuyen-de/",
     lambda: {"topic": "Chuyển đổi số, đổi tên", "presenter": "M2"}, MANAGERS_C1),
    ("thematic_prep_approve", "/sinh-hoat/C1-2025-Q1-CD/chuan-bi/chuyen-de/duyet/", dict, MANAGERS_C1),
    ("contribution_add", "/sinh-hoat/C1-2025-Q1-CD/chuan-bi/tham-luan/",
     lambda: {"member": "M3", "title": "Ý kiến đảng viên trẻ"}, MANAGERS_C1),
    ("contribution_delete", "/sinh-hoat/C1-2025-Q1-CD/chuan-bi/tham-luan/{contribution}/xoa/", dict, MANAGERS_C1),
    ("document_upload", "/sinh-hoat/C1-2025-02/tai-lieu/",
     lambda: {"title": "Báo cáo", "file": SimpleUploadedFile("bc.pdf", b"%PDF")}, MANAGERS_C1),
    ("document_delete", "/sinh-hoat/C1-2025-02/tai-lieu/{doc}/xoa/", dict, MANAGERS_C1),
    ("notice_send", "/sinh-hoat/C1-2025-02/thong-bao/", dict, MANAGERS_C1),
    ("absence_send", "/sinh-hoat/C1-2025-02/bao-vang/", lambda: {"reason": "Đi công tác"}, {"secretary", "member"}),
    ("absence_withdraw", "/sinh-hoat/C1-2025-02/bao-vang/rut/", dict, {"secretary", "member"}),
    ("task_done", "/nhiem-vu/{task}/hoan-thanh/", lambda: {"note": "Đã xong", "on": "20/01/2025"}, {"member"}),
]

COVERED = {c[0] for c in READS} | {c[0] for c in WRITES} | {"ical_feed", "notice_paper"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", READS, ids=lambda c: f"{c[0]}:{c[1]}")
def test_reads(world, personas, client_for, persona, case):
    _name, path, allowed = case
    client = client_for(personas[persona])
    response = client.get(path.format(**world))
    if persona in allowed:
        assert allowed_response(response), (persona, path, response.status_code)
    else:
        assert denied_response(response), (persona, path, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: f"{c[0]}:{c[1]}")
def test_writes(world, personas, client_for, persona, case, django_capture_on_commit_callbacks):
    _name, path, data, allowed = case
    client = client_for(personas[persona])
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path.format(**world), data())
    if persona in allowed:
        assert response.status_code == 302 and "/dang-nhap/" not in response["Location"], (
            persona, path, response.status_code)
        assert snapshot() != before, (persona, path)
    else:
        assert denied_response(response), (persona, path, response.status_code)
        assert snapshot() == before, (persona, path)


@pytest.mark.parametrize("persona", PERSONAS)
def test_notice_paper(world, tree, personas, client_for, persona):
    """Recording printed copies handed over (once the notice is sent): the cell's managers only."""
    preparation_services.notice_send(Meeting.objects.get(ident="C1-2025-02"), personas["secretary"], mail=False)
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post("/sinh-hoat/C1-2025-02/thong-bao/ban-in/", {"members": [tree["M3"].pk]})
    if persona in MANAGERS_C1:
        assert response.status_code == 302 and response["Location"] == "/sinh-hoat/C1-2025-02/thong-bao/"
        assert list(NoticeDelivery.objects.filter(channel="paper").values_list("member__code", flat=True)) == ["M3"]
    else:
        assert denied_response(response), (persona, response.status_code)
        assert snapshot() == before, persona


def test_writes_change_what_they_say(world, personas, client_for, tree):
    """Spot checks that the allowed writes above did the right thing (not just something)."""
    client = client_for(personas["member"])
    client.post(f"/nhiem-vu/{world['task']}/hoan-thanh/", {"note": "Đã xong", "on": "20/01/2025"})
    assert Task.objects.get(pk=world["task"]).done_note == "Đã xong"
    client = client_for(personas["secretary"])
    client.post("/sinh-hoat/C1-2025-Q1-CD/chuan-bi/chuyen-de/duyet/")
    assert ThematicPrep.objects.get(meeting__ident="C1-2025-Q1-CD").approved_by == personas["secretary"]
    client.post("/to-chuc/C1/chuyen-de/2025/bao-cao/")
    assert ThematicPlan.objects.filter(reported_at__isnull=True).count() == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_ical_feed_needs_only_the_token(world, tree, personas, client_for, persona):
    c1 = planning_services.calendar_token_get(user=personas["secretary"], organization=tree["C1"]).token
    c2 = planning_services.calendar_token_get(user=personas["admin"], organization=tree["C2"]).token
    client = client_for(personas[persona])
    response = client.get(f"/lich/{c1}.ics")
    assert response.status_code == 200 and "C1-2025-02" in response.content.decode()
    assert client.get(f"/lich/{c1[:-1]}.ics").status_code == 404
    assert client.get("/lich/sai-ma.ics").status_code == 404
    text = client.get(f"/lich/{c2}.ics").content.decode()
    assert "C1-2025" not in text and "Chi bộ thôn Đông" not in text
    assert client.post(f"/lich/{c1}.ics").status_code == 405
    assert CalendarToken.objects.count() == 2
