"""The rule-profile keys of rules-v2.md §6: their validation (version 1 exactly as before,
version 2 with the new keys), defaults, labels, and the profile page that sets them."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from chibo.interchange.db import bundle_import
from chibo.interchange.validate import parse_bundle
from chibo.orgs.models import Organization, Role
from chibo.rules import services
from chibo.rules.models import RuleProfile, RuleProfileChange
from chibo.rules.profile import (
    DEFAULT_PROFILE,
    PROFILE_KEYS,
    PROFILE_LABELS,
    V1_PROFILE_KEYS,
    display_value,
    validate_profile_value,
    validate_profile_values,
)
from tests.access_matrix import snapshot

EXAMPLES = Path(__file__).parent / "data" / "examples"


def test_defaults_of_the_new_keys():
    assert {k: DEFAULT_PROFILE[k] for k in PROFILE_KEYS[9:]} == {
        "rubric": "hd42-frame", "rulebook": "by-date", "docs_days_before": 1, "post_days_after": 2,
        "regular_meeting_latest_day": 7, "require_scorer": False, "fee_unpaid_months": 3,
    }
    assert V1_PROFILE_KEYS == PROFILE_KEYS[:10]
    assert set(PROFILE_LABELS) == set(PROFILE_KEYS)


@pytest.mark.parametrize(
    ("key", "good", "bad", "reason"),
    [
        ("rulebook", ["by-date", "hd12-2018", "hd42-2025"], ["hd42", "", 1, None],
         "hướng dẫn áp dụng phải là một trong: by-date, hd12-2018, hd42-2025"),
        ("docs_days_before", [0, 1, 10**6], [-1, 1.0, True, "1"], "phải là số nguyên không nhỏ hơn 0"),
        ("post_days_after", [0, 2], [-1, False], "phải là số nguyên không nhỏ hơn 0"),
        ("regular_meeting_latest_day", [1, 7, 31], [0, 32], "phải là số nguyên từ 1 đến 31"),
        ("require_scorer", [True, False], [0, 1, "true", None], "phải là true hoặc false"),
        ("fee_unpaid_months", [1, 3, 12], [0, 13], "phải là số nguyên từ 1 đến 12"),
        ("rubric", ["hd12-default", "hd42-frame", "an-phu"], ["", "other", 1],
         "bộ tiêu chí phải là 'hd12-default', 'hd42-frame' hoặc mã một phiếu chấm điểm đã khai báo"),
    ],
)
def test_version_2_values(key, good, bad, reason):
    for value in good:
        assert validate_profile_value(key, value, version=2, rubric_ids={"an-phu"}) is None, value
    for value in bad:
        assert validate_profile_value(key, value, version=2, rubric_ids={"an-phu"}) == reason, value


def test_version_1_is_unchanged():
    for key in PROFILE_KEYS[10:]:
        assert validate_profile_value(key, DEFAULT_PROFILE[key]) == f"tham số '{key}' không có trong bộ quy tắc"
    assert validate_profile_value("rubric", "hd42-frame") == "bộ tiêu chí chỉ được là 'hd12-default'"
    assert validate_profile_value("rubric", "an-phu", rubric_ids={"an-phu"}) == (
        "bộ tiêu chí chỉ được là 'hd12-default'")
    assert validate_profile_value("rubric", "hd12-default") is None
    assert validate_profile_values({"require_scorer": True, "rulebook": "x"}, version=2) == [
        ("rulebook", "hướng dẫn áp dụng phải là một trong: by-date, hd12-2018, hd42-2025")]


def test_display_values():
    assert display_value("require_scorer", True) == "Có"
    assert display_value("require_scorer", False) == "Không"
    assert display_value("rulebook", "hd42-2025") == "Hướng dẫn 42-HD/BTCTW (28/10/2025)"
    assert display_value("rubric", "x", {"x": "Phiếu X (x)"}) == "Phiếu X (x)"
    assert display_value("docs_days_before", 1) == "1"


# --- the page -----------------------------------------------------------------------------------

def load(name):
    bundle_import(parse_bundle((EXAMPLES / f"{name}.json").read_bytes()))


def staff_of(code):
    user = get_user_model().objects.create_user(f"staff-{code}", password="x")
    Role.objects.create(user=user, organization=Organization.objects.get(code=code), kind=Role.Kind.COMMITTEE_STAFF)
    return user


@pytest.mark.django_db
def test_page_sets_the_new_keys(client):
    load("ho_so_nua_nam")
    user = staff_of("DBMT")
    client.force_login(user)
    page = client.get("/to-chuc/TP1/quy-tac/").content.decode()
    for key in PROFILE_KEYS[10:]:
        assert f'name="{key}"' in page
        assert PROFILE_LABELS[key] in page
    assert '<option value="hd42-frame">' in page and '<option value="hd12-default">' in page
    assert '<option value="hd12-2018">Hướng dẫn 12-HD/BTCTW (06/7/2018)</option>' in page
    response = client.post("/to-chuc/TP1/quy-tac/", {
        "rulebook": "hd12-2018", "rubric": "hd42-frame", "require_scorer": "true", "docs_days_before": "0",
        "post_days_after": "3", "regular_meeting_latest_day": "5", "fee_unpaid_months": "2"})
    assert response.status_code == 302
    assert RuleProfile.objects.get(organization__code="TP1").values == {
        "rubric": "hd42-frame", "rulebook": "hd12-2018", "docs_days_before": 0, "post_days_after": 3,
        "regular_meeting_latest_day": 5, "require_scorer": True, "fee_unpaid_months": 2}
    assert sorted(RuleProfileChange.objects.filter(organization__code="TP1").values_list("key", flat=True)) == sorted(
        ["rubric", "rulebook", "docs_days_before", "post_days_after", "regular_meeting_latest_day",
         "require_scorer", "fee_unpaid_months"])
    tp1 = Organization.objects.get(code="TP1")
    assert services.effective_profile_for(tp1)["require_scorer"] is True
    page = client.get("/to-chuc/TP1/quy-tac/").content.decode()
    assert '<option value="true" selected>Có</option>' in page
    assert "<b>Có</b>" in page and "<b>Hướng dẫn 12-HD/BTCTW (06/7/2018)</b>" in page
    # false is a value, not "inherit"
    assert client.post("/to-chuc/TP1/quy-tac/", {"require_scorer": "false"}).status_code == 302
    assert RuleProfile.objects.get(organization__code="TP1").values == {"require_scorer": False}


@pytest.mark.django_db
def test_page_refuses_bad_values_and_keeps_what_was_typed(client):
    load("ho_so_nua_nam")
    client.force_login(staff_of("DBMT"))
    before = snapshot()
    response = client.post("/to-chuc/TP1/quy-tac/", {
        "regular_meeting_latest_day": "32", "fee_unpaid_months": "6", "rulebook": "hd99", "rubric": "khong-co"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["regular_meeting_latest_day"] == ["Giá trị không được lớn hơn 31."]
    assert set(errors) == {"regular_meeting_latest_day", "rulebook", "rubric"}
    page = response.content.decode()
    assert 'value="32"' in page and 'value="6"' in page
    assert snapshot() == before


@pytest.mark.django_db
def test_service_refuses_unknown_rubric():
    from django.core.exceptions import ValidationError

    load("ho_so_nua_nam")
    tp1 = Organization.objects.get(code="TP1")
    with pytest.raises(ValidationError) as exc:
        services.profile_update(tp1, user=None, values={"rubric": "khong-co"})
    assert exc.value.message_dict == {
        "rubric": ["bộ tiêu chí phải là 'hd12-default', 'hd42-frame' hoặc mã một phiếu chấm điểm đã khai báo"]}
    assert not RuleProfile.objects.filter(organization=tp1).exists()


@pytest.mark.django_db
def test_stored_sheets_of_the_tree_are_choices():
    try:
        sheet_model = apps.get_model("rules", "ScoringSheet")
    except LookupError:
        pytest.skip("no stored scoring sheets in this tree yet")
    load("ho_so_nua_nam")
    root, tp1, tp2 = (Organization.objects.get(code=c) for c in ("DBMT", "TP1", "TP2"))
    sheet_model.objects.create(organization=root, code="an-phu", name="Phiếu An Phú", data={})
    sheet_model.objects.create(organization=tp2, code="rieng-tp2", name="Phiếu TP2", data={})
    assert [c for c, _ in services.rubric_choices(tp1)] == ["hd42-frame", "hd12-default", "an-phu"]
    assert dict(services.rubric_choices(tp1))["an-phu"] == "Phiếu An Phú (an-phu)"
    services.profile_update(tp1, user=None, values={"rubric": "an-phu"})
    assert services.effective_profile_for(tp1)["rubric"] == "an-phu"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.profile_update(tp1, user=None, values={"rubric": "rieng-tp2"})
