"""The API's version 1 (/api/v1): exact answers, the caller's scope (a refused write changes
nothing), the error shape, pagination. Tokens: tests/test_api_tokens.py; query counts:
tests/test_api_queries.py; the schema: tests/test_api_schema.py."""

import json
from datetime import date

import pytest

from chibo.api import services as token_services
from chibo.meetings.models import Attendance, Guest, Meeting, Speech, Task, Vote
from chibo.orgs.models import Member, MemberPeriod, Organization, Position

pytestmark = pytest.mark.django_db

#: The routes whose refusals (nothing changed) and answers are tested here and in
#: tests/test_api_tokens.py (tests/test_access_orgs.py checks that every route is covered somewhere).
COVERED = {f"api:{name}" for name in (
    "orgs", "org", "org_create", "org_members", "member", "member_create", "member_update", "period_add",
    "position_add", "org_meetings", "meeting", "attendance_set", "header_set", "meeting_create", "meeting_held", "audit", "dashboard_figures", "bundle",
    "bundle_load", "audit_bundle", *(f"{rows}_{verb}" for rows in ("speeches", "votes", "tasks", "guests")
                                     for verb in ("put", "post", "delete")))} | {"api_token_create", "api_token_revoke"}


@pytest.fixture
def api(client, personas):
    """api(persona) -> a caller sending that persona's personal token."""
    secrets = {}

    def make(who):
        if who not in secrets:
            secrets[who] = token_services.token_create(personas[who], "kiểm thử")[1]
        return Caller(client, secrets[who])

    return make


class Caller:
    def __init__(self, client, secret):
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url):
        return self.client.get(url, **self.headers)

    def send(self, method, url, data):
        return getattr(self.client, method)(url, json.dumps(data), content_type="application/json", **self.headers)

    def post(self, url, data):
        return self.send("post", url, data)

    def put(self, url, data):
        return self.send("put", url, data)

    def delete(self, url):
        return self.client.delete(url, **self.headers)


def error(detail, *fields):
    return {"detail": detail, "errors": [{"field": f, "message": m} for f, m in fields]}


def snapshot():
    """Everything a refused write could have changed."""
    return (list(Organization.objects.order_by("pk").values()), list(Member.objects.order_by("pk").values()),
            list(MemberPeriod.objects.order_by("pk").values()), list(Position.objects.order_by("pk").values()),
            list(Meeting.objects.order_by("pk").values()), list(Attendance.objects.order_by("pk").values()),
            list(Speech.objects.order_by("pk").values()), list(Vote.objects.order_by("pk").values()),
            list(Task.objects.order_by("pk").values()), list(Guest.objects.order_by("pk").values()))


# --- the tree and pagination -------------------------------------------------------------------

def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["items"]]


def test_tree_in_scope_in_tree_order(api):
    assert codes(api("admin").get("/api/v1/orgs")) == ["P", "G", "C1", "C2", "G2", "C3"]
    assert codes(api("staff").get("/api/v1/orgs")) == ["G", "C1", "C2"]
    assert codes(api("secretary").get("/api/v1/orgs")) == ["C1"]
    assert codes(api("rival").get("/api/v1/orgs")) == ["G2", "C3"]


def test_pages_are_stable_and_bounded(api):
    page = api("admin").get("/api/v1/orgs?limit=2&offset=1").json()
    assert page == {"count": 6, "limit": 2, "offset": 1, "items": [
        {"code": "G", "name": "Đảng bộ xã Tân Thành", "kind": "dang_bo_co_so", "parent": "P", "depth": 1,
         "established_on": None, "locality": "", "address": ""},
        {"code": "C1", "name": "Chi bộ thôn Đông", "kind": "chi_bo", "parent": "G", "depth": 2,
         "established_on": None, "locality": "", "address": ""}]}
    assert codes(api("admin").get("/api/v1/orgs?limit=2&offset=4")) == ["G2", "C3"]
    assert codes(api("admin").get("/api/v1/orgs?offset=6")) == []
    response = api("admin").get("/api/v1/orgs?limit=201")
    assert (response.status_code, response.json()) == (422, error("Phải không quá 200.", ("limit", "Phải không quá 200.")))
    response = api("admin").get("/api/v1/orgs?limit=abc&offset=-1")
    assert (response.status_code, response.json()) == (422, error(
        "Phải là số nguyên.", ("limit", "Phải là số nguyên."), ("offset", "Phải từ 0 trở lên.")))


def test_org_outside_the_scope_reads_as_absent(api):
    response = api("rival").get("/api/v1/orgs/C1")
    assert (response.status_code, response.json()) == (404, error("Không tìm thấy tổ chức"))
    assert api("rival").get("/api/v1/orgs/NOPE").json() == error("Không tìm thấy tổ chức")
    assert api("staff").get("/api/v1/orgs/C1").json()["parent"] == "G"


