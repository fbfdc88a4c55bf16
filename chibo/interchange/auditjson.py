"""The audit's text (bundle.md, "Audit output"): `dump_audit` and the streaming `write_audit`.

The text is exactly ``json.dumps(audit, indent=2, ensure_ascii=False) + "\\n"``, written with
orjson (PyPI), whose two-space indentation, separators (``,`` at the end of a line, ``": "``),
key order (insertion), empty containers (``[]``, ``{}``) and string escapes (``\\"``, ``\\\\``,
``\\n``-style short forms, ``\\u001f``-style lowercase hex for the other control characters,
everything else, non-ASCII included, as it is) are those of :mod:`json` for the values an audit
holds: strings, integers, booleans, null, lists and objects with string keys. The published
examples, the streaming and the differential tests pin it byte for byte
(tests/test_audit_examples.py, tests/test_audit_streaming.py, tests/test_auditjson.py).

Where orjson and :mod:`json` part, the audit cannot go: orjson refuses a string holding a lone
surrogate (a bundle is rejected with one, and a database cannot store one), an integer beyond
64 bits, a non-string key and nesting deeper than 255 (an audit's integers are counts and points, its keys fixed words);
should such a value come anyway, :func:`_text` falls back to ``json.dumps``, as the hand-written
encoder it replaces did. Floats (which the two would format differently, ``1e+16`` against
``1e16``) never occur: the engine computes with integers only and writes rates as strings.

A nested value written inside the streaming output is its own text with every line break
followed by the indentation of its place (JSON strings hold no raw line break).

The audit of a province makes and drops millions of small acyclic objects: `gc_paused` stops
the cyclic garbage collector around it (reference counting frees them all the same); the
streaming bundle reader (``chibo.interchange.validate``) and the database reader
(``chibo.interchange.db``) use it too."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any, TextIO

import orjson

from chibo.rules.engine import AuditInput, AuditRun, audit_dates, audit_header, bundle_input

_INDENT = orjson.OPT_INDENT_2
#: Meeting entries encoded between two writes of :func:`write_audit`.
WRITE_BATCH = 256


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small acyclic objects come and go:
    cycle detection only costs time there (reference counting frees them all the same)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _text(value: Any, nl: str = "\n") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, its line breaks indented by ``nl``."""
    try:
        text = orjson.dumps(value, option=_INDENT).decode()
    except orjson.JSONEncodeError:  # a value no audit holds (see the module's docstring)
        text = json.dumps(value, indent=2, ensure_ascii=False)
    return text if nl == "\n" else text.replace("\n", nl)


def entry_text(entry: Mapping[str, Any]) -> str:
    """One meeting entry as it stands in the audit's text (inside "meetings", four spaces in):
    what chibo.results stores, so that `chibo audit --stored` writes it as it is."""
    return _text(entry, "\n    ")


def write_entries(out: TextIO, header: Mapping[str, Any], entries: Iterator[str],
                  findings: Callable[[], Any], tail: Callable[[], Mapping[str, Any]] | None = None) -> None:
    """Write an audit from its header, the meeting entries already in their text
    (:func:`entry_text`, in order) and, after them, ``findings()`` and the keys of ``tail()``
    (version 2's ``fees``): the same text as :func:`dump_audit` of the whole object, without
    holding the entries."""
    parts: list[str] = []
    sep = "{\n  "
    for key, value in header.items():
        parts.append(f"{sep}{_text(key)}: {_text(value, chr(10) + '  ')}")
        sep = ",\n  "
    parts.append(',\n  "meetings": ')
    sep = "[\n    "
    for text in entries:
        parts.append(sep + text)
        sep = ",\n    "
        if len(parts) >= 2 * WRITE_BATCH:
            out.write("".join(parts))
            parts.clear()
    parts.append("[]" if sep == "[\n    " else "\n  ]")
    parts.append(',\n  "findings": ' + _text(findings(), "\n  "))
    if tail is not None:
        for key, value in tail().items():
            parts.append(f",\n  {_text(key)}: {_text(value, chr(10) + '  ')}")
    parts.append("\n}\n")
    out.write("".join(parts))


def dump_audit(result: Mapping[str, Any]) -> str:
    """The audit as text, identical to ``json.dumps(result, indent=2, ensure_ascii=False) + "\\n"``."""
    return _text(result) + "\n"


def write_audit(
    out: TextIO,
    source: Mapping[str, Any] | AuditInput,
    date_from: date | str,
    date_to: date | str,
    as_of: date | str | None = None,
) -> None:
    """Write the audit to the text file ``out`` as it is made: the same text as
    ``dump_audit(engine.audit(source, date_from, date_to, as_of))``, byte for byte.

    Each meeting entry is encoded and written (in batches of :data:`WRITE_BATCH`) as soon as it
    is evaluated, so neither the entries nor the text of a province are ever held at once.
    """
    date_from, date_to, as_of = audit_dates(date_from, date_to, as_of)
    with gc_paused():
        source = source if isinstance(source, AuditInput) else bundle_input(source, date_from, date_to)
        run = AuditRun(source, date_from, date_to, as_of)
        write_entries(out, audit_header(date_from, date_to, as_of, source.version),
                      (entry_text(e) for e in run.entries()), run.findings, run.tail)
