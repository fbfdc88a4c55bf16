"""The published examples: every tests/data/examples/NAME.json (version 1) and
tests/data/examples-v2/NAME.json (version 2) audited with NAME.args must give NAME.audit.json
byte for byte (copies of the specification's examples, docs/spec/; nothing else is read)."""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path

import pytest

from chibo.interchange.auditcli import audit_text
from chibo.interchange.auditjson import dump_audit
from chibo.interchange.validate import parse_bundle
from chibo.rules.engine import audit

DATA = Path(__file__).parent / "data"
CASES = sorted(
    f"{folder}/{p.stem}"
    for folder in ("examples", "examples-v2")
    for p in (DATA / folder).glob("*.json")
    if not p.name.endswith(".audit.json")
)
EXAMPLES = DATA  # NAME below is "examples/quy_mot" or "examples-v2/dang_phi_quy_mot"


def _args(name: str) -> tuple[date, date, date | None]:
    words = shlex.split((EXAMPLES / f"{name}.args").read_text(encoding="utf-8"))
    opts = dict(zip(words[::2], words[1::2], strict=True))
    as_of = opts.get("--as-of")
    return (
        date.fromisoformat(opts["--from"]),
        date.fromisoformat(opts["--to"]),
        date.fromisoformat(as_of) if as_of else None,
    )


def test_examples_are_present():
    assert {"examples/quy_mot", "examples/ho_so_nua_nam", "examples-v2/chuyen_giao_hd42",
            "examples-v2/dang_phi_quy_mot"} <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_example_audit_matches_byte_for_byte(name):
    date_from, date_to, as_of = _args(name)
    produced = audit_text((EXAMPLES / f"{name}.json").read_bytes(), date_from, date_to, as_of)
    expected = (EXAMPLES / f"{name}.audit.json").read_bytes()
    assert produced.encode("utf-8") == expected


@pytest.mark.parametrize("name", CASES)
def test_example_audit_from_text_input_and_engine_agree(name):
    date_from, date_to, as_of = _args(name)
    text = (EXAMPLES / f"{name}.json").read_text(encoding="utf-8")
    result = audit(parse_bundle(text), date_from, date_to, as_of)
    assert dump_audit(result) == (EXAMPLES / f"{name}.audit.json").read_text(encoding="utf-8")
    assert result["as_of"] == (as_of or date_to).isoformat()


@pytest.mark.parametrize("name", CASES)
def test_example_audit_does_not_mutate_bundle(name):
    date_from, date_to, as_of = _args(name)
    bundle = parse_bundle((EXAMPLES / f"{name}.json").read_bytes())
    before = repr(bundle)
    audit(bundle, date_from, date_to, as_of)
    assert repr(bundle) == before
