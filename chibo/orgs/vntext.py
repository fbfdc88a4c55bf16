"""Vietnamese text helpers: diacritic-insensitive folding, name splitting and a sortable name key.

Standard library only, no Django.

`fold` turns text into lower-case ASCII-ish search text ("Nguyễn Văn Ân" -> "nguyen van an").

`sort_key` turns a full name into a string whose plain binary (code point) order is the
Vietnamese order of names, so the database can ORDER BY a stored column on SQLite and
PostgreSQL whatever the collation: the key only contains the characters [0-9a-z].

Encoding of `sort_key`
----------------------
A name is split into words (see `split_name`); words without any letter or digit are ignored.
The key is the concatenation

    WORD(given)  WORD(middle_1) ... WORD(middle_n) "0"  WORD(family)

(`WORD(family)` is absent for a one-word name; the "0" ends the list of middle names, so a
name without middle names sorts before the same given name with middle names.)

    WORD(w) = BASE(w) "0" TONES(w) "0"

BASE(w) is one code per character, after lower-casing and NFC normalisation:

* the 33 letters ``a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z``
  (the Vietnamese alphabet with the foreign f j w z at their Latin places) get the
  single characters ``2``..``9`` then ``a``..``y``, in that order;
* an ASCII digit d is ``1`` followed by d (digits sort before letters);
* any other letter/number character is ``z`` followed by its code point as 4 base-36
  digits (after every letter, in code point order);
* punctuation, symbols and lone combining marks carry no base code.

Accented Latin letters count as their base letter (ư, ơ, ô, ê, â, ă, đ are letters of their
own); đ is also accepted as ð/ɖ (look-alikes found in legacy data).

TONES(w) lists, in order, the tone digit of every marked character of the word: huyền
(grave) ``1``, hỏi (hook) ``2``, ngã (tilde) ``3``, sắc (acute) ``4``, nặng (dot below)
``5``, any other mark (e.g. ü, ç) ``6``. An unmarked word has an empty TONES, so its
WORD ends in ``00``. Because "0" is smaller than every other code, a shorter word sorts
before its extensions, and the tones of a word are only compared when its base letters
are all equal (secondary difference, as in dictionaries: ma < mà < mả < mã < má < mạ < mac).
Tones are compared word by word: all "Anh" come before all "Ánh" whatever the family
name, so equal given names stay together. Since only the tone values (not their
positions) are recorded, "hoà" and "hòa" (old/new tone placement) get the same key.

Keys are at most `SORT_KEY_MAX_LENGTH` (400) characters, truncated beyond that (never
reached by a Vietnamese name of up to 120 characters).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["fold", "sort_key", "sort_key_parts", "split_name", "SORT_KEY_MAX_LENGTH", "ALPHABET"]

SORT_KEY_MAX_LENGTH = 400

#: Letters in sort order: the Vietnamese alphabet, plus f j w z at their Latin places.
ALPHABET = ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
            "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z")
_LETTER_CODES = "23456789abcdefghijklmnopqrstuvwxy"
assert len(ALPHABET) == len(_LETTER_CODES) == 33

_END = "0"          # ends BASE, TONES and the list of middle names
_DIGIT_ESCAPE = "1"
_OTHER_ESCAPE = "z"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"

_GRAVE, _ACUTE, _CIRCUMFLEX, _TILDE, _BREVE, _HOOK, _HORN, _DOT = (
    "\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309", "\u031b", "\u0323")
_TONE_DIGITS = {_GRAVE: "1", _HOOK: "2", _TILDE: "3", _ACUTE: "4", _DOT: "5"}
_OTHER_MARK = "6"
# base letter + modifier mark -> Vietnamese letter
_MODIFIED = {("a", _BREVE): "ă", ("a", _CIRCUMFLEX): "â", ("e", _CIRCUMFLEX): "ê",
             ("o", _CIRCUMFLEX): "ô", ("o", _HORN): "ơ", ("u", _HORN): "ư"}
_D_LOOKALIKES = "đĐðÐɖƉ"

# Latin-1 Supplement, Latin Extended-A/B, Latin Extended Additional (all Vietnamese letters)
_LATIN_RANGES = (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))
_COMBINING_RANGES = (range(0x0300, 0x0370), range(0x1AB0, 0x1B00), range(0x1DC0, 0x1E00),
                     range(0x20D0, 0x2100), range(0xFE20, 0xFE30))


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: chr(cp + 32) for cp in range(ord("A"), ord("Z") + 1)}
    for rng in _LATIN_RANGES:
        for cp in rng:
            decomposed = unicodedata.normalize("NFD", chr(cp))
            base = decomposed[0].lower()
            if len(decomposed) > 1 and "a" <= base <= "z":
                table[cp] = base
    for rng in _COMBINING_RANGES:
        for cp in rng:
            if unicodedata.combining(chr(cp)):
                table[cp] = None
    for ch in _D_LOOKALIKES:
        table[ord(ch)] = "d"
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Lower-case, strip every diacritic (đ -> d), collapse whitespace.

    >>> fold("  Nguyễn   VĂN Đạt ")
    'nguyen van dat'

    Works the same on NFC and NFD (combining characters) input.
    """
    return " ".join(text.lower().translate(_FOLD_TABLE).split())


