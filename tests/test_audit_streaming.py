"""The streaming paths give exactly what the whole-document paths give.

* ``auditjson.write_audit`` writes, byte for byte, ``dump_audit(audit(...))``;
* ``validate.parse_audit_input`` (a bundle file read piece by piece, with the whole-document
  parse as fallback) gives the same audit as ``parse_bundle``, and the very same errors on bad
  input;
* ``db.audit_input`` (the database read month by month) gives the same audit as
  ``db.audit_bundle``; ``db.write_bundle`` (``chibo export``) writes the bundle of
  ``db.bundle_export``;

on the examples and on a small generated province (a year of meetings).
"""

from __future__ import annotations

import copy
import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from chibo.interchange import auditjson, db
from chibo.interchange.auditcli import audit_file_input
from chibo.interchange.db import audit_bundle, audit_input, bundle_export, bundle_import, write_bundle
from chibo.interchange.generate import generate_province
from chibo.interchange.validate import BundleError, parse_audit_input, parse_bundle, stream
from chibo.orgs.models import Organization
from chibo.rules import engine
from tests.test_bundle_fuzz import BUNDLES, FUZZ, _containers, _get, json_scalars, json_values

EXAMPLES = Path(__file__).parent / "data" / "examples"
CASES = sorted(p.stem for p in EXAMPLES.glob("*.json") if not p.name.endswith(".audit.json"))


def args(case: str) -> tuple[date, date, date | None]:
    words = (EXAMPLES / f"{case}.args").read_text().split()
    opts = dict(zip(words[::2], words[1::2], strict=True))
    as_of = opts.get("--as-of")
    return date.fromisoformat(opts["--from"]), date.fromisoformat(opts["--to"]), as_of and date.fromisoformat(as_of)


def expected(case: str) -> str:
    return (EXAMPLES / f"{case}.audit.json").read_text(encoding="utf-8")


def written(source, *period) -> str:
    out = io.StringIO()
    auditjson.write_audit(out, source, *period)
    return out.getvalue()


