"""Bundle validation (bundle.md "What is bad input"): every item has a test that asserts the exact
JSON path and a non-empty Vietnamese reason.  No database is used."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, time

import pytest

from chibo.interchange.validate import (
    BundleError,
    bundle_to_json,
    dump_bundle,
    parse_bundle,
    validate_document,
)

VI = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


def base():
    """A small valid bundle.  M01 is away Feb-Apr 2025 and exempt from June 2025; M03 moves from CB1
    to CB2 on 01/02/2025; M04 is in CB2."""
    return {
        "format": "chibo-bundle",
        "version": 1,
        "profiles": {"DBX": {"regular_meeting_day": 5}},
        "organizations": [
            {"code": "DBX", "name": "Đảng bộ xã Tân Thành", "kind": "dang_bo_co_so", "parent": None},
            {"code": "CB1", "name": "Chi bộ thôn 1", "kind": "chi_bo", "parent": "DBX", "established_on": "2020-01-01"},
            {"code": "CB2", "name": "Chi bộ thôn 2", "kind": "chi_bo", "parent": "DBX"},
            {"code": "CB9", "name": "Chi bộ thôn 9", "kind": "chi_bo_co_so", "parent": "DBX"},
        ],
        "members": [
            {"code": "M01", "full_name": "Nguyễn Văn An", "gender": "nam", "birth_date": "1968-04-12",
             "joined_on": "1995-05-19", "official_on": "1996-05-19",
             "memberships": [{"organization": "CB1", "from": "2020-01-01", "to": None}],
             "exempt": [{"from": "2025-06-01", "to": None, "reason": "Tuổi cao, sức khỏe yếu"}],
             "away": [{"from": "2025-02-01", "to": "2025-04-30", "reason": "Sinh hoạt tạm thời nơi khác"}]},
            {"code": "M02", "full_name": "Trần Thị Bình", "gender": "nu", "joined_on": "2000-01-01",
             "official_on": "2001-01-01", "memberships": [{"organization": "CB1", "from": "2020-01-01"}]},
            {"code": "M03", "full_name": "Lê Văn Cường",
             "memberships": [{"organization": "CB1", "from": "2020-01-01", "to": "2025-01-31"},
                             {"organization": "CB2", "from": "2025-02-01", "to": None}]},
            {"code": "M04", "full_name": "Phạm Văn Dũng", "memberships": [{"organization": "CB2", "from": "2020-01-01"}],
             "exempt": [], "away": []},
        ],
        "meetings": [
            {"id": "CB1-2025-01", "organization": "CB1", "kind": "regular", "date": "2025-01-03",
             "start": "19:30", "end": "21:05", "place": "Nhà văn hóa thôn 1", "chair": "M01", "secretary": "M02",
             "notice_sent_on": "2024-12-30", "topic": None, "rescheduled_reason": None,
             "guests": [{"name": "Trần Văn Bình", "title": "Đảng ủy viên", "organization": "DBX"}],
             "attendance": [{"member": "M01", "status": "present"}, {"member": "M02", "status": "late"},
                            {"member": "M03", "status": "absent_excused", "reason": "Ốm"}],
             "speeches": [{"member": "M02", "item": "Thảo luận", "summary": "Đề nghị sửa đường"}],
             "votes": [{"kind": "resolution", "subject": "Nghị quyết tháng 01/2025", "method": "show_of_hands",
                        "for": 2, "against": 0, "abstain": 0, "invalid": 0}],
             "tasks": [{"assignee": "M02", "description": "Vận động hộ dân", "due": "2025-01-31", "done_on": None}],
             "conclusion": "Chi bộ thống nhất.",
             "manual_scores": {"preparation": 8, "conduct": 9, "principles": 9}},
            {"id": "CB1-2025-03", "organization": "CB1", "kind": "thematic", "date": "2025-03-05",
             "attendance": [{"member": "M01", "status": "present"}, {"member": "M02", "status": "present"}],
             "votes": [{"kind": "election", "method": "secret_ballot", "for": 1, "against": 0, "abstain": 0,
                        "invalid": 1}]},
        ],
        "visits": [{"organization": "CB1", "date": "2025-03-03", "visitor": "Trần Văn Bình", "committee": "DBX"}],
    }


def errors_of(doc) -> list[tuple[str, str]]:
    text = doc if isinstance(doc, (str, bytes)) else json.dumps(doc, ensure_ascii=False)
    with pytest.raises(BundleError) as info:
        parse_bundle(text)
    errs = info.value.errors
    assert errs, "BundleError without errors"
    for path, reason in errs:
        assert path.startswith("$") and reason.strip() and VI.search(reason), (path, reason)
    return errs


def only(doc, path) -> str:
    """The bundle has exactly one problem, at ``path``; returns its reason."""
    errs = errors_of(doc)
    assert [p for p, _r in errs] == [path], errs
    return errs[0][1]


def has(doc, path) -> str:
    errs = errors_of(doc)
    matching = [r for p, r in errs if p == path]
    assert matching, errs
    return matching[0]


def mutate(fn):
    b = base()
    fn(b)
    return b


# ---------------------------------------------------------------------------
# The valid bundle and its normalized shape
# ---------------------------------------------------------------------------


def test_base_is_valid_and_normalized():
    b = parse_bundle(json.dumps(base(), ensure_ascii=False).encode("utf-8"))
    assert list(b) == ["format", "version", "profiles", "organizations", "members", "meetings", "visits"]
    assert b["organizations"][2] == {"code": "CB2", "name": "Chi bộ thôn 2", "kind": "chi_bo", "parent": "DBX",
                                     "established_on": None}
    m2 = b["members"][1]
    assert m2 == {"code": "M02", "full_name": "Trần Thị Bình", "gender": "nu", "birth_date": None,
                  "joined_on": date(2000, 1, 1), "official_on": date(2001, 1, 1),
                  "memberships": [{"organization": "CB1", "from": date(2020, 1, 1), "to": None}],
                  "exempt": [], "away": []}
    m = b["meetings"][1]
    assert list(m) == ["id", "organization", "kind", "date", "start", "end", "place", "chair", "secretary",
                       "notice_sent_on", "topic", "rescheduled_reason", "guests", "attendance", "speeches",
                       "votes", "tasks", "conclusion", "manual_scores"]
    assert m["date"] == date(2025, 3, 5) and m["start"] is None and m["guests"] == [] and m["tasks"] == []
    assert m["manual_scores"] == {"preparation": None, "conduct": None, "principles": None}
    assert m["attendance"][0] == {"member": "M01", "status": "present", "reason": None}
    m0 = b["meetings"][0]
    assert m0["start"] == time(19, 30) and m0["end"] == time(21, 5)
    assert m0["votes"][0]["invalid"] == 0
    assert m0["speeches"][0] == {"member": "M02", "item": "Thảo luận", "summary": "Đề nghị sửa đường"}
    assert b["profiles"] == {"DBX": {"regular_meeting_day": 5}}
    assert b["visits"][0]["date"] == date(2025, 3, 3)


def test_optional_lists_and_keys_may_be_omitted_or_null():
    doc = {"format": "chibo-bundle", "version": 1, "profiles": None, "members": None,
           "organizations": [{"code": "C", "name": "Chi bộ", "kind": "chi_bo_co_so"}]}
    b = parse_bundle(json.dumps(doc))
    assert b["profiles"] == {} and b["members"] == [] and b["meetings"] == [] and b["visits"] == []
    assert b["organizations"][0]["parent"] is None


def test_vote_invalid_may_be_omitted_or_null():
    b = base()
    del b["meetings"][0]["votes"][0]["invalid"]
    b["meetings"][1]["votes"][0]["invalid"] = None
    parsed = parse_bundle(json.dumps(b))
    assert parsed["meetings"][0]["votes"][0]["invalid"] == 0
    assert parsed["meetings"][1]["votes"][0]["invalid"] == 0


def test_empty_strings_are_missing_not_bad_input():
    b = base()
    m = b["meetings"][0]
    m.update(place="", conclusion="   ", topic="", rescheduled_reason="\t", notice_sent_on="", start=" ")
    m["attendance"][2]["reason"] = ""
    b["members"][0]["exempt"][0]["reason"] = ""
    parsed = parse_bundle(json.dumps(b, ensure_ascii=False))
    pm = parsed["meetings"][0]
    assert (pm["place"], pm["conclusion"], pm["topic"], pm["rescheduled_reason"]) == (None, None, None, None)
    assert pm["notice_sent_on"] is None and pm["start"] is None
    assert pm["attendance"][2]["reason"] is None
    assert parsed["members"][0]["exempt"][0]["reason"] is None


def test_exempt_and_away_members_are_on_the_roll():
    b = base()
    # M01 is away in March and exempt from June: may be chair, present, speak and be assigned
    b["meetings"][1].update(chair="M01", secretary="M01", speeches=[{"member": "M01"}],
                            tasks=[{"assignee": "M01", "due": "2025-04-01"}])
    b["meetings"].append({"id": "CB1-2025-07", "organization": "CB1", "kind": "regular", "date": "2025-07-02",
                          "chair": "M01", "attendance": [{"member": "M01", "status": "present"}]})
    march, july = parse_bundle(json.dumps(b))["meetings"][1:]
    assert (march["chair"], march["secretary"]) == ("M01", "M01")
    assert march["speeches"] == [{"member": "M01", "item": None, "summary": None}]
    assert march["tasks"] == [{"assignee": "M01", "description": None, "due": date(2025, 4, 1), "done_on": None}]
    assert march["attendance"][0] == {"member": "M01", "status": "present", "reason": None}
    assert (july["id"], july["chair"], july["attendance"]) == (
        "CB1-2025-07", "M01", [{"member": "M01", "status": "present", "reason": None}])


def test_end_equal_to_start_is_allowed():
    b = base()
    b["meetings"][0]["end"] = b["meetings"][0]["start"]
    first = parse_bundle(json.dumps(b))["meetings"][0]
    assert (first["start"], first["end"]) == (time(19, 30), time(19, 30))


def test_adjacent_periods_do_not_overlap():
    m03 = parse_bundle(json.dumps(base()))["members"][2]  # M03: CB1 to 31/01, CB2 from 01/02
    assert m03["memberships"] == [{"organization": "CB1", "from": date(2020, 1, 1), "to": date(2025, 1, 31)},
                                  {"organization": "CB2", "from": date(2025, 2, 1), "to": None}]


def test_bom_is_accepted_and_round_trip():
    text = json.dumps(base(), ensure_ascii=False)
    b = parse_bundle(("\ufeff" + text).encode("utf-8"))
    again = parse_bundle(dump_bundle(b))
    assert again == b
    assert bundle_to_json(b)["meetings"][0]["start"] == "19:30"
    assert validate_document(json.loads(text)) == b


# ---------------------------------------------------------------------------
# Required keys
# ---------------------------------------------------------------------------

REQUIRED = [
    (("organizations", 3), "code", "$.organizations[3].code"),
    (("organizations", 2), "name", "$.organizations[2].name"),
    (("organizations", 2), "kind", "$.organizations[2].kind"),
    (("members", 3), "code", "$.members[3].code"),
    (("members", 3), "full_name", "$.members[3].full_name"),
    (("meetings", 0), "id", "$.meetings[0].id"),
    (("meetings", 0), "organization", "$.meetings[0].organization"),
    (("meetings", 0), "kind", "$.meetings[0].kind"),
    (("meetings", 0), "date", "$.meetings[0].date"),
    (("meetings", 0, "attendance", 1), "member", "$.meetings[0].attendance[1].member"),
    (("meetings", 0, "attendance", 1), "status", "$.meetings[0].attendance[1].status"),
    (("meetings", 0, "speeches", 0), "member", "$.meetings[0].speeches[0].member"),
    (("meetings", 0, "guests", 0), "name", "$.meetings[0].guests[0].name"),
    (("meetings", 0, "votes", 0), "kind", "$.meetings[0].votes[0].kind"),
    (("meetings", 0, "votes", 0), "method", "$.meetings[0].votes[0].method"),
    (("meetings", 0, "votes", 0), "for", "$.meetings[0].votes[0].for"),
    (("meetings", 0, "votes", 0), "against", "$.meetings[0].votes[0].against"),
    (("meetings", 0, "votes", 0), "abstain", "$.meetings[0].votes[0].abstain"),
    (("members", 3, "memberships", 0), "organization", "$.members[3].memberships[0].organization"),
    (("members", 3, "memberships", 0), "from", "$.members[3].memberships[0].from"),
    (("members", 0, "exempt", 0), "from", "$.members[0].exempt[0].from"),
    (("members", 0, "away", 0), "from", "$.members[0].away[0].from"),
    (("visits", 0), "organization", "$.visits[0].organization"),
    (("visits", 0), "date", "$.visits[0].date"),
    ((), "format", "$.format"),
    ((), "version", "$.version"),
]


def _at(doc, where):
    for part in where:
        doc = doc[part]
    return doc


@pytest.mark.parametrize("where, key, path", REQUIRED, ids=[r[2] for r in REQUIRED])
def test_required_key_missing(where, key, path):
    b = base()
    del _at(b, where)[key]
    reason = only(b, path)
    assert "bắt buộc" in reason


@pytest.mark.parametrize("where, key, path", REQUIRED, ids=[r[2] for r in REQUIRED])
def test_required_key_null(where, key, path):
    b = base()
    _at(b, where)[key] = None
    assert path in [p for p, _r in errors_of(b)]


def test_required_organizations_missing():
    b = base()
    del b["organizations"]
    reason = has(b, "$.organizations")
    assert "bắt buộc" in reason


def test_required_string_blank():
    b = base()
    b["organizations"][2]["name"] = "   "
    assert "trống" in only(b, "$.organizations[2].name")


# ---------------------------------------------------------------------------
# Duplicate keys, unknown keys, types, enumerations
# ---------------------------------------------------------------------------


def test_duplicate_key():
    text = json.dumps(base(), ensure_ascii=False)
    text = text.replace('"status": "late"', '"status": "late", "status": "present"', 1)
    reason = only(text, "$.meetings[0].attendance[1].status")
    assert "nhiều lần" in reason


def test_duplicate_key_top_level_and_nested_object_discarded():
    text = json.dumps(base(), ensure_ascii=False)
    text = text.replace('"version": 1', '"version": {"a": 1, "a": 2}, "version": 1', 1)
    assert [p for p, _r in errors_of(text)] == ["$.version"]


@pytest.mark.parametrize(
    "where, key, path",
    [
        (("meetings", 0), "colour", "$.meetings[0].colour"),
        (("members", 1), "officail_on", "$.members[1].officail_on"),
        ((), "extra", "$.extra"),
        (("meetings", 0, "manual_scores"), "bonus", "$.meetings[0].manual_scores.bonus"),
        (("meetings", 0, "attendance", 0), "note", "$.meetings[0].attendance[0].note"),
        (("organizations", 0), "tên", "$.organizations[0]['tên']"),
        (("visits", 0), "x-y", "$.visits[0]['x-y']"),
    ],
)
def test_unknown_key(where, key, path):
    b = base()
    _at(b, where)[key] = "red"
    assert "không được phép" in only(b, path)


@pytest.mark.parametrize(
    "where, key, value, path",
    [
        ((), "version", "1", "$.version"),
        ((), "version", True, "$.version"),  # bool is not int
        ((), "version", 1.0, "$.version"),
        ((), "version", 3, "$.version"),
        ((), "format", "chibo", "$.format"),
        ((), "members", {"M01": {}}, "$.members"),
        ((), "profiles", [], "$.profiles"),
        (("organizations", 2), "name", 5, "$.organizations[2].name"),
        (("organizations", 2), "parent", ["DBX"], "$.organizations[2].parent"),
        (("meetings", 0), "date", 20250103, "$.meetings[0].date"),
        (("meetings", 0), "attendance", "all", "$.meetings[0].attendance"),
        (("meetings", 0), "place", True, "$.meetings[0].place"),
        (("meetings", 0), "manual_scores", [8, 9, 9], "$.meetings[0].manual_scores"),
        (("meetings", 0, "votes", 0), "for", True, "$.meetings[0].votes[0].for"),
        (("meetings", 0, "votes", 0), "subject", 7, "$.meetings[0].votes[0].subject"),
        (("meetings", 0, "tasks", 0), "due", 31, "$.meetings[0].tasks[0].due"),
        (("meetings", 0, "guests", 0), "title", {}, "$.meetings[0].guests[0].title"),
        (("members", 0), "gender", 1, "$.members[0].gender"),
        (("visits", 0), "visitor", ["a"], "$.visits[0].visitor"),
    ],
)
def test_wrong_type(where, key, value, path):
    b = base()
    _at(b, where)[key] = value
    only(b, path)


def test_list_item_of_wrong_type():
    b = base()
    b["meetings"][0]["attendance"][1] = "M02"
    assert "đối tượng" in only(b, "$.meetings[0].attendance[1]")


@pytest.mark.parametrize(
    "where, key, value, path",
    [
        (("organizations", 3), "kind", "chi_bo_xa", "$.organizations[3].kind"),
        (("members", 0), "gender", "male", "$.members[0].gender"),
        (("meetings", 1), "kind", "weekly", "$.meetings[1].kind"),
        (("meetings", 0, "attendance", 1), "status", "absent", "$.meetings[0].attendance[1].status"),
        (("meetings", 0, "votes", 0), "kind", "budget", "$.meetings[0].votes[0].kind"),
        (("meetings", 0, "votes", 0), "method", "hands", "$.meetings[0].votes[0].method"),
        (("meetings", 0, "votes", 0), "method", "Show_of_hands", "$.meetings[0].votes[0].method"),
    ],
)
def test_outside_enumeration(where, key, value, path):
    b = base()
    _at(b, where)[key] = value
    reason = only(b, path)
    assert "không hợp lệ" in reason


@pytest.mark.parametrize("value", ["2025-02-30", "2025-1-3", "03/01/2025", "２０２５-01-03", "2025-01-03T00:00",
                                   "0000-01-01", "2025-13-01", " 2025-01-03"])
def test_bad_date(value):
    b = base()
    b["visits"][0]["date"] = value
    only(b, "$.visits[0].date")


@pytest.mark.parametrize("value", ["7:30", "24:00", "19:60", "19:30:00", "1930", "１９:３０"])
def test_bad_time(value):
    b = base()
    b["meetings"][0]["start"] = value
    only(b, "$.meetings[0].start")


def test_bad_characters_in_strings():
    b = base()
    b["meetings"][0]["place"] = "Nhà\u0000văn hóa"
    only(b, "$.meetings[0].place")
    text = json.dumps(json.loads(json.dumps(base())), ensure_ascii=True).replace(
        "Chi b\\u1ed9 th\\u1ed1ng nh\\u1ea5t.", "\\ud800"
    )
    only(text, "$.meetings[0].conclusion")


# ---------------------------------------------------------------------------
# References and the tree
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, path",
    [
        (lambda b: b["organizations"][2].update(parent="NOPE"), "$.organizations[2].parent"),
        (lambda b: b["members"][3]["memberships"][0].update(organization="NOPE"),
         "$.members[3].memberships[0].organization"),
        (lambda b: b["meetings"][1].update(organization="NOPE"), "$.meetings[1].organization"),
        (lambda b: b["visits"][0].update(organization="NOPE"), "$.visits[0].organization"),
        (lambda b: b["profiles"].update(NOPE={"rubric": "hd12-default"}), "$.profiles.NOPE"),
        (lambda b: b["profiles"].update({"CB-9": {}}), "$.profiles['CB-9']"),
    ],
)
def test_unknown_organisation_reference(change, path):
    reason = only(mutate(change), path)
    assert "không có trong bundle" in reason


def test_root_parent_must_be_null():
    # the root names a parent that is not in the bundle (an exported subtree must cut it off)
    b = mutate(lambda b: b["organizations"][0].update(parent="TINH"))
    only(b, "$.organizations[0].parent")


def test_exactly_one_root():
    b = mutate(lambda b: b["organizations"][3].update(parent=None))
    assert "một tổ chức gốc" in only(b, "$.organizations[3].parent")


def test_parent_cycle():
    def change(b):
        b["organizations"][1]["parent"] = "CB2"
        b["organizations"][2]["parent"] = "CB1"

    errs = errors_of(mutate(change))
    assert [p for p, _r in errs] == ["$.organizations[1].parent", "$.organizations[2].parent"]
    assert "vòng lặp" in errs[0][1]
    self_loop = mutate(lambda b: b["organizations"][3].update(parent="CB9"))
    assert "vòng lặp" in only(self_loop, "$.organizations[3].parent")


def test_membership_in_an_organisation_that_is_not_a_cell():
    b = mutate(lambda b: b["members"][3]["memberships"][0].update(organization="DBX"))
    assert "không phải chi bộ" in only(b, "$.members[3].memberships[0].organization")


def test_meeting_of_an_organisation_that_is_not_a_cell():
    b = mutate(lambda b: b["meetings"][1].update(organization="DBX"))
    assert "không phải chi bộ" in only(b, "$.meetings[1].organization")


@pytest.mark.parametrize("lst", ["organizations", "members", "meetings"])
def test_duplicate_codes(lst):
    b = base()
    key = "id" if lst == "meetings" else "code"
    dup = copy.deepcopy(b[lst][-1])
    if lst == "organizations":
        dup["parent"] = "DBX"
    b[lst].append(dup)
    n = len(b[lst]) - 1
    assert "bị trùng" in only(b, f"$.{lst}[{n}].{key}")


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------


def test_overlapping_memberships():
    b = mutate(lambda b: b["members"][2]["memberships"][1].update({"from": "2025-01-31"}))
    assert "chồng lấn" in only(b, "$.members[2].memberships[1]")


def test_overlapping_exempt_and_away_periods():
    def change(b):
        b["members"][0]["exempt"].append({"from": "2024-01-01", "to": "2025-06-01"})
        b["members"][0]["away"].insert(0, {"from": "2025-04-30", "to": None})

    errs = errors_of(mutate(change))
    assert [p for p, _r in errs] == ["$.members[0].exempt[1]", "$.members[0].away[1]"]


def test_period_to_before_from():
    b = mutate(lambda b: b["members"][0]["away"][0].update(to="2025-01-31"))
    assert "trước ngày bắt đầu" in only(b, "$.members[0].away[0].to")


def test_official_before_joined():
    b = mutate(lambda b: b["members"][1].update(official_on="1999-12-31"))
    assert "trước ngày vào Đảng" in only(b, "$.members[1].official_on")


# ---------------------------------------------------------------------------
# The roll
# ---------------------------------------------------------------------------


def test_attendance_of_a_member_not_on_the_roll():
    b = mutate(lambda b: b["meetings"][0]["attendance"].append({"member": "M99", "status": "present"}))
    reason = only(b, "$.meetings[0].attendance[3].member")
    assert reason == "thành viên 'M99' không có trong danh sách chi bộ 'CB1' ngày 03/01/2025"


def test_member_of_another_cell_or_who_left():
    b = mutate(lambda b: b["meetings"][1]["attendance"].append({"member": "M03", "status": "present"}))
    reason = only(b, "$.meetings[1].attendance[2].member")  # M03 moved to CB2 on 01/02/2025
    assert "'M03'" in reason and "05/03/2025" in reason


@pytest.mark.parametrize(
    "change, path",
    [
        (lambda m: m.update(chair="M04"), "$.meetings[0].chair"),
        (lambda m: m.update(secretary="M04"), "$.meetings[0].secretary"),
        (lambda m: m["speeches"].append({"member": "M04"}), "$.meetings[0].speeches[1].member"),
        (lambda m: m["tasks"][0].update(assignee="M04"), "$.meetings[0].tasks[0].assignee"),
    ],
)
def test_roles_must_be_on_the_roll(change, path):
    b = base()
    change(b["meetings"][0])
    assert "không có trong danh sách chi bộ 'CB1'" in only(b, path)


def test_member_listed_twice_in_attendance():
    b = mutate(lambda b: b["meetings"][0]["attendance"].append({"member": "M02", "status": "present"}))
    assert "hai lần" in only(b, "$.meetings[0].attendance[3].member")


def test_end_before_start():
    b = mutate(lambda b: b["meetings"][0].update(end="19:29"))
    assert "trước giờ bắt đầu" in only(b, "$.meetings[0].end")


# ---------------------------------------------------------------------------
# Votes, manual scores, profiles
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["for", "against", "abstain", "invalid"])
@pytest.mark.parametrize("value", [-1, 1.0, "3", True, [1]])
def test_vote_counts_must_be_integers_not_negative(key, value):
    b = base()
    b["meetings"][1]["votes"][0][key] = value
    only(b, f"$.meetings[1].votes[0].{key}")


def test_invalid_ballots_only_for_secret_ballot():
    b = mutate(lambda b: b["meetings"][0]["votes"][0].update(invalid=1))
    assert "bỏ phiếu kín" in only(b, "$.meetings[0].votes[0].invalid")


@pytest.mark.parametrize("key, value", [("preparation", 11), ("conduct", -1), ("principles", 7.5),
                                        ("preparation", "8"), ("conduct", True)])
def test_manual_scores_out_of_range(key, value):
    b = base()
    b["meetings"][0]["manual_scores"][key] = value
    reason = only(b, f"$.meetings[0].manual_scores.{key}")
    assert "từ 0 đến 10" in reason


def test_manual_score_null_means_not_scored():
    b = mutate(lambda b: b["meetings"][0]["manual_scores"].update(conduct=None, preparation=10))
    parsed = parse_bundle(json.dumps(b))
    assert parsed["meetings"][0]["manual_scores"] == {"preparation": 10, "conduct": None, "principles": 9}


@pytest.mark.parametrize(
    "key, value",
    [("regular_meeting_day", 0), ("regular_meeting_day", 32), ("min_attendance_rate", 101),
     ("min_attendance_rate", -1), ("removal_unexcused_months", 0), ("removal_unexcused_months", 13),
     ("max_consecutive_excused", -1), ("min_minutes_regular", 90.5), ("min_minutes_thematic", "90"),
     ("min_minutes_combined", True), ("notice_days_before", -2), ("min_superior_visits_per_half_year", None),
     ("rubric", "kon-tum"), ("rubric", 1), ("colour", 1)],
)
def test_profile_values(key, value):
    b = mutate(lambda b: b["profiles"]["DBX"].update({key: value}))
    only(b, f"$.profiles.DBX.{key}")


def test_profile_values_in_range_are_accepted():
    b = mutate(lambda b: b["profiles"].update(CB1={"regular_meeting_day": 31, "min_attendance_rate": 100,
                                                    "removal_unexcused_months": 12, "notice_days_before": 0,
                                                    "rubric": "hd12-default"}))
    assert parse_bundle(json.dumps(b))["profiles"]["CB1"]["regular_meeting_day"] == 31


# ---------------------------------------------------------------------------
# The whole document; every problem, in document order
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [b"\xff\xfe{}", b"", "{", "[]", "null", '{"format": NaN}', '{"a": Infinity}', "1" * 5000, "[" * 50000,
     '{"format": "chibo-bundle"} x', "\"chibo\""],
)
def test_not_a_bundle(text):
    errs = errors_of(text)
    assert [p for p, _r in errs] == ["$"]


def test_not_text():
    with pytest.raises(BundleError) as info:
        parse_bundle(12)  # type: ignore[arg-type]
    assert info.value.errors[0][0] == "$"


def test_every_problem_in_document_order():
    def change(b):
        b["version"] = 3
        b["members"][0]["gender"] = "x"
        del b["members"][1]["full_name"]
        b["members"][1]["nick"] = "B"
        b["meetings"][0]["attendance"].append({"member": "M99", "status": "present"})
        b["meetings"][0]["end"] = "18:00"
        b["visits"][0]["date"] = "2025-02-29"

    errs = errors_of(mutate(change))
    assert [p for p, _r in errs] == [
        "$.version",
        "$.members[0].gender",
        "$.members[1].nick",
        "$.members[1].full_name",
        "$.meetings[0].end",
        "$.meetings[0].attendance[3].member",
        "$.visits[0].date",
    ]
    assert str(BundleError(errs)).splitlines()[0].startswith("$.version: ")


def test_document_order_follows_the_text_not_the_schema():
    b = base()
    doc = {"meetings": b["meetings"], "members": b["members"], **{k: v for k, v in b.items()
                                                                   if k not in ("meetings", "members")}}
    doc["meetings"][0]["chair"] = "M04"  # of CB2
    doc["members"][0]["code"] = 5
    errs = errors_of(doc)
    # M01's record is unreadable, so references to "M01" are not judged (no cascade)
    assert [p for p, _r in errs] == ["$.meetings[0].chair", "$.members[0].code"]


def test_no_cascade_from_a_broken_membership():
    b = mutate(lambda b: b["members"][0]["memberships"][0].update({"from": "2020-02-30"}))
    only(b, "$.members[0].memberships[0].from")
    b = mutate(lambda b: b.update(organizations="DBX"))
    only(b, "$.organizations")


def test_empty_organisation_list_is_accepted():
    b = parse_bundle('{"format": "chibo-bundle", "version": 1, "organizations": []}')
    assert b["organizations"] == [] and b["members"] == []


def test_kind_hierarchy_is_not_checked():
    # a cell directly under a provincial committee, a party group under a cell: not bad input
    doc = {"format": "chibo-bundle", "version": 1, "organizations": [
        {"code": "T", "name": "Đảng bộ tỉnh", "kind": "dang_bo_tinh"},
        {"code": "C", "name": "Chi bộ", "kind": "chi_bo", "parent": "T"},
        {"code": "G", "name": "Tổ đảng", "kind": "to_dang", "parent": "C"},
    ]}
    assert len(parse_bundle(json.dumps(doc))["organizations"]) == 3


def test_wrong_type_messages_of_text_date_and_enumeration_fields():
    import json as _json
    from pathlib import Path as _Path

    from chibo.interchange.validate import BundleError as _BundleError
    from chibo.interchange.validate import parse_bundle as _parse

    doc = _json.loads((_Path(__file__).parent / "data/examples/quy_mot.json").read_text(encoding="utf-8"))
    doc["organizations"][1]["name"] = 5
    doc["organizations"][1]["established_on"] = []
    doc["meetings"][0]["kind"] = True
    doc["meetings"][0]["place"] = None  # optional: null is just missing
    try:
        _parse(_json.dumps(doc, ensure_ascii=False))
    except _BundleError as exc:
        errors = exc.errors
    assert errors == [
        ("$.organizations[1].name", "phải là chuỗi ký tự, không phải số nguyên"),
        ("$.organizations[1].established_on", "phải là ngày dạng YYYY-MM-DD, không phải danh sách"),
        ("$.meetings[0].kind",
         "phải là một trong: regular, thematic, combined, extraordinary; không phải true/false"),
    ]
