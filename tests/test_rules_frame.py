"""Frame rubrics (rules-v2.md §5.1, §5.2; bundle-v2.md "What is bad input"): the built-in
``hd42-frame`` as data, every tier boundary of it, and every rubric rule of bad input.
Expected values are worked by hand from the spec; no database is used."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import pytest

from chibo.rules.engine import (
    HD42_FRAME,
    HD42_FRAME_ID,
    FrameInputs,
    entered_groups,
    frame_rubric,
    frame_rubric_id,
    group_maxima,
    rubric_errors,
    score_frame,
)

SPEC = Path(__file__).resolve().parent.parent / "docs" / "spec" / "rules-v2.md"

ALL_ENTERED = {"preparation": 10, "organisation": 40, "principles": 5, "closing": 5}


def inputs(**changes) -> FrameInputs:
    """A regular meeting that scores 100 by hd42-frame; ``changes`` replace fields."""
    base = FrameInputs(
        kind="regular",
        duration_minutes=90,
        minimum_minutes=90,
        present=10,
        expected=10,
        unexcused_or_missing=False,
        repeated_excused=False,
        counted_tasks=0,
        done_tasks=0,
        entered=ALL_ENTERED,
    )
    return dataclasses.replace(base, **changes)


def test_hd42_frame_is_the_json_of_the_spec():
    text = SPEC.read_text(encoding="utf-8")
    block = re.search(r"```json\n(\{\"name\": \"Khung tiêu chí.*?)```", text, re.S).group(1)
    assert HD42_FRAME == json.loads(block)
    assert rubric_errors(HD42_FRAME) == []
    assert group_maxima(HD42_FRAME) == {
        "time": 5, "attendance": 5, "preparation": 10, "organisation": 40, "principles": 5, "results": 30,
        "closing": 5,
    }
    assert entered_groups(HD42_FRAME) == {"preparation": 10, "organisation": 40, "principles": 5, "closing": 5}


def test_frame_rubric_of_a_profile_value():
    own = {"an-phu": {}}
    assert frame_rubric_id("hd12-default", own) == HD42_FRAME_ID
    assert frame_rubric_id("hd42-frame", own) == HD42_FRAME_ID
    assert frame_rubric_id("an-phu", own) == "an-phu"
    assert frame_rubric_id("an-phu", None) == HD42_FRAME_ID
    assert frame_rubric("hd42-frame") is HD42_FRAME
    assert frame_rubric("an-phu", own) == {}
    with pytest.raises(KeyError):
        frame_rubric("nope", own)


def test_full_marks():
    score = score_frame(HD42_FRAME, inputs())
    assert (score.total, score.grade, score.provisional) == (100, "tot", False)
    assert score.groups == {
        "time": 5, "attendance": 5, "preparation": 10, "organisation": 40, "principles": 5, "results": 30,
        "closing": 5,
    }
    assert list(score.groups) == ["time", "attendance", "preparation", "organisation", "principles", "results",
                                  "closing"]
    assert score.reasons == {
        "time": "Sinh hoạt 90 phút, đủ tối thiểu 90 phút: 5/5 điểm",
        "attendance": "Dự họp 10/10 đảng viên; không có đảng viên vắng có lý do nhiều lần liên tiếp: "
                      "cộng 1 điểm: 5/5 điểm",
        "results": "Không có nhiệm vụ kỳ trước đến hạn: 30/30 điểm",
    }


# --- time (duration) -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("duration", "points"),
    [
        (91, 5), (90, 5), (89, 4),  # short 0: the minimum itself
        (76, 4), (75, 4), (74, 3),  # short 15 / 16
        (61, 3), (60, 3), (59, 2),  # short 30 / 31
        (46, 2), (45, 2), (44, 1),  # half of 90 = 45
        (0, 1), (None, 0),
    ],
)
def test_time_tiers_minimum_90(duration, points):
    assert score_frame(HD42_FRAME, inputs(duration_minutes=duration)).groups["time"] == points


@pytest.mark.parametrize(
    ("duration", "points"),
    [(121, 5), (120, 5), (119, 4), (105, 4), (104, 3), (90, 3), (89, 2), (60, 2), (59, 1)],
)
def test_time_tiers_combined_minimum_120(duration, points):
    score = score_frame(HD42_FRAME, inputs(kind="combined", duration_minutes=duration, minimum_minutes=120))
    assert score.groups["time"] == points


def test_time_extraordinary_has_no_minimum():
    score = score_frame(HD42_FRAME, inputs(kind="extraordinary", duration_minutes=10, minimum_minutes=90))
    assert score.groups["time"] == 5
    assert score.reasons["time"] == "Sinh hoạt 10 phút, không có thời lượng tối thiểu: 5/5 điểm"
    unknown = score_frame(HD42_FRAME, inputs(kind="extraordinary", duration_minutes=None))
    assert unknown.groups["time"] == 0


def test_time_reasons():
    assert score_frame(HD42_FRAME, inputs(duration_minutes=80)).reasons["time"] == (
        "Thiếu 10 phút so với tối thiểu 90 phút: 4/5 điểm")
    assert score_frame(HD42_FRAME, inputs(duration_minutes=None)).reasons["time"] == (
        "Không rõ thời lượng (thiếu giờ bắt đầu hoặc kết thúc): 0/5 điểm")


def test_time_minimum_zero_from_profile():
    # a profile minimum of 0: short <= 0 for any known duration
    assert score_frame(HD42_FRAME, inputs(duration_minutes=0, minimum_minutes=0)).groups["time"] == 5


# --- attendance ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("present", "tier"),
    [
        (91, 4), (90, 4), (89, 3),
        (76, 3), (75, 3), (74, 2),
        (66, 2), (65, 2), (64, 1),
        (0, 1),
    ],
)
def test_attendance_tiers(present, tier):
    with_bonus = score_frame(HD42_FRAME, inputs(present=present, expected=100))
    assert with_bonus.groups["attendance"] == tier + 1
    without = score_frame(HD42_FRAME, inputs(present=present, expected=100, repeated_excused=True))
    assert without.groups["attendance"] == tier


@pytest.mark.parametrize(("present", "repeated", "points"), [(10, False, 2), (10, True, 1), (6, False, 2)])
def test_attendance_unexcused_caps_before_bonus(present, repeated, points):
    score = score_frame(
        HD42_FRAME, inputs(present=present, expected=10, unexcused_or_missing=True, repeated_excused=repeated))
    assert score.groups["attendance"] == points


def test_attendance_nobody_expected_scores_zero_bonus_included():
    score = score_frame(HD42_FRAME, inputs(present=0, expected=0))
    assert score.groups["attendance"] == 0
    assert score.reasons["attendance"] == "Không có đảng viên phải dự sinh hoạt: 0/5 điểm"


def test_attendance_reason_with_cap():
    score = score_frame(HD42_FRAME, inputs(present=9, expected=10, unexcused_or_missing=True,
                                           repeated_excused=True))
    assert score.reasons["attendance"] == (
        "Dự họp 9/10 đảng viên; có đảng viên vắng không lý do hoặc chưa điểm danh: tối đa 1 điểm: 1/5 điểm")


def test_unexcused_points_absent_means_no_cap():
    rubric = copy.deepcopy(HD42_FRAME)
    del rubric["groups"][1]["unexcused_points"]
    score = score_frame(rubric, inputs(present=10, expected=10, unexcused_or_missing=True))
    assert score.groups["attendance"] == 5


def test_no_repeated_bonus_defaults_to_zero():
    rubric = copy.deepcopy(HD42_FRAME)
    del rubric["groups"][1]["no_repeated_bonus"]
    assert score_frame(rubric, inputs()).groups["attendance"] == 4


# --- results (previous_tasks) ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("done", "points"),
    [
        (100, 30), (91, 30), (90, 30), (89, 27),
        (81, 27), (80, 27), (79, 24),
        (71, 24), (70, 24), (69, 20),
        (61, 20), (60, 20), (59, 15),
        (51, 15), (50, 15), (49, 10),
        (0, 10),
    ],
)
def test_results_tiers(done, points):
    score = score_frame(HD42_FRAME, inputs(counted_tasks=100, done_tasks=done))
    assert score.groups["results"] == points


def test_results_none_points():
    assert score_frame(HD42_FRAME, inputs(counted_tasks=0)).groups["results"] == 30
    rubric = copy.deepcopy(HD42_FRAME)
    rubric["groups"][5]["none_points"] = 12
    assert score_frame(rubric, inputs(counted_tasks=0)).groups["results"] == 12
    del rubric["groups"][5]["none_points"]
    assert score_frame(rubric, inputs(counted_tasks=0)).groups["results"] == 30  # default: the max
    score = score_frame(HD42_FRAME, inputs(counted_tasks=2, done_tasks=1))
    assert score.reasons["results"] == "Hoàn thành 1/2 nhiệm vụ kỳ trước đến hạn: 15/30 điểm"


def test_tiers_in_the_order_given_and_none_holding():
    rubric = copy.deepcopy(HD42_FRAME)
    rubric["groups"][5]["tiers"] = [{"min_percent": 50, "points": 15}, {"min_percent": 90, "points": 30}]
    assert score_frame(rubric, inputs(counted_tasks=10, done_tasks=10)).groups["results"] == 15  # first holds
    assert score_frame(rubric, inputs(counted_tasks=10, done_tasks=4)).groups["results"] == 0  # none holds


# --- entered, provisional, grade ------------------------------------------------------------

def test_no_quality_record_is_provisional():
    score = score_frame(HD42_FRAME, inputs(entered=None))
    assert (score.total, score.grade, score.provisional) == (40, "kem", True)
    assert score.groups["preparation"] == 0


def test_empty_and_partial_quality_record():
    assert score_frame(HD42_FRAME, inputs(entered={})).provisional is True
    partial = score_frame(HD42_FRAME, inputs(entered={**ALL_ENTERED, "closing": None}))
    assert (partial.total, partial.provisional, partial.groups["closing"]) == (95, True, 0)


def test_rubric_without_entered_group_is_never_provisional():
    rubric = {
        "groups": [{"id": "t", "max": 100, "measure": "duration", "tiers": [{"points": 100}]}],
        "bands": {"tot": 90, "kha": 70, "trung_binh": 50},
    }
    assert rubric_errors(rubric) == []
    score = score_frame(rubric, inputs(entered=None))
    assert (score.total, score.provisional, score.grade) == (100, False, "tot")


@pytest.mark.parametrize(
    ("organisation", "total", "grade"),
    [(40, 100, "tot"), (31, 91, "tot"), (30, 90, "tot"), (29, 89, "kha"), (10, 70, "kha"),
     (9, 69, "trung_binh"), (0, 60, "trung_binh")],
)
def test_bands(organisation, total, grade):
    score = score_frame(HD42_FRAME, inputs(entered={**ALL_ENTERED, "organisation": organisation}))
    assert (score.total, score.grade) == (total, grade)


def test_bands_lower():
    entered = {"preparation": 0, "organisation": 10, "principles": 0, "closing": 0}
    assert score_frame(HD42_FRAME, inputs(entered=entered)).total == 50
    assert score_frame(HD42_FRAME, inputs(entered=entered)).grade == "trung_binh"
    entered["organisation"] = 9
    assert score_frame(HD42_FRAME, inputs(entered=entered)).grade == "kem"


def test_tot_requires_max():
    rubric = copy.deepcopy(HD42_FRAME)
    rubric["tot_requires_max"] = ["time", "closing"]
    assert score_frame(rubric, inputs()).grade == "tot"
    assert score_frame(rubric, inputs(duration_minutes=89)).total == 99
    assert score_frame(rubric, inputs(duration_minutes=89)).grade == "kha"
    assert score_frame(rubric, inputs(entered={**ALL_ENTERED, "closing": 4})).grade == "kha"
    assert score_frame(rubric, inputs(entered={**ALL_ENTERED, "principles": 4})).grade == "tot"


# --- bad rubrics (bundle-v2.md "What is bad input") ---------------------------------------------

def bad(change) -> list[tuple[str, str]]:
    rubric = copy.deepcopy(HD42_FRAME)
    change(rubric)
    return rubric_errors(rubric)


def test_rubric_not_an_object():
    assert rubric_errors([]) == [("", "bộ tiêu chí phải là một đối tượng JSON")]


def test_rubric_missing_groups_and_bands():
    assert rubric_errors({}) == [
        ("groups", "thiếu trường bắt buộc 'groups' của bộ tiêu chí"),
        ("bands", "thiếu trường bắt buộc 'bands' của bộ tiêu chí"),
    ]


def test_rubric_unknown_key_and_text_fields():
    assert bad(lambda r: r.update(colour="đỏ")) == [
        ("colour", "khóa 'colour' không được phép trong bộ tiêu chí (khóa hợp lệ: name, source, groups, bands, "
                   "tot_requires_max)")]
    assert bad(lambda r: r.update(name=5)) == [("name", "phải là một chuỗi")]
    assert bad(lambda r: r.update(name=None, source=None)) == []


def test_empty_groups():
    assert bad(lambda r: r.update(groups=[])) == [("groups", "bộ tiêu chí phải có ít nhất một nhóm tiêu chí")]
    assert bad(lambda r: r.update(groups={})) == [("groups", "phải là một danh sách nhóm tiêu chí")]


def test_group_ids():
    assert bad(lambda r: r["groups"][2].update(id="")) == [
        ("groups[2].id", "mã nhóm tiêu chí phải là một chuỗi không trống")]
    assert bad(lambda r: r["groups"][2].update(id="time")) == [
        ("groups[2].id", "mã nhóm 'time' bị trùng trong bộ tiêu chí")]
    assert bad(lambda r: r["groups"][2].pop("id")) == [
        ("groups[2].id", "thiếu trường bắt buộc 'id' của nhóm tiêu chí")]


def test_group_max():
    assert bad(lambda r: r["groups"][2].update(max=0)) == [
        ("groups[2].max", "điểm tối đa phải là số nguyên không nhỏ hơn 1")]
    assert bad(lambda r: r["groups"][2].update(max=True)) == [
        ("groups[2].max", "điểm tối đa phải là số nguyên không nhỏ hơn 1")]
    assert bad(lambda r: r["groups"][2].update(max=10.0)) == [
        ("groups[2].max", "điểm tối đa phải là số nguyên không nhỏ hơn 1")]


@pytest.mark.parametrize(("value", "total"), [(9, 99), (11, 101)])
def test_maxima_add_up_to_100(value, total):
    assert bad(lambda r: r["groups"][2].update(max=value)) == [
        ("groups", f"tổng điểm tối đa của các nhóm phải bằng 100 (đang là {total})")]


def test_measure():
    assert bad(lambda r: r["groups"][2].update(measure="manual")) == [
        ("groups[2].measure", "cách tính phải là một trong: entered, duration, attendance, previous_tasks")]
    assert bad(lambda r: r["groups"][2].pop("measure")) == [
        ("groups[2].measure", "thiếu trường bắt buộc 'measure' của nhóm tiêu chí")]


def test_tiers_presence():
    assert bad(lambda r: r["groups"][0].pop("tiers")) == [
        ("groups[0].tiers", "thiếu trường bắt buộc 'tiers' của nhóm tính tự động")]
    assert bad(lambda r: r["groups"][0].update(tiers=[])) == [
        ("groups[0].tiers", "các mức điểm phải là một danh sách không rỗng")]
    assert bad(lambda r: r["groups"][2].update(tiers=[{"points": 1}])) == [
        ("groups[2].tiers", "nhóm chấm tay không có các mức điểm ('tiers')")]


def test_tier_rules():
    assert bad(lambda r: r["groups"][0]["tiers"][4].pop("points")) == [
        ("groups[0].tiers[4].points", "thiếu trường bắt buộc 'points' của mức điểm")]
    assert bad(lambda r: r["groups"][0]["tiers"][3].update(short_by_at_most=3)) == [
        ("groups[0].tiers[3]", "mức điểm chỉ được có một điều kiện ('short_by_at_most' hoặc 'min_percent')")]
    assert bad(lambda r: r["groups"][1]["tiers"][0].update(short_by_at_most=3, min_percent=None) or
               r["groups"][1]["tiers"][0].pop("min_percent")) == [
        ("groups[1].tiers[0].short_by_at_most", "nhóm tính theo 'attendance' không dùng điều kiện "
                                                "'short_by_at_most'")]
    assert bad(lambda r: r["groups"][0]["tiers"][1].update(short_by_at_most=-1)) == [
        ("groups[0].tiers[1].short_by_at_most", "phải là số nguyên không nhỏ hơn 0")]
    assert bad(lambda r: r["groups"][5]["tiers"][0].update(min_percent=101)) == [
        ("groups[5].tiers[0].min_percent", "phải là số nguyên từ 0 đến 100")]
    assert bad(lambda r: r["groups"][5]["tiers"][0].update(min_percent=100)) == []
    assert bad(lambda r: r["groups"][5]["tiers"][0].update(points=-1)) == [
        ("groups[5].tiers[0].points", "điểm phải là số nguyên không nhỏ hơn 0")]
    assert bad(lambda r: r["groups"][5]["tiers"][0].update(points=31)) == [
        ("groups[5].tiers[0].points", "điểm của mức (31) vượt điểm tối đa của nhóm (30)")]
    assert bad(lambda r: r["groups"][0]["tiers"][0].update(extra=1)) == [
        ("groups[0].tiers[0].extra", "khóa 'extra' không được phép trong mức điểm (khóa hợp lệ: points, "
                                     "short_by_at_most, min_percent)")]


def test_attendance_tier_plus_bonus_above_max():
    # tier 4 + bonus 1 = 5 is fine; 5 + 1 is not
    assert bad(lambda r: r["groups"][1]["tiers"][0].update(points=5)) == [
        ("groups[1].tiers[0].points", "điểm của mức (5) cộng điểm thưởng (1) vượt điểm tối đa của nhóm (5)")]


def test_extras_on_wrong_measure_and_range():
    assert bad(lambda r: r["groups"][0].update(none_points=1)) == [
        ("groups[0].none_points", "'none_points' chỉ dùng cho nhóm tính theo 'previous_tasks'")]
    assert bad(lambda r: r["groups"][5].update(unexcused_points=1)) == [
        ("groups[5].unexcused_points", "'unexcused_points' chỉ dùng cho nhóm tính theo 'attendance'")]
    assert bad(lambda r: r["groups"][2].update(no_repeated_bonus=0)) == [
        ("groups[2].no_repeated_bonus", "'no_repeated_bonus' chỉ dùng cho nhóm tính theo 'attendance'")]
    assert bad(lambda r: r["groups"][5].update(none_points=31)) == [
        ("groups[5].none_points", "phải là số nguyên từ 0 đến 30")]
    assert bad(lambda r: r["groups"][5].update(none_points=30)) == []
    assert bad(lambda r: r["groups"][1].update(unexcused_points=6)) == [
        ("groups[1].unexcused_points", "phải là số nguyên từ 0 đến 5")]
    assert bad(lambda r: r["groups"][1].update(no_repeated_bonus=-1)) == [
        ("groups[1].no_repeated_bonus", "phải là số nguyên từ 0 đến 5")]


def test_unknown_group_key():
    assert bad(lambda r: r["groups"][2].update(weight=2)) == [
        ("groups[2].weight", "khóa 'weight' không được phép trong nhóm tiêu chí (khóa hợp lệ: id, name, max, "
                             "measure, tiers, unexcused_points, no_repeated_bonus, none_points)")]


def test_bands_rules():
    assert bad(lambda r: r.update(bands=[])) == [("bands", "ngưỡng xếp loại phải là một đối tượng JSON")]
    assert bad(lambda r: r["bands"].pop("kha")) == [("bands.kha", "thiếu ngưỡng xếp loại 'kha'")]
    assert bad(lambda r: r["bands"].update(kem=0)) == [
        ("bands.kem", "khóa 'kem' không được phép trong ngưỡng xếp loại (khóa hợp lệ: tot, kha, trung_binh)")]
    assert bad(lambda r: r["bands"].update(trung_binh=-1)) == [
        ("bands.trung_binh", "phải là số nguyên không nhỏ hơn 0")]
    assert bad(lambda r: r["bands"].update(kha=91)) == [
        ("bands", "ngưỡng xếp loại phải thỏa Tốt ≥ Khá ≥ Trung bình")]
    assert bad(lambda r: r["bands"].update(kha=90, trung_binh=90)) == []


def test_tot_requires_max_rules():
    assert bad(lambda r: r.update(tot_requires_max=["time", "nope", "time"])) == [
        ("tot_requires_max[1]", "'nope' không phải mã một nhóm tiêu chí của bộ tiêu chí này"),
        ("tot_requires_max[2]", "nhóm 'time' được nêu hai lần"),
    ]
    assert bad(lambda r: r.update(tot_requires_max="time")) == [
        ("tot_requires_max", "phải là một danh sách mã nhóm tiêu chí")]
    assert bad(lambda r: r.pop("tot_requires_max")) == []
