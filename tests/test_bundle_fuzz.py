"""Fuzzing parse_bundle: whatever the input, it returns a normalized bundle or raises BundleError,
never anything else; and a bundle it accepts can always be audited."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.interchange.auditjson import dump_audit
from chibo.interchange.validate import BundleError, parse_bundle
from chibo.rules.engine import audit

EXAMPLES = Path(__file__).parent / "data" / "examples"
BUNDLES = [
    json.loads(p.read_text(encoding="utf-8"))
    for p in sorted(EXAMPLES.glob("*.json"))
    if not p.name.endswith(".audit.json")
]

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_MORE = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["", " ", "2025-01-03", "2025-02-30", "19:30", "24:00", "present", "regular", "chi_bo",
                       "CB1", "CBLA", "TP1", "LA01", "TP101", "M99", "secret_ballot", "hd12-default", "\x00",
                       "\ud800"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def check(text):
    try:
        bundle = parse_bundle(text)
    except BundleError as exc:
        assert exc.errors and all(isinstance(p, str) and isinstance(r, str) and r for p, r in exc.errors)
        return
    assert isinstance(bundle, dict)
    # an accepted bundle is auditable, and its audit is printable
    result = audit(bundle, date(2024, 1, 1), date(2025, 12, 31), date(2025, 6, 30))
    dump_audit(result).encode("utf-8")


def _containers(doc, path=()):
    yield path, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _containers(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _containers(v, path + (i,))


def _get(doc, path):
    for part in path:
        doc = doc[part]
    return doc


@FUZZ_MORE
@given(data=st.data())
def test_mutated_examples(data):
    doc = copy.deepcopy(data.draw(st.sampled_from(BUNDLES)))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p, v in _containers(doc) if p]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent, key = _get(doc, path[:-1]), path[-1]
        op = data.draw(st.sampled_from(["drop", "replace", "retype", "unknown", "duplicate", "swap"]))
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
        elif op == "swap":
            other = _get(doc, data.draw(st.sampled_from(paths)))
            parent[key] = copy.deepcopy(other) if other is not doc else None
    check(json.dumps(doc, ensure_ascii=data.draw(st.booleans())))


@FUZZ
@given(value=json_values)
def test_random_json(value):
    check(json.dumps(value))


@FUZZ
@given(value=st.dictionaries(st.sampled_from(["format", "version", "organizations", "members", "meetings",
                                              "visits", "profiles", "other"]), json_values, max_size=7))
def test_random_top_level_objects(value):
    check(json.dumps(value))


@FUZZ
@given(data=st.data())
def test_text_level_corruption(data):
    text = json.dumps(data.draw(st.sampled_from(BUNDLES)), ensure_ascii=False)
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=min(len(text), start + 20)))
    insert = data.draw(st.sampled_from(["", ",", "{", "}", "[", "]", '"', ":", "null", '"a": 1,', "\\u0000",
                                        '"format": "x",', "1e999", "-"]))
    raw = (text[:start] + insert + text[end:]).encode("utf-8")
    if data.draw(st.booleans()):
        raw = raw + data.draw(st.binary(max_size=3))
    check(raw)


@FUZZ
@given(raw=st.binary(max_size=64) | st.text(max_size=64))
def test_random_bytes_and_text(raw):
    check(raw)
