"""The compliance page over a subtree and the rule-profile page (inherited values, logged edits)."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from chibo.interchange.db import bundle_import
from chibo.interchange.validate import parse_bundle
from chibo.orgs.models import Organization, Role
from chibo.rules import services
from chibo.rules.models import RuleProfile, RuleProfileChange
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parent / "data" / "examples"


def load(name):
    """Import an example and store its results, as `chibo import` does."""
    from chibo.results.services import refresh_roots

    bundle = parse_bundle((EXAMPLES / f"{name}.json").read_bytes())
    bundle_import(bundle)
    refresh_roots([o["code"] for o in bundle["organizations"] if not o.get("parent")])


def staff_of(code):
    user = get_user_model().objects.create_user(f"staff-{code}", password="x")
    Role.objects.create(user=user, organization=Organization.objects.get(code=code), kind=Role.Kind.COMMITTEE_STAFF)
    return user


def test_audit_page_rolls_up_the_engine(client):
    load("ho_so_nua_nam")
    client.force_login(staff_of("DBMT"))
    # the example's own arguments: --from 2025-01-01 --to 2025-06-30 --as-of 2025-05-15
    response = client.get("/to-chuc/DBMT/kiem-tra/?tu=01/01/2025&den=30/06/2025&xet=15/05/2025")
    assert response.status_code == 200
    cells = {c.code: c for c in response.context["cells"]}
    assert (cells["TP1"].meetings, cells["TP1"].score_sum, dict(cells["TP1"].grades)) == (5, 461, {"kha": 4, "tot": 1})
    assert (cells["TP2"].meetings, cells["TP2"].score_sum, dict(cells["TP2"].grades)) == (5, 479, {"tot": 5})
    assert dict(cells["TP2"].findings) == {"LATE_REGULAR_MEETING": 1, "MISSING_THEMATIC_MEETING": 1}
    assert dict(cells["TP1"].findings) == {}
    assert [c.code for c in response.context["cells"]] == ["TP2", "TP1"]  # most problems first
    page = response.content.decode()
    assert page.count('<tr data-cell="') == 2


def test_audit_page_constant_queries(client, django_assert_max_num_queries):
    load("quy_mot")
    load("ho_so_nua_nam")
    admin = get_user_model().objects.create_user("root", password="x", is_superuser=True)
    client.force_login(admin)
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for code in ("DBLX", "DBMT"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/to-chuc/{code}/kiem-tra/?tu=01/01/2025&den=30/06/2025").status_code == 200
        counts.append(len(ctx.captured_queries))
    # 1 cell / 4 meetings and 2 cells / 10 meetings: the same number of queries
    assert counts[0] == counts[1]


def test_profile_inheritance_with_sources():
    load("ho_so_nua_nam")
    tp1 = Organization.objects.get(code="TP1")
    values = services.profile_with_sources(tp1)
    value, source = values["regular_meeting_day"]
    assert (value, source.code) == (5, "DBMT")
    assert values["min_attendance_rate"] == (85, None)


def test_profile_edit_logged_and_inherited(client):
    load("ho_so_nua_nam")
    user = staff_of("DBMT")
    client.force_login(user)
    response = client.post("/to-chuc/TP1/quy-tac/", {"min_attendance_rate": "80", "regular_meeting_day": ""})
    assert response.status_code == 302
    assert RuleProfile.objects.get(organization__code="TP1").values == {"min_attendance_rate": 80}
    change = RuleProfileChange.objects.get(organization__code="TP1")
    assert (change.key, change.old_value, change.new_value, change.user) == ("min_attendance_rate", None, 80, user)
    page = client.get("/to-chuc/TP1/quy-tac/").content.decode()
    assert "Kế thừa từ Đảng bộ" in page and "Riêng của tổ chức này" in page


def test_profile_bad_value_keeps_input_and_changes_nothing(client):
    load("ho_so_nua_nam")
    client.force_login(staff_of("DBMT"))
    before = snapshot()
    response = client.post("/to-chuc/TP1/quy-tac/", {"regular_meeting_day": "40", "min_attendance_rate": "80"})
    assert response.status_code == 200
    assert response.context["form"].errors["regular_meeting_day"] == ["Giá trị không được lớn hơn 31."]
    assert 'value="80"' in response.content.decode()
    assert snapshot() == before


def test_the_days_to_answer_recommendations_are_set_on_the_profile_page(client):
    """Chibo's own setting among the profile's parameters: kept on the organisation (never in the
    profile's values, the bundle's `profiles`), logged, inherited, refused out of range."""
    load("ho_so_nua_nam")
    user = staff_of("DBMT")
    client.force_login(user)
    before = snapshot()
    bad = client.post("/to-chuc/TP1/quy-tac/", {"recommendation_answer_days": "0", "min_attendance_rate": "80"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["recommendation_answer_days"] == ["Giá trị phải từ 1 trở lên."]
    assert snapshot() == before
    own = RuleProfile.objects.get(organization__code="DBMT").values  # kept as they are
    posted = {k: str(v).lower() if type(v) is bool else str(v) for k, v in own.items()}
    assert client.post("/to-chuc/DBMT/quy-tac/", {**posted, "recommendation_answer_days": "15"}).status_code == 302
    dbmt = Organization.objects.get(code="DBMT")
    assert dbmt.recommendation_answer_days == 15
    assert RuleProfile.objects.get(organization=dbmt).values == own
    change = RuleProfileChange.objects.get(organization=dbmt)
    assert (change.key, change.old_value, change.new_value, change.user) == ("recommendation_answer_days", None, 15,
                                                                            user)
    page = client.get("/to-chuc/TP1/quy-tac/")
    row = next(r for r in page.context["rows"] if r["key"] == "recommendation_answer_days")
    assert (row["value"], row["source"].code, row["own"]) == ("15", "DBMT", False)
    assert client.post("/to-chuc/DBMT/quy-tac/", {**posted, "recommendation_answer_days": ""}).status_code == 302
    assert Organization.objects.get(code="DBMT").recommendation_answer_days is None
    assert list(RuleProfileChange.objects.filter(organization=dbmt).values_list("old_value", "new_value")) == [
        (15, None), (None, 15)]


def test_profile_changes_drive_the_audit(client, django_capture_on_commit_callbacks):
    """A stricter profile on the committee changes the verdicts of its cells."""
    load("quy_mot")
    from datetime import date

    from chibo.reports.services import subtree_compliance

    root = Organization.objects.get(code="DBLX")
    _result, cells, _ = subtree_compliance(root, date(2025, 1, 1), date(2025, 3, 31))
    assert dict(cells[0].findings) == {"LATE_REGULAR_MEETING": 1, "TASK_OVERDUE": 1}
    with django_capture_on_commit_callbacks(execute=True):  # the saved profile re-audits the subtree
        services.profile_update(root, user=None, values={"regular_meeting_day": 10})
    _result, cells, _ = subtree_compliance(root, date(2025, 1, 1), date(2025, 3, 31))
    assert dict(cells[0].findings) == {"TASK_OVERDUE": 1}
