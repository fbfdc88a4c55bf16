"""The change log: every model is logged or excluded for a reason; entries say who, when, from where,
before and after; they are attributed to organisations; the page filters and paginates in a constant
number of queries; the log cannot be edited; downloads and imports are logged; the secret ballot is not."""

from datetime import date, timedelta

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chibo.changelog import registry
from chibo.changelog.models import LogEntry
from chibo.meetings.ballot import services as ballot
from chibo.meetings.models import Ballot, BallotVoter, Meeting, Vote
from chibo.orgs import services
from chibo.orgs.models import Member, Organization, Role

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


def entries(model, **filters):
    ct = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=ct, **filters).order_by("pk")


def last(model, **filters) -> LogEntry:
    return entries(model, **filters).last()


def assert_recent(entry):
    assert timezone.now() - timedelta(minutes=5) < entry.timestamp <= timezone.now()


# --- what is logged ---------------------------------------------------------------------------------

def test_every_chibo_model_is_logged_or_excluded_with_a_reason():
    logged = {m._meta.label for m in registry.SPECS}
    unknown = [m._meta.label for m in apps.get_models()
               if m.__module__.startswith("chibo.") and m._meta.label not in logged
               and m._meta.label not in registry.NOT_LOGGED]
    assert unknown == [], "add these models to LOGGED or NOT_LOGGED in chibo/changelog/registry.py"
    assert not set(registry.NOT_LOGGED) & logged
    for model in registry.SPECS:
        assert auditlog.contains(model), model
    for label in registry.NOT_LOGGED:
        try:
            model = apps.get_model(label)
        except LookupError:  # an app that is not installed
            continue
        assert not auditlog.contains(model), label
    assert auditlog.contains(get_user_model())
    assert all(reason.strip() for reason in registry.NOT_LOGGED.values())


def test_the_secret_ballot_is_never_logged(tree, meeting, personas, client_for):
    """A cast ballot writes no entry at all: entries next to the voter rows would pair voters with choices."""
    vote = Vote.objects.create(meeting=meeting, position=0, kind="election", method="secret_ballot",
                               subject="Bầu phó bí thư")
    box = ballot.ballot_open(vote, personas["secretary"])
    before = LogEntry.objects.count()
    for persona, choice in (("secretary", "for"), ("member", "against")):
        response = client_for(personas[persona]).post(f"/bo-phieu/{vote.pk}/", {"choice": choice},
                                                      REMOTE_ADDR=IP)
        assert response.status_code == 302
    assert Ballot.objects.filter(box=box).count() == 2 and BallotVoter.objects.filter(box=box).count() == 2
    assert LogEntry.objects.count() == before
    ballot.ballot_close(box, personas["secretary"])
    for model in (Ballot, BallotVoter):
        assert not entries(model).exists()
    counted = last(Vote)
    assert counted.action == LogEntry.Action.UPDATE and counted.changes["votes_for"] == ["0", "1"]


def test_secrets_are_masked(tree, personas):
    from chibo.meetings.models import CalendarToken

    owner = {"user": personas["member"]} if hasattr(CalendarToken, "user") else {}
    token = CalendarToken.objects.create(token="s3cret-token-value-0123456789", member=tree["M2"], **owner)
    entry = last(CalendarToken)
    assert entry.changes["token"] == [registry.MASK, registry.MASK]
    assert "s3cret" not in str(LogEntry.objects.values_list("changes", flat=True))
    token.token = "another-secret-value"
    token.save()
    assert last(CalendarToken).changes == {"token": [registry.MASK, registry.MASK]}
    user = personas["member"]
    user.set_password("new-password-123")
    user.save()
    entry = last(get_user_model(), object_id=user.pk)
    assert entry.changes == {"password": [registry.MASK, registry.MASK]}
    assert user.password not in str(list(LogEntry.objects.values_list("changes", flat=True)))


def test_second_factor_logged_with_its_key_masked(personas):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=personas["staff"], name="Điện thoại", confirmed=False)
    created = last(TOTPDevice, object_id=device.pk)
    assert created.changes["key"] == [registry.MASK, registry.MASK] and device.key not in str(created.changes)
    assert created.related == f" auth.user:{personas['staff'].pk} "
    assert created.org_paths == f" {Organization.objects.get(code='G').path} "
    device.confirmed = True
    device.save()
    assert last(TOTPDevice, object_id=device.pk).changes == {"confirmed": ["False", "True"]}
    count = LogEntry.objects.count()
    device.last_t, device.last_used_at, device.throttling_failure_count = 123, timezone.now(), 1
    device.save()  # what a login moves
    assert LogEntry.objects.count() == count


