"""The official record frozen at finalizing.

When the minutes are finalized, what they print (`MinutesData`: the cell's and its superior's
names, the roll counts, the names of those present and absent, speakers, assignees, votes with
their verdicts, the score and grade, the signer) is stored on the meeting as JSON. From then on
the minutes, the resolution and the minutes book of that meeting are printed from this
snapshot, so renaming a member or the cell, a backdated exemption, a transfer or any later
change of the live records never changes them.

Only an amendment (`services.meeting_amend`) changes the snapshot, and only in what it amends:
- a header field replaces the matching printed field (the chair also re-decides the signer);
- an attendance change rebuilds the lists of those present and absent from the meeting's
  attendance rows, naming each member as the snapshot named them (a member added by the
  amendment is named as they are named that day), and takes the counts of those present, the
  votes' eligible voters, thresholds and verdicts and the score from the rule engine on the day
  of the amendment (the other roll figures stay as frozen).
- a change of the manual scores (allowed until the superior confirms them) takes the score,
  grade and provisional mark from the rule engine.
Amendments themselves are immutable rows (with the author's name as it stood) printed after
the snapshot.

The month's party fees printed at the opening (`MinutesData.fee_status`) are frozen with the rest
and no amendment recounts them: a payment recorded after finalizing does not change the minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from chibo.meetings import documents as doc
from chibo.rules import engine

VERSION = 1
#: The printed score: recounted by an amendment of the roll or of the scores (HD 42: the frame's
#: groups, remedies and the superior's official grade too).
SCORE_KEYS = ("score_total", "grade", "provisional", "score_groups", "rubric_name", "remedies", "official_grade")

# Header fields of the minutes (services.HEADER_FIELDS) and the printed fields they set.
HEADER_TO_DATA = {
    "start": ("start",),
    "end": ("end",),
    "place": ("place",),
    "chair": ("chair_name", "signer_name", "secretary_title_for_signing"),
    "secretary": ("secretary_name",),
    "topic": ("topic",),
    "conclusion": ("conclusion",),
    "resolution_text": ("resolution_text",),
    "rescheduled_reason": (),  # not printed
    "notice_sent_on": (),  # not printed
}


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def freeze(data: doc.MinutesData, names: dict[str, str]) -> dict:
    """The JSON stored on the meeting. `names` maps member codes to the names printed."""
    fields = _plain(data)
    fields.pop("amendments")
    return {"version": VERSION, "data": fields, "names": dict(names)}


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _time(value):
    return dt.time.fromisoformat(value) if value else None


def thaw(snapshot: dict, amendments: list[doc.Amendment] = ()) -> doc.MinutesData:
    """The printed minutes from a snapshot, followed by the meeting's amendments."""
    if snapshot.get("version") != VERSION:
        raise ValueError(f"unknown minutes snapshot version {snapshot.get('version')!r}")
    d = dict(snapshot["data"])
    d["date"] = _date(d["date"])
    d["start"], d["end"] = _time(d["start"]), _time(d["end"])
    d["counts"] = doc.Counts(**d["counts"])
    d["absent"] = [doc.data.Absence(**a) for a in d["absent"]]
    d["guests"] = [doc.Guest(**g) for g in d["guests"]]
    d["agenda"] = [doc.AgendaItem(a["title"], tuple(doc.Speech(**s) for s in a["speeches"])) for a in d["agenda"]]
    d["votes"] = [doc.VoteLine(**v) for v in d["votes"]]
    d["tasks"] = [doc.Task(t["assignee_name"], t["description"], _date(t["due"])) for t in d["tasks"]]
    d["score_groups"] = [doc.ScoreGroup(**g) for g in d.get("score_groups") or ()]  # HD 42; older snapshots: none
    fee = d.get("fee_status")  # older snapshots: none, and they stay without
    d["fee_status"] = doc.FeeStatus(**{**fee, "month": _date(fee["month"])}) if fee else None
    d["amendments"] = list(amendments)
    return doc.MinutesData(**d)


def amended(snapshot: dict, fresh: doc.MinutesData, changed_headers: list[str], attendance_changed: bool,
            attendance_rows: list[tuple[str, str, str, str]], *, scores_changed: bool = False) -> dict:
    """The snapshot after an amendment. `fresh` is the minutes built from the live record after
    the amendment; `attendance_rows` are (member code, live name, status, reason) in roll order."""
    data = dict(snapshot["data"])
    names = dict(snapshot["names"])
    live = _plain(fresh)
    for field in changed_headers:
        for key in HEADER_TO_DATA[field]:
            data[key] = live[key]
    if attendance_changed:
        for code, name, _status, _reason in attendance_rows:
            names.setdefault(code, name)
        data["present_members"] = [names[c] for c, _n, s, _r in attendance_rows if s in engine.PRESENT_STATUSES]
        data["absent"] = [{"name": names[c], "status": s, "reason": r or None}
                          for c, _n, s, r in attendance_rows if s in ("absent_excused", "absent_unexcused")]
        data["counts"] = {**data["counts"], "present": live["counts"]["present"]}
        for key in ("votes", *SCORE_KEYS):
            data[key] = live[key]
    if scores_changed:
        for key in SCORE_KEYS:
            data[key] = live[key]
    return {"version": VERSION, "data": data, "names": names}
