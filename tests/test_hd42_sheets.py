"""A committee's scoring sheet (rules-v2.md §5.1, issue 14 item 3): defined on the committee's
page, checked by the rule engine's rubric_errors with each message by its field, previewed on a
past meeting of the subtree before saving, the subtree's rubric once the profile names it.
Denied to anyone but the committee's staff and staff above it; refusals change nothing."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from chibo.meetings.models import Attendance, Meeting
from chibo.rules import engine
from chibo.rules.models import RuleProfile, ScoringSheet
from chibo.rules.selectors import frame_rubric_for
from chibo.rules.services_sheets import sheet_save

AN_PHU = [dict(g) for g in engine.HD42_FRAME["groups"]]
AN_PHU[3] = {"id": "organisation", "name": "Tổ chức sinh hoạt", "max": 30, "measure": "entered"}
AN_PHU.insert(4, {"id": "chairing", "name": "Điều hành của bí thư", "max": 10, "measure": "entered"})
BANDS = {"tot": 90, "kha": 70, "trung_binh": 50}

#: The routes whose denied access this module tests (tests/test_access_orgs.py).
COVERED = {"sheet_list", "sheet_new", "sheet_edit"}


def data(groups=None, bands=None):
    return {"groups": groups or AN_PHU, "bands": bands or BANDS, "tot_requires_max": []}


def sheets():
    return list(ScoringSheet.objects.values_list("code", "name", "data"))


def test_saved_and_named_by_the_profile_it_is_the_subtree_rubric(personas, tree):
    sheet = sheet_save(tree["G"], code="an-phu-2025", name="Phiếu An Phú", source="KH 08", data=data(),
                       user=personas["staff"])
    assert frame_rubric_for(tree["C1"]).id == "hd42-frame"  # not named yet
    RuleProfile.objects.create(organization=tree["G"], values={"rubric": "an-phu-2025"})
    assert frame_rubric_for(tree["C1"]).id == "an-phu-2025"
    assert frame_rubric_for(tree["C1"]).rubric == {"name": "Phiếu An Phú", "source": "KH 08", **sheet.data}
    assert frame_rubric_for(tree["C3"]).id == "hd42-frame"  # another committee's subtree: not its sheet
    RuleProfile.objects.create(organization=tree["G2"], values={"rubric": "an-phu-2025"})
    assert frame_rubric_for(tree["C3"]).id == "hd42-frame"


@pytest.mark.parametrize(("change", "errors"), [
    (lambda g: g.__setitem__(0, {**g[0], "max": 6}), {"groups": "Tổng điểm tối đa của các nhóm phải bằng 100 (đang là "
                                                               "101)."}),
    (lambda g: g.__setitem__(2, {**g[2], "tiers": [{"points": 3}]}),
     {"groups[2].tiers": "Nhóm chấm tay không có các mức điểm ('tiers')."}),
    (lambda g: g.__setitem__(1, {**g[1], "id": "time"}), {"groups[1].id": "Mã nhóm 'time' bị trùng trong bộ tiêu chí."}),
])
def test_invalid_sheet_refused(personas, tree, change, errors):
    groups = [dict(g) for g in AN_PHU]
    change(groups)
    with pytest.raises(ValidationError) as exc:
        sheet_save(tree["G"], code="an-phu-2025", name="Phiếu", source="", data=data(groups), user=personas["staff"])
    assert {k: v[0] for k, v in exc.value.message_dict.items()} == errors
    assert sheets() == []


@pytest.mark.parametrize(("code", "message"), [
    ("hd42-frame", "Mã “hd42-frame” là của bộ tiêu chí có sẵn, không dùng được cho phiếu riêng."),
    ("An Phú", "Mã phiếu gồm chữ thường không dấu, chữ số và dấu gạch ngang (tối đa 64 ký tự)."),
])
def test_bad_code_refused(personas, tree, code, message):
    with pytest.raises(ValidationError) as exc:
        sheet_save(tree["G"], code=code, name="Phiếu", source="", data=data(), user=personas["staff"])
    assert exc.value.message_dict == {"code": [message]}
    assert sheets() == []


def test_code_taken_and_code_kept(personas, tree):
    sheet = sheet_save(tree["G"], code="an-phu-2025", name="Phiếu", source="", data=data(), user=personas["staff"])
    with pytest.raises(ValidationError) as exc:
        sheet_save(tree["G2"], code="an-phu-2025", name="Khác", source="", data=data(), user=personas["rival"])
    assert exc.value.message_dict == {"code": ["Mã “an-phu-2025” đã được dùng cho một phiếu chấm khác."]}
    with pytest.raises(ValidationError) as exc:
        sheet_save(tree["G"], code="an-phu-2026", name="Phiếu", source="", data=data(), user=personas["staff"],
                   sheet=sheet)
    assert list(exc.value.message_dict) == ["code"]
    assert [s[0] for s in sheets()] == ["an-phu-2025"]


# --- the page ------------------------------------------------------------------------------------

def form_post(groups=AN_PHU, **extra):
    from chibo.rules.forms_sheets import tiers_text

    post = {"code": "an-phu-2025", "name": "Phiếu An Phú", "source": "KH 08", "tot": "90", "kha": "70",
            "trung_binh": "50", "tot_requires_max": "", "g-TOTAL_FORMS": str(len(groups) + 1), "g-INITIAL_FORMS": "0",
            "g-MIN_NUM_FORMS": "0", "g-MAX_NUM_FORMS": "30", "action": "save"}
    for i, g in enumerate(groups):
        post.update({f"g-{i}-id": g["id"], f"g-{i}-name": g.get("name", ""), f"g-{i}-max": str(g["max"]),
                     f"g-{i}-measure": g["measure"], f"g-{i}-tiers": tiers_text(g.get("tiers"))})
        for key in ("unexcused_points", "no_repeated_bonus", "none_points"):
            if key in g:
                post[f"g-{i}-{key}"] = str(g[key])
    post.update(extra)
    return post


def test_page_saves_a_sheet(personas, tree, client_for):
    client = client_for(personas["staff"])
    answer = client.post("/to-chuc/G/phieu-cham/moi/", form_post())
    assert answer.status_code == 302
    sheet = ScoringSheet.objects.get()
    assert (sheet.code, sheet.organization, sheet.data["groups"]) == ("an-phu-2025", tree["G"], AN_PHU)
    page = client.get("/to-chuc/G/phieu-cham/").content.decode()
    assert "an-phu-2025" in page and "Phiếu An Phú" in page


def test_page_shows_the_engine_errors_by_the_field_and_keeps_the_input(personas, tree, client_for):
    groups = [dict(g) for g in AN_PHU]
    groups[4] = {**groups[4], "max": 12}  # the maxima add up to 102
    groups[0] = {**groups[0], "tiers": [{"short_by_at_most": 0, "points": 7}, {"points": 1}]}  # above the max 5
    answer = client_for(personas["staff"]).post("/to-chuc/G/phieu-cham/moi/", form_post(groups))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Tổng điểm tối đa của các nhóm phải bằng 100 (đang là 102)." in page
    assert 'id="id_g-0-tiers_error"' in page and "điểm của mức (7) vượt điểm tối đa của nhóm (5)" in page.lower()
    assert 'value="12"' in page and "thiếu tối đa 0 phút: 7" in page
    assert sheets() == []


def test_bad_tier_line_is_refused_by_the_field(personas, tree, client_for):
    post = form_post()
    post["g-0-tiers"] = "đủ giờ thì 5"
    answer = client_for(personas["staff"]).post("/to-chuc/G/phieu-cham/moi/", post)
    assert answer.status_code == 400
    assert 'id="id_g-0-tiers_error"' in answer.content.decode()
    assert sheets() == []


def test_preview_on_a_past_meeting_saves_nothing(personas, tree, client_for):
    m = Meeting.objects.create(ident="C1-2026-01", organization=tree["C1"], kind="regular", date=date(2026, 1, 3),
                               status="held", start=time(19, 30), end=time(20, 50))  # 80 minutes: 4 points
    for i, code in enumerate(["M1", "M2", "M3"]):
        Attendance.objects.create(meeting=m, member=tree[code], position=i, status="present")
    answer = client_for(personas["staff"]).post("/to-chuc/G/phieu-cham/moi/",
                                                form_post(action="preview", meeting=m.ident))
    assert answer.status_code == 200
    page = answer.content.decode()
    # time 4, attendance 4 + 1, results 30 (no previous task), entered groups not scored: 39, provisional
    assert "<b>39/100</b>, xếp loại <b>Kém</b> (tạm tính" in page
    assert 'data-group="chairing"' in page
    assert sheets() == []


@pytest.mark.parametrize(("persona", "status"), [
    ("secretary", 404), ("member", 404), ("designated", 302), ("rival", 404), ("sibling", 404), ("anonymous", 302)])
def test_denied(personas, tree, client_for, persona, status):
    client = client_for(personas[persona])
    answers = [client.get("/to-chuc/G/phieu-cham/").status_code, client.post("/to-chuc/G/phieu-cham/moi/",
                                                                              form_post()).status_code]
    if persona == "designated":  # committee staff of G (also designated to record C1)
        assert answers == [200, 302]
        return
    assert answers == [status, status]
    assert sheets() == []


def test_sheet_list_constant_queries(personas, tree, client_for, django_assert_num_queries):
    client = client_for(personas["staff"])
    client.get("/to-chuc/G/phieu-cham/")
    # session, user, the scope: 1 query (roles, member record), the top bar's notices, organisation,
    # sheets, profile (2)
    with django_assert_num_queries(8) as ctx:
        client.get("/to-chuc/G/phieu-cham/")
    small = len(ctx.captured_queries)
    for i in range(5):
        sheet_save(tree["G"], code=f"phieu-{i}", name=f"Phiếu {i}", source="", data=data(), user=personas["staff"])
    with django_assert_num_queries(small):
        client.get("/to-chuc/G/phieu-cham/")


@pytest.mark.parametrize(("persona", "status"), [("rival", 404), ("secretary", 404), ("member", 404),
                                                 ("anonymous", 302)])
def test_editing_a_sheet_denied(personas, tree, client_for, persona, status):
    sheet_save(tree["G"], code="an-phu-2025", name="Phiếu An Phú", source="", data=data(), user=personas["staff"])
    before = sheets()
    client = client_for(personas[persona])
    post = form_post(name="Đổi tên")
    assert client.get("/to-chuc/G/phieu-cham/an-phu-2025/").status_code == status
    assert client.post("/to-chuc/G/phieu-cham/an-phu-2025/", post).status_code == status
    assert sheets() == before


def test_a_sheet_is_edited_only_on_its_own_committee_page(personas, tree, client_for):
    sheet_save(tree["G"], code="an-phu-2025", name="Phiếu An Phú", source="", data=data(), user=personas["staff"])
    client = client_for(personas["admin"])
    assert client.get("/to-chuc/P/phieu-cham/an-phu-2025/").status_code == 404  # P's page: not P's sheet
    answer = client.post("/to-chuc/G/phieu-cham/an-phu-2025/", form_post(name="Phiếu An Phú (sửa)"))
    assert answer.status_code == 302
    assert ScoringSheet.objects.get().name == "Phiếu An Phú (sửa)"


def test_sheet_page_constant_queries(personas, tree, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sheet_save(tree["G"], code="an-phu-2025", name="Phiếu An Phú", source="", data=data(), user=personas["staff"])
    client = client_for(personas["staff"])
    client.get("/to-chuc/G/phieu-cham/an-phu-2025/")
    with CaptureQueriesContext(connection) as small:
        client.get("/to-chuc/G/phieu-cham/an-phu-2025/")
    for i in range(6):
        Meeting.objects.create(ident=f"C{i % 2 + 1}-2026-{i:02}", organization=tree[f"C{i % 2 + 1}"], kind="regular",
                               date=date(2026, 1, 3 + i), status="held")
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get("/to-chuc/G/phieu-cham/an-phu-2025/").content.decode()
    assert page.count('<option value="C') == 6  # the preview's past meetings of the subtree
