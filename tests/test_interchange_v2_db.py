"""Version 2 over the database (bundle-v2.md "Commands"): the v2 examples imported, exported as
version 2 (the same bundle back), audited with `chibo audit --org` (version 2 by default) byte for
byte as the published audits; `--version 1` refused with every reason; exact query counts."""

from __future__ import annotations

import io
import json
import shlex
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from chibo.commands import BadInput
from chibo.interchange import auditjson
from chibo.interchange.db import (
    ImportConflict,
    audit_input,
    bundle_export,
    bundle_import,
    version_1_obstacles,
    write_bundle,
)
from chibo.interchange.validate import parse_bundle
from chibo.orgs.models import Organization
from chibo.rules.models import ScoringSheet
from tests.access_matrix import snapshot
from tests.test_interchange_db import canonical

pytestmark = pytest.mark.django_db
V1 = Path(__file__).parent / "data" / "examples"
V2 = Path(__file__).parent / "data" / "examples-v2"
CASES = ["chuyen_giao_hd42", "dang_phi_quy_mot"]


def load(name: str, folder: Path = V2) -> tuple[dict, Organization]:
    bundle = parse_bundle((folder / f"{name}.json").read_bytes())
    bundle_import(bundle)
    return bundle, Organization.objects.get(code=bundle["organizations"][0]["code"])


def period(name: str) -> tuple[date, date, date]:
    words = shlex.split((V2 / f"{name}.args").read_text(encoding="utf-8"))
    opts = dict(zip(words[::2], words[1::2], strict=True))
    return tuple(date.fromisoformat(opts[k]) for k in ("--from", "--to", "--as-of"))


def v2_canonical(bundle: dict) -> dict:
    out = canonical(bundle)
    out["fees"] = sorted(out["fees"], key=lambda f: f["member"])
    return out


@pytest.mark.parametrize("name", CASES)
def test_import_then_export_version_2_gives_the_bundle_back(name):
    bundle, root = load(name)
    exported = bundle_export(root, version=2)
    assert exported["version"] == 2
    assert v2_canonical(exported) == v2_canonical(bundle)
    out = io.StringIO()
    write_bundle(out, root, version=2)
    assert parse_bundle(out.getvalue()) == exported


@pytest.mark.parametrize("name", CASES)
def test_database_audit_version_2_is_the_published_audit(name, capsys):
    _bundle, root = load(name)
    d_from, d_to, as_of = period(name)
    expected = (V2 / f"{name}.audit.json").read_text(encoding="utf-8")
    out = io.StringIO()
    auditjson.write_audit(out, audit_input(root, d_from, d_to, version=2), d_from, d_to, as_of)
    assert out.getvalue() == expected
    call_command("audit", "--org", root.code, *shlex.split((V2 / f"{name}.args").read_text(encoding="utf-8")))
    assert capsys.readouterr().out == expected


def test_version_1_is_refused_with_every_reason():
    _bundle, root = load("dang_phi_quy_mot")
    reasons = version_1_obstacles(root)
    assert reasons[:5] == [
        "Bộ quy tắc của tổ chức CBKP2: tham số 'rulebook' chỉ có ở phiên bản 2.",
        "Bộ quy tắc của tổ chức CBKP2: tham số 'fee_unpaid_months' chỉ có ở phiên bản 2.",
        "Bộ quy tắc của tổ chức DBAP: bộ tiêu chí 'an-phu-2025' chỉ có ở phiên bản 2.",
        "Bộ quy tắc của tổ chức DBAP: tham số 'require_scorer' chỉ có ở phiên bản 2.",
        "Phiếu chấm điểm 'an-phu-2025' chỉ có ở phiên bản 2.",
    ]
    assert "Cuộc họp KP1-2026-01: phiếu đánh giá chất lượng (quality) chỉ có ở phiên bản 2." in reasons
    assert "Đảng viên K103: 3 tháng đảng phí chỉ có ở phiên bản 2." in reasons
    assert "Đảng viên K103: 1 quyết định miễn, giảm đảng phí chỉ có ở phiên bản 2." in reasons
    before = snapshot()
    with pytest.raises(BadInput) as exc:
        call_command("export", "--org", root.code, "--version", "1", stdout=io.StringIO())
    lines = str(exc.value).splitlines()
    assert lines == [*reasons, f"Không dùng được phiên bản 1: {len(reasons)} lý do; dùng --version 2."]
    with pytest.raises(BadInput) as exc:
        call_command("audit", "--org", root.code, "--from", "2026-01-01", "--to", "2026-03-31", "--version", "1")
    assert str(exc.value).splitlines() == lines
    assert snapshot() == before


def test_version_1_data_exports_and_audits_as_before(capsys, tmp_path):
    _bundle, root = load("quy_mot", V1)
    assert version_1_obstacles(root) == []
    args = (V1 / "quy_mot.args").read_text(encoding="utf-8").split()
    call_command("audit", "--org", root.code, *args, "--version", "1")
    assert capsys.readouterr().out == (V1 / "quy_mot.audit.json").read_text(encoding="utf-8")
    path = tmp_path / "v1.json"
    call_command("export", "--org", root.code, "--version", "1", "--output", str(path))
    assert parse_bundle(path.read_bytes()) == bundle_export(root)
    # the default is version 2: the same records with the new keys empty, no rubric, no fee
    call_command("export", "--org", root.code, "--output", str(path))
    v2 = parse_bundle(path.read_bytes())
    assert (v2["version"], v2["rubrics"], v2["fees"]) == (2, {}, [])
    assert {(m["quality"], m["secret_content"], m["docs_posted_on"]) for m in v2["meetings"]} == {(None, False, None)}