def test_logging_in_writes_no_entry(personas, client):
    before = LogEntry.objects.count()
    client.force_login(personas["staff"])  # last_login changes: not worth an entry
    assert LogEntry.objects.count() == before


# --- who, when, from where, before and after ----------------------------------------------------------

def test_member_rename_through_the_page(tree, personas, client_for):
    client = client_for(personas["secretary"])
    response = client.post("/dang-vien/M2/sua/", {"code": "M2", "full_name": "Trần Thị Bình An", "gender": "nu",
                                                  "joined_on": "01/01/2005", "official_on": "01/01/2006"},
                           REMOTE_ADDR=IP)
    assert response.status_code == 302
    entry = last(Member, object_id=tree["M2"].pk)
    assert (entry.action, entry.actor, entry.actor_name, entry.remote_addr) == (
        LogEntry.Action.UPDATE, personas["secretary"], "secretary – Nguyễn Văn An", IP)
    assert entry.changes == {"full_name": ["Trần Thị Bình", "Trần Thị Bình An"]}
    assert entry.org_paths == f" {tree['C1'].path} "
    assert_recent(entry)


def test_meeting_field_through_the_recording_endpoint(meeting, personas, client_for):
    client = client_for(personas["secretary"])
    response = client.post(f"/sinh-hoat/{meeting.ident}/ghi/thong-tin/", {"field": "place", "value": "Hội trường xã"},
                           REMOTE_ADDR=IP)
    assert response.json()["ok"] is True
    entry = last(Meeting, object_id=meeting.pk)
    assert (entry.action, entry.actor, entry.remote_addr) == (LogEntry.Action.UPDATE, personas["secretary"], IP)
    assert entry.changes == {"place": ["Nhà văn hóa thôn Đông", "Hội trường xã"]}
    assert entry.object_repr == "Thường kỳ 03/01/2025"
    assert_recent(entry)


def test_meeting_field_entry_diffed_against_the_locked_row(meeting, personas, tree, client_for,
                                                            django_assert_num_queries):
    """The header field's save diffs its change log entry against the row it read locked, and the
    stored results' move check reads that copy too: neither reads the row again (11 queries before)."""
    client = client_for(personas["secretary"])
    url = f"/sinh-hoat/{meeting.ident}/ghi/thong-tin/"
    assert client.post(url, {"field": "place", "value": "Hội trường xã", "panel": "0"}).json()["ok"] is True
    with django_assert_num_queries(9):
        answer = client.post(url, {"field": "place", "value": "Nhà bà Tư", "version": "2", "panel": "0"}).json()
    assert answer == {"ok": True, "version": 3}
    entry = last(Meeting, object_id=meeting.pk)
    assert entry.changes == {"place": ["Hội trường xã", "Nhà bà Tư"]}
    assert (entry.actor_name, entry.org_paths) == ("secretary – Nguyễn Văn An", f" {tree['C1'].path} ")
    # one entry per save (auditlog's own receiver is not connected as well)
    assert LogEntry.objects.filter(object_id=meeting.pk, content_type__model="meeting",
                                   action=LogEntry.Action.UPDATE).count() == 2


def test_role_grant_through_the_admin(tree, personas, client_for):
    User = get_user_model()
    newcomer = User.objects.create_user("newcomer", password="x")
    client = client_for(personas["admin"])
    response = client.post("/quan-tri/orgs/role/add/", {"user": newcomer.pk, "organization": tree["C2"].pk,
                                                         "kind": "secretary"}, REMOTE_ADDR=IP)
    assert response.status_code == 302, response.content.decode()[:2000]
    role = Role.objects.get(user=newcomer)
    entry = last(Role, object_id=role.pk)
    assert (entry.action, entry.actor, entry.actor_name, entry.remote_addr) == (
        LogEntry.Action.CREATE, personas["admin"], "admin", IP)
    assert entry.changes == {"user": ["None", "newcomer"], "organization": ["None", "Chi bộ thôn Tây (C2)"],
                             "kind": ["None", "secretary"]}
    assert entry.org_paths == f" {tree['C2'].path} "
    assert entry.object_repr == "Bí thư / thư ký chi bộ — Chi bộ thôn Tây — newcomer"  # Role.__str__
    assert_recent(entry)


