"""Bundle import/export through the database: the audit over the database equals the audit over
the file; import is all-or-nothing; import then export gives back an equivalent bundle."""

import copy
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.interchange import auditjson
from chibo.interchange.db import ImportConflict, bundle_export, bundle_import
from chibo.interchange.validate import BundleError, bundle_to_json, parse_bundle
from chibo.orgs.models import Organization
from chibo.rules import engine
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parent / "data" / "examples"
CASES = sorted(p.stem for p in EXAMPLES.glob("*.json") if not p.name.endswith(".audit.json"))


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    import sys

    old = sys.stdout
    sys.stdout = out
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdout = old
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", CASES)
def test_audit_over_database_equals_audit_over_file(case):
    path = EXAMPLES / f"{case}.json"
    args = (EXAMPLES / f"{case}.args").read_text().split()
    expected = (EXAMPLES / f"{case}.audit.json").read_text(encoding="utf-8")
    code, out, _ = run("import", str(path))
    assert code == 0 and out.startswith("Đã nạp ")
    root = json.loads(path.read_text(encoding="utf-8"))["organizations"][0]["code"]
    code, from_file, _ = run("audit", str(path), *args)
    assert code == 0 and from_file == expected
    code, from_db, _ = run("audit", "--org", root, *args, "--version", "1")
    assert code == 0 and from_db == expected


def test_bad_bundle_exit_2_names_paths_and_saves_nothing(tmp_path):
    doc = json.loads((EXAMPLES / "quy_mot.json").read_text(encoding="utf-8"))
    doc["meetings"][1]["attendance"][0]["member"] = "NOBODY"
    doc["meetings"][2]["votes"][0]["for"] = -1
    doc["members"][0]["colour"] = "đỏ"
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    code, out, err = run("import", str(f))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "$.members[0].colour", "$.meetings[1].attendance[0].member", "$.meetings[2].votes[0].for"]
    assert lines[-1] == "Dữ liệu không hợp lệ: 3 lỗi; không có gì được lưu."
    assert snapshot() == before


def test_second_import_conflicts_and_changes_nothing():
    text = (EXAMPLES / "quy_mot.json").read_bytes()
    bundle_import(parse_bundle(text))
    before = snapshot()
    with pytest.raises(ImportConflict) as exc:
        bundle_import(parse_bundle(text))
    assert exc.value.errors[0] == ("$.organizations[0].code", "mã tổ chức 'DBLX' đã có trong cơ sở dữ liệu")
    assert len(exc.value.errors) == 2 + 8 + 4
    assert snapshot() == before


def test_too_long_text_is_bad_input_not_a_crash():
    doc = json.loads((EXAMPLES / "quy_mot.json").read_text(encoding="utf-8"))
    doc["members"][2]["full_name"] = "Nguyễn " * 30
    before = snapshot()
    with pytest.raises(ImportConflict) as exc:
        bundle_import(parse_bundle(json.dumps(doc)))
    assert exc.value.errors == [("$.members[2].full_name", "dài 210 ký tự, tối đa 120 ký tự")]
    assert snapshot() == before


def canonical(bundle: dict) -> dict:
    """Order-insensitive view of a normalized bundle (export orders lists by code/date)."""
    b = copy.deepcopy(bundle_to_json(bundle))
    b["organizations"].sort(key=lambda o: o["code"])
    b["members"].sort(key=lambda m: m["code"])
    for m in b["members"]:
        m["memberships"].sort(key=lambda p: p["from"])
        for k in ("exempt", "away"):
            m[k].sort(key=lambda p: p["from"])
    b["meetings"].sort(key=lambda m: (m["date"], m["id"]))
    b["visits"].sort(key=lambda v: (v["date"], v["organization"], v["visitor"] or "", v["committee"] or ""))
    return b


@pytest.mark.parametrize("case", CASES)
def test_round_trip_examples(case):
    original = parse_bundle((EXAMPLES / f"{case}.json").read_bytes())
    bundle_import(original)
    root = Organization.objects.get(parent__isnull=True)
    exported = bundle_export(root)
    assert canonical(exported) == canonical(original)
    # and the exported text is itself a valid bundle that parses to the same thing
    assert canonical(parse_bundle(json.dumps(bundle_to_json(exported)))) == canonical(original)


# --- property-based round trip ------------------------------------------------------------

texts = st.one_of(st.none(), st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠ ", min_size=1, max_size=12)
                  .filter(lambda s: s.strip()))


