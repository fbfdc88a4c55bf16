"""Bundle version 2 (bundle-v2.md "What is bad input"): every new rule, with the exact path and
reason; a version-1 bundle stays version 1 and a valid one relabelled 2 stays valid."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.interchange.validate import BundleError, parse_bundle
from tests.test_bundle_fuzz import _containers, _get, check, json_scalars, json_values

V1 = Path(__file__).parent / "data" / "examples"
V2 = Path(__file__).parent / "data" / "examples-v2"
BASE = json.loads((V2 / "dang_phi_quy_mot.json").read_text(encoding="utf-8"))


def errors(change) -> list[tuple[str, str]]:
    doc = copy.deepcopy(BASE)
    change(doc)
    with pytest.raises(BundleError) as info:
        parse_bundle(json.dumps(doc, ensure_ascii=False))
    return info.value.errors


def valid(change) -> dict:
    doc = copy.deepcopy(BASE)
    change(doc)
    return parse_bundle(json.dumps(doc, ensure_ascii=False))


def test_examples_are_valid_version_2():
    for name in ("dang_phi_quy_mot", "chuyen_giao_hd42"):
        bundle = parse_bundle((V2 / f"{name}.json").read_bytes())
        assert bundle["version"] == 2
        assert list(bundle) == ["format", "version", "profiles", "rubrics", "organizations", "members", "meetings",
                                "visits", "fees"]


@pytest.mark.parametrize("name", ["quy_mot", "ho_so_nua_nam"])
def test_version_1_relabelled_2_is_valid(name):
    doc = json.loads((V1 / f"{name}.json").read_text(encoding="utf-8"))
    v1 = parse_bundle(json.dumps(doc))
    doc["version"] = 2
    v2 = parse_bundle(json.dumps(doc))
    assert (v1["version"], v2["version"]) == (1, 2)
    assert list(v1) == ["format", "version", "profiles", "organizations", "members", "meetings", "visits"]
    assert (v2["rubrics"], v2["fees"]) == ({}, [])
    assert v2["meetings"][0]["quality"] is None and v2["meetings"][0]["secret_content"] is False


def test_version_1_refuses_the_new_keys():
    doc = json.loads((V1 / "quy_mot.json").read_text(encoding="utf-8"))
    doc["fees"] = []
    doc["meetings"][0]["docs_posted_on"] = "2025-01-01"
    doc["profiles"] = {doc["organizations"][0]["code"]: {"rulebook": "by-date", "rubric": "hd42-frame"}}
    with pytest.raises(BundleError) as info:
        parse_bundle(json.dumps(doc))
    code = doc["organizations"][0]["code"]
    assert [p for p, _ in info.value.errors] == [
        f"$.profiles.{code}.rulebook", f"$.profiles.{code}.rubric", "$.meetings[0].docs_posted_on", "$.fees"]
    assert dict(info.value.errors)[f"$.profiles.{code}.rubric"] == "bộ tiêu chí chỉ được là 'hd12-default'"


@pytest.mark.parametrize("value", [3, 0, "2", 2.0, True])
def test_version(value):
    assert errors(lambda d: d.update(version=value)) == [
        ("$.version", "phiên bản không được hỗ trợ: chỉ chấp nhận số nguyên 1 hoặc 2")]


def test_profiles():
    def change(d):
        d["profiles"]["CBKP1"] = {"rulebook": "hd42", "rubric": "khac", "docs_days_before": -1, "post_days_after": 1.5,
                                  "regular_meeting_latest_day": 32, "require_scorer": 1, "fee_unpaid_months": 13}
    assert errors(change) == [
        ("$.profiles.CBKP1.rulebook", "hướng dẫn áp dụng phải là một trong: by-date, hd12-2018, hd42-2025"),
        ("$.profiles.CBKP1.rubric",
         "bộ tiêu chí phải là 'hd12-default', 'hd42-frame' hoặc mã một phiếu chấm điểm đã khai báo"),
        ("$.profiles.CBKP1.docs_days_before", "phải là số nguyên không nhỏ hơn 0"),
        ("$.profiles.CBKP1.post_days_after", "phải là số nguyên không nhỏ hơn 0"),
        ("$.profiles.CBKP1.regular_meeting_latest_day", "phải là số nguyên từ 1 đến 31"),
        ("$.profiles.CBKP1.require_scorer", "phải là true hoặc false"),
        ("$.profiles.CBKP1.fee_unpaid_months", "phải là số nguyên từ 1 đến 12"),
    ]
    ok = valid(lambda d: d["profiles"].update(CBKP2={"rubric": "hd12-default", "rulebook": "hd42-2025",
                                                     "regular_meeting_latest_day": 1, "fee_unpaid_months": 12}))
    assert ok["profiles"]["CBKP2"]["rubric"] == "hd12-default"


def test_rubric_ids_and_paths():
    assert errors(lambda d: d.update(rubrics=[])) == [
        ("$.profiles.DBAP.rubric",
         "bộ tiêu chí phải là 'hd12-default', 'hd42-frame' hoặc mã một phiếu chấm điểm đã khai báo"),
        ("$.rubrics", "phải là một đối tượng (mã bộ tiêu chí → bộ tiêu chí), không phải danh sách")]
    assert errors(lambda d: d["rubrics"].update({"hd42-frame": d["rubrics"]["an-phu-2025"]})) == [
        ("$.rubrics.hd42-frame", "không được định nghĩa lại bộ tiêu chí có sẵn 'hd42-frame'")]
    assert errors(lambda d: d["rubrics"].update({" ": {}})) == [
        ("$.rubrics[' ']", "mã bộ tiêu chí không được để trống")]
    assert errors(lambda d: d["rubrics"]["an-phu-2025"]["groups"][2].update(max=11)) == [
        ("$.rubrics.an-phu-2025.groups", "tổng điểm tối đa của các nhóm phải bằng 100 (đang là 101)")]
    assert errors(lambda d: d["rubrics"]["an-phu-2025"]["groups"][2].update(max="10")) == [
        ("$.rubrics.an-phu-2025.groups[2].max", "điểm tối đa phải là số nguyên không nhỏ hơn 1")]
    assert errors(lambda d: d["rubrics"]["an-phu-2025"]["bands"].update(kha=95)) == [
        ("$.rubrics.an-phu-2025.bands", "ngưỡng xếp loại phải thỏa Tốt ≥ Khá ≥ Trung bình")]


def test_meeting_dates_and_secret_content():
    def change(d):
        m = d["meetings"][0]
        m.update(superior_notified_on="hôm qua", docs_posted_on="2026-02-30", committee_prepared_on=20260101,
                 results_posted_on="2026-01-02", secret_content="có")
    assert errors(change) == [
        ("$.meetings[0].superior_notified_on", "ngày 'hôm qua' không đúng dạng YYYY-MM-DD"),
        ("$.meetings[0].docs_posted_on", "ngày '2026-02-30' không tồn tại"),
        ("$.meetings[0].committee_prepared_on", "phải là ngày dạng YYYY-MM-DD, không phải số nguyên"),
        ("$.meetings[0].results_posted_on", "ngày đăng kết quả 02/01/2026 trước ngày họp 03/01/2026"),
        ("$.meetings[0].secret_content", "phải là true, false hoặc null, không phải chuỗi"),
    ]
    ok = valid(lambda d: d["meetings"][0].update(results_posted_on="2026-01-03", secret_content=None))
    assert ok["meetings"][0]["secret_content"] is False


def test_quality_record():
    assert errors(lambda d: d["meetings"][0].update(quality=[])) == [
        ("$.meetings[0].quality", "phải là một đối tượng JSON (phiếu chấm chất lượng), không phải danh sách")]

    def change(d):
        q = d["meetings"][0]["quality"]
        q.update(scorer="K201", status="final")
        q["groups"].update(time=5, preparation=11, chairing=None, lãnh_đạo=1)
    assert errors(change) == [
        ("$.meetings[0].quality.scorer", "thành viên 'K201' không có trong danh sách chi bộ 'CBKP1' ngày 03/01/2026"),
        ("$.meetings[0].quality.status",
         "giá trị 'final' không hợp lệ; chỉ chấp nhận: self, adopted, official"),
        ("$.meetings[0].quality.groups.preparation", "điểm phải là số nguyên từ 0 đến 10 (hoặc null nếu chưa chấm)"),
        ("$.meetings[0].quality.groups.time",
         "'time' không phải nhóm chấm tay của bộ tiêu chí 'an-phu-2025' (nhóm chấm tay: preparation, organisation, "
         "chairing, principles, closing)"),
        ("$.meetings[0].quality.groups['lãnh_đạo']",
         "'lãnh_đạo' không phải nhóm chấm tay của bộ tiêu chí 'an-phu-2025' (nhóm chấm tay: preparation, "
         "organisation, chairing, principles, closing)"),
    ]
    assert errors(lambda d: d["meetings"][0]["quality"].update(status="official")) == [
        ("$.meetings[0].quality.official_grade",
         "bắt buộc khi trạng thái là 'official' (cấp trên đã quyết định xếp loại)")]
    assert errors(lambda d: d["meetings"][0]["quality"].update(official_grade="tot")) == [
        ("$.meetings[0].quality.official_grade",
         "chỉ ghi khi trạng thái là 'official' (cấp trên đã quyết định xếp loại)")]
    assert errors(lambda d: d["meetings"][0]["quality"].update(status="official", official_grade="gioi")) == [
        ("$.meetings[0].quality.official_grade",
         "giá trị 'gioi' không hợp lệ; chỉ chấp nhận: tot, kha, trung_binh, kem")]
    ok = valid(lambda d: d["meetings"][0].update(quality={}))
    assert ok["meetings"][0]["quality"] == {"scorer": None, "status": "self", "groups": {}, "official_grade": None}


def test_quality_groups_follow_the_cells_frame_rubric():
    # CBKP2 (pinned to HD 12) still inherits the committee's rubric: its groups are validated against it
    assert errors(lambda d: d["meetings"][2].update(quality={"groups": {"conduct": 5}})) == [
        ("$.meetings[2].quality.groups.conduct",
         "'conduct' không phải nhóm chấm tay của bộ tiêu chí 'an-phu-2025' (nhóm chấm tay: preparation, "
         "organisation, chairing, principles, closing)")]
    # without the profile's rubric the cell's frame is hd42-frame (organisation max 40)
    ok = valid(lambda d: (d["profiles"].pop("DBAP"), d["meetings"][0]["quality"]["groups"].pop("chairing"),
                          d["meetings"][0]["quality"]["groups"].update(organisation=40),
                          d["meetings"][1]["quality"]["groups"].pop("chairing")))
    assert ok["meetings"][0]["quality"]["groups"]["organisation"] == 40


def test_fee_ledgers():
    assert errors(lambda d: d.update(fees={})) == [
        ("$.fees", "phải là một danh sách (sổ đảng phí), không phải đối tượng")]

    def change(d):
        d["fees"][0]["member"] = "K999"
        d["fees"][1]["member"] = "K101"
        d["fees"].append({"member": "K101"})
        d["fees"].append({"months": {}})
    assert errors(change) == [
        ("$.fees[0].member", "đảng viên 'K999' không có trong bundle"),
        ("$.fees[7].member", "đảng viên 'K101' đã có sổ đảng phí ở $.fees[1]"),
        ("$.fees[8].member", "thiếu trường bắt buộc 'member' của sổ đảng phí của đảng viên"),
    ]


def test_fee_records():
    def change(d):
        months = d["fees"][1]["months"]
        months["2026-13"] = {"due": 1}
        months["0000-01"] = {"due": 1}
        months["2026-1"] = {"due": 1}
        months["2017-12"] = {"due": 1}  # K102 is on the roll from 2018
        months["2026-04"] = {"paid": 5}
        months["2026-05"] = {"due": 10**12 + 1, "paid": -1}
        months["2026-06"] = {"due": 5, "paid": 0, "paid_on": "2026-06-01", "channel": "cash"}
        months["2026-07"] = {"due": 5, "paid": 5, "paid_on": "2026-07-01", "channel": "bank"}
        months["2026-08"] = {"due": True, "paid": 5.0}
    assert errors(change) == [
        ("$.fees[1].months.2026-13", "tháng '2026-13' không tồn tại"),
        ("$.fees[1].months.0000-01", "tháng '0000-01' không tồn tại"),
        ("$.fees[1].months.2026-1", "tháng '2026-1' không đúng dạng YYYY-MM"),
        ("$.fees[1].months.2017-12", "tháng 12/2017 đảng viên 'K102' không sinh hoạt ở chi bộ nào trong bundle"),
        ("$.fees[1].months.2026-04.due", "thiếu trường bắt buộc 'due' của khoản đảng phí của tháng"),
        ("$.fees[1].months.2026-05.due", "phải là số nguyên từ 0 đến 1000000000000 (đồng), không phải 1000000000001"),
        ("$.fees[1].months.2026-05.paid", "phải là số nguyên từ 0 đến 1000000000000 (đồng), không phải -1"),
        ("$.fees[1].months.2026-06.paid_on", "chỉ ghi khi đã nộp (paid lớn hơn 0)"),
        ("$.fees[1].months.2026-06.channel", "chỉ ghi khi đã nộp (paid lớn hơn 0)"),
        ("$.fees[1].months.2026-07.channel", "giá trị 'bank' không hợp lệ; chỉ chấp nhận: portal, cash"),
        ("$.fees[1].months.2026-08.due", "phải là số nguyên từ 0 đến 1000000000000 (đồng), không phải true/false"),
        ("$.fees[1].months.2026-08.paid", "phải là số nguyên từ 0 đến 1000000000000 (đồng), không phải số thực"),
    ]
    ok = valid(lambda d: d["fees"][1]["months"].update({"2026-04": {"due": 10**12, "paid": None, "paid_on": ""}}))
    assert ok["fees"][1]["months"]["2026-04"] == {"due": 10**12, "paid": 0, "paid_on": None, "channel": None}


def test_fee_month_of_a_moving_member_and_the_last_day():
    # K104 leaves CBKP1 on 9/2 and joins CBKP2 on 10/2: every month from 2018 on is covered
    valid(lambda d: d["fees"][3]["months"].update({"2018-01": {"due": 1}}))
    # a membership ending on the 20th still covers its month
    def change(d):
        d["members"][0]["memberships"][0]["to"] = "2026-03-20"
        d["fees"][0]["months"]["2026-04"] = {"due": 1}
    assert errors(change) == [
        ("$.fees[0].months.2026-04", "tháng 04/2026 đảng viên 'K101' không sinh hoạt ở chi bộ nào trong bundle")]


def test_reliefs():
    def change(d):
        d["fees"][0]["reliefs"] = [
            {"kind": "reduce_50", "basis": "5.1", "from": "2026-01", "to": "2026-06"},
            {"kind": "exempt", "basis": 5.1, "from": "2026-09"},
            {"kind": "reduce_30", "basis": "5.2", "from": "2026-06", "to": "2026-08"},
            {"kind": "free", "basis": "5.3", "from": "2026-13", "to": "2025-12"},
            {"basis": "5.2"},
            {"kind": "exempt", "basis": "5.2", "from": "2027-05", "to": "2027-04"},
        ]
    assert errors(change) == [
        ("$.fees[0].reliefs[0].kind", "căn cứ khoản 1 Điều 5 (5.1) chỉ cho miễn đảng phí (exempt)"),
        ("$.fees[0].reliefs[1].basis", "phải là một trong: 5.1, 5.2; không phải số thực"),
        ("$.fees[0].reliefs[2]", "thời gian giảm, miễn chồng lấn với $.fees[0].reliefs[0]"),
        ("$.fees[0].reliefs[3].kind",
         "giá trị 'free' không hợp lệ; chỉ chấp nhận: exempt, reduce_30, reduce_50, reduce_70"),
        ("$.fees[0].reliefs[3].basis", "giá trị '5.3' không hợp lệ; chỉ chấp nhận: 5.1, 5.2"),
        ("$.fees[0].reliefs[3].from", "tháng '2026-13' không tồn tại"),
        ("$.fees[0].reliefs[4].kind", "thiếu trường bắt buộc 'kind' của quyết định giảm, miễn đảng phí"),
        ("$.fees[0].reliefs[4].from", "thiếu trường bắt buộc 'from' của quyết định giảm, miễn đảng phí"),
        ("$.fees[0].reliefs[5].to", "tháng kết thúc 2027-04 trước tháng bắt đầu 2027-05"),
    ]
    # an open relief overlaps everything after it; back to back is fine
    assert errors(lambda d: d["fees"][0].update(reliefs=[
        {"kind": "exempt", "basis": "5.1", "from": "2025-01", "to": None},
        {"kind": "exempt", "basis": "5.2", "from": "2030-01", "to": "2030-02"}])) == [
        ("$.fees[0].reliefs[1]", "thời gian giảm, miễn chồng lấn với $.fees[0].reliefs[0]")]
    ok = valid(lambda d: d["fees"][0].update(reliefs=[
        {"kind": "exempt", "basis": "5.1", "from": "2025-01", "to": "2025-12", "reason": " "},
        {"kind": "reduce_70", "basis": "5.2", "from": "2026-01", "to": None}]))
    assert ok["fees"][0]["reliefs"][0] == {"kind": "exempt", "basis": "5.1", "from": "2025-01", "to": "2025-12",
                                           "reason": None}


# --- fuzz: whatever is done to a version-2 example, a normalized bundle or BundleError ----------

V2_BUNDLES = [json.loads((V2 / f"{n}.json").read_text(encoding="utf-8"))
              for n in ("dang_phi_quy_mot", "chuyen_giao_hd42")]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_version_2_examples(data):
    doc = copy.deepcopy(data.draw(st.sampled_from(V2_BUNDLES)))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        # the v2 parts first: rubrics, fees, the meetings' new keys and quality records, profiles
        paths = [p for p, _v in _containers(doc) if p and (p[0] in ("rubrics", "fees", "profiles") or (
            p[0] == "meetings" and len(p) > 2 and p[2] in ("quality", "superior_notified_on", "docs_posted_on",
                                                          "committee_prepared_on", "results_posted_on",
                                                          "secret_content")))]
        path = data.draw(st.sampled_from(paths))
        parent, key = _get(doc, path[:-1]), path[-1]
        op = data.draw(st.sampled_from(["drop", "replace", "retype", "unknown", "duplicate", "number"]))
        if op == "drop":
            del parent[key]
        elif op == "replace":
            parent[key] = data.draw(json_values)
        elif op == "retype":
            value = parent[key]
            parent[key] = [value] if not isinstance(value, list) else {"x": value}
        elif op == "unknown" and isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=6))] = data.draw(json_scalars)
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif op == "number":
            parent[key] = data.draw(st.integers(min_value=-2, max_value=120) | st.sampled_from([10**12 + 1, 10**30]))
    check(json.dumps(doc, ensure_ascii=False))
