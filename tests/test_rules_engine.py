"""Hand-worked cases of the rule engine (rules.md).  Every expected value below was computed by
hand from the spec; the comment next to it gives the arithmetic.  No database is used."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from chibo.interchange.auditjson import dump_audit
from chibo.interchange.validate import parse_bundle
from chibo.rules.engine import (
    CELL_FINDING_CODES,
    CRITERIA_IDS,
    CRITERIA_LABELS,
    DEFAULT_PROFILE,
    FINDING_LABELS,
    GRADE_LABELS,
    MEETING_FINDING_CODES,
    MISSING_ELEMENT_LABELS,
    PROFILE_KEYS,
    ExcusedRuns,
    Roll,
    RollIndex,
    advance_excused_runs,
    attendance_rate,
    audit,
    cell_spans,
    effective_profile,
    effective_profile_with_sources,
    evaluate_meeting,
    evaluate_votes,
    fold_excused_runs,
    format_rate,
    grade_for,
    is_notice_late,
    is_task_overdue,
    meeting_duration,
    summarize_attendance,
    validate_profile_values,
    vote_passes,
    vote_threshold,
)

# ---------------------------------------------------------------------------
# Builders: small bundles written as JSON data, parsed by parse_bundle (so they are valid input)
# ---------------------------------------------------------------------------


def orgs(*cells, established=None):
    established = established or {}
    out = [{"code": "DB", "name": "Đảng bộ xã Thử", "kind": "dang_bo_co_so", "parent": None}]
    for c in cells:
        out.append(
            {"code": c, "name": f"Chi bộ {c}", "kind": "chi_bo", "parent": "DB", "established_on": established.get(c)}
        )
    return out


def member(code, cell="CB1", frm="2020-01-01", to=None, official="2010-01-01", exempt=(), away=(), memberships=None):
    return {
        "code": code,
        "full_name": f"Đảng viên {code}",
        "joined_on": "2009-01-01",
        "official_on": official,
        "memberships": memberships if memberships is not None else [{"organization": cell, "from": frm, "to": to}],
        "exempt": [{"from": f, "to": t, "reason": "Tuổi cao, sức khỏe yếu"} for f, t in exempt],
        "away": [{"from": f, "to": t, "reason": "Sinh hoạt tạm thời nơi khác"} for f, t in away],
    }


def meeting(mid, day, att, cell="CB1", kind="regular", **extra):
    """A complete meeting record; ``att`` maps member code -> status or (status, reason)."""
    rows = []
    for code, st in att.items():
        if isinstance(st, tuple):
            rows.append({"member": code, "status": st[0], "reason": st[1]})
        elif st == "absent_excused":
            rows.append({"member": code, "status": st, "reason": "Ốm"})
        else:
            rows.append({"member": code, "status": st})
    present = [c for c, st in att.items() if (st[0] if isinstance(st, tuple) else st) in ("present", "late")]
    chair = present[0] if present else None
    m = {
        "id": mid,
        "organization": cell,
        "kind": kind,
        "date": day,
        "start": "19:30",
        "end": "21:30",
        "place": "Hội trường thôn",
        "chair": chair,
        "secretary": chair,
        "notice_sent_on": (date.fromisoformat(day) - timedelta(days=5)).isoformat(),
        "topic": "Học tập nghị quyết" if kind in ("thematic", "combined") else None,
        "attendance": rows,
        "speeches": [{"member": c, "item": "Thảo luận"} for c in present],
        "conclusion": "Chi bộ thống nhất.",
        "manual_scores": {"preparation": 10, "conduct": 10, "principles": 10},
    }
    m.update(extra)
    return m


def bundle(members, meetings, cells=("CB1",), profiles=None, visits=None, established=None):
    return {
        "format": "chibo-bundle",
        "version": 1,
        "profiles": profiles or {},
        "organizations": orgs(*cells, established=established),
        "members": members,
        "meetings": meetings,
        "visits": visits or [],
    }


def run(b, frm, to, as_of=None):
    parsed = parse_bundle(json.dumps(b, ensure_ascii=False))
    return audit(parsed, date.fromisoformat(frm), date.fromisoformat(to), date.fromisoformat(as_of) if as_of else None)


def by_id(result, mid):
    (m,) = [m for m in result["meetings"] if m["id"] == mid]
    return m


def codes_of(result, code):
    return [f for f in result["findings"] if f["code"] == code]


def member_findings(entry, code):
    return [f["member"] for f in entry["findings"] if f["code"] == code]


# ---------------------------------------------------------------------------
# Rates, thresholds, grades
# ---------------------------------------------------------------------------


def test_rate_rounding_half_up():
    assert format_rate(2, 3) == "66.67"  # 66.666… -> 66.67
    assert format_rate(7, 8) == "87.50"
    assert format_rate(1, 8) == "12.50"
    assert format_rate(1, 6) == "16.67"  # 16.666…
    assert format_rate(1, 800) == "0.13"  # 0.125 exactly: half up
    assert format_rate(1, 16) == "6.25"
    assert format_rate(0, 5) == "0.00"
    assert format_rate(5, 5) == "100.00"
    assert format_rate(0, 0) is None
    assert attendance_rate(2, 3) * 3 == 2
    assert attendance_rate(0, 0) is None


@pytest.mark.parametrize(
    "expected, present, rate",
    [(3, 2, "66.67"), (8, 7, "87.50"), (8, 1, "12.50")],
)
def test_rate_in_a_meeting(expected, present, rate):
    codes = [f"M{i}" for i in range(expected)]
    att = {c: ("present" if i < present else "absent_excused") for i, c in enumerate(codes)}
    b = bundle([member(c) for c in codes], [meeting("X", "2025-01-02", att)])
    entry = by_id(run(b, "2025-01-01", "2025-01-31"), "X")
    assert entry["attendance"]["rate"] == rate
    assert entry["attendance"]["expected"] == expected
    assert entry["attendance"]["present"] == present


def test_vote_thresholds():
    # more than half: smallest f with 2f > e
    assert [vote_threshold("resolution", e) for e in (0, 1, 2, 7, 8)] == [1, 1, 2, 4, 5]
    # two thirds: smallest f with 3f >= 2e
    assert [vote_threshold("admission", e) for e in (0, 1, 2, 3, 7, 9)] == [0, 1, 2, 2, 5, 6]
    assert vote_threshold("recognition", 0) == 0
    for kind in ("resolution", "admission", "recognition", "discipline", "election", "other"):
        for e in range(0, 30):
            t = vote_threshold(kind, e)
            assert vote_passes(kind, t, e) and (t == 0 or not vote_passes(kind, t - 1, e))


def test_grades():
    full = {"attendance_rate": 15, "duration": 10, "speakers": 10, "minutes": 10}
    assert grade_for(90, full) == "tot"
    assert grade_for(99, {**full, "speakers": 6}) == "kha"  # Tốt needs the four criteria at maximum
    assert grade_for(89, full) == "kha"
    assert grade_for(70, full) == "kha"
    assert grade_for(69, full) == "trung_binh"
    assert grade_for(50, full) == "trung_binh"
    assert grade_for(49, full) == "kem"


def test_labels_cover_every_code():
    assert set(FINDING_LABELS) == set(MEETING_FINDING_CODES) | set(CELL_FINDING_CODES)
    assert GRADE_LABELS == {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "kem": "Kém"}
    assert set(CRITERIA_LABELS) == set(CRITERIA_IDS)
    assert FINDING_LABELS["LOW_ATTENDANCE"] == "Tỷ lệ dự họp thấp"
    assert list(MISSING_ELEMENT_LABELS) == [
        "chair", "secretary", "place", "start", "end", "attendance", "absence_reasons", "speeches", "conclusion", "topic",
    ]


# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------


def test_default_profile_and_inheritance_with_sources():
    assert list(DEFAULT_PROFILE) == list(PROFILE_KEYS)
    assert DEFAULT_PROFILE["regular_meeting_day"] == 3 and DEFAULT_PROFILE["min_minutes_combined"] == 120
    parent_of = {"P": None, "DB": "P", "CB1": "DB", "CB2": "DB"}
    overrides = {"P": {"regular_meeting_day": 10, "notice_days_before": 2}, "DB": {"regular_meeting_day": 5},
                 "CB1": {"min_attendance_rate": 80}}
    src = effective_profile_with_sources("CB1", parent_of, overrides)
    assert list(src) == list(PROFILE_KEYS)
    assert src["regular_meeting_day"] == (5, "DB")  # nearest override wins
    assert src["notice_days_before"] == (2, "P")
    assert src["min_attendance_rate"] == (80, "CB1")
    assert src["max_consecutive_excused"] == (3, None)  # default
    assert effective_profile("CB2", parent_of, overrides)["min_attendance_rate"] == 85
    assert effective_profile("P", parent_of, overrides)["regular_meeting_day"] == 10
    assert effective_profile("UNKNOWN", parent_of, overrides) == DEFAULT_PROFILE


def test_validate_profile_values():
    assert validate_profile_values({"regular_meeting_day": 31, "min_attendance_rate": 0, "rubric": "hd12-default"}) == []
    problems = dict(
        validate_profile_values(
            {"regular_meeting_day": 0, "min_attendance_rate": 101, "removal_unexcused_months": 13,
             "notice_days_before": -1, "max_consecutive_excused": True, "rubric": "other", "nope": 1,
             "min_minutes_regular": 90.0, "min_superior_visits_per_half_year": None}
        )
    )
    assert set(problems) == {"regular_meeting_day", "min_attendance_rate", "removal_unexcused_months",
                             "notice_days_before", "max_consecutive_excused", "rubric", "nope",
                             "min_minutes_regular", "min_superior_visits_per_half_year"}
    assert "1 đến 31" in problems["regular_meeting_day"]


# ---------------------------------------------------------------------------
# One meeting, worked in full
# ---------------------------------------------------------------------------


def kitchen_sink_bundle():
    """Roll of CB1 on 05/03/2025: A..J.  H probationary, I away, J exempt (recorded present)."""
    members = [member(c) for c in "ABCDEFG"]
    members.append(member("H", official=None))
    members.append(member("I", away=[("2025-03-01", "2025-03-31")]))
    members.append(member("J", exempt=[("2024-01-01", None)]))
    att = {"A": "present", "B": "present", "C": "late", "D": "present", "E": "present",
           "F": ("absent_excused", "  "), "G": "absent_unexcused", "H": "present", "J": "present"}
    m = meeting(
        "K", "2025-03-05", att, start="19:30", end="20:37", place="", notice_sent_on="2025-03-04",
        speeches=[{"member": "A"}, {"member": "J", "summary": "Ý kiến"}, {"member": "G"}, {"member": "A"}],
        votes=[
            {"kind": "resolution", "method": "show_of_hands", "for": 5, "against": 1, "abstain": 0},
            {"kind": "discipline", "method": "show_of_hands", "for": 6, "against": 0, "abstain": 0, "invalid": 0},
            {"kind": "admission", "method": "secret_ballot", "for": 4, "against": 1, "abstain": 1, "invalid": 1},
        ],
        tasks=[{"assignee": "B", "description": "Báo cáo", "due": "2025-03-20"}],
        manual_scores={"preparation": 7, "conduct": None, "principles": 6},
    )
    return bundle(members, [m])


def test_kitchen_sink_meeting():
    entry = by_id(run(kitchen_sink_bundle(), "2025-03-01", "2025-03-31"), "K")
    assert entry["attendance"] == {
        "on_roll": 10, "exempt": 1, "away": 1,
        "expected": 8,  # 10 - J (exempt) - I (away)
        "present": 6,  # A B C(late) D E H
        "absent_excused": 1, "absent_unexcused": 1, "missing": 0,
        "rate": "75.00",  # 6/8
    }
    assert entry["duration_minutes"] == 67
    # eligible: officials A..G, I, J minus I (away) = 8 (J exempt but present stays); present: A..E, J = 6
    assert entry["votes"] == [
        {"index": 0, "kind": "resolution", "eligible": 8, "eligible_present": 6, "threshold": 5, "passed": True},
        {"index": 1, "kind": "discipline", "eligible": 8, "eligible_present": 6, "threshold": 5, "passed": True},
        # 4+1+1+1 = 7 > 6 present eligible: inconsistent; threshold ceil(16/3) = 6
        {"index": 2, "kind": "admission", "eligible": 8, "eligible_present": 6, "threshold": 6, "passed": None},
    ]
    assert entry["findings"] == [
        {"code": "ABSENCE_REASON_MISSING", "member": "F"},
        {"code": "UNEXCUSED_ABSENCE", "member": "G"},
        {"code": "LOW_ATTENDANCE"},  # 600 > 85*8=680 is false
        {"code": "SHORT_MEETING"},  # 67 < 90
        {"code": "MINUTES_INCOMPLETE", "missing": ["place", "absence_reasons"]},
        {"code": "VOTE_COUNTS_INCONSISTENT", "vote": 2},
        {"code": "VOTE_METHOD_INVALID", "vote": 1},
    ]
    assert entry["score"] == {
        "total": 36,  # 5+7+5+0+0+0+3+0+6+5+5+0
        "grade": "kem",
        "provisional": True,  # conduct not scored
        "criteria": {
            "notice": 5,  # sent 04/03 = date - 1 day: not late
            "preparation": 7,
            "attendance_rate": 5,  # 75% >= 75
            "no_unexcused": 0,
            "on_time": 0,  # 5th > day 3, no rescheduled_reason
            "duration": 0,  # 67*4 = 268 < 3*90 = 270
            "speakers": 3,  # present A B C D E H J = 7; spoke A, J = 2 (G absent); 2/7 < 30%
            "conduct": 0,
            "principles": 6,
            "resolution": 5,
            "tasks": 5,
            "minutes": 0,
        },
    }
    assert entry["meets_framework"] is False


def test_per_meeting_api_matches_the_audit():
    parsed = parse_bundle(json.dumps(kitchen_sink_bundle(), ensure_ascii=False))
    m = parsed["meetings"][0]
    roll = RollIndex(parsed["members"]).roll("CB1", m["date"])
    assert roll.on_roll == set("ABCDEFGHIJ") and roll.away == {"I"} and roll.exempt == {"J"}
    assert roll.official == set("ABCDEFGIJ") and roll.expected == set("ABCDEFGH")
    by_hand = Roll(on_roll="ABCDEFGHIJ", official="ABCDEFGIJ", exempt="J", away="I")
    entry = evaluate_meeting(m, by_hand, DEFAULT_PROFILE)
    assert entry == audit(parsed, date(2025, 3, 1), date(2025, 3, 31))["meetings"][0]
    assert summarize_attendance(m, by_hand)["rate"] == "75.00"
    assert [v["threshold"] for v in evaluate_votes(m, by_hand)] == [5, 5, 6]
    assert meeting_duration(m) == 67


def test_exempt_member_present_does_not_count_in_rate_but_speaks_and_votes():
    members = [member("A"), member("B"), member("E", exempt=[("2025-01-01", None)])]
    m = meeting("X", "2025-02-02", {"A": "present", "B": "absent_excused", "E": "present"},
                speeches=[{"member": "E"}],
                votes=[{"kind": "resolution", "method": "show_of_hands", "for": 2, "against": 0, "abstain": 0}])
    entry = by_id(run(bundle(members, [m]), "2025-02-01", "2025-02-28"), "X")
    att = entry["attendance"]
    assert (att["on_roll"], att["exempt"], att["expected"], att["present"], att["rate"]) == (3, 1, 2, 1, "50.00")
    # eligible: A, B, E (present exempt stays) = 3; present A, E = 2
    assert entry["votes"][0] == {"index": 0, "kind": "resolution", "eligible": 3, "eligible_present": 2,
                                 "threshold": 2, "passed": True}
    # recorded present: A and E (exempt included); E spoke: 1/2 is not > 50% but >= 30%
    assert entry["score"]["criteria"]["speakers"] == 6


def test_speaker_share_bands():
    codes = [f"M{i}" for i in range(10)]
    roll = Roll(on_roll=codes + ["X", "W"], official=codes, exempt=["X"], away=["W"])
    base = {"id": "S", "organization": "CB1", "kind": "regular", "date": date(2025, 1, 2),
            "attendance": [{"member": c, "status": "present"} for c in codes[:9]]
            + [{"member": "X", "status": "present"}, {"member": "W", "status": "present"},
               {"member": "M9", "status": "absent_unexcused"}],
            "votes": [], "tasks": [], "manual_scores": {}}
    # recorded present: M0..M8 and X (exempt) = 10; W is away and does not count
    for spoke, points in [(6, 10), (5, 6), (3, 6), (2, 3), (1, 3), (0, 0)]:
        speakers = [{"member": c} for c in (codes[:8] + ["X"])[-spoke:]] if spoke else []
        speakers += [{"member": "M9"}, {"member": "W"}]  # not counted: absent / away
        m = {**base, "speeches": speakers}
        got = evaluate_meeting(m, roll)["score"]["criteria"]["speakers"]
        assert got == points, (spoke, got)
    # nobody present -> 0, and a speech by an absent member still satisfies the minutes
    m = {**base, "attendance": [{"member": c, "status": "absent_excused", "reason": "Ốm"} for c in codes],
         "speeches": [{"member": "M1"}]}
    entry = evaluate_meeting(m, roll)
    assert entry["score"]["criteria"]["speakers"] == 0
    assert "speeches" not in next(f for f in entry["findings"] if f["code"] == "MINUTES_INCOMPLETE")["missing"]


def test_empty_roll():
    # E exempt, W away, Z exempt *and* away (counts as away); nobody expected
    members = [member("E", exempt=[("2025-01-01", None)]), member("W", away=[("2025-01-01", None)]),
               member("Z", exempt=[("2025-01-01", None)], away=[("2025-01-01", None)])]
    m = meeting("X", "2025-01-02", {"E": "present"},
                votes=[{"kind": "resolution", "method": "show_of_hands", "for": 1, "against": 0, "abstain": 0}])
    entry = by_id(run(bundle(members, [m]), "2025-01-01", "2025-01-31"), "X")
    assert entry["attendance"] == {"on_roll": 3, "exempt": 1, "away": 2, "expected": 0, "present": 0,
                                   "absent_excused": 0, "absent_unexcused": 0, "missing": 0, "rate": None}
    assert entry["findings"] == [{"code": "EMPTY_ROLL"}]  # not LOW_ATTENDANCE
    # E (exempt, present) is the only eligible voter: threshold 1, 1*2 > 1
    assert entry["votes"][0]["eligible"] == 1 and entry["votes"][0]["passed"] is True
    crit = entry["score"]["criteria"]
    assert crit["attendance_rate"] == 0 and crit["speakers"] == 10  # E spoke, 1/1
    assert entry["score"]["total"] == 80  # 100 - attendance_rate 15 - tasks 5 (no task assigned)
    assert entry["score"]["grade"] == "kha"
    assert entry["meets_framework"] is True  # EMPTY_ROLL is not in the framework list


def test_empty_roll_keeps_the_other_findings():
    # reading (docs/rules-notes.md): EMPTY_ROLL replaces LOW_ATTENDANCE only; the record's other
    # problems are still reported
    members = [member("E", exempt=[("2025-01-01", None)])]
    m = meeting("X", "2025-01-20", {"E": ("absent_excused", "")}, notice_sent_on=None, conclusion=None)
    entry = by_id(run(bundle(members, [m]), "2025-01-01", "2025-01-31"), "X")
    assert entry["findings"] == [
        {"code": "ABSENCE_REASON_MISSING", "member": "E"},  # also for exempt members (§7.5)
        {"code": "EMPTY_ROLL"},
        {"code": "NOTICE_LATE"},
        {"code": "MINUTES_INCOMPLETE", "missing": ["chair", "secretary", "absence_reasons", "speeches",
                                                   "conclusion"]},
    ]
    assert entry["meets_framework"] is False  # MINUTES_INCOMPLETE and 20th > day 3


def test_two_thirds_with_zero_eligible_and_inconsistent_counts():
    members = [member("P1", official=None), member("P2", official=None)]  # both probationary
    m = meeting("X", "2025-01-02", {"P1": "present", "P2": "present"}, votes=[
        {"kind": "admission", "method": "show_of_hands", "for": 0, "against": 0, "abstain": 0},
        {"kind": "recognition", "method": "show_of_hands", "for": 1, "against": 0, "abstain": 0},
        {"kind": "resolution", "method": "show_of_hands", "for": 0, "against": 0, "abstain": 0},
    ])
    entry = by_id(run(bundle(members, [m]), "2025-01-01", "2025-01-31"), "X")
    assert entry["votes"] == [
        {"index": 0, "kind": "admission", "eligible": 0, "eligible_present": 0, "threshold": 0, "passed": True},
        {"index": 1, "kind": "recognition", "eligible": 0, "eligible_present": 0, "threshold": 0, "passed": None},
        {"index": 2, "kind": "resolution", "eligible": 0, "eligible_present": 0, "threshold": 1, "passed": False},
    ]
    assert [f for f in entry["findings"] if f["code"].startswith("VOTE")] == [
        {"code": "VOTE_COUNTS_INCONSISTENT", "vote": 1}
    ]
    assert entry["score"]["criteria"]["resolution"] == 0


def test_secret_ballot_required_kinds():
    members = [member(c) for c in "ABCD"]
    votes = [
        {"kind": "discipline", "method": "show_of_hands", "for": 3, "against": 1, "abstain": 0},
        {"kind": "election", "method": "secret_ballot", "for": 3, "against": 0, "abstain": 0, "invalid": 1},
        {"kind": "election", "method": "show_of_hands", "for": 2, "against": 2, "abstain": 0},
        {"kind": "admission", "method": "show_of_hands", "for": 3, "against": 1, "abstain": 0},
        {"kind": "discipline", "method": "secret_ballot", "for": 2, "against": 2, "abstain": 0},
        {"kind": "other", "method": "show_of_hands", "for": 3, "against": 0, "abstain": 0},
    ]
    m = meeting("X", "2025-01-02", dict.fromkeys("ABCD", "present"), votes=votes)
    entry = by_id(run(bundle(members, [m]), "2025-01-01", "2025-01-31"), "X")
    assert [f for f in entry["findings"] if f["code"] == "VOTE_METHOD_INVALID"] == [
        {"code": "VOTE_METHOD_INVALID", "vote": 0}, {"code": "VOTE_METHOD_INVALID", "vote": 2}
    ]
    # eligible 4: majority threshold 3, two-thirds threshold 3 (3*3 >= 8)
    assert [(v["threshold"], v["passed"]) for v in entry["votes"]] == [
        (3, True), (3, True), (3, False), (3, True), (3, False), (3, True)
    ]


def test_rubric_bands_do_not_follow_min_attendance_rate():
    codes = [f"M{i:02d}" for i in range(50)]
    att = {c: ("present" if i < 41 else "absent_excused") for i, c in enumerate(codes)}
    b = bundle([member(c) for c in codes], [meeting("X", "2025-01-02", att)],
               profiles={"CB1": {"min_attendance_rate": 80}})
    entry = by_id(run(b, "2025-01-01", "2025-01-31"), "X")
    assert entry["attendance"]["rate"] == "82.00"
    assert "LOW_ATTENDANCE" not in [f["code"] for f in entry["findings"]]  # 4100 > 80*50
    assert entry["score"]["criteria"]["attendance_rate"] == 5  # 82 < 85: band ">= 75"


def test_attendance_missing_counts_in_expected_and_breaks_minutes():
    members = [member(c) for c in "ABC"]
    m = meeting("X", "2025-01-02", {"A": "present", "B": "present"})
    entry = by_id(run(bundle(members, [m]), "2025-01-01", "2025-01-31"), "X")
    assert entry["attendance"]["expected"] == 3 and entry["attendance"]["missing"] == 1
    assert entry["attendance"]["rate"] == "66.67"
    assert entry["findings"][0] == {"code": "ATTENDANCE_MISSING", "member": "C"}
    assert {"code": "MINUTES_INCOMPLETE", "missing": ["attendance"]} in entry["findings"]
    assert entry["score"]["criteria"]["no_unexcused"] == 0


def test_minutes_incomplete_lists_every_element_in_order():
    members = [member("A"), member("B")]
    m = meeting("X", "2025-01-02", {"A": ("absent_excused", None)}, kind="thematic", chair=None, secretary=" ",
                place=None, start=None, end="", speeches=[], conclusion="\t", topic="  ")
    entry = by_id(run(bundle(members, [m]), "2025-01-01", "2025-01-31"), "X")
    (mi,) = [f for f in entry["findings"] if f["code"] == "MINUTES_INCOMPLETE"]
    assert mi["missing"] == ["chair", "secretary", "place", "start", "end", "attendance", "absence_reasons",
                             "speeches", "conclusion", "topic"]
    assert entry["duration_minutes"] is None
    assert "SHORT_MEETING" not in [f["code"] for f in entry["findings"]]  # unknown duration
    assert entry["score"]["criteria"]["duration"] == 0
    assert entry["score"]["criteria"]["notice"] == 0  # thematic without a topic


@pytest.mark.parametrize(
    "kind, minutes, short, points",
    [("regular", 90, False, 10), ("regular", 89, True, 5), ("regular", 68, True, 5), ("regular", 67, True, 0),
     ("combined", 119, True, 5), ("combined", 90, True, 5), ("combined", 89, True, 0),
     ("thematic", 90, False, 10), ("extraordinary", 5, False, 10), ("extraordinary", 0, False, 10)],
)
def test_duration_bands(kind, minutes, short, points):
    end = f"{(19 * 60 + minutes) // 60:02d}:{(19 * 60 + minutes) % 60:02d}"
    m = meeting("X", "2025-01-02", {"A": "present"}, kind=kind, start="19:00", end=end)
    entry = by_id(run(bundle([member("A")], [m]), "2025-01-01", "2025-01-31"), "X")
    assert entry["duration_minutes"] == minutes
    assert ("SHORT_MEETING" in [f["code"] for f in entry["findings"]]) is short
    assert entry["score"]["criteria"]["duration"] == points


def test_notice_and_extraordinary():
    profile = {**DEFAULT_PROFILE, "notice_days_before": 3}
    base = {"kind": "regular", "date": date(2025, 1, 10)}
    assert not is_notice_late({**base, "notice_sent_on": date(2025, 1, 7)}, profile)  # 7 <= 10 - 3
    assert is_notice_late({**base, "notice_sent_on": date(2025, 1, 8)}, profile)
    assert is_notice_late({**base, "notice_sent_on": None}, profile)
    assert not is_notice_late({**base, "kind": "extraordinary", "notice_sent_on": None}, profile)
    huge = {**DEFAULT_PROFILE, "notice_days_before": 10**9}  # no date overflow
    assert is_notice_late({**base, "notice_sent_on": date(2000, 1, 1)}, huge)

    m = meeting("X", "2025-01-20", {"A": "present"}, kind="extraordinary", notice_sent_on=None,
                start="19:00", end="19:30")
    entry = by_id(run(bundle([member("A")], [m]), "2025-01-01", "2025-01-31"), "X")
    assert [f["code"] for f in entry["findings"]] == []
    crit = entry["score"]["criteria"]
    assert (crit["notice"], crit["on_time"], crit["duration"]) == (5, 5, 10)


def test_on_time_judges_every_regular_meeting_and_late_month():
    members = [member("A")]
    ms = [
        meeting("R1", "2025-03-02", {"A": "present"}),
        meeting("R2", "2025-03-20", {"A": "present"}),  # second regular meeting of March
        meeting("R3", "2025-04-07", {"A": "present"}, rescheduled_reason="Trùng lịch bầu cử"),
        meeting("R4", "2025-05-04", {"A": "present"}, kind="combined"),
        meeting("T1", "2025-05-25", {"A": "present"}, kind="thematic"),
    ]
    result = run(bundle(members, ms), "2025-03-01", "2025-05-31")
    assert by_id(result, "R1")["score"]["criteria"]["on_time"] == 5
    assert by_id(result, "R2")["score"]["criteria"]["on_time"] == 0
    assert by_id(result, "R2")["meets_framework"] is False
    assert by_id(result, "R3")["score"]["criteria"]["on_time"] == 5
    assert by_id(result, "R4")["score"]["criteria"]["on_time"] == 0
    assert by_id(result, "T1")["score"]["criteria"]["on_time"] == 5
    assert codes_of(result, "LATE_REGULAR_MEETING") == [
        {"code": "LATE_REGULAR_MEETING", "organization": "CB1", "period": "2025-05"}
    ]
    assert codes_of(result, "MISSING_REGULAR_MEETING") == []


# ---------------------------------------------------------------------------
# Repeated excused absence
# ---------------------------------------------------------------------------


def repeated_bundle():
    # A: excused Oct-Dec 2024 (run 3), Jan 2025 starts a new run; away in March (neither extends
    # nor breaks); excused at a thematic meeting (does not count); B: a missing status breaks.
    members = [member("A", away=[("2025-03-01", "2025-03-31")]), member("B"), member("C")]
    plan = [
        ("2024-10-02", "regular", "absent_excused", "present"),
        ("2024-11-02", "regular", "absent_excused", "present"),
        ("2024-12-02", "regular", "absent_excused", "present"),
        ("2025-01-02", "regular", "absent_excused", "absent_excused"),  # A 1 (new year), B 1
        ("2025-02-02", "regular", "absent_excused", "absent_excused"),  # A 2, B 2
        ("2025-03-02", "regular", None, "absent_excused"),  # A away: stays 2; B 3
        ("2025-03-25", "extraordinary", None, "absent_excused"),  # not a regular meeting
        ("2025-04-02", "regular", "absent_excused", None),  # A 3; B no status: breaks
        ("2025-04-10", "thematic", "absent_excused", "present"),  # not counted
        ("2025-05-02", "regular", "absent_excused", "absent_excused"),  # A 4 > 3: finding; B 1
        ("2025-06-02", "combined", "absent_excused", "absent_excused"),  # A 5: finding again; B 2
        ("2025-07-02", "regular", "present", "absent_excused"),  # A breaks; B 3
        ("2025-08-02", "regular", "absent_excused", "absent_excused"),  # A 1; B 4: finding
    ]
    ms = []
    for day, kind, a, b in plan:
        att = {"C": "present"}
        if a:
            att["A"] = a
        if b:
            att["B"] = b
        ms.append(meeting(day, day, att, kind=kind))
    return bundle(members, ms)


def test_repeated_excused_absence_runs():
    result = run(repeated_bundle(), "2024-10-01", "2025-12-31")
    got = {m["id"]: member_findings(m, "REPEATED_EXCUSED_ABSENCE") for m in result["meetings"]}
    assert {k: v for k, v in got.items() if v} == {
        "2025-05-02": ["A"],
        "2025-06-02": ["A"],
        "2025-08-02": ["B"],
    }
    assert "REPEATED_EXCUSED_ABSENCE" in {f["code"] for f in by_id(result, "2025-05-02")["findings"]}
    assert by_id(result, "2025-05-02")["meets_framework"] is False


def test_repeated_excused_absence_does_not_depend_on_the_window():
    result = run(repeated_bundle(), "2025-05-01", "2025-05-31")
    assert [m["id"] for m in result["meetings"]] == ["2025-05-02"]
    assert member_findings(result["meetings"][0], "REPEATED_EXCUSED_ABSENCE") == ["A"]
    result = run(repeated_bundle(), "2024-12-01", "2025-01-31")
    assert all(not member_findings(m, "REPEATED_EXCUSED_ABSENCE") for m in result["meetings"])


def test_excused_runs_state_api():
    roll = Roll(on_roll=["A", "B"], official=["A", "B"])
    ex = {"kind": "regular", "date": date(2025, 1, 2),
          "attendance": [{"member": "A", "status": "absent_excused", "reason": "Ốm"}]}
    state = fold_excused_runs([(ex, roll), ({**ex, "date": date(2025, 2, 2)}, roll)])
    assert state == ExcusedRuns(2025, {"A": 2})  # B expected with no status: no run
    assert advance_excused_runs(state, {**ex, "kind": "thematic", "date": date(2025, 3, 2)}, roll) == state
    assert advance_excused_runs(state, {**ex, "date": date(2026, 1, 2)}, roll) == ExcusedRuns(2026, {"A": 1})
    away_roll = Roll(on_roll=["A", "B"], away=["A"])
    assert advance_excused_runs(state, {**ex, "attendance": []}, away_roll).runs == {"A": 2}
    m = {**ex, "id": "X", "organization": "CB1", "date": date(2025, 3, 2), "votes": [], "tasks": [],
         "speeches": [], "manual_scores": {}}
    entry = evaluate_meeting(m, roll, DEFAULT_PROFILE, ExcusedRuns(2025, {"A": 3}))
    assert member_findings(entry, "REPEATED_EXCUSED_ABSENCE") == ["A"]
    entry = evaluate_meeting(m, roll, DEFAULT_PROFILE, ExcusedRuns(2024, {"A": 3}))  # another year
    assert member_findings(entry, "REPEATED_EXCUSED_ABSENCE") == []


# ---------------------------------------------------------------------------
# Cell findings
# ---------------------------------------------------------------------------


def removal_bundle():
    members = [
        member("X", memberships=[{"organization": "CB1", "from": "2020-01-01", "to": "2025-03-31"},
                                 {"organization": "CB2", "from": "2025-04-01", "to": None}]),
        member("P", cell="CB1"),
        member("Q", cell="CB2"),
        member("Y", cell="CB2"),
        member("Z", cell="CB2"),
        member("W", cell="CB2", exempt=[("2025-01-01", None)]),
    ]
    ms = []
    for mo in (1, 2, 3):
        att = {"P": "present", "X": "absent_unexcused" if mo == 2 else "present"}
        ms.append(meeting(f"CB1-{mo:02d}", f"2025-{mo:02d}-02", att))
    for mo in range(1, 13):
        att = {"Q": "present", "Y": "present", "Z": "present", "W": "absent_unexcused" if mo <= 3 else "present"}
        if mo >= 4:
            att["X"] = "absent_unexcused" if mo == 5 else "present"
        if mo in (5, 6):
            att["Y"] = "absent_unexcused"
        if mo in (1, 2):
            att["Z"] = "absent_unexcused"
        kind = "combined" if mo == 8 else "regular"
        if mo == 8:
            att["Z"] = "absent_unexcused"
        ms.append(meeting(f"CB2-{mo:02d}", f"2025-{mo:02d}-02", att, cell="CB2", kind=kind))
    # a second January meeting (same month) and a thematic meeting: Z unexcused at both
    ms.append(meeting("CB2-01b", "2025-01-20", {"Q": "present", "Y": "present", "Z": "absent_unexcused",
                                                "W": "present"}, cell="CB2"))
    ms.append(meeting("CB2-03t", "2025-03-20", {"Q": "present", "Y": "present", "Z": "absent_unexcused",
                                                "W": "present"}, cell="CB2", kind="thematic"))
    return bundle(members, ms, cells=("CB1", "CB2"), profiles={"CB1": {"removal_unexcused_months": 2}})


def test_removal_review_across_cells_with_different_thresholds():
    # X: Feb (CB1, threshold 2) + May (CB2, threshold 3) = 2 months >= min(2, 3)
    # Y: May, Jun in CB2 = 2 < 3.  Z: Jan (twice), Feb, Aug (combined) = 3 >= 3; the thematic
    # meeting does not count.  W: exempt, so never expected: not counted.
    result = run(removal_bundle(), "2025-01-01", "2025-12-31")
    assert codes_of(result, "REMOVAL_REVIEW") == [
        {"code": "REMOVAL_REVIEW", "member": "X", "period": "2025"},
        {"code": "REMOVAL_REVIEW", "member": "Z", "period": "2025"},
    ]


def test_removal_review_counts_only_meetings_in_the_period():
    # from April: X only May (1), Z only Aug (1)
    assert codes_of(run(removal_bundle(), "2025-04-01", "2025-12-31"), "REMOVAL_REVIEW") == []
    # the year need not be over: X Feb + May = 2 >= 2; Z Jan, Feb = 2 < 3
    assert codes_of(run(removal_bundle(), "2025-01-01", "2025-06-30"), "REMOVAL_REVIEW") == [
        {"code": "REMOVAL_REVIEW", "member": "X", "period": "2025"}
    ]


def test_established_mid_month():
    b = bundle([], [], cells=("CB1", "CB2", "CB3"),
               established={"CB1": "2025-04-15", "CB2": "2025-04-01", "CB3": None})
    result = run(b, "2025-01-01", "2025-12-31", "2026-01-10")
    missing = [(f["organization"], f["period"]) for f in codes_of(result, "MISSING_REGULAR_MEETING")]
    assert missing == (
        [("CB1", f"2025-{m:02d}") for m in range(5, 13)]  # from May
        + [("CB2", f"2025-{m:02d}") for m in range(4, 13)]  # from April
        + [("CB3", f"2025-{m:02d}") for m in range(1, 13)]
    )
    assert [(f["organization"], f["period"]) for f in codes_of(result, "MISSING_THEMATIC_MEETING")] == [
        ("CB1", "2025-Q3"), ("CB1", "2025-Q4"),
        ("CB2", "2025-Q2"), ("CB2", "2025-Q3"), ("CB2", "2025-Q4"),
        ("CB3", "2025-Q1"), ("CB3", "2025-Q2"), ("CB3", "2025-Q3"), ("CB3", "2025-Q4"),
    ]
    assert [(f["organization"], f["period"]) for f in codes_of(result, "NO_SUPERIOR_VISIT")] == [
        ("CB1", "2025-H2"), ("CB2", "2025-H2"), ("CB3", "2025-H1"), ("CB3", "2025-H2"),
    ]
    # order of the table, then organisation, then period
    kinds = [f["code"] for f in result["findings"]]
    assert kinds == sorted(kinds, key=["MISSING_REGULAR_MEETING", "MISSING_THEMATIC_MEETING",
                                       "NO_SUPERIOR_VISIT"].index)


def test_as_of_before_end_of_quarter_and_tasks():
    members = [member("A"), member("B")]
    tasks = [
        {"assignee": "B", "due": "2025-05-10"},  # not done, due before as_of: overdue
        {"assignee": "A", "due": "2025-05-20"},  # not done, due after as_of: not yet
        {"assignee": "A", "due": "2025-05-31", "done_on": "2025-06-01"},  # done late, after as_of: overdue
        {"assignee": "B", "due": "2025-05-31", "done_on": "2025-05-30"},  # done on time after as_of
        {"assignee": None, "due": "2025-05-14"},  # no assignee: sorts last
        {"assignee": "A", "due": "2025-05-15"},  # due == as_of: not before as_of
        {"assignee": "A", "due": None, "done_on": "2025-06-01"},  # no due date: never overdue
        {"assignee": "A", "due": "2025-05-01", "done_on": "2025-05-01"},  # done on the due date
    ]
    ms = [
        meeting("M-06", "2025-06-02", {"A": "present", "B": "present"}),  # after as_of: still audited
        meeting("M-05", "2025-05-02", {"A": "present", "B": "present"}, tasks=tasks),
        meeting("M-07", "2025-07-02", {"A": "present", "B": "present"}),  # after `to`: not audited
    ]
    result = run(bundle(members, ms), "2025-01-01", "2025-06-30", "2025-05-15")
    assert [m["id"] for m in result["meetings"]] == ["M-05", "M-06"]
    assert result["as_of"] == "2025-05-15"
    assert [(f["organization"], f["period"]) for f in codes_of(result, "MISSING_REGULAR_MEETING")] == [
        ("CB1", "2025-01"), ("CB1", "2025-02"), ("CB1", "2025-03"), ("CB1", "2025-04"),
    ]  # May has not ended on 15/05
    assert [f["period"] for f in codes_of(result, "MISSING_THEMATIC_MEETING")] == ["2025-Q1"]  # Q2 not ended
    assert codes_of(result, "NO_SUPERIOR_VISIT") == []  # H1 not ended
    assert codes_of(result, "TASK_OVERDUE") == [
        {"code": "TASK_OVERDUE", "meeting": "M-05", "task": 2, "member": "A"},
        {"code": "TASK_OVERDUE", "meeting": "M-05", "task": 0, "member": "B"},
        {"code": "TASK_OVERDUE", "meeting": "M-05", "task": 4, "member": None},
    ]
    assert is_task_overdue({"due": date(2025, 5, 10), "done_on": None}, date(2025, 5, 11))
    assert not is_task_overdue({"due": date(2025, 5, 10), "done_on": None}, date(2025, 5, 10))


def test_visits_and_profile_threshold():
    members = [member("A")]
    visits = [{"organization": "CB1", "date": "2025-02-01", "committee": "Bất kỳ"},
              {"organization": "CB1", "date": "2025-08-01"}]
    b = bundle(members, [], visits=visits, profiles={"DB": {"min_superior_visits_per_half_year": 2}})
    result = run(b, "2025-01-01", "2025-12-31")
    assert [f["period"] for f in codes_of(result, "NO_SUPERIOR_VISIT")] == ["2025-H1", "2025-H2"]  # 1 < 2
    b["profiles"] = {}
    assert codes_of(run(b, "2025-01-01", "2025-12-31"), "NO_SUPERIOR_VISIT") == []


def test_cell_spans_and_partial_periods():
    spans = cell_spans(date(2025, 1, 15), date(2025, 7, 31), date(2025, 7, 31))
    assert [k for k, _f, _l in spans["months"]] == ["2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
                                                     "2025-07"]  # January is not wholly inside
    assert [k for k, _f, _l in spans["quarters"]] == ["2025-Q2"]
    assert spans["half_years"] == []
    assert cell_spans(date(2025, 1, 1), date(2024, 1, 1))["months"] == []


def test_dump_audit_matches_json_dumps():
    result = run(kitchen_sink_bundle(), "2025-03-01", "2025-03-31")
    assert dump_audit(result) == json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    odd = {"a": [1.5, {"x": []}, {}], "b": "đ\n\"", "c": [True, False, None]}
    assert dump_audit(odd) == json.dumps(odd, indent=2, ensure_ascii=False) + "\n"


def test_defensive_readings_for_unvalidated_input():
    roll = Roll(on_roll=["A", "B"], official=["A", "B"])
    m = {"id": "X", "organization": "CB1", "kind": "regular", "date": "2025-01-02", "start": "21:00",
         "end": "20:00", "attendance": [{"member": "A", "status": "weird"}, {"member": "B", "status": "present"}],
         "speeches": [], "votes": [], "tasks": [], "manual_scores": None}
    entry = evaluate_meeting(m, roll)
    assert entry["duration_minutes"] is None  # end before start: unknown duration
    assert entry["findings"][0] == {"code": "ATTENDANCE_MISSING", "member": "A"}  # unknown status = none
    assert entry["score"]["provisional"] is True
    # a bare {member: run} mapping is the state of the meeting's own year
    m2 = {**m, "attendance": [{"member": "A", "status": "absent_excused", "reason": "Ốm"}]}
    assert member_findings(evaluate_meeting(m2, roll, None, {"A": 3}), "REPEATED_EXCUSED_ABSENCE") == ["A"]


def test_audit_of_an_empty_or_inverted_period():
    b = bundle([member("A")], [meeting("X", "2025-01-02", {"A": "present"})])
    result = run(b, "2025-02-01", "2025-01-01")
    assert result["meetings"] == [] and result["findings"] == []
    assert result["from"] == "2025-02-01" and result["as_of"] == "2025-01-01"
