"""`chibo audit FILE` on version-2 bundles (bundle-v2.md "Commands"): the audit's version is
the file's, printed byte for byte as the published examples; bad version-2 input exits 2 with
every problem; the streaming writer gives the same text as the whole audit."""

from __future__ import annotations

import io
import json
import shlex
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from chibo.interchange import auditjson
from chibo.interchange.auditcli import audit_file_input
from chibo.interchange.validate import parse_bundle
from chibo.rules.engine import audit

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
