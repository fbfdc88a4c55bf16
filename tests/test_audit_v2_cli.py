"""`chibo audit FILE` on version-2 bundles (bundle-v2.md "Commands"): the audit's version is
the file's, printed byte for byte as the published examples; bad version-2 input exits 2 with
every problem; the streaming writer gives the same text as the whole audit."""

from __future__ import annotations

import copy
import io
import json
import shlex
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.interchange import auditjson
from chibo.interchange.auditcli import audit_file_input
from chibo.interchange.validate import parse_bundle
from chibo.rules.engine import audit
from tests.test_bundle_fuzz import _containers, _get, json_scalars, json_values

V2 = Path(__file__).parent / "data" / "examples-v2"
CASES = ["chuyen_giao_hd42", "dang_phi_quy_mot"]


def args_of(name: str) -> list[str]:
    return shlex.split((V2 / f"{name}.args").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_file_reader_and_streaming_writer_version_2(name):
    words = args_of(name)
    opts = dict(zip(words[::2], words[1::2], strict=True))
    d_from, d_to, as_of = (date.fromisoformat(opts[k]) for k in ("--from", "--to", "--as-of"))
    source = audit_file_input(str(V2 / f"{name}.json"), d_from, d_to)
    assert source.version == 2
    text = io.StringIO()
    auditjson.write_audit(text, source, d_from, d_to, as_of)
    assert text.getvalue() == (V2 / f"{name}.audit.json").read_text(encoding="utf-8")
    whole = auditjson.dump_audit(audit(parse_bundle((V2 / f"{name}.json").read_bytes()), d_from, d_to, as_of))
    assert whole == text.getvalue()


@pytest.mark.parametrize("name", CASES)
def test_chibo_audit_file_version_2(name, capfd):
    call_command("audit", str(V2 / f"{name}.json"), *args_of(name))
    captured = capfd.readouterr()
    assert captured.out == (V2 / f"{name}.audit.json").read_text(encoding="utf-8")


def test_bad_version_2_file_exits_2_with_every_problem(tmp_path, capfd):
    doc = json.loads((V2 / "dang_phi_quy_mot.json").read_text(encoding="utf-8"))
    doc["fees"][0]["months"]["2026-13"] = {"due": 1}
    doc["meetings"][0]["quality"]["status"] = "final"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("audit", str(path), "--from", "2026-01-01", "--to", "2026-03-31")
    assert exc.value.code == 2
    err = capfd.readouterr().err
    assert "$.meetings[0].quality.status" in err and "$.fees[0].months.2026-13" in err


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail the test if the streaming reader falls back to the whole-document parse."""
    from chibo.interchange.validate import stream

    def refuse(_text):
        raise AssertionError("the streaming reader fell back to parse_bundle")

    monkeypatch.setattr(stream, "parse_bundle", refuse)


@pytest.mark.parametrize("name", CASES)
def test_version_2_files_stream_without_the_whole_document(name, no_fallback):
    words = args_of(name)
    opts = dict(zip(words[::2], words[1::2], strict=True))
    d_from, d_to, as_of = (date.fromisoformat(opts[k]) for k in ("--from", "--to", "--as-of"))
    source = audit_file_input(str(V2 / f"{name}.json"), d_from, d_to)
    assert source.version == 2
    text = io.StringIO()
    auditjson.write_audit(text, source, d_from, d_to, as_of)
    assert text.getvalue() == (V2 / f"{name}.audit.json").read_text(encoding="utf-8")


def reordered(doc: dict, first: list[str]) -> bytes:
    return json.dumps({**{k: doc[k] for k in first}, **doc}, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("order", [
    ["format", "organizations", "version"],  # the version after a list
    ["format", "version", "organizations", "profiles"],  # the profiles after the organisations
    ["format", "version", "profiles", "organizations", "rubrics"],  # the rubrics after the organisations
    ["format", "version", "fees", "organizations"],  # the fees before the members
])
def test_version_2_in_another_order_is_read_whole_with_the_same_audit(order, tmp_path):
    name = "dang_phi_quy_mot"
    doc = json.loads((V2 / f"{name}.json").read_text(encoding="utf-8"))
    path = tmp_path / "x.json"
    path.write_bytes(reordered(doc, order))
    words = args_of(name)
    opts = dict(zip(words[::2], words[1::2], strict=True))
    d_from, d_to, as_of = (date.fromisoformat(opts[k]) for k in ("--from", "--to", "--as-of"))
    text = io.StringIO()
    auditjson.write_audit(text, audit_file_input(str(path), d_from, d_to), d_from, d_to, as_of)
    assert text.getvalue() == (V2 / f"{name}.audit.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", [
    lambda d: d["meetings"][0]["quality"]["groups"].update(time=5),  # an auto group entered
    lambda d: d["meetings"][0].update(results_posted_on="2025-01-01"),  # before the meeting
    lambda d: d["fees"][0]["months"].update({"2017-01": {"due": 1}}),  # no membership that month
    lambda d: d["profiles"]["DBAP"].update(rubric="khong-co"),
    lambda d: d["fees"].append({"member": "K101"}),
])
def test_bad_version_2_streams_to_the_same_errors_as_the_whole_document(change, tmp_path):
    from chibo.interchange.validate import BundleError

    doc = json.loads((V2 / "dang_phi_quy_mot.json").read_text(encoding="utf-8"))
    change(doc)
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    with pytest.raises(BundleError) as whole:
        parse_bundle(raw)
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    with pytest.raises(BundleError) as streamed:
        audit_file_input(str(path), date(2026, 1, 1), date(2026, 3, 31))
    assert streamed.value.errors == whole.value.errors and whole.value.errors


V2_DOCS = [json.loads((V2 / f"{n}.json").read_text(encoding="utf-8")) for n in CASES]


def _outcome(read, raw: bytes):
    from chibo.interchange.validate import BundleError

    period = (date(2025, 10, 1), date(2026, 3, 31), date(2026, 4, 2))
    try:
        source = read(raw, period[0], period[1])
    except BundleError as exc:
        return ("error", exc.errors)
    out = io.StringIO()
    auditjson.write_audit(out, source, *period)
    return ("audit", out.getvalue())


def _streamed(raw: bytes, date_from, date_to):
    from chibo.interchange.validate import parse_audit_input

    return parse_audit_input(io.BytesIO(raw), date_from, date_to)


def _whole(raw: bytes, date_from, date_to):
    from chibo.rules.engine import bundle_input

    return bundle_input(parse_bundle(raw), date_from, date_to)


@pytest.mark.parametrize("window", [1, 7, 4096])
@pytest.mark.parametrize("name", CASES)
def test_version_2_streamed_in_any_window(name, window, monkeypatch, no_fallback):
    from chibo.interchange.validate import stream

    monkeypatch.setattr(stream, "_READ_SIZE", window)
    raw = (V2 / f"{name}.json").read_bytes()
    assert _outcome(_streamed, raw) == _outcome(_whole, raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_version_2_files_stream_like_parse_bundle(data):
    doc = copy.deepcopy(data.draw(st.sampled_from(V2_DOCS)))
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
    raw = json.dumps(doc, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass")
    assert _outcome(_streamed, raw) == _outcome(_whole, raw)