def test_file_audit_refuses_a_version_option():
    with pytest.raises(BadInput) as exc:
        call_command("audit", str(V2 / "dang_phi_quy_mot.json"), "--from", "2026-01-01", "--to", "2026-03-31",
                     "--version", "2")
    assert str(exc.value) == "--version chỉ dùng với --org (phiên bản của tệp là phiên bản ghi trong tệp)."


def test_import_refuses_a_sheet_code_already_stored():
    _bundle, root = load("dang_phi_quy_mot")
    doc = json.loads((V2 / "dang_phi_quy_mot.json").read_text(encoding="utf-8"))
    text = json.dumps(doc, ensure_ascii=False)
    for old, new in (("DBAP", "DBAQ"), ("CBKP", "CBKQ"), ('"K', '"Q'), ("KP1-", "QP1-"), ("KP2-", "QP2-")):
        text = text.replace(old, new)
    before = snapshot()
    with pytest.raises(ImportConflict) as exc:
        bundle_import(parse_bundle(text))
    assert exc.value.errors == [("$.rubrics.an-phu-2025", "phiếu chấm điểm 'an-phu-2025' đã có trong cơ sở dữ liệu")]
    assert snapshot() == before
    assert ScoringSheet.objects.get(code="an-phu-2025").organization == root


@pytest.mark.parametrize("name", CASES)
def test_version_2_export_constant_queries(django_assert_num_queries, name):
    # one cell of 6 members and no fee, or two cells of 7 members, a rubric and 7 ledgers: the same count
    # (18: the ledgers read with all of their members' memberships, which place each record)
    _bundle, root = load(name)
    with django_assert_num_queries(18):
        bundle_export(root, version=2)
    with django_assert_num_queries(8):
        version_1_obstacles(root)


def test_chibo_import_of_a_version_2_file(capsys):
    from chibo.fees.models import FeeRecord, Relief
    from chibo.meetings.models import Meeting, QualityRecord

    call_command("import", str(V2 / "dang_phi_quy_mot.json"))
    out = capsys.readouterr().out
    assert out == ("Đã nạp 3 tổ chức, 7 đảng viên, 5 cuộc họp, 1 lượt dự sinh hoạt.\n"
                   "Đã tính kết quả kiểm tra của 2 chi bộ-năm.\n")
    assert QualityRecord.objects.count() == 2
    assert (FeeRecord.objects.count(), Relief.objects.count()) == (22, 2)
    assert list(ScoringSheet.objects.values_list("code", "organization__code")) == [("an-phu-2025", "DBAP")]
    record = QualityRecord.objects.get(meeting__ident="KP1-2026-01")
    assert (record.scorer.code, record.status, record.groups["organisation"], record.official_grade) == (
        "K102", "adopted", 27, "")
    meeting = Meeting.objects.get(ident="KP1-2026-01")
    assert (meeting.docs_posted_on, meeting.secret_content) == (date(2026, 1, 1), False)


@pytest.mark.parametrize("name", CASES)
def test_exported_version_2_file_streams_to_the_database_audit(name, tmp_path, monkeypatch):
    from chibo.interchange.validate import parse_audit_input, stream

    _bundle, root = load(name)
    path = tmp_path / "v2.json"
    call_command("export", "--org", root.code, "--output", str(path))

    def refuse(_text):
        raise AssertionError("the streaming reader fell back to parse_bundle")

    monkeypatch.setattr(stream, "parse_bundle", refuse)
    d_from, d_to, as_of = period(name)
    with open(path, "rb") as fh:
        source = parse_audit_input(fh, d_from, d_to)
    out = io.StringIO()
    auditjson.write_audit(out, source, d_from, d_to, as_of)
    assert out.getvalue() == (V2 / f"{name}.audit.json").read_text(encoding="utf-8")


def test_the_demo_exports_a_valid_version_2_bundle_that_audits_as_the_database(settings):
    """The demo records HD 42 dates, quality records and fees through the services: its v2 export
    is a valid bundle, and its audit equals the audit over the database."""
    from chibo.orgs.demo import load_demo
    from chibo.rules.engine import audit

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(date(2025, 12, 20))
    root = Organization.objects.get(parent__isnull=True)
    out = io.StringIO()
    write_bundle(out, root, version=2)
    bundle = parse_bundle(out.getvalue())
    assert bundle["fees"] and any(m["quality"] for m in bundle["meetings"])
    period = (date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 20))
    from_db = io.StringIO()
    auditjson.write_audit(from_db, audit_input(root, *period[:2], version=2), *period)
    assert from_db.getvalue() == auditjson.dump_audit(audit(bundle, *period))
    assert '"rulebook": "hd42-2025"' in from_db.getvalue() and '"rulebook": "hd12-2018"' in from_db.getvalue()