def test_org_create_as_the_page(api):
    response = api("staff").post("/api/v1/orgs", {"code": "C9", "name": "Chi bộ thôn Nam", "kind": "chi_bo",
                                                   "parent": "G", "established_on": "2020-03-01"})
    assert response.status_code == 201, response.content
    assert response.json() == {"code": "C9", "name": "Chi bộ thôn Nam", "kind": "chi_bo", "parent": "G", "depth": 2,
                               "established_on": "2020-03-01", "locality": "", "address": ""}
    assert Organization.objects.get(code="C9").parent.code == "G"


@pytest.mark.parametrize("who, status, detail", [
    ("rival", 404, "Không tìm thấy tổ chức"),
    ("secretary", 403, "Bạn không có quyền tạo tổ chức ở đây."),
    ("member", 403, "Bạn không có quyền tạo tổ chức ở đây."),
])
def test_org_create_refused_changes_nothing(api, who, status, detail):
    before = snapshot()
    response = api(who).post("/api/v1/orgs", {"code": "C9", "name": "Chi bộ thôn Nam", "kind": "chi_bo",
                                              "parent": "C1" if who != "rival" else "G"})
    assert (response.status_code, response.json()) == (status, error(detail))
    assert snapshot() == before


def test_org_create_bad_input_names_the_fields(api):
    before = snapshot()
    response = api("staff").post("/api/v1/orgs", {"code": "C 9", "name": "", "kind": "khac", "parent": "G"})
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["code", "name", "kind"]
    assert response.json()["errors"][1]["message"] == "Trường này bắt buộc."
    response = api("staff").post("/api/v1/orgs", {"name": "X", "kind": "chi_bo"})
    assert (response.status_code, response.json()) == (422, error("Trường này bắt buộc.", ("code", "Trường này bắt buộc.")))
    assert snapshot() == before


# --- members -----------------------------------------------------------------------------------

def test_members_of_an_org(api):
    page = api("secretary").get("/api/v1/orgs/C1/members").json()
    assert page == {"count": 3, "limit": 50, "offset": 0, "items": [
        {"code": "M1", "full_name": "Nguyễn Văn An", "cell": "C1"},
        {"code": "M2", "full_name": "Trần Thị Bình", "cell": "C1"},
        {"code": "M3", "full_name": "Lê Văn Cường", "cell": "C1"}]}
    assert codes(api("staff").get("/api/v1/orgs/G/members?limit=2&offset=2")) == ["M3", "M4"]
    assert api("staff").get("/api/v1/orgs/G/members").json()["count"] == 5
    assert api("rival").get("/api/v1/orgs/C1/members").status_code == 404


def test_member_profile_and_card(api, tree):
    from chibo.orgs import services

    services.period_add(tree["M2"], kind="away", start=date(2024, 2, 1), end=date(2024, 8, 31), reason="Đi học")
    services.position_add(tree["M2"], organization=tree["C1"], title="pho_bi_thu", start=date(2023, 1, 1), end=None)
    full = api("secretary").get("/api/v1/members/M2").json()
    assert full == {"code": "M2", "full_name": "Trần Thị Bình",
                    "profile": {"gender": "nu", "birth_date": None, "joined_on": "2005-01-01",
                                "official_on": "2006-01-01", "phone": "", "email": "", "address": ""},
                    "memberships": [{"organization": "C1", "start": "2020-01-01", "end": None}],
                    "periods": [{"kind": "away", "start": "2024-02-01", "end": "2024-08-31", "reason": "Đi học"}],
                    "positions": [{"organization": "C1", "title": "pho_bi_thu", "start": "2023-01-01", "end": None}]}
    assert api("member").get("/api/v1/members/M2").json() == full  # oneself
    # A fellow member: name, code, current positions; nothing personal.
    assert api("secretary").get("/api/v1/members/M1").json()["profile"] is not None
    services.position_add(tree["M1"], organization=tree["C1"], title="bi_thu", start=date(2022, 1, 1), end=None)
    assert api("member").get("/api/v1/members/M1").json() == {
        "code": "M1", "full_name": "Nguyễn Văn An", "profile": None, "memberships": [], "periods": [],
        "positions": [{"organization": "C1", "title": "bi_thu", "start": "2022-01-01", "end": None}]}
    assert api("other").get("/api/v1/members/M1").json() == error("Không tìm thấy đảng viên")


