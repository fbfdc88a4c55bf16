"""The safe alphabet of organisation and member codes (and meeting ids of imported bundles).

Codes appear in URLs, file names and bundles: letters without diacritics, digits, "-", "_" and
"." only (no "/", no spaces), starting with a letter or a digit. Pure Python, no Django: the
model validator (chibo.orgs.models.code_validator), the forms, the Excel member import and the
bundle importer all use this one pattern and message.
"""

import re

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z"
CODE_MESSAGE = "Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự - _ . (bắt đầu bằng chữ hoặc số)."
CODE_RE = re.compile(CODE_PATTERN)


def code_ok(code: str) -> bool:
    return isinstance(code, str) and CODE_RE.match(code) is not None
