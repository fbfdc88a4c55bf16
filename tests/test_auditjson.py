"""chibo.interchange.auditjson writes exactly what ``json.dumps(indent=2, ensure_ascii=False)`` writes.

orjson formats the values an audit holds as :mod:`json` does; where the two part (a lone
surrogate, an integer beyond 64 bits, a non-string key), the writer falls back to :mod:`json`.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chibo.interchange import auditjson
from chibo.interchange.validate import parse_bundle
from chibo.rules import engine
from tests.test_audit_examples import CASES, EXAMPLES, _args

# The values an audit holds: strings (any text, control characters and non-ASCII included),
# integers, booleans, null, lists and objects with string keys.
audit_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def _expected(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@given(audit_values)
def test_dump_audit_is_json_dumps(value):
    assert auditjson.dump_audit(value) == _expected(value)


@pytest.mark.parametrize(
    "value",
    [
        {"text": "\ud800 lone surrogate"},
        {"count": 2**70},
        {1: "integer key"},
        [],
        {},
        {"escapes": "\"\\\n\t\x1f\x7f Đảng ủy"},
    ],
    ids=["surrogate", "big-int", "int-key", "empty-list", "empty-object", "escapes"],
)
def test_values_where_orjson_and_json_part_fall_back(value):
    assert auditjson.dump_audit(value) == _expected(value)


def test_escapes_written_exactly():
    assert auditjson.dump_audit({"a": "x\x1fy\"z"}) == '{\n  "a": "x\\u001fy\\"z"\n}\n'


def test_entry_text_indents_nested_lines():
    assert auditjson.entry_text({"id": "m1", "findings": ["A", "B"]}) == (
        '{\n      "id": "m1",\n      "findings": [\n        "A",\n        "B"\n      ]\n    }'
    )


@pytest.mark.parametrize("name", CASES)
def test_write_audit_writes_the_published_example(name):
    date_from, date_to, as_of = _args(name)
    bundle = parse_bundle((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    out = io.StringIO()
    auditjson.write_audit(out, bundle, date_from, date_to, as_of)
    assert out.getvalue() == (EXAMPLES / f"{name}.audit.json").read_text(encoding="utf-8")


def test_audit_dates_accepts_iso_strings_and_defaults_as_of():
    assert engine.audit_dates("2025-01-01", date(2025, 12, 31), None) == (
        date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 31))
    assert engine.audit_dates("2025-01-01", "2025-12-31", "2026-02-01")[2] == date(2026, 2, 1)
