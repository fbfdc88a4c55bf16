"""engine.member_tally: each member's meetings expected and how each was recorded (pure, no database)."""

from chibo.rules.engine import TALLY_KEYS, Roll, member_tally, summarize_attendance


def test_tally_over_three_meetings():
    jan = (Roll(["A", "B", "C", "D"], exempt=["D"]), {"A": ("present", None), "B": ("late", None),
                                                      "C": ("absent_excused", "ốm"), "D": ("present", None)})
    feb = (Roll(["A", "B", "C"], away=["C"]), {"A": ("absent_unexcused", None), "B": ("present", None)})
    mar = (Roll(["A", "B", "C", "E"]), {"A": ("present", None), "C": ("present", None), "E": ("bogus", None)})
    assert member_tally([jan, feb, mar]) == {
        "A": {"expected": 3, "present": 2, "late": 0, "absent_excused": 0, "absent_unexcused": 1, "missing": 0},
        "B": {"expected": 3, "present": 1, "late": 1, "absent_excused": 0, "absent_unexcused": 0, "missing": 1},
        "C": {"expected": 2, "present": 1, "late": 0, "absent_excused": 1, "absent_unexcused": 0, "missing": 0},
        "E": {"expected": 1, "present": 0, "late": 0, "absent_excused": 0, "absent_unexcused": 0, "missing": 1},
    }


def test_tally_agrees_with_the_meetings_summary():
    roll = Roll(["A", "B", "C", "D", "E"], exempt=["E"])
    statuses = {"A": ("present", None), "B": ("late", None), "C": ("absent_unexcused", None),
                "D": ("absent_excused", "")}
    summary = summarize_attendance({}, roll, statuses)
    tally = member_tally([(roll, statuses)])
    total = {key: sum(t[key] for t in tally.values()) for key in TALLY_KEYS}
    assert total["expected"] == summary["expected"] == 4
    assert total["present"] + total["late"] == summary["present"] == 2
    assert total["absent_excused"] == summary["absent_excused"] and total["absent_unexcused"] == summary[
        "absent_unexcused"]
    assert total["missing"] == summary["missing"] == 0


def test_nobody_expected():
    assert member_tally([(Roll(["A"], away=["A"]), {"A": ("present", None)})]) == {}
