#!/usr/bin/env python3
"""After the load: the rows in the database against the writes the clients sent.

    DATABASE_URL=postgres://... .venv/bin/python bench/load/verify.py --plan bench/out/load/plan.json \
        --acks bench/out/load/acks.json

For the meetings of the plan, per kind of write (header field, roll mark, speech, vote, task,
finalize): how many the clients sent, how many the server acknowledged, how many rows the
database holds, how many acknowledged writes are missing or hold other values than the last
acknowledged ones (**lost**), and how many rows exist that no acknowledgement covers (a write
whose answer the client never got). Exit 1 when anything acknowledged is lost."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")


def shown(field: str, value) -> str:
    """A header field as the client typed it."""
    if value is None:
        return ""
    if field in ("start", "end"):
        return value.strftime("%H:%M")
    if field == "notice_sent_on":
        return value.strftime("%d/%m/%Y")
    if field in ("chair", "secretary"):
        return value.code
    return value


def database_rows(idents: list[str]) -> dict[str, dict]:
    from chibo.meetings.models import Attendance, Meeting, Speech, Task, Vote

    meetings = {m.ident: m for m in Meeting.objects.filter(ident__in=idents).select_related("chair", "secretary")}
    fields = ("start", "end", "place", "chair", "secretary", "notice_sent_on", "conclusion", "resolution_text")
    rows: dict[str, dict] = {"header": {}, "attendance": {}, "speech": {}, "vote": {}, "task": {}, "finalized": {}}
    for ident, m in meetings.items():
        for field in fields:
            if getattr(m, field) not in (None, ""):
                rows["header"][(ident, field)] = shown(field, getattr(m, field))
        if m.status == "finalized":
            rows["finalized"][(ident,)] = True
    for ident, code, status, reason in Attendance.objects.filter(meeting__ident__in=idents).values_list(
            "meeting__ident", "member__code", "status", "reason"):
        rows["attendance"][(ident, code)] = [status, reason]
    # Rows added live are known by the key the client made (chibo/meetings/recording/views.py).
    for ident, key, code, item, summary in Speech.objects.filter(meeting__ident__in=idents).values_list(
            "meeting__ident", "key", "member__code", "item", "summary"):
        rows["speech"][(ident, str(key))] = [code, item, summary]
    for ident, key, *values in Vote.objects.filter(meeting__ident__in=idents).values_list(
            "meeting__ident", "key", "kind", "method", "subject", "votes_for", "votes_against",
            "votes_abstain", "votes_invalid"):
        rows["vote"][(ident, str(key))] = list(values)
    for ident, key, code, description, due in Task.objects.filter(meeting__ident__in=idents).values_list(
            "meeting__ident", "key", "assignee__code", "description", "due"):
        rows["task"][(ident, str(key))] = [code, description, due.isoformat() if due else None]
    return rows


def compare(acks: dict, rows: dict) -> list[dict]:
    table = []
    for kind in ("header", "attendance", "speech", "vote", "task", "finalized"):
        acked = {tuple(row[:-1]): row[-1] for row in acks.get(kind, [])}
        stored = rows[kind]
        lost = [key for key, value in acked.items() if stored.get(key) != value]
        extra = [key for key in stored if key not in acked]
        table.append({"kind": kind, "sent": acks.get("sent", {}).get(kind, 0), "acknowledged": len(acked),
                      "in_database": len(stored), "lost": len(lost), "unacknowledged_in_database": len(extra),
                      "lost_examples": [[list(k), acked[k], stored.get(k)] for k in lost[:3]]})
    return table


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--plan", default=str(ROOT / "bench/out/load/plan.json"))
    p.add_argument("--acks", default=str(ROOT / "bench/out/load/acks.json"))
    p.add_argument("--json", help="also write the table here")
    args = p.parse_args(argv)
    import django

    django.setup()
    plan = json.loads(Path(args.plan).read_text())
    acks = json.loads(Path(args.acks).read_text())
    table = compare(acks, database_rows([m["ident"] for m in plan["meetings"]]))
    print(f"{'write':<12}{'sent':>8}{'acked':>8}{'in db':>8}{'lost':>6}{'not acked, in db':>18}")
    for row in table:
        print(f"{row['kind']:<12}{row['sent']:>8}{row['acknowledged']:>8}{row['in_database']:>8}{row['lost']:>6}"
              f"{row['unacknowledged_in_database']:>18}")
        for example in row["lost_examples"]:
            print("    lost:", example)
    lost = sum(row["lost"] for row in table)
    print(f"lost writes: {lost}")
    if args.json:
        Path(args.json).write_text(json.dumps(table, ensure_ascii=False, indent=1))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