def test_user_deactivation(personas, client_for):
    from auditlog.context import set_actor

    admin, target = personas["admin"], personas["secretary"]
    with set_actor(admin, remote_addr=IP):
        target.is_active = False
        target.save()
    entry = last(get_user_model(), object_id=target.pk)
    assert (entry.action, entry.actor, entry.remote_addr) == (LogEntry.Action.UPDATE, admin, IP)
    assert entry.changes == {"is_active": ["True", "False"]}
    # Attributed to the user's role (C1) and member record (C1): the committee of G reads it.
    assert entry.org_paths == f" {Organization.objects.get(code='C1').path} "
    response = client_for(personas["staff"]).get("/nhat-ky/?loai=auth.user")
    row = next(r for r in response.context["rows"] if r.entry.pk == entry.pk)
    assert (row.record, row.kind, row.action, row.who, row.where) == ("secretary", "tài khoản", "Sửa", "admin", IP)
    assert [c[1:] for c in row.changes] == [("có", "không")]


def test_position_added_through_the_page(tree, personas, client_for):
    client = client_for(personas["secretary"])
    response = client.post("/dang-vien/M2/chuc-vu/", {"title": "chi_uy_vien", "start": "01/01/2025"}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    from chibo.orgs.models import Position

    position = Position.objects.get(member=tree["M2"])
    entry = last(Position, object_id=position.pk)
    assert (entry.action, entry.actor, entry.remote_addr) == (LogEntry.Action.CREATE, personas["secretary"], IP)
    assert entry.changes == {"member": ["None", "Trần Thị Bình (M2)"],
                             "organization": ["None", "Chi bộ thôn Đông (C1)"],
                             "title": ["None", "chi_uy_vien"], "start": ["None", "2025-01-01"]}
    assert entry.related == f" orgs.member:{tree['M2'].pk} orgs.organization:{tree['C1'].pk} "
    page = client_for(personas["staff"]).get("/nhat-ky/?loai=orgs.member&ma=M2").content.decode()
    assert "Chi ủy viên" in page and "01/01/2025" in page and IP in page


def test_rule_profile_change(tree, personas, client_for):
    from chibo.rules.models import RuleProfile

    response = client_for(personas["staff"]).post("/to-chuc/C1/quy-tac/", {"regular_meeting_day": "5"},
                                                  REMOTE_ADDR=IP)
    assert response.status_code == 302
    profile = RuleProfile.objects.get(organization=tree["C1"])
    created = last(RuleProfile, object_id=profile.pk)
    assert (created.actor, created.remote_addr) == (personas["staff"], IP)
    client_for(personas["staff"]).post("/to-chuc/C1/quy-tac/", {"regular_meeting_day": "7"}, REMOTE_ADDR=IP)
    entry = last(RuleProfile, object_id=profile.pk)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes == {"values": ['{"regular_meeting_day": 5}', '{"regular_meeting_day": 7}']}
    assert entry.org_paths == f" {tree['C1'].path} "
    assert_recent(entry)


def test_download_of_the_minutes_is_logged(meeting, personas, client_for):
    response = client_for(personas["member"]).get(f"/sinh-hoat/{meeting.ident}/bien-ban.docx", REMOTE_ADDR=IP)
    assert response.status_code == 200
    entry = last(Meeting, action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.remote_addr, entry.object_id) == (personas["member"], IP, meeting.pk)
    assert entry.additional_data == {"download": "Biên bản", "format": "docx",
                                     "file": f"bien-ban-{meeting.ident}.docx"}
    assert entry.changes == {"download": [None, "Biên bản (Word)"]}
    page = client_for(personas["staff"]).get(f"/nhat-ky/?loai=meetings.meeting&ma={meeting.ident}")
    row = next(r for r in page.context["rows"] if r.entry.pk == entry.pk)
    assert (row.action, row.who, row.where, row.changes) == (
        "Tải xuống", "member – Trần Thị Bình", IP, [("Tải xuống", "—", "Biên bản (Word)")])


def test_denied_download_writes_nothing(meeting, personas, client_for):
    before = LogEntry.objects.count()
    response = client_for(personas["rival"]).get(f"/sinh-hoat/{meeting.ident}/bien-ban.docx")
    assert response.status_code == 404
    assert LogEntry.objects.count() == before


def test_member_list_through_the_api_is_logged(tree, personas, client_for):
    response = client_for(personas["staff"]).get("/api/orgs/C1/roll?day=2025-01-01", REMOTE_ADDR=IP)
    assert response.status_code == 200
    entry = last(Organization, action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.remote_addr, entry.object_id) == (personas["staff"], IP, tree["C1"].pk)
    assert entry.changes == {"download": [None, "Danh sách đảng viên ngày 01/01/2025 (JSON)"]}


# --- attribution to organisations ---------------------------------------------------------------------

def test_a_new_member_is_attributed_to_its_first_cell(tree):
    member = services.member_create(code="N1", full_name="Hồ Văn Mới", organization=tree["C2"], start=date(2025, 1, 1))
    created = entries(Member, object_id=member.pk, action=LogEntry.Action.CREATE).get()
    assert created.org_paths == f" {tree['C2'].path} "


def test_a_transferred_member_belongs_to_both_cells(tree):
    services.member_transfer(tree["M2"], to=tree["C3"], on=date(2025, 6, 1))
    services.member_update(tree["M2"], full_name="Trần Thị Bình Hai")
    entry = last(Member, object_id=tree["M2"].pk)
    assert entry.org_paths == " " + " ".join(sorted([tree["C1"].path, tree["C3"].path])) + " "


def test_a_new_organisation_is_attributed_to_itself(tree):
    org = services.org_create(code="C9", name="Chi bộ mới", kind="chi_bo", parent=tree["G"])
    created = entries(Organization, object_id=org.pk, action=LogEntry.Action.CREATE).get()
    assert created.org_paths == f" {org.path} " and org.path.startswith(tree["G"].path)


def test_a_deleted_record_keeps_its_organisation(meeting, tree):
    from chibo.meetings.models import Attendance

    row = Attendance.objects.get(meeting=meeting, member=tree["M3"])
    pk = row.pk
    row.delete()
    deleted = entries(Attendance, object_id=pk, action=LogEntry.Action.DELETE).get()
    assert deleted.org_paths == f" {tree['C1'].path} "
    assert deleted.related == f" meetings.meeting:{meeting.pk} orgs.member:{tree['M3'].pk} "
    assert deleted.object_repr == "Thường kỳ 03/01/2025 (C1-2025-01) · Lê Văn Cường (M3) · Có mặt"


# --- the page -----------------------------------------------------------------------------------------

def rename(member, name):
    services.member_update(member, full_name=name)


def test_committee_staff_read_their_subtree_only(tree, personas, client_for):
    rename(tree["M1"], "Nguyễn Văn An Một")  # C1, under G
    c3_member = services.member_create(code="N3", full_name="Vương Văn Bắc", organization=tree["C3"],
                                       start=date(2025, 1, 1))  # C3, under G2
    rename(c3_member, "Vương Văn Bắc Hai")
    pages = {p: client_for(personas[p]).get("/nhat-ky/").content.decode() for p in ("admin", "staff", "rival")}
    assert "Nguyễn Văn An Một" in pages["admin"] and "Vương Văn Bắc Hai" in pages["admin"]
    assert "Nguyễn Văn An Một" in pages["staff"] and "Vương Văn Bắc" not in pages["staff"]
    assert "Vương Văn Bắc Hai" in pages["rival"] and "Nguyễn Văn An" not in pages["rival"]
    # Organisations created before the roles are still theirs: G2 is the rival's, not the staff's.
    assert "Đảng bộ xã Bình An" in pages["rival"] and "Đảng bộ xã Bình An" not in pages["staff"]
    # Entries about no organisation (a new account) are for administrators only.
    get_user_model().objects.create_user("loner", password="x")
    assert "loner" in client_for(personas["admin"]).get("/nhat-ky/").content.decode()
    assert "loner" not in client_for(personas["staff"]).get("/nhat-ky/").content.decode()


def test_organisation_filter_outside_the_subtree_is_404(tree, personas, client_for):
    assert client_for(personas["staff"]).get("/nhat-ky/?to_chuc=C3").status_code == 404
    assert client_for(personas["staff"]).get("/nhat-ky/?to_chuc=C1").status_code == 200
    assert client_for(personas["rival"]).get("/nhat-ky/?to_chuc=C1").status_code == 404
    assert client_for(personas["admin"]).get("/nhat-ky/?to_chuc=C3").status_code == 200


def test_filters_person_record_and_dates(tree, meeting, personas, client_for):
    secretary = client_for(personas["secretary"])
    secretary.post(f"/sinh-hoat/{meeting.ident}/ghi/thong-tin/", {"field": "place", "value": "Nhà ông Ba"})
    client_for(personas["staff"]).post("/to-chuc/C1/quy-tac/", {"regular_meeting_day": "5"})
    staff = client_for(personas["staff"])

    def shown(query):
        response = staff.get("/nhat-ky/" + query)
        assert response.status_code == 200, response.content.decode()[:500]
        return [(r.kind, r.action, r.who) for r in response.context["rows"]]

    assert shown("?nguoi=secretary") == [("cuộc họp", "Sửa", "secretary – Nguyễn Văn An")]
    assert shown("?nguoi=nguyễn văn an") == [("cuộc họp", "Sửa", "secretary – Nguyễn Văn An")]
    # get_or_create then save: created empty, then set
    assert shown("?nguoi=staff") == [("bộ quy tắc", "Sửa", "staff"), ("bộ quy tắc", "Thêm", "staff")]
    meeting_rows = shown(f"?loai=meetings.meeting&ma={meeting.ident}")
    # The meeting's own entries and its parts' (the fixture's attendance rows).
    assert meeting_rows[0] == ("cuộc họp", "Sửa", "secretary – Nguyễn Văn An")
    assert {k for k, _a, _w in meeting_rows} == {"cuộc họp", "điểm danh"}
    assert shown("?loai=rules.ruleprofile") == [("bộ quy tắc", "Sửa", "staff"), ("bộ quy tắc", "Thêm", "staff")]
    today = timezone.localdate()
    assert len(shown(f"?tu={today:%d/%m/%Y}&den={today:%d/%m/%Y}")) > 2
    assert shown(f"?tu={today + timedelta(days=1):%d/%m/%Y}") == []
    assert shown(f"?den={today - timedelta(days=1):%d/%m/%Y}") == []
    assert shown("?loai=orgs.member&ma=NOBODY") == []


def test_bad_filter_is_a_vietnamese_400(personas, client_for):
    client = client_for(personas["admin"])
    response = client.get("/nhat-ky/?tu=31/02/2025")
    assert response.status_code == 400
    assert "Ngày không hợp lệ (định dạng dd/mm/yyyy)." in response.content.decode()
    response = client.get("/nhat-ky/?tu=02/02/2025&den=01/02/2025")
    assert response.status_code == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert client.get("/nhat-ky/?loai=khong.co").status_code == 400
    assert client.get("/nhat-ky/?trang=abc").status_code == 200


def test_a_row_shows_when_who_where_what_and_before_after(tree, personas, client_for):
    client_for(personas["secretary"]).post(
        "/dang-vien/M2/sua/", {"code": "M2", "full_name": "Trần Thị Bình An", "gender": "nu",
                               "joined_on": "01/01/2005", "official_on": "01/01/2006"}, REMOTE_ADDR=IP)
    entry = last(Member, object_id=tree["M2"].pk)
    response = client_for(personas["staff"]).get("/nhat-ky/?loai=orgs.member&ma=M2")
    page = response.content.decode()
    when = timezone.localtime(entry.timestamp).strftime("%d/%m/%Y %H:%M")
    assert f"<td>{when}</td>" in page
    assert "<td>secretary – Nguyễn Văn An</td>" in page and f"<td>{IP}</td>" in page
    assert 'Trần Thị Bình An <span class="tag">đảng viên</span>' in page
    assert "<b>họ và tên</b>: Trần Thị Bình → Trần Thị Bình An" in page
    assert "<td>Sửa</td>" in page


def test_pages_of_50_in_a_constant_number_of_queries(tree, personas, client, django_assert_num_queries):
    LogEntry.objects.all().delete()
    client.force_login(personas["staff"])
    member = tree["M1"]
    for i in range(5):
        rename(member, f"Nguyễn Văn An {i}")
    with CaptureQueriesContext(connection) as small:
        response = client.get("/nhat-ky/")
    assert len(response.context["rows"]) == 5
    for i in range(5, 60):
        rename(member, f"Nguyễn Văn An {i}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/nhat-ky/")
    assert len(response.context["rows"]) == 50 and response.context["page"].paginator.count == 60
    assert "trang=2" in response.content.decode()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/nhat-ky/?trang=2")
    assert len(response.context["rows"]) == 10


def test_top_bar_and_record_links_only_for_readers_of_the_log(tree, meeting, personas, client_for):
    for persona in ("admin", "staff"):
        client = client_for(personas[persona])
        assert 'href="/nhat-ky/"' in client.get("/to-chuc/C1/").content.decode()
        assert 'href="/nhat-ky/?to_chuc=C1"' in client.get("/to-chuc/C1/").content.decode()
        assert 'href="/nhat-ky/?loai=orgs.member&amp;ma=M2"' in client.get("/dang-vien/M2/").content.decode()
        assert (f'href="/nhat-ky/?loai=meetings.meeting&amp;ma={meeting.ident}"'
                in client.get(f"/sinh-hoat/{meeting.ident}/").content.decode())
    for persona in ("secretary", "member"):
        client = client_for(personas[persona])
        for url in ("/to-chuc/C1/", "/dang-vien/M2/", f"/sinh-hoat/{meeting.ident}/"):
            assert "/nhat-ky/" not in client.get(url).content.decode()


# --- the log cannot be edited -------------------------------------------------------------------------

def test_the_admin_of_the_log_is_read_only(tree, personas, client_for):
    client = client_for(personas["admin"])
    entry = LogEntry.objects.order_by("pk").first()
    base = "/quan-tri/changelog/logentry/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{entry.pk}/change/").status_code == 200  # viewing is allowed
    count = LogEntry.objects.count()
    assert client.post(f"{base}add/", {"object_repr": "x", "action": 0}).status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"object_repr": "giả mạo"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in (200, 302, 403)
    assert LogEntry.objects.count() == count
    entry.refresh_from_db()
    assert entry.object_repr == "Đảng bộ tỉnh Thử"


