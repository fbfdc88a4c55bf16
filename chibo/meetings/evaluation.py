"""The rule engine's verdict on one meeting stored in the database.

The cell's record from 1 January of the meeting's year up to the meeting's date is read in the
bundle's normalized shape (`chibo.meetings.facts.cell_year`, a fixed number of queries) and
handed to the same engine functions the audit uses, so a page shows exactly what `chibo audit`
reports."""

from chibo.meetings.facts import cell_year
from chibo.rules import engine
from chibo.rules.services import effective_profile_for


def evaluate(meeting) -> dict:
    """One entry of the audit's `meetings` list for this meeting (findings, votes, score, framework)."""
    cell = meeting.organization
    bundle = cell_year(cell, meeting.date, include=meeting.ident)
    return evaluate_in_bundle(bundle, meeting.ident, effective_profile_for(cell))


def evaluate_in_bundle(bundle: dict, ident: str, profile: dict) -> dict:
    meetings = sorted(bundle["meetings"], key=lambda m: (m["date"], m["id"]))
    index = engine.RollIndex(bundle["members"])
    history, target = [], None
    for m in meetings:
        if m["id"] == ident:
            target = m
            break
        history.append((m, index.roll(m["organization"], m["date"])))
    if target is None:
        raise LookupError(ident)
    prior = engine.fold_excused_runs(history)
    roll = index.roll(target["organization"], target["date"])
    return engine.evaluate_meeting(target, roll, profile, prior)
