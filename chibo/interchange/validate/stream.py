"""Streaming: a bundle file validated piece by piece, for the audit.

A hand-written incremental reader over the standard library's JSON scanner: it yields the
bundle's top-level lists one item at a time with the same error paths and messages as the
whole-document validator, and falls back to reading the whole document when a bundle comes in
an unusual order. Kept rather than ijson: the messages and paths the tests pin come from
``json``'s own scanner, which ijson does not reproduce."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO

from chibo.interchange.auditjson import gc_paused as _gc_paused
from chibo.interchange.validate.cross import _Cross
from chibo.interchange.validate.document import parse_bundle
from chibo.interchange.validate.loading import _reject_constant
from chibo.interchange.validate.schema import (
    _MEETING_SPEC,
    _MEMBER_SPEC,
    _ORG_SPEC,
    _TOP_SPEC,
    _VISIT_SPEC,
    _Checker,
)
from chibo.interchange.validate.v2 import MEETING_SPEC_V2, TOP_SPEC_V2, CrossV2, prepare_checker
from chibo.rules.engine import AuditInput, MeetingFacts, RollIndex, bundle_input, meeting_facts


class _Fallback(Exception):
    """The streaming reader cannot vouch for the input: parse it whole (:func:`parse_bundle`)."""


#: A ``\u`` escape that may make a NUL or a lone surrogate (``_load`` then checks every string).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")
_WS = re.compile(r"[ \t\n\r]*")
_READ_SIZE = 1 << 22  # characters decoded at a time (and the least a buffer grows by)
_NEAR_END = 64  # a decoding error this close to the end of the window may be the window's end


def _strict_hook(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # a duplicate key: only the whole-document parse reports it
        raise _Fallback
    return obj


class _TextStream:
    """JSON values read one at a time from a UTF-8 byte stream, through a sliding text window.

    Only a window of the text is ever decoded (a few megabytes): a value is decoded with the C
    decoder of :mod:`json` (``raw_decode``) at the current position, and when it runs past the
    end of the window the window grows and the value is decoded again.  Anything unusual --
    invalid UTF-8 or JSON, a duplicate key, a ``\\u`` escape that may hide a NUL or a lone
    surrogate -- raises :class:`_Fallback`.
    """

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.raw_decode = json.JSONDecoder(object_pairs_hook=_strict_hook, parse_constant=_reject_constant).raw_decode
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._grow(_READ_SIZE)
        if self.buf.startswith("\ufeff"):  # a byte-order mark is ignored (as by parse_bundle)
            self.pos = 1

    def _grow(self, at_least: int) -> bool:
        """Append at least ``at_least`` more characters (fewer at the end); False at the end."""
        if self.eof:
            return False
        pieces = []
        count = 0
        try:
            while count < at_least:
                data = self.fh.read(max(at_least - count, _READ_SIZE))
                text = self.decoder.decode(data, final=not data)
                pieces.append(text)
                count += len(text)
                if not data:
                    self.eof = True
                    break
        except UnicodeDecodeError:
            raise _Fallback from None
        self.buf = self.buf[self.pos :] + "".join(pieces)
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end); does not consume it."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._grow(_READ_SIZE):
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise _Fallback
        self.pos += 1

    def value(self) -> Any:
        """Decode the JSON value at the current position (growing the window as needed)."""
        self.peek()
        while True:
            try:
                obj, end = self.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # When the value runs past the window, decoding stops at the end of the window
                # (or, in a string, reports where the string starts): grow the window (at least
                # double what the value has) and decode again.  An error elsewhere is bad input.
                at_end = exc.pos >= len(self.buf) - _NEAR_END or exc.msg.startswith("Unterminated string")
                if at_end and self._grow(max(len(self.buf) - self.pos, _READ_SIZE)):
                    continue
                raise _Fallback from None
            except _Fallback:
                raise
            except Exception:  # NaN and the like, an integer too long, nesting too deep
                raise _Fallback from None
            if end == len(self.buf) and self._grow(_READ_SIZE):
                continue  # a number at the end of the window may go on
            if _SUSPECT_ESCAPE.search(self.buf, self.pos, end):
                raise _Fallback
            self.pos = end
            return obj

    def items(self) -> Iterator[Any]:
        """The elements of the array at the current position."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                raise _Fallback

    def members(self) -> Iterator[str]:
        """The keys of the object at the current position (read each value before the next key)."""
        self.take("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if type(key) is not str:
                raise _Fallback
            self.take(":")
            yield key
            char = self.peek()
            self.pos += 1
            if char == "}":
                return
            if char != ",":
                raise _Fallback


_LISTS = {
    "organizations": (_ORG_SPEC, "tổ chức"),
    "members": (_MEMBER_SPEC, "đảng viên"),
    "meetings": (_MEETING_SPEC, "cuộc họp"),
    "visits": (_VISIT_SPEC, "lần cấp trên dự sinh hoạt"),
}


def _stream_audit_input(fh: BinaryIO, date_from: date, date_to: date) -> AuditInput:
    """The streaming reading behind :func:`parse_audit_input`; raises :class:`_Fallback`."""
    stream = _TextStream(fh)
    chk = _Checker({}, check_chars=False)
    raw_orgs: list = []
    doc: dict[str, Any] = {"organizations": raw_orgs}  # what _Cross reads of the raw document
    norm: dict[str, Any] = {"organizations": [], "members": [], "meetings": [], "visits": [], "profiles": {},
                            "rubrics": {}, "fees": []}
    cross: _Cross = _Cross(chk, doc, norm)
    # Version 2 (bundle-v2.md) is streamed when "version": 2 comes before the lists, and the
    # profiles and rubrics (if any) before the organisations, as `chibo export` writes them; its
    # meetings are checked with the version-2 spec and cross-checks, its fees read whole at the end.
    v2 = False
    top_spec = _TOP_SPEC
    rolls = RollIndex()
    codes: dict[str, str] = {}  # member code -> the one string all their rows share
    facts: list[MeetingFacts] = []
    first_year = date_from.year
    seen: list[str] = []
    values: dict[str, Any] = {}
    for key in stream.members():
        if key in seen or key not in top_spec:
            raise _Fallback
        seen.append(key)
        if key not in _LISTS:
            if v2 and key in ("profiles", "rubrics") and "organizations" in seen:
                raise _Fallback  # after the organisations: left to parse_bundle
            values[key] = stream.value()
            if key == "version" and type(values[key]) is int and values[key] == 2 and not v2:
                if set(seen) & set(_LISTS):
                    raise _Fallback
                v2, top_spec = True, TOP_SPEC_V2
            continue
        if stream.peek() != "[":
            raise _Fallback  # null or a wrong type: left to parse_bundle
        spec, what = _LISTS[key]
        if v2 and key == "meetings":
            spec = MEETING_SPEC_V2
        if v2 and key == "organizations":
            # the profiles and the rubrics, read before the organisations, are checked now
            doc["rubrics"] = values.get("rubrics")
            prepare_checker(chk, doc)
            for name in ("profiles", "rubrics"):
                if name in values:
                    norm[name] = TOP_SPEC_V2[name][1](chk, values[name], (), name, False)
            cross = CrossV2(chk, doc, norm)
        if key == "members" and "organizations" not in seen:
            raise _Fallback
        if key == "meetings" and not {"organizations", "members"} <= set(seen):
            raise _Fallback
        obj = chk.obj
        for j, raw in enumerate(stream.items()):
            item = obj(raw, (key, j), spec, what)
            if chk.errors:
                raise _Fallback
            if key == "organizations":
                raw_orgs.append(raw)
                norm["organizations"].append(item)
            elif key == "members":
                cross.member(j, item)
                code = codes.setdefault(item["code"], item["code"])
                rolls.add_member(
                    code,
                    item["official_on"],
                    ((ms["organization"], ms["from"], ms["to"]) for ms in item["memberships"]),
                    ((p["from"], p["to"]) for p in item["exempt"]),
                    ((p["from"], p["to"]) for p in item["away"]),
                )
            elif key == "meetings":
                cross.meeting(j, item)
                if v2:
                    cross.meeting_v2(j, item)
                day = item["date"]
                # what the audit reads (engine.bundle_input): version 2 also the earlier years
                if day <= date_to and (v2 or day.year >= first_year):
                    facts.append(meeting_facts(item, codes))
            else:
                norm["visits"].append(item)
            if chk.errors:
                raise _Fallback
        if key == "organizations":
            cross.organizations()
            if v2:
                cross.prepare()
            if chk.errors:
                raise _Fallback
    if stream.peek() != "":
        raise _Fallback  # data after the document
    if type(values.get("version")) is not int or values["version"] != (2 if v2 else 1):
        raise _Fallback  # a version-2 bundle in another order (or bad input) is read whole by parse_bundle
    for key, (required, parser) in top_spec.items():
        if v2 and key in ("profiles", "rubrics"):
            continue  # read before the organisations
        if key in values:
            parsed = parser(chk, values[key], (), key, required)
            if key in ("profiles", "fees"):
                norm[key] = parsed
        elif required and key not in seen:
            raise _Fallback
    cross.visits()
    cross.profiles()
    if v2:
        cross.fees()
    if chk.errors:
        raise _Fallback
    facts.sort(key=lambda f: (f.date, f.id))
    return AuditInput(
        norm["organizations"],
        norm["profiles"],
        rolls,
        facts,
        [(v["organization"], v["date"]) for v in norm["visits"]],
        2 if v2 else 1,
        norm["rubrics"],
        norm["fees"],
    )


def parse_audit_input(fh: BinaryIO, date_from: date, date_to: date) -> AuditInput:
    """Validate the bundle in the binary file ``fh`` and return what an audit of
    [date_from, date_to] reads, as an ``engine.AuditInput``; raise :class:`BundleError` exactly
    as :func:`parse_bundle` does on bad input.

    The file is read piece by piece (see "Streaming" in the module docstring): organisations,
    members and meetings are validated one by one as they are decoded, with the very checks of
    :func:`parse_bundle`, and each meeting is kept only as its ``engine.MeetingFacts``.  When
    the streaming reading cannot vouch for the input (any problem at all, or a document whose
    lists do not come organisations, then members, then meetings), ``fh`` is read again from
    the start and parsed whole by :func:`parse_bundle`, which gives the exact error report (or,
    for a valid document in another order, the bundle).  ``fh`` must be seekable.
    """
    try:
        with _gc_paused():
            return _stream_audit_input(fh, date_from, date_to)
    except _Fallback:
        pass
    except RecursionError:  # pragma: no cover - defensive
        pass
    fh.seek(0)
    bundle = parse_bundle(fh.read())
    return bundle_input(bundle, date_from, date_to)