def test_an_entry_cannot_be_saved_again(tree):
    entry = LogEntry.objects.first()
    entry.object_repr = "giả mạo"
    with pytest.raises(RuntimeError):
        entry.save()


def test_the_page_only_reads(personas, client_for):
    from tests.access_matrix import snapshot

    for persona in ("admin", "staff"):
        client = client_for(personas[persona])
        before = snapshot()
        assert client.post("/nhat-ky/", {"nguoi": "x"}).status_code == 405
        assert client.get("/nhat-ky/?nguoi=x").status_code == 200
        assert snapshot() == before


# --- imports: one summary entry, not one per row ------------------------------------------------------

def test_excel_import_writes_one_summary_entry(personas, client, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_member_import import make_xlsx

    def rows(n, prefix):
        return [[f"{prefix}{i:04d}", f"Hồ Văn Số {i}", "Nam", "", "01/02/2020", "01/02/2021", "C1", "01/01/2025",
                 "", "", ""] for i in range(n)]

    def upload(data):
        with CaptureQueriesContext(connection) as ctx:
            response = client.post("/to-chuc/C1/nhap-excel/", {"file": SimpleUploadedFile("ds.xlsx", data)},
                                   REMOTE_ADDR=IP)
        assert response.status_code == 302
        # The database splits big inserts into batches (SQLite: by its limit on parameters).
        return [q["sql"][:90] for q in ctx.captured_queries if not q["sql"].startswith('INSERT INTO "orgs_')]

    client.force_login(personas["secretary"])
    before = LogEntry.objects.count()
    small = upload(make_xlsx(rows(3, "A")))
    large = upload(make_xlsx(rows(400, "B")))
    assert LogEntry.objects.count() == before + 2
    assert len(large) == len(small), "\n".join(large)  # the log adds no query per row
    assert len([q for q in large if "changelog_logentry" in q]) == 1
    entry = LogEntry.objects.order_by("pk").last()
    assert (entry.action, entry.actor, entry.remote_addr, entry.object_id) == (
        LogEntry.Action.CREATE, personas["secretary"], IP, tree["C1"].pk)
    assert entry.changes == {"import": [None, "Nhập dữ liệu: 400 đảng viên (Excel)"]}
    details = entry.additional_data["import"]
    assert details["cells"] == {"C1": 400} and details["members"] == 400 and len(details["codes"]) == 400
    assert entry.org_paths == f" {tree['C1'].path} "


def test_bundle_import_writes_one_summary_entry():
    from pathlib import Path

    from chibo.interchange.db import bundle_import
    from chibo.interchange.validate import parse_bundle

    text = (Path(__file__).parent / "data" / "examples" / "quy_mot.json").read_bytes()
    stats = bundle_import(parse_bundle(text))
    assert LogEntry.objects.count() == 1
    entry = LogEntry.objects.get()
    root = Organization.objects.get(code="DBLX")
    assert (entry.action, entry.actor, entry.object_id, entry.org_paths) == (
        LogEntry.Action.CREATE, None, root.pk, f" {root.path} ")
    assert entry.actor_name.startswith("dòng lệnh (")
    assert entry.changes == {"import": [None, f"Nhập dữ liệu: {stats['organizations']} tổ chức, "
                                              f"{stats['members']} đảng viên, {stats['meetings']} cuộc họp, "
                                              f"{stats['visits']} lượt dự sinh hoạt (bundle)"]}


# --- bulk writes of the meeting services are logged row by row ----------------------------------------

def test_agenda_replaced_is_logged_as_deletions_and_additions(meeting, tree):
    from chibo.meetings.models import AgendaItem
    from chibo.meetings.preparation import services as preparation_services

    preparation_services.agenda_save(meeting, [("opening", "Khai mạc", ""), ("body", "Tình hình tháng", "")])
    preparation_services.agenda_save(meeting, [("body", "Tình hình quý", "ghi chú")])
    rows = [(e.action, e.object_repr) for e in entries(AgendaItem)]
    ct = ContentType.objects.get_for_model(AgendaItem)
    m = "Thường kỳ 03/01/2025 (C1-2025-01) · "
    assert rows[:2] == [(LogEntry.Action.CREATE, m + "Khai mạc"), (LogEntry.Action.CREATE, m + "Tình hình tháng")]
    assert sorted(rows[2:4]) == [(LogEntry.Action.DELETE, m + "Khai mạc"), (LogEntry.Action.DELETE, m + "Tình hình tháng")]
    assert rows[4:] == [(LogEntry.Action.CREATE, m + "Tình hình quý")]
    assert LogEntry.objects.filter(content_type=ct, org_paths=f" {tree['C1'].path} ").count() == 5
    assert entries(AgendaItem).last().changes["notes"] == ["None", "ghi chú"]


def test_thematic_plan_saved_and_reported_is_logged(tree):
    from chibo.meetings.models import ThematicPlan
    from chibo.meetings.planning import services as planning_services

    plan = [{"quarter": q, "topic": f"Chuyên đề {q}", "presenter": None, "planned_date": None} for q in (1, 2, 3, 4)]
    planning_services.thematic_plan_save(tree["C1"], 2026, plan)
    assert entries(ThematicPlan, action=LogEntry.Action.CREATE).count() == 4
    planning_services.thematic_plan_report(tree["C1"], 2026)
    reported = entries(ThematicPlan, action=LogEntry.Action.UPDATE)
    assert reported.count() == 4
    assert list(reported[0].changes) == ["reported_at"] and reported[0].changes["reported_at"][0] == "None"


def test_resolution_number_and_absence_prefill_are_logged(meeting, tree, personas, client_for):
    from chibo.meetings.models import AbsenceNotice, Attendance
    from chibo.meetings.recording.numbering import assign_resolution_number

    # The recording page fills in an absence reason sent ahead (only while the minutes are open).
    Attendance.objects.filter(meeting=meeting, member=tree["M2"]).delete()
    AbsenceNotice.objects.create(meeting=meeting, member=tree["M2"], reason="Đi công tác")
    client_for(personas["secretary"]).get(f"/sinh-hoat/{meeting.ident}/ghi/", REMOTE_ADDR=IP)
    prefilled = last(Attendance, action=LogEntry.Action.CREATE)
    assert (prefilled.actor, prefilled.remote_addr) == (personas["secretary"], IP)
    assert prefilled.changes["status"] == ["None", "absent_excused"]
    assert prefilled.changes["reason"] == ["None", "Đi công tác"]
    Meeting.objects.filter(pk=meeting.pk).update(status="finalized", finalized_at=timezone.now())  # unlogged
    assign_resolution_number(meeting)
    entry = last(Meeting, object_id=meeting.pk)
    assert entry.changes == {"resolution_year": ["None", "2025"], "resolution_number": ["None", "1"]}
