"""Validating a whole bundle (errors in document order) and writing one back as JSON."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from chibo.interchange.auditjson import gc_paused as _gc_paused
from chibo.interchange.validate.cross import _Cross
from chibo.interchange.validate.limits import DatabaseLimits, _Limits
from chibo.interchange.validate.loading import _load
from chibo.interchange.validate.messages import BundleError, _show, _type_name, format_path
from chibo.interchange.validate.schema import _TOP_SPEC, _Checker
from chibo.interchange.validate.v2 import TOP_SPEC_V2, CrossV2, prepare_checker

_MISSING_KEY = 1 << 30  # a key the object lacks sorts after the keys it has


def _position(doc: Any, path: tuple, cache: dict[int, dict[str, int]]) -> tuple[int, ...]:
    pos: list[int] = []
    node = doc
    for part in path:
        if type(part) is int:
            pos.append(part)
            node = node[part] if type(node) is list and part < len(node) else None
        else:
            if type(node) is dict:
                index = cache.get(id(node))
                if index is None:
                    index = {k: i for i, k in enumerate(node)}
                    cache[id(node)] = index
                pos.append(index.get(part, _MISSING_KEY))
                node = node.get(part)
            else:
                pos.append(_MISSING_KEY)
                node = None
    return tuple(pos)


def _validate(doc: Any, dups: dict[int, tuple[dict, list[str]]], check_chars: bool = True,
              limits: DatabaseLimits | None = None) -> dict:
    if type(doc) is not dict:
        raise BundleError([("$", f"bundle phải là một đối tượng JSON, không phải {_type_name(doc)}")])
    chk = _Checker(dups, check_chars)
    # Version 1 exactly as before; version 2 (or a bad version, reported alone) by bundle-v2.md.
    version = 1 if type(doc.get("version")) is int and doc["version"] == 1 else 2
    if version == 2:
        prepare_checker(chk, doc)
        norm = chk.obj(doc, (), TOP_SPEC_V2, "bundle")
        CrossV2(chk, doc, norm).run()
    else:
        norm = chk.obj(doc, (), _TOP_SPEC, "bundle")
        _Cross(chk, doc, norm).run()
    if limits is not None:
        _Limits(chk, norm, limits).run()
    if chk.errors:
        cache: dict[int, dict[str, int]] = {}
        keyed = [(_position(doc, path, cache), path, reason) for path, reason in chk.errors]
        keyed.sort(key=lambda e: e[0])
        raise BundleError([(format_path(path), reason) for _pos, path, reason in keyed])
    norm["format"] = "chibo-bundle"
    norm["version"] = version
    return norm


def parse_bundle(text: str | bytes, limits: DatabaseLimits | None = None) -> dict:
    """Parse and validate a bundle; return the normalized dict or raise :class:`BundleError`.

    With ``limits`` (``chibo import``) also check what the database stores: codes in the safe
    alphabet, integers within their columns, text sizes, rows per meeting and dates (see
    :class:`DatabaseLimits`); those problems are reported with the others, in document order."""
    try:
        with _gc_paused():
            doc, dups, check_chars = _load(text)
            return _validate(doc, dups, check_chars, limits)
    except BundleError:
        raise
    except RecursionError:  # pragma: no cover - defensive
        raise BundleError([("$", "JSON lồng nhau quá sâu")]) from None
    except Exception as exc:  # pragma: no cover - defensive: never leak anything else
        raise BundleError([("$", f"không đọc được bundle: {_show(type(exc).__name__)}")]) from None



def validate_document(doc: Any, limits: DatabaseLimits | None = None) -> dict:
    """Validate an already-decoded JSON document (duplicate keys cannot be seen any more)."""
    try:
        return _validate(doc, {}, True, limits)
    except BundleError:
        raise
    except Exception as exc:  # pragma: no cover - defensive
        raise BundleError([("$", f"không đọc được bundle: {_show(type(exc).__name__)}")]) from None


def _jsonable(value: Any) -> Any:
    if type(value) is date:
        return value.isoformat()
    if type(value) is time:
        return f"{value.hour:02d}:{value.minute:02d}"
    if type(value) is dict:
        return {k: _jsonable(v) for k, v in value.items()}
    if type(value) is list:
        return [_jsonable(v) for v in value]
    return value


def bundle_to_json(bundle: dict) -> dict:
    """A normalized bundle as JSON-ready data: ISO dates, ``HH:MM`` times, keys in bundle.md order."""
    return _jsonable(bundle)


def dump_bundle(bundle: dict) -> str:
    """A normalized bundle as UTF-8 JSON text (``indent=1``, non-ASCII kept)."""
    return json.dumps(bundle_to_json(bundle), indent=1, ensure_ascii=False) + "\n"