@st.composite
def bundles(draw):
    n_cells = draw(st.integers(1, 2))
    cells = [f"C{i}" for i in range(n_cells)]
    orgs = [{"code": "R", "name": "Đảng bộ xã", "kind": "dang_bo_co_so", "parent": None}]
    orgs += [{"code": c, "name": f"Chi bộ {c}", "kind": "chi_bo", "parent": "R",
              "established_on": draw(st.sampled_from([None, "2020-01-01"]))} for c in cells]
    members = []
    for i in range(draw(st.integers(1, 5))):
        joined = draw(st.sampled_from(["2010-01-01", "2024-06-01", None]))
        members.append({
            "code": f"M{i}", "full_name": draw(texts) or f"Người {i}", "gender": draw(st.sampled_from(["nam", "nu", None])),
            "joined_on": joined, "official_on": draw(st.sampled_from([None, "2025-01-01"])) if joined else None,
            "memberships": [{"organization": draw(st.sampled_from(cells)), "from": "2020-01-01", "to": None}],
            "exempt": draw(st.sampled_from([[], [{"from": "2025-03-01", "to": None, "reason": "Tuổi cao"}]])),
            "away": draw(st.sampled_from([[], [{"from": "2025-01-01", "to": "2025-02-01", "reason": None}]])),
        })
    meetings = []
    for j in range(draw(st.integers(0, 4))):
        cell = draw(st.sampled_from(cells))
        roll = [m["code"] for m in members if m["memberships"][0]["organization"] == cell]
        att = []
        for code in draw(st.lists(st.sampled_from(roll), unique=True)) if roll else []:
            status = draw(st.sampled_from(["present", "late", "absent_excused", "absent_unexcused"]))
            att.append({"member": code, "status": status,
                        "reason": draw(texts) if status == "absent_excused" else None})
        method = draw(st.sampled_from(["show_of_hands", "secret_ballot"]))
        meetings.append({
            "id": f"{cell}-{j}", "organization": cell,
            "kind": draw(st.sampled_from(["regular", "thematic", "combined", "extraordinary"])),
            "date": f"2025-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
            "start": draw(st.sampled_from([None, "19:30"])), "end": draw(st.sampled_from([None, "21:30"])),
            "place": draw(texts), "chair": draw(st.sampled_from([None, *roll])),
            "secretary": draw(st.sampled_from([None, *roll])), "notice_sent_on": None, "topic": draw(texts),
            "rescheduled_reason": None,
            "guests": [{"name": "Trần Văn Bình", "title": draw(texts), "organization": None}] if draw(st.booleans()) else [],
            "attendance": att,
            "speeches": [{"member": s, "item": draw(texts), "summary": draw(texts)}
                         for s in draw(st.lists(st.sampled_from(roll), max_size=3))] if roll else [],
            "votes": [{"kind": draw(st.sampled_from(["resolution", "election", "admission"])), "subject": draw(texts),
                       "method": method, "for": draw(st.integers(0, 9)), "against": draw(st.integers(0, 3)),
                       "abstain": 0, "invalid": draw(st.integers(0, 2)) if method == "secret_ballot" else 0}
                      for _ in range(draw(st.integers(0, 2)))],
            "tasks": [{"assignee": draw(st.sampled_from([None, *roll])), "description": draw(texts),
                       "due": draw(st.sampled_from([None, "2025-12-31"])), "done_on": None}
                      for _ in range(draw(st.integers(0, 2)))],
            "conclusion": draw(texts),
            "manual_scores": {"preparation": draw(st.sampled_from([None, 0, 10])), "conduct": None,
                              "principles": draw(st.sampled_from([None, 7]))},
        })
    visits = [{"organization": draw(st.sampled_from(cells)), "date": "2025-03-03", "visitor": draw(texts),
               "committee": "R"} for _ in range(draw(st.integers(0, 2)))]
    profiles = draw(st.sampled_from([{}, {"R": {"regular_meeting_day": 5}}, {"C0": {"min_attendance_rate": 80}}]))
    return {"format": "chibo-bundle", "version": 1, "profiles": profiles, "organizations": orgs,
            "members": members, "meetings": meetings, "visits": visits}


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=bundles())
def test_round_trip_property(db, doc):
    original = parse_bundle(json.dumps(doc, ensure_ascii=False))
    try:
        with transaction.atomic():
            bundle_import(original)
            exported = bundle_export(Organization.objects.get(code="R"))
            assert canonical(exported) == canonical(original)
            expected = auditjson.dump_audit(engine.audit(original, date(2025, 1, 1), date(2025, 12, 31)))
            assert auditjson.dump_audit(engine.audit(exported, date(2025, 1, 1), date(2025, 12, 31))) == expected
            raise Rollback
    except Rollback:
        pass


# --- importer fuzz: a clean error and no write, or a complete import ----------------------

BASE = json.loads((EXAMPLES / "quy_mot.json").read_text(encoding="utf-8"))


@st.composite
def mutated(draw):
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(["member", "meeting", "attendance", "vote", "org"]))
        value = draw(st.one_of(st.none(), st.integers(-3, 10**6), st.text(max_size=300), st.booleans(),
                               st.sampled_from(["2025-02-30", "25:00", "LA99", "CBLA", "x" * 600])))
        if target == "member":
            m = draw(st.sampled_from(doc["members"]))
            m[draw(st.sampled_from(["code", "full_name", "official_on", "joined_on", "gender"]))] = value
        elif target == "meeting":
            m = draw(st.sampled_from(doc["meetings"]))
            m[draw(st.sampled_from(["id", "date", "start", "end", "place", "chair", "topic", "kind"]))] = value
        elif target == "attendance":
            a = draw(st.sampled_from(draw(st.sampled_from(doc["meetings"]))["attendance"]))
            a[draw(st.sampled_from(["member", "status", "reason"]))] = value
        elif target == "vote":
            v = draw(st.sampled_from(draw(st.sampled_from(doc["meetings"]))["votes"]))
            v[draw(st.sampled_from(["for", "against", "method", "kind", "subject"]))] = value
        else:
            o = draw(st.sampled_from(doc["organizations"]))
            o[draw(st.sampled_from(["code", "name", "kind", "parent"]))] = value
    return doc


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=mutated())
def test_import_fuzz_never_partial(db, doc):
    before = snapshot()
    try:
        with transaction.atomic():
            try:
                bundle_import(parse_bundle(json.dumps(doc, ensure_ascii=False)))
            except (BundleError, ImportConflict) as exc:
                assert exc.errors and all(path.startswith("$") and reason for path, reason in exc.errors)
                assert snapshot() == before
                raise Rollback from None
            assert Organization.objects.count() == len(doc["organizations"])
            raise Rollback
    except Rollback:
        pass
    assert snapshot() == before