def test_member_create_update_period_position(api):
    caller = api("secretary")
    response = caller.post("/api/v1/orgs/C1/members", {"code": "M9", "full_name": "Vũ Văn Giang", "gender": "nam",
                                                       "joined_on": "2020-05-19", "start": "2024-01-01"})
    assert response.status_code == 201, response.content
    assert response.json()["memberships"] == [{"organization": "C1", "start": "2024-01-01", "end": None}]
    response = caller.put("/api/v1/members/M9", {"full_name": "Vũ Văn Giang", "gender": "nam", "phone": "0912 345 678",
                                                  "joined_on": "2020-05-19"})
    assert response.status_code == 200, response.content
    assert response.json()["profile"]["phone"] == "0912 345 678"
    response = caller.post("/api/v1/members/M9/periods", {"kind": "exempt", "start": "2025-01-01", "reason": "Tuổi cao"})
    assert (response.status_code, response.json()) == (201, {"kind": "exempt", "start": "2025-01-01", "end": None,
                                                             "reason": "Tuổi cao"})
    response = caller.post("/api/v1/members/M9/positions", {"title": "chi_uy_vien", "start": "2025-01-01"})
    assert (response.status_code, response.json()) == (201, {"organization": "C1", "title": "chi_uy_vien",
                                                             "start": "2025-01-01", "end": None})
    member = Member.objects.get(code="M9")
    assert (member.phone, member.periods.get().kind, member.positions.get().title) == (
        "0912 345 678", "exempt", "chi_uy_vien")


@pytest.mark.parametrize("who, status", [("member", 403), ("rival", 404), ("sibling", 404), ("designated", 200)])
def test_member_writes_refused_change_nothing(api, who, status):
    """Only those who manage the cell write its members (the designated recorder is also G's staff)."""
    caller = api(who)
    before = snapshot()
    answers = [
        caller.post("/api/v1/orgs/C1/members", {"code": "M9", "full_name": "Vũ Văn Giang", "start": "2024-01-01"}),
        caller.put("/api/v1/members/M2", {"full_name": "Đổi Tên"}),
        caller.post("/api/v1/members/M2/periods", {"kind": "away", "start": "2025-01-01"}),
        caller.post("/api/v1/members/M2/positions", {"title": "bi_thu", "start": "2025-01-01"}),
    ]
    if status == 200:
        assert [r.status_code for r in answers] == [201, 200, 201, 201]
        return
    assert {r.status_code for r in answers} == {status}
    assert snapshot() == before


