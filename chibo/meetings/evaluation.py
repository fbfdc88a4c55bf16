"""The rule engine's verdict on one meeting stored in the database.

The cell's record from 1 January of the meeting's year up to the meeting's date is read in the
bundle's normalized shape (`chibo.meetings.facts.cell_year`, a fixed number of queries) and
handed to the same engine functions the audit uses, so a page shows exactly what `chibo audit`
reports."""

from chibo.meetings.facts import cell_year, read_roll_index
from chibo.meetings.models import Attendance
from chibo.rules import engine


def evaluate(meeting) -> dict:
    """One entry of the audit's `meetings` list for this meeting (findings, votes, score, framework)."""
    cell = meeting.organization
    bundle = cell_year(cell, meeting.date, include=meeting.ident)
    return evaluate_in_bundle(bundle, meeting.ident, bundle_profile(bundle, cell.code))


def bundle_profile(bundle: dict, code: str) -> dict:
    """The effective rule profile of organisation `code` as the audit of `bundle` resolves it (the
    bundle carries the overrides of the root's ancestors merged into the root's): what
    `rules.services.effective_profile_for` reads again from the database, without reading it."""
    parent_of = {o["code"]: o["parent"] for o in bundle["organizations"]}
    return engine.effective_profile(code, parent_of, bundle["profiles"])


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


def attendance_figures(cell, meetings) -> dict[str, dict]:
    """The engine's attendance summary (`on_roll`, `exempt`, `away`, `expected`, `present`, `rate`,
    …: the figures the meeting page, the recording page, the minutes and the stored results show)
    of each of `meetings` of `cell` that has a roll recorded, by ident: counted on the roll on the
    meeting day (exempt, away, joined later or left are not expected; late counts as present), never
    from the raw attendance rows. Four queries whatever the number of meetings and members."""
    ids = {m.pk: m for m in meetings}
    if not ids:
        return {}
    member_code: dict[int, str] = {}
    index = read_roll_index([cell.pk], {cell.pk: cell.code}, member_code)
    statuses: dict[int, dict] = {}
    for mid, member_id, status, reason in Attendance.objects.filter(meeting__in=list(ids)).values_list(
            "meeting_id", "member_id", "status", "reason"):
        code = member_code.get(member_id, f"#{member_id}")  # recorded without a membership here: never expected
        statuses.setdefault(mid, {})[code] = (status, reason)
    return {ids[mid].ident: engine.summarize_attendance({}, index.roll(cell.code, ids[mid].date), rows)
            for mid, rows in statuses.items()}