def reference(bundle, *period) -> str:
    return auditjson.dump_audit(engine.audit(bundle, *period))


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail the test if parse_audit_input falls back to the whole-document parse."""

    def refuse(_text):
        raise AssertionError("the streaming reader fell back to parse_bundle")

    monkeypatch.setattr(stream, "parse_bundle", refuse)


def streamed(raw: bytes, date_from: date, date_to: date, _as_of: date | None = None):
    return parse_audit_input(io.BytesIO(raw), date_from, date_to)


# --- the engine ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_write_audit_is_dump_audit_byte_for_byte(case):
    bundle = parse_bundle((EXAMPLES / f"{case}.json").read_bytes())
    period = args(case)
    assert written(bundle, *period) == reference(bundle, *period) == expected(case)


def test_write_audit_of_nothing_and_of_odd_periods():
    bundle = parse_bundle((EXAMPLES / "quy_mot.json").read_bytes())
    for period in [(date(2030, 1, 1), date(2030, 12, 31)), (date(2025, 2, 1), date(2025, 1, 1)),
                   (date(2025, 2, 1), date(2025, 2, 28), date(2025, 2, 10)), (date(2024, 7, 1), date(2025, 6, 30))]:
        assert written(bundle, *period) == reference(bundle, *period)
    assert '"meetings": [],' in written(bundle, date(2030, 1, 1), date(2030, 12, 31))


def test_write_audit_in_several_writes(monkeypatch):
    monkeypatch.setattr(auditjson, "WRITE_BATCH", 1)
    bundle = parse_bundle((EXAMPLES / "ho_so_nua_nam.json").read_bytes())
    assert written(bundle, *args("ho_so_nua_nam")) == expected("ho_so_nua_nam")


def test_meetings_out_of_order_are_refused():
    bundle = parse_bundle((EXAMPLES / "quy_mot.json").read_bytes())
    source = engine.bundle_input(bundle, date(2025, 1, 1), date(2025, 3, 31))
    source = source._replace(meetings=list(source.meetings)[::-1])
    with pytest.raises(ValueError, match="order"):
        written(source, date(2025, 1, 1), date(2025, 3, 31))


def test_meeting_facts_keep_what_the_rules_read():
    bundle = parse_bundle((EXAMPLES / "quy_mot.json").read_bytes())
    meeting = bundle["meetings"][0]
    facts = engine.meeting_facts(meeting)
    rows = meeting["attendance"]
    assert set(facts.statuses) == {r["member"] for r in rows}
    assert all(facts.statuses[r["member"]][0] == r["status"] for r in rows)
    assert facts.has_speeches == bool(meeting["speeches"])
    assert set(facts.speakers) == {s["member"] for s in meeting["speeches"]}
    codes = {r["member"]: r["member"] for r in rows}
    shared = engine.meeting_facts(meeting, intern=codes)
    assert all(any(k is c for c in codes.values()) for k in shared.statuses)


# --- the file, read piece by piece -----------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("window", [1, 7, 64, 4096, 1 << 22])
def test_file_streamed_in_any_window_gives_the_expected_audit(case, window, monkeypatch, no_fallback):
    monkeypatch.setattr(stream, "_READ_SIZE", window)
    period = args(case)
    source = streamed((EXAMPLES / f"{case}.json").read_bytes(), *period)
    assert written(source, *period) == expected(case)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("layout", ["compact", "indent", "ascii", "bom", "crlf", "tabs", "numbers"])
def test_file_streamed_whatever_the_layout(case, layout, monkeypatch, no_fallback):
    monkeypatch.setattr(stream, "_READ_SIZE", 5)
    doc = json.loads((EXAMPLES / f"{case}.json").read_text(encoding="utf-8"))
    if layout == "compact":
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    elif layout == "indent":
        text = json.dumps(doc, ensure_ascii=False, indent=4)
    elif layout == "ascii":
        text = json.dumps(doc, ensure_ascii=True)
    elif layout == "bom":
        text = "\ufeff" + json.dumps(doc, ensure_ascii=False)
    elif layout == "crlf":
        text = json.dumps(doc, ensure_ascii=False, indent=1).replace("\n", "\r\n") + "\r\n"
    elif layout == "tabs":
        text = json.dumps(doc, ensure_ascii=False, indent="\t")
    else:  # version and counts at the very end of windows
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).replace('"version":1', '"version": 1')
    period = args(case)
    assert written(streamed(text.encode("utf-8"), *period), *period) == expected(case)


def test_file_in_another_key_order_falls_back_to_the_same_audit():
    doc = json.loads((EXAMPLES / "ho_so_nua_nam.json").read_text(encoding="utf-8"))
    reordered = {k: doc[k] for k in reversed(list(doc))}  # visits, meetings, members, ...
    period = args("ho_so_nua_nam")
    assert written(streamed(json.dumps(reordered).encode(), *period), *period) == expected("ho_so_nua_nam")


def outcome(read, raw: bytes):
    period = (date(2024, 1, 1), date(2025, 12, 31), date(2025, 6, 30))
    try:
        source = read(raw, period[0], period[1])
    except BundleError as exc:
        return ("error", exc.errors)
    return ("audit", written(source, *period))


def by_parse_bundle(raw, date_from, date_to):
    return engine.bundle_input(parse_bundle(raw), date_from, date_to)


def same_outcome(raw: bytes) -> None:
    assert outcome(streamed, raw) == outcome(by_parse_bundle, raw)


def test_bad_files_give_the_errors_of_parse_bundle():
    text = (EXAMPLES / "quy_mot.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    broken = copy.deepcopy(doc)
    broken["meetings"][1]["attendance"][0]["member"] = "NOBODY"
    broken["meetings"][2]["votes"][0]["for"] = -1
    broken["members"][0]["colour"] = "đỏ"
    samples = [
        json.dumps(broken, ensure_ascii=False),
        text[: len(text) // 2],  # cut short
        text + " {}",  # data after the document
        text.replace('"version": 1', '"version": 1, "version": 1', 1),  # a key twice
        text.replace('"present"', '"pres\\u0000ent"', 1),  # NUL
        text.replace('"present"', '"\\ud800"', 1),  # a lone surrogate
        text.replace('"for": 7', '"for": NaN', 1),
        "[]", "", "{}", "null",
    ]
    assert all(sample != text for sample in samples)
    for sample in samples:
        raw = sample.encode("utf-8")
        assert outcome(streamed, raw)[0] == "error"
        same_outcome(raw)
    same_outcome(text.encode("utf-8")[:-3] + b"\xff\xfe}")  # not UTF-8


@FUZZ
@given(data=st.data())
def test_mutated_files_stream_like_parse_bundle(data):
    doc = copy.deepcopy(data.draw(st.sampled_from(BUNDLES)))
    for _ in range(data.draw(st.integers(min_value=0, max_value=3))):
        paths = [p for p, _v in _containers(doc) if p]
        path = data.draw(st.sampled_from(paths))
        parent, key = _get(doc, path[:-1]), path[-1]
        op = data.draw(st.sampled_from(["drop", "replace", "unknown", "duplicate"]))
        if op == "drop":
            del parent[key]
        elif op == "replace":
            parent[key] = data.draw(json_values)
        elif op == "unknown" and isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=6))] = data.draw(json_scalars)
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    same_outcome(json.dumps(doc, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.data())
def test_corrupted_files_stream_like_parse_bundle(data):
    text = json.dumps(data.draw(st.sampled_from(BUNDLES)), ensure_ascii=False)
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=min(len(text), start + 20)))
    insert = data.draw(st.sampled_from(["", ",", "{", "}", "[", "]", '"', ":", "null", '"a": 1,', "\\u0000",
                                        '"format": "x",', "1e999", "-", " 1"]))
    same_outcome((text[:start] + insert + text[end:]).encode("utf-8"))


def test_audit_file_input_reads_a_path_or_standard_input(tmp_path, monkeypatch):
    raw = (EXAMPLES / "quy_mot.json").read_bytes()
    path = tmp_path / "b.json"
    path.write_bytes(raw)
    period = args("quy_mot")
    assert written(audit_file_input(str(path), period[0], period[1]), *period) == expected("quy_mot")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert written(audit_file_input("-", period[0], period[1]), *period) == expected("quy_mot")


# --- the database ---------------------------------------------------------------------------


PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31), None),
    (date(2025, 4, 1), date(2025, 9, 30), date(2025, 8, 15)),
    (date(2025, 12, 1), date(2026, 2, 28), None),
]


@pytest.fixture
def small_province(db):
    # version 1: what a version-1 export carries (the HD 42 fields and fees are version 2's)
    generate_province(members=300, cells=12, seed=5, months=12, year=2025, version=1)
    return Organization.objects.get(code="T01")


@pytest.mark.parametrize("chunk", [db.CHUNK_MEETINGS, 7])
def test_database_audit_streams_like_audit_bundle(small_province, chunk, monkeypatch):
    monkeypatch.setattr(db, "CHUNK_MEETINGS", chunk)
    for date_from, date_to, as_of in PERIODS:
        text = reference(audit_bundle(small_province, date_from, date_to), date_from, date_to, as_of)
        assert written(audit_input(small_province, date_from, date_to), date_from, date_to, as_of) == text
    assert '"REMOVAL_REVIEW"' in text or '"TASK_OVERDUE"' in text  # cell findings are exercised
    cell = Organization.objects.filter(kind="chi_bo").order_by("code").first()
    period = PERIODS[0]
    assert written(audit_input(cell, *period[:2]), *period) == reference(audit_bundle(cell, *period[:2]), *period)


@pytest.mark.parametrize("chunk", [db.CHUNK_MEETINGS, 7])
def test_export_writes_the_bundle_of_bundle_export(small_province, chunk, monkeypatch):
    monkeypatch.setattr(db, "CHUNK_MEETINGS", chunk)
    for date_from, date_to in [(None, None), (date(2025, 3, 1), date(2025, 5, 31))]:
        out = io.StringIO()
        write_bundle(out, small_province, date_from, date_to)
        assert parse_bundle(out.getvalue()) == bundle_export(small_province, date_from, date_to)


def test_exported_file_streams_to_the_database_audit(small_province, tmp_path, monkeypatch, no_fallback):
    path = tmp_path / "bundle.json"
    call_command("export", "--org", "T01", "--output", str(path), "--version", "1")
    period = PERIODS[1]
    from_db = written(audit_input(small_province, *period[:2]), *period)
    with open(path, "rb") as fh:
        assert written(parse_audit_input(fh, *period[:2]), *period) == from_db


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_examples_through_the_database_stream(case, monkeypatch):
    monkeypatch.setattr(db, "CHUNK_MEETINGS", 1)
    bundle_import(parse_bundle((EXAMPLES / f"{case}.json").read_bytes()))
    root = Organization.objects.get(parent__isnull=True)
    period = args(case)
    assert written(audit_input(root, *period[:2]), *period) == expected(case)
    out = io.StringIO()
    write_bundle(out, root)
    assert parse_bundle(out.getvalue()) == bundle_export(root)