def _build_char_table() -> dict[str, tuple[str, str]]:
    """Lower-case character -> (BASE code, tone digits) for ASCII and accented Latin letters."""
    code_of = dict(zip(ALPHABET, _LETTER_CODES, strict=True))
    table = {letter: (code_of[letter], "") for letter in ALPHABET}
    for digit in "0123456789":
        table[digit] = (_DIGIT_ESCAPE + digit, "")
    for rng in _LATIN_RANGES:
        for cp in rng:
            ch = chr(cp)
            if ch != ch.lower() or ch in table:
                continue
            decomposed = unicodedata.normalize("NFD", ch)
            base, marks = decomposed[0], decomposed[1:]
            if not ("a" <= base <= "z") or not marks:
                continue
            letter, tones = base, []
            for mark in marks:
                if letter == base and (base, mark) in _MODIFIED:
                    letter = _MODIFIED[(base, mark)]
                else:
                    tones.append(_TONE_DIGITS.get(mark, _OTHER_MARK))
            table[ch] = (code_of[letter], "".join(tones))
    for ch in _D_LOOKALIKES:
        table[ch.lower()] = (code_of["đ"], "")
    return table


_CHAR_TABLE = _build_char_table()


def _other_code(ch: str) -> str:
    n = ord(ch)
    digits = []
    for _ in range(4):
        n, r = divmod(n, 36)
        digits.append(_B36[r])
    return _OTHER_ESCAPE + "".join(reversed(digits))


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    """WORD(word) for a lower-case NFC word; '' when the word has no letter or digit."""
    base: list[str] = []
    tones: list[str] = []
    table = _CHAR_TABLE
    for ch in word:
        info = table.get(ch)
        if info is not None:
            base.append(info[0])
            if info[1]:
                tones.append(info[1])
        elif unicodedata.combining(ch):
            if base:  # a mark NFC could not compose onto its letter
                tones.append(_TONE_DIGITS.get(ch, _OTHER_MARK))
        elif ch.isalnum():
            base.append(_other_code(ch))
    if not base:
        return ""
    return "".join(base) + _END + "".join(tones) + _END


def _normal_words(full_name: str) -> list[str]:
    if not full_name.isascii() and not unicodedata.is_normalized("NFC", full_name):
        full_name = unicodedata.normalize("NFC", full_name)
    return full_name.lower().split()


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) from a full name written family-first, whitespace collapsed.

    >>> split_name("Nguyễn  Thị Minh Khai")
    ('Nguyễn', 'Thị Minh', 'Khai')

    A one-word name is a given name: ('', '', 'An'); an empty name gives ('', '', '').
    The original spelling (case, normalisation) is kept.
    """
    words = full_name.split()
    if not words:
        return ("", "", "")
    if len(words) == 1:
        return ("", "", words[0])
    return (words[0], " ".join(words[1:-1]), words[-1])


def sort_key_parts(full_name: str) -> tuple[str, str, str]:
    """(given, middle, family) parts of `sort_key`; ''.join(parts) == sort_key(full_name).

    Comparing the tuples orders names exactly as comparing the joined keys does. The middle
    part always ends with "0" (end of the middle names); family is '' for a one-word name.
    Words without letters or digits (stray punctuation) are ignored.
    """
    keys = [k for k in map(_word_key, _normal_words(full_name)) if k]
    if not keys:
        return ("", "", "")
    if len(keys) == 1:
        return (keys[0], _END, "")
    return (keys[-1], "".join(keys[1:-1]) + _END, keys[0])


def sort_key(full_name: str) -> str:
    """Key in [0-9a-z]* whose binary order is the Vietnamese order of names (see module doc).

    Given name first, then middle names in order, then family name; case-insensitive;
    NFC and NFD input give the same key.
    """
    return "".join(sort_key_parts(full_name))[:SORT_KEY_MAX_LENGTH]