def test_member_bad_input_changes_nothing(api):
    caller = api("secretary")
    before = snapshot()
    response = caller.post("/api/v1/orgs/C1/members", {"code": "M1", "full_name": "Trùng Mã", "start": "2024-01-01"})
    assert (response.status_code, response.json()) == (422, error("Mã đảng viên 'M1' đã tồn tại.",
                                                                  ("code", "Mã đảng viên 'M1' đã tồn tại.")))
    response = caller.post("/api/v1/orgs/C1/members", {"code": "M9", "full_name": "A", "start": "31/12/2024"})
    assert (response.status_code, response.json()) == (422, error(
        "Ngày không hợp lệ (định dạng yyyy-mm-dd).", ("start", "Ngày không hợp lệ (định dạng yyyy-mm-dd).")))
    response = caller.post("/api/v1/members/M2/periods", {"kind": "away", "start": "2025-03-01", "end": "2025-01-01"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in ("end", None)
    assert snapshot() == before


# --- meetings ------------------------------------------------------------------------------------

def test_meetings_of_an_org(api, meeting):
    page = api("staff").get("/api/v1/orgs/G/meetings").json()
    assert page == {"count": 1, "limit": 50, "offset": 0, "items": [
        {"ident": "C1-2025-01", "organization": "C1", "kind": "regular", "status": "held", "date": "2025-01-03",
         "start": "19:30", "end": "21:05", "place": "Nhà văn hóa thôn Đông"}]}
    assert api("staff").get("/api/v1/orgs/G/meetings?year=2024").json()["count"] == 0
    assert api("sibling").get("/api/v1/orgs/C2/meetings").json()["count"] == 0
    assert api("sibling").get("/api/v1/orgs/C1/meetings").status_code == 404


def test_meeting_create_and_held(api, meeting):
    caller = api("secretary")
    response = caller.post("/api/v1/orgs/C1/meetings", {"kind": "extraordinary", "date": "2025-02-10",
                                                        "start": "19:30", "place": "Nhà văn hóa", "topic": "Bầu cử"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("organization", "kind", "status", "date", "start", "place")} == {
        "organization": "C1", "kind": "extraordinary", "status": "planned", "date": "2025-02-10", "start": "19:30",
        "place": "Nhà văn hóa"}
    created = Meeting.objects.get(ident=body["ident"])
    assert (created.topic, created.organization.code) == ("Bầu cử", "C1")
    before = snapshot()
    response = caller.post("/api/v1/orgs/C1/meetings", {"date": "2025-02-31"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "date")
    assert api("member").post("/api/v1/orgs/C1/meetings", {"date": "2025-02-10"}).status_code == 403
    assert api("rival").post("/api/v1/orgs/C1/meetings", {"date": "2025-02-10"}).status_code == 404
    assert api("staff").post("/api/v1/orgs/G/meetings", {"date": "2025-02-10"}).json() == error("Không phải chi bộ")
    # Held: the recorders, once the day has come.
    assert api("staff").post(f"/api/v1/meetings/{created.ident}/held", {}).status_code == 403
    assert api("rival").post(f"/api/v1/meetings/{created.ident}/held", {}).status_code == 404
    assert snapshot() == before
    response = caller.post(f"/api/v1/meetings/{created.ident}/held", {})  # 10/02/2025 has passed
    assert (response.status_code, response.json()["status"]) == (200, "held")
    assert Meeting.objects.get(pk=created.pk).status == "held"


def test_meeting_detail_with_reasons_for_those_allowed(api, meeting, tree):
    Attendance.objects.filter(meeting=meeting, member=tree["M3"]).update(status="absent_excused", reason="Ốm")
    Speech.objects.create(meeting=meeting, position=0, member=tree["M2"], item="Kết quả", summary="Đồng ý")
    Vote.objects.create(meeting=meeting, position=0, kind="resolution", method="show_of_hands", subject="Nghị quyết",
                        votes_for=2)
    Task.objects.create(meeting=meeting, position=0, assignee=tree["M1"], description="Sửa đường", due=date(2025, 3, 1))
    Guest.objects.create(meeting=meeting, position=0, name="Hoàng Văn Khách", title="Đảng ủy viên")
    body = api("secretary").get("/api/v1/meetings/C1-2025-01").json()
    keys = {name: str(model.objects.get(meeting=meeting).key) for name, model in (
        ("speech", Speech), ("vote", Vote), ("task", Task), ("guest", Guest))}
    assert body == {
        "ident": "C1-2025-01", "organization": "C1", "kind": "regular", "status": "held", "date": "2025-01-03",
        "start": "19:30", "end": "21:05", "place": "Nhà văn hóa thôn Đông", "chair": "M1", "secretary": "M2",
        "topic": "", "conclusion": "", "resolution_text": "",
        "attendance": [{"member": "M1", "full_name": "Nguyễn Văn An", "status": "present", "reason": "", "version": 1},
                       {"member": "M2", "full_name": "Trần Thị Bình", "status": "present", "reason": "", "version": 1},
                       {"member": "M3", "full_name": "Lê Văn Cường", "status": "absent_excused", "reason": "Ốm",
                        "version": 1}],
        "speeches": [{"position": 0, "key": keys["speech"], "version": 1, "member": "M2", "item": "Kết quả",
                      "summary": "Đồng ý"}],
        "votes": [{"position": 0, "key": keys["vote"], "version": 1, "kind": "resolution", "method": "show_of_hands",
                   "subject": "Nghị quyết", "votes_for": 2, "votes_against": 0, "votes_abstain": 0,
                   "votes_invalid": 0}],
        "tasks": [{"position": 0, "key": keys["task"], "version": 1, "assignee": "M1", "description": "Sửa đường",
                   "due": "2025-03-01", "done_on": None}],
        "guests": [{"position": 0, "key": keys["guest"], "version": 1, "name": "Hoàng Văn Khách",
                    "title": "Đảng ủy viên", "organization": ""}],
        "quality": None,  # judged by HD 12 (tests/test_api_quality.py: HD 42's score)
    }
    assert api("staff").get("/api/v1/meetings/C1-2025-01").json()["attendance"][2]["reason"] == "Ốm"
    # A fellow member reads the roll but not another member's reason.
    assert [a["reason"] for a in api("member").get("/api/v1/meetings/C1-2025-01").json()["attendance"]] == [
        None, "", None]
    assert api("other").get("/api/v1/meetings/C1-2025-01").json() == error("Không tìm thấy cuộc họp")


def test_recording_through_the_services(api, meeting):
    caller = api("secretary")
    url = "/api/v1/meetings/C1-2025-01"
    response = caller.put(f"{url}/attendance/M3", {"status": "absent_excused", "reason": "Đi công tác"})
    assert (response.status_code, response.json()) == (200, {"member": "M3", "full_name": "Lê Văn Cường",
                                                             "status": "absent_excused", "reason": "Đi công tác",
                                                             "version": 2})
    response = caller.put(f"{url}/speeches/0", {"member": "M2", "item": "Kết quả", "summary": "Đồng ý"})
    key = str(Speech.objects.get().key)
    assert (response.status_code, response.json()) == (200, {"position": 0, "key": key, "version": 1, "member": "M2",
                                                             "item": "Kết quả", "summary": "Đồng ý"})
    response = caller.put(f"{url}/votes/0", {"kind": "resolution", "method": "show_of_hands", "subject": "Nghị quyết",
                                             "votes_for": 2, "votes_against": 0})
    assert (response.status_code, response.json()["votes_for"]) == (200, 2)
    response = caller.put(f"{url}/tasks/0", {"description": "Sửa đường", "assignee": "M1", "due": "2025-03-01"})
    assert (response.status_code, response.json()) == (200, {"position": 0, "key": str(Task.objects.get().key),
                                                             "version": 1, "assignee": "M1",
                                                             "description": "Sửa đường", "due": "2025-03-01",
                                                             "done_on": None})
    response = caller.put(f"{url}/guests/0", {"name": "Hoàng Văn Khách", "title": "Bí thư Đảng ủy"})
    assert (response.status_code, response.json()["name"], response.json()["title"]) == (
        200, "Hoàng Văn Khách", "Bí thư Đảng ủy")
    assert (Attendance.objects.get(meeting=meeting, member__code="M3").reason, Speech.objects.get().summary,
            Vote.objects.get().votes_for, Task.objects.get().due, Guest.objects.get().title) == (
        "Đi công tác", "Đồng ý", 2, date(2025, 3, 1), "Bí thư Đảng ủy")
    assert caller.delete(f"{url}/speeches/0").json() == {"deleted": 1}
    assert caller.delete(f"{url}/votes/0").json() == {"deleted": 1}
    assert caller.delete(f"{url}/tasks/0").json() == {"deleted": 1}
    assert caller.delete(f"{url}/guests/0").json() == {"deleted": 1}
    assert caller.delete(f"{url}/tasks/0").json() == {"deleted": 0}
    assert (Speech.objects.count(), Vote.objects.count(), Task.objects.count(), Guest.objects.count()) == (0, 0, 0, 0)


def test_header_fields(api, meeting):
    caller = api("secretary")
    url = "/api/v1/meetings/C1-2025-01/header"
    version = Meeting.objects.get(pk=meeting.pk).version
    response = caller.put(f"{url}/place", {"value": "Hội trường xã", "version": version})
    assert (response.status_code, response.json()) == (200, {"field": "place", "value": "Hội trường xã",
                                                             "version": version + 1})
    assert caller.put(f"{url}/start", {"value": "19:45"}).json()["value"] == "19:45"
    assert caller.put(f"{url}/chair", {"value": "M2"}).json()["value"] == "M2"
    assert caller.put(f"{url}/notice_sent_on", {"value": "02/01/2025"}).json()["value"] == "2025-01-02"
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.place, stored.start.strftime("%H:%M"), stored.chair.code, stored.notice_sent_on) == (
        "Hội trường xã", "19:45", "M2", date(2025, 1, 2))
    before = snapshot()
    response = caller.put(f"{url}/status", {"value": "finalized"})
    assert (response.status_code, response.json()) == (422, error("Trường không được phép sửa.",
                                                                  ("field", "Trường không được phép sửa.")))
    response = caller.put(f"{url}/chair", {"value": "M4"})
    assert (response.status_code, response.json()) == (422, error("Không tìm thấy đảng viên này.",
                                                                  ("value", "Không tìm thấy đảng viên này.")))
    response = api("staff").put(f"{url}/place", {"value": "Nơi khác"})
    assert (response.status_code, response.json()) == (403, error("Bạn không có quyền ghi biên bản của chi bộ này."))
    assert api("rival").put(f"{url}/place", {"value": "Nơi khác"}).status_code == 404
    assert snapshot() == before


def test_rows_by_client_key_and_version(api, meeting):
    """POST with the client's key adds a row at the end; sent again (a retry) it adds nothing; an
    edit based on an older version of a row someone changed since is refused with 409."""
    caller = api("secretary")
    url = "/api/v1/meetings/C1-2025-01"
    key = "6f1c2a34-8d55-4c7e-9a1b-0c2d3e4f5a6b"
    first = caller.post(f"{url}/speeches", {"key": key, "member": "M1", "summary": "Mở đầu"})
    again = caller.post(f"{url}/speeches", {"key": key, "member": "M1", "summary": "Mở đầu"})
    assert (first.status_code, first.json()) == (200, {"position": 0, "key": key, "version": 1, "member": "M1",
                                                       "item": "", "summary": "Mở đầu"})
    assert (again.status_code, again.json()) == (200, first.json())
    assert Speech.objects.count() == 1
    other = caller.post(f"{url}/speeches", {"key": "0b7e1d9c-1111-4222-8333-944455556666", "member": "M2"})
    assert other.json()["position"] == 1
    edited = caller.post(f"{url}/speeches", {"key": key, "member": "M1", "summary": "Sửa lần một", "version": 1})
    assert (edited.status_code, edited.json()["version"]) == (200, 2)
    before = snapshot()
    stale = caller.post(f"{url}/speeches", {"key": key, "member": "M1", "summary": "Sửa từ bản cũ", "version": 1})
    assert stale.status_code == 409
    assert (stale.json()["current"], stale.json()["errors"]) == ({"version": 2}, [])
    assert stale.json()["detail"].endswith("Thay đổi của bạn chưa được lưu; sửa lại nếu vẫn muốn đổi.")
    assert snapshot() == before
    response = caller.post(f"{url}/tasks", {"key": "không-phải-uuid", "description": "Việc"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "key")
    assert snapshot() == before


def _all_writes(caller):
    url = "/api/v1/meetings/C1-2025-01"
    return [
        caller.put(f"{url}/attendance/M3", {"status": "absent_unexcused"}),
        caller.put(f"{url}/speeches/5", {"member": "M2", "summary": "Ý kiến"}),
        caller.put(f"{url}/votes/5", {"kind": "resolution", "method": "show_of_hands", "votes_for": 1}),
        caller.put(f"{url}/tasks/5", {"description": "Việc"}),
        caller.put(f"{url}/guests/5", {"name": "Khách"}),
        caller.post(f"{url}/speeches", {"key": "6f1c2a34-8d55-4c7e-9a1b-0c2d3e4f5a6b", "member": "M2"}),
        caller.post(f"{url}/guests", {"key": "6f1c2a34-8d55-4c7e-9a1b-0c2d3e4f5a6b", "name": "Khách"}),
        caller.post(f"{url}/votes", {"key": "6f1c2a34-8d55-4c7e-9a1b-0c2d3e4f5a6b", "kind": "resolution",
                                     "method": "show_of_hands"}),
        caller.post(f"{url}/tasks", {"key": "6f1c2a34-8d55-4c7e-9a1b-0c2d3e4f5a6b", "description": "Việc"}),
        caller.delete(f"{url}/guests/0"),
        caller.delete(f"{url}/speeches/0"),
        caller.delete(f"{url}/votes/0"),
        caller.delete(f"{url}/tasks/0"),
    ]


@pytest.mark.parametrize("who, status, detail", [
    ("staff", 403, "Bạn không có quyền ghi biên bản của chi bộ này."),  # committee staff supervise only
    ("member", 403, "Bạn không có quyền ghi biên bản của chi bộ này."),
    ("sibling", 404, "Không tìm thấy cuộc họp"),
    ("rival", 404, "Không tìm thấy cuộc họp"),
])
def test_recording_refused_changes_nothing(api, meeting, tree, who, status, detail):
    Speech.objects.create(meeting=meeting, position=0, member=tree["M2"], summary="Giữ nguyên")
    before = snapshot()
    answers = _all_writes(api(who))
    assert {(r.status_code, json.dumps(r.json(), ensure_ascii=False)) for r in answers} == {
        (status, json.dumps(error(detail), ensure_ascii=False))}
    assert snapshot() == before


def test_recording_finalized_minutes_is_409(api, meeting):
    from django.utils import timezone

    Meeting.objects.filter(pk=meeting.pk).update(status="finalized", finalized_at=timezone.now())
    before = snapshot()
    answers = _all_writes(api("secretary"))
    message = "Biên bản đã hoàn tất và bị khóa; mọi sửa đổi phải làm bằng đính chính (ghi rõ lý do)."
    assert [(r.status_code, r.json()) for r in answers] == [(409, error(message))] * 13
    assert snapshot() == before


def test_recording_bad_input_names_the_field(api, meeting):
    caller = api("secretary")
    before = snapshot()
    url = "/api/v1/meetings/C1-2025-01"
    # A member of another cell reads exactly like a code that does not exist.
    for code in ("M4", "NOPE"):
        response = caller.put(f"{url}/speeches/0", {"member": code, "summary": "x"})
        assert (response.status_code, response.json()) == (422, error("Không tìm thấy đảng viên này.",
                                                                      ("member", "Không tìm thấy đảng viên này.")))
    response = caller.put(f"{url}/attendance/M2", {"status": "ngu"})
    assert (response.status_code, response.json()) == (422, error(
        "Trạng thái điểm danh không hợp lệ.", ("status", "Trạng thái điểm danh không hợp lệ.")))
    response = caller.put(f"{url}/tasks/0", {"description": "Việc", "due": "2024-12-31"})
    assert (response.status_code, response.json()) == (422, error(
        "Hạn hoàn thành phải từ ngày họp (03/01/2025) trở đi.",
        ("due", "Hạn hoàn thành phải từ ngày họp (03/01/2025) trở đi.")))
    response = caller.put(f"{url}/votes/0", {"kind": "resolution", "method": "show_of_hands", "votes_for": -1})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "votes_for")
    response = caller.put(f"{url}/speeches/-1", {"member": "M2"})
    assert (response.status_code, response.json()) == (422, error("Số thứ tự không hợp lệ.",
                                                                  ("position", "Số thứ tự không hợp lệ.")))
    response = caller.put(f"{url}/speeches/0", {"summary": "x"})
    assert (response.status_code, response.json()) == (422, error("Trường này bắt buộc.",
                                                                  ("member", "Trường này bắt buộc.")))
    response = caller.put(f"{url}/speeches/0", {"member": "M2", "summary": "a\u0000b"})
    assert (response.status_code, response.json()) == (422, error("Không được chứa ký tự NUL (\\x00).",
                                                                  ("summary", "Không được chứa ký tự NUL (\\x00).")))
    response = caller.get("/api/v1/meetings/C1-2025-01%01")
    assert (response.status_code, response.json()["errors"]) == (422, [
        {"field": "ident", "message": "Giá trị không hợp lệ (không được chứa ký tự điều khiển hay dấu '/')."}])
    response = caller.client.put(f"{url}/speeches/0", "{không phải json", content_type="application/json",
                                 **caller.headers)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert snapshot() == before


# --- stored results, dashboard, bundle -------------------------------------------------------------

def test_stored_audit_and_dashboard(api, meeting):
    from chibo.results.services import refresh_roots

    refresh_roots(["P"], as_of=date(2025, 12, 31))
    audit = api("staff").get("/api/v1/orgs/C1/audit?date_from=2025-01-01&date_to=2025-01-31").json()
    assert (audit["format"], audit["from"], audit["to"], audit["as_of"]) == (
        "chibo-audit", "2025-01-01", "2025-01-31", "2025-01-31")
    assert [(m["id"], m["attendance"]["present"]) for m in audit["meetings"]] == [("C1-2025-01", 3)]
    from chibo.results.selectors import stored_audit

    assert audit == json.loads(json.dumps(stored_audit(Organization.objects.get(code="C1"), date(2025, 1, 1),
                                                       date(2025, 1, 31)), default=str))
    board = api("staff").get("/api/v1/orgs/G/dashboard?date_from=2025-01-01&date_to=2025-01-31").json()
    assert (board["organization"], board["total"]["meetings"], board["total"]["regular"], board["total"]["present"],
            board["total"]["expected"]) == ("G", 1, 1, 3, 3)
    assert [(c["code"], c["meetings"]) for c in board["children"]] == [("C1", 1), ("C2", 0)]
    assert board["months"] == [{"month": "2025-01-01", "meetings": 1, "present": 3, "expected": 3,
                                "attendance_rate": "100,00%"}]
    # C2 held no regular meeting in January.
    assert board["total"] == {
        "code": "G", "name": "Đảng bộ xã Tân Thành", "is_cell": False, "meetings": 1, "regular": 1,
        "regular_months": 1, "on_time_months": 1, "thematic": 0, "present": 3, "expected": 3,
        "attendance_rate": "100,00%", "framework": 0, "average_score": 40.0,
        "grades": {"tot": 0, "kha": 0, "trung_binh": 0, "kem": 1},
        "findings": {"MISSING_REGULAR_MEETING": 1, "LATE_REGULAR_MEETING": 0, "MISSING_THEMATIC_MEETING": 0,
                     "NO_SUPERIOR_VISIT": 0, "REMOVAL_REVIEW": 0, "TASK_OVERDUE": 0, "FEE_UNPAID_REVIEW": 0,
                     "FEE_RELIEF_TOO_LONG": 0}}
    response = api("staff").get("/api/v1/orgs/C1/dashboard?date_from=2025-01-01&date_to=2025-01-31")
    assert response.json() == error("Bảng theo dõi dành cho cấp ủy cấp trên chi bộ")
    assert api("rival").get("/api/v1/orgs/G/dashboard?date_from=2025-01-01&date_to=2025-01-31").status_code == 404
    assert api("rival").get("/api/v1/orgs/C1/audit?date_from=2025-01-01&date_to=2025-01-31").status_code == 404
    response = api("staff").get("/api/v1/orgs/G/dashboard?date_from=2025-02-01&date_to=2025-01-31")
    assert (response.status_code, response.json()) == (422, error(
        "Ngày kết thúc phải sau ngày bắt đầu.", ("date_to", "Ngày kết thúc phải sau ngày bắt đầu.")))
    response = api("staff").get("/api/v1/orgs/G/audit?date_from=2025-01-01")
    assert (response.status_code, response.json()) == (422, error("Trường này bắt buộc.",
                                                                  ("date_to", "Trường này bắt buộc.")))


def test_bundle_export_import_audit(api, meeting):
    from chibo.changelog.models import LogEntry

    logged = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    exported = api("secretary").get("/api/v1/orgs/C1/bundle")
    assert exported.status_code == 200
    bundle = exported.json()
    assert ([o["code"] for o in bundle["organizations"]], [m["code"] for m in bundle["members"]],
            [m["id"] for m in bundle["meetings"]]) == (["C1"], ["M1", "M2", "M3"], ["C1-2025-01"])
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert (LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() - logged, entry.additional_data["download"],
            entry.actor.username) == (1, "Bundle dữ liệu (API)", "secretary")
    # Everyone's records are in a bundle: those who run or supervise the organisation only.
    assert api("member").get("/api/v1/orgs/C1/bundle").json() == error("Bạn không có quyền thay đổi dữ liệu của tổ chức này.")
    assert api("rival").get("/api/v1/orgs/C1/bundle").status_code == 404
    # The audit of a bundle sent in: the engine's, nothing stored.
    audit = api("member").post("/api/v1/audit?date_from=2025-01-01&date_to=2025-01-31", bundle).json()
    assert [(m["id"], m["attendance"]["present"]) for m in audit["meetings"]] == [("C1-2025-01", 3)]
    # Import: administrators only; a conflict or a bad bundle changes nothing.
    renamed = json.loads(json.dumps(bundle).replace('"C1', '"Z1').replace('"M', '"ZM'))
    before = snapshot()
    response = api("staff").post("/api/v1/bundle", renamed)
    assert (response.status_code, response.json()) == (403, error("Chỉ quản trị viên được nạp dữ liệu."))
    response = api("admin").post("/api/v1/bundle", bundle)
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "$.organizations[0].code",
                                            "message": "mã tổ chức 'C1' đã có trong cơ sở dữ liệu"}
    response = api("admin").post("/api/v1/bundle", {"format": "chibo-bundle"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"].startswith("$.")
    assert snapshot() == before
    response = api("admin").post("/api/v1/bundle", renamed)
    assert (response.status_code, response.json()) == (201, {"organizations": 1, "members": 3, "meetings": 1,
                                                             "visits": 0, "refreshed": response.json()["refreshed"]})
    assert Meeting.objects.filter(ident="Z1-2025-01").count() == 1


# --- the first four endpoints, the documentation -----------------------------------------------------

def test_the_first_endpoints_still_answer(api, client, personas):
    assert api("staff").get("/api/orgs").json()[0] == {"code": "G", "name": "Đảng bộ xã Tân Thành",
                                                       "kind": "dang_bo_co_so", "parent": "P"}
    client.force_login(personas["staff"])
    assert [o["code"] for o in client.get("/api/orgs").json()] == ["G", "C1", "C2"]
    assert client.get("/api/members/M2").json()["code"] == "M2"
    assert client.get("/api/orgs/C3/roll").json() == error("Không tìm thấy tổ chức")


def test_documentation_and_schema_need_a_login(client, personas):
    for url in ("/api/docs", "/api/openapi.json"):
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/dang-nhap/"), url
    client.force_login(personas["member"])
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/meetings/{ident}/speeches/{position}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_no_credentials_is_401_in_the_same_shape(client, meeting):
    response = client.get("/api/v1/orgs")
    assert (response.status_code, response.json()) == (401, error(
        "Cần đăng nhập, hoặc gửi khóa API hợp lệ trong tiêu đề Authorization: Bearer <khóa>."))
    before = snapshot()
    response = client.put("/api/v1/meetings/C1-2025-01/speeches/0", json.dumps({"member": "M2"}),
                          content_type="application/json", HTTP_AUTHORIZATION="Bearer chibo_nope")
    assert response.status_code == 401
    for url in ("/api/v1/bundle", "/api/v1/audit?date_from=2025-01-01&date_to=2025-01-31", "/api/v1/orgs"):
        response = client.post(url, json.dumps({"format": "chibo-bundle"}), content_type="application/json")
        assert response.status_code == 401, url
    assert snapshot() == before


@pytest.mark.parametrize("url", [
    "/api/v1/orgs/C1", "/api/v1/orgs/C1/members", "/api/v1/members/M2", "/api/v1/orgs/C1/meetings",
    "/api/v1/meetings/C1-2025-01", "/api/v1/orgs/C1/audit?date_from=2025-01-01&date_to=2025-01-31",
    "/api/v1/orgs/G/dashboard?date_from=2025-01-01&date_to=2025-01-31", "/api/v1/orgs/C1/bundle",
])
def test_reads_outside_the_scope_are_absent_and_leave_no_trace(api, meeting, url):
    """The rival committee's staff: 404 as for a code that does not exist; no download logged, no
    stored result computed."""
    from chibo.changelog.models import LogEntry
    from chibo.results.models import CellYear

    rival = api("rival")  # its token first: creating one is logged
    before = (snapshot(), LogEntry.objects.count(), CellYear.objects.count())
    response = rival.get(url)
    assert response.status_code == 404
    assert response.json()["detail"] in ("Không tìm thấy tổ chức", "Không tìm thấy đảng viên",
                                         "Không tìm thấy cuộc họp")
    assert (snapshot(), LogEntry.objects.count(), CellYear.objects.count()) == before
