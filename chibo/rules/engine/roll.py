"""The roll: who is on a cell's roll on a day, official, exempt, away, expected (rules.md §2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from chibo.rules.engine.common import _DATE_MAX, _as_date


class Roll:
    """Who counts at a meeting of one cell on one date (rules.md §1).

    ``on_roll``: member codes with a membership in the cell covering the date;
    ``official``, ``exempt``, ``away``: the subsets of ``on_roll`` that are official, exempt
    or away on that date.  ``expected`` = on_roll - exempt - away.
    """

    __slots__ = ("on_roll", "official", "exempt", "away", "expected")

    def __init__(
        self,
        on_roll: Iterable[str],
        official: Iterable[str] = (),
        exempt: Iterable[str] = (),
        away: Iterable[str] = (),
    ):
        on = set(on_roll)
        self.on_roll = on
        self.official = on.intersection(official)
        self.exempt = on.intersection(exempt)
        self.away = on.intersection(away)
        self.expected = on - self.exempt - self.away

    @classmethod
    def _trusted(cls, on: set, official: set, exempt: set, away: set) -> Roll:
        roll = cls.__new__(cls)
        roll.on_roll = on
        roll.official = official
        roll.exempt = exempt
        roll.away = away
        roll.expected = on - exempt - away if (exempt or away) else on
        return roll

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return (
            f"Roll(on_roll={sorted(self.on_roll)}, official={sorted(self.official)}, "
            f"exempt={sorted(self.exempt)}, away={sorted(self.away)})"
        )


def _periods(items: Iterable[Mapping[str, Any]] | None) -> list[tuple[date, date]]:
    out = []
    for p in items or ():
        start = _as_date(p.get("from"))
        if start is None:
            continue
        out.append((start, _as_date(p.get("to")) or _DATE_MAX))
    return out


class RollIndex:
    """Memberships, exempt and away periods indexed for fast roll look-ups.

    ``members``: normalized member dicts (``code``, ``official_on``, ``memberships``,
    ``exempt``, ``away``); more can be added one by one with :meth:`add_member` (the streaming
    audits fill the index from rows without building member dicts).  ``roll(cell, day)`` costs
    O(memberships ever held in that cell).
    """

    def __init__(self, members: Iterable[Mapping[str, Any]] = ()):
        self._by_cell: dict[str, list[tuple[date, date, str]]] = {}
        self._official: dict[str, date] = {}
        self._exempt: dict[str, list[tuple[date, date]]] = {}
        self._away: dict[str, list[tuple[date, date]]] = {}
        for mem in members:
            self.add_member(
                mem["code"],
                _as_date(mem.get("official_on")),
                (
                    (ms["organization"], _as_date(ms.get("from")), _as_date(ms.get("to")))
                    for ms in mem.get("memberships") or ()
                ),
                _periods(mem.get("exempt")),
                _periods(mem.get("away")),
            )

    def add_member(
        self,
        code: str,
        official_on: date | None = None,
        memberships: Iterable[tuple[str, date | None, date | None]] = (),
        exempt: Iterable[tuple[date, date | None]] = (),
        away: Iterable[tuple[date, date | None]] = (),
    ) -> None:
        """Add one member: ``memberships`` as ``(cell, from, to)``, periods as ``(from, to)``
        (``to`` ``None`` for open-ended; a membership without ``from`` is ignored)."""
        if official_on is not None:
            self._official[code] = official_on
        by_cell = self._by_cell
        for cell, start, end in memberships:
            if start is None:
                continue
            lst = by_cell.get(cell)
            if lst is None:
                lst = by_cell[cell] = []
            lst.append((start, end or _DATE_MAX, code))
        for target, periods in ((self._exempt, exempt), (self._away, away)):
            for start, end in periods:
                target.setdefault(code, []).append((start, end or _DATE_MAX))

    def official_on(self, code: str) -> date | None:
        return self._official.get(code)

    def is_official(self, code: str, day: date) -> bool:
        oo = self._official.get(code)
        return oo is not None and oo <= day

    def is_exempt(self, code: str, day: date) -> bool:
        return any(f <= day <= t for f, t in self._exempt.get(code, ()))

    def is_away(self, code: str, day: date) -> bool:
        return any(f <= day <= t for f, t in self._away.get(code, ()))

    def is_on_roll(self, cell: str, code: str, day: date) -> bool:
        return any(c == code and f <= day <= t for f, t, c in self._by_cell.get(cell, ()))

    def memberships(self) -> dict[str, list[tuple[str, date, date]]]:
        """Every member's memberships as ``(cell, from, to)`` (``to`` ``date.max`` when open)."""
        out: dict[str, list[tuple[str, date, date]]] = {}
        for cell, lst in self._by_cell.items():
            for start, end, code in lst:
                out.setdefault(code, []).append((cell, start, end))
        return out

    def cells_of(self, code: str) -> set[str]:  # pragma: no cover - convenience
        return {cell for cell, lst in self._by_cell.items() if any(c == code for _f, _t, c in lst)}

    def roll(self, cell: str, day: date | str) -> Roll:
        day = _as_date(day)
        on: set[str] = set()
        off: set[str] = set()
        ex: set[str] = set()
        aw: set[str] = set()
        official = self._official
        exempt = self._exempt
        away = self._away
        for f, t, code in self._by_cell.get(cell, ()):
            if f <= day <= t:
                on.add(code)
                oo = official.get(code)
                if oo is not None and oo <= day:
                    off.add(code)
                ps = exempt.get(code)
                if ps is not None and any(a <= day <= b for a, b in ps):
                    ex.add(code)
                ps = away.get(code)
                if ps is not None and any(a <= day <= b for a, b in ps):
                    aw.add(code)
        return Roll._trusted(on, off, ex, aw)
