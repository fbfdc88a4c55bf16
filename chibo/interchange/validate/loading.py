"""Reading a bundle's JSON text: duplicate keys and non-standard constants refused."""

from __future__ import annotations

import json
from typing import Any

from chibo.interchange.validate.messages import _ESCAPED_SURROGATE, BundleError, _show


class _Constant(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _Constant(name)


_JSON_MESSAGES = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên khóa phải nằm trong dấu nháy kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Extra data": "còn dữ liệu thừa sau tài liệu JSON",
    "Unterminated string starting at": "chuỗi chưa được đóng",
    "Invalid control character at": "ký tự điều khiển không hợp lệ trong chuỗi",
    "Invalid \\escape": "chuỗi thoát (\\) không hợp lệ",
    "Invalid \\uXXXX escape": "chuỗi thoát \\uXXXX không hợp lệ",
}


def _load(text: str | bytes) -> tuple[Any, dict[int, tuple[dict, list[str]]], bool]:
    raw_surrogates = False
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8")  # strict: never yields a lone surrogate
        except UnicodeDecodeError as exc:
            raise BundleError([("$", f"tài liệu không phải văn bản UTF-8 hợp lệ (byte thứ {exc.start})")]) from None
    elif not isinstance(text, str):
        raise BundleError([("$", "đầu vào phải là văn bản JSON (chuỗi hoặc bytes)")])
    elif not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raw_surrogates = True
    if text.startswith("\ufeff"):
        text = text[1:]
    # A string can hold NUL or a lone surrogate only through a \u escape (raw control characters
    # are invalid JSON) or, for str input, a raw surrogate; when the text has neither, no string
    # needs checking one by one.
    check_chars = raw_surrogates or (
        "\\u" in text and ("\\u0000" in text or _ESCAPED_SURROGATE.search(text) is not None)
    )
    dups: dict[int, tuple[dict, list[str]]] = {}

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            repeated: list[str] = []
            for key, _value in pairs:
                if key in seen and key not in repeated:
                    repeated.append(key)
                seen.add(key)
            dups[id(obj)] = (obj, repeated)  # keep obj alive so its id is never reused
        return obj

    try:
        doc = json.loads(text, object_pairs_hook=hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        msg = exc.msg
        for en, vi in _JSON_MESSAGES.items():
            if msg.startswith(en):
                msg = vi
                break
        else:
            msg = _show(msg)
        raise BundleError([("$", f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}: {msg}")]) from None
    except _Constant as exc:
        raise BundleError([("$", f"JSON không hợp lệ: giá trị '{_show(str(exc))}' không thuộc chuẩn JSON")]) from None
    except RecursionError:
        raise BundleError([("$", "JSON lồng nhau quá sâu")]) from None
    except (ValueError, OverflowError, MemoryError):  # e.g. an integer with thousands of digits
        raise BundleError([("$", "JSON không đọc được: có số quá lớn hoặc dữ liệu hỏng")]) from None
    return doc, dups, check_chars
