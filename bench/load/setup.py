#!/usr/bin/env python3
"""The load test's cast, on a generated province: who records, who watches, who reads.

    DATABASE_URL=postgres://... .venv/bin/python bench/load/setup.py --cells 200 --staff 20 --members 200 \
        --out bench/out/load/plan.json

The generator creates no logins; this step does, through the same calls as the demo
(`chibo/orgs/demo.py`): for each of --cells cells sampled (seeded) among those with at least
--min-roll members on today's roll

- a login `load-bt-<cell code>` with the secretary role on the cell (it may record the cell);
- a new regular meeting today (`planning.services.meeting_create`: status planned, the agenda of
  the committee's template), which the minute-taker will record and finalize;

then --staff logins `load-cb-<n>` with the committee-staff role on the superiors of those cells
(the grassroots committees, the districts and the province, in turn), who open dashboards, and
--members logins `load-dv-<member code>` linked to members of those cells, who open their page.

Every login gets a session (`django.test.Client.force_login`: the same `login()` as the login
page, without the password hash's cost, which is not what this test measures), written to the
plan with what each user needs (meeting ident, roll, agenda, organisation). Running it again
reuses the logins and adds new meetings (a meeting is recorded once)."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parents[2]  # not resolve(): a symlinked checkout runs its own code
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cells", type=int, default=200, help="minute-takers: one new meeting per sampled cell")
    p.add_argument("--staff", type=int, default=20, help="committee staff opening dashboards")
    p.add_argument("--members", type=int, default=200, help="members opening their page")
    p.add_argument("--min-roll", type=int, default=5, help="sample cells with at least this many members")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default=str(ROOT / "bench/out/load/plan.json"))
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import transaction

    from chibo.meetings import dates

    t0 = time.monotonic()
    today = dates.today()
    # One commit: the re-audits the new meetings ask for (chibo/results/signals.py) run once, together.
    with transaction.atomic():
        cast = make_cast(args, today)
    if cast is None:
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"today": today.isoformat(), **cast}, ensure_ascii=False, indent=1))
    print(f"{len(cast['meetings'])} meetings to record, {len(cast['staff'])} committee staff, "
          f"{len(cast['members'])} members -> {out} ({time.monotonic() - t0:.1f} s)")
    return 0


def make_cast(args, today) -> dict | None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Q
    from django.test import Client

    from chibo.meetings.planning import services as planning
    from chibo.orgs.models import CELL_KINDS, Member, Membership, Organization, Role
    from chibo.orgs.selectors import cell_roll

    rng = random.Random(args.seed)
    on_roll = Q(memberships__start__lte=today) & (Q(memberships__end__isnull=True) | Q(memberships__end__gte=today))
    candidates = list(Organization.objects.filter(kind__in=CELL_KINDS)
                      .annotate(n=Count("memberships", filter=on_roll)).filter(n__gte=args.min_roll)
                      .order_by("code").values_list("pk", flat=True))
    if len(candidates) < args.cells:
        print(f"only {len(candidates)} cells with {args.min_roll}+ members on {today:%d/%m/%Y}", file=sys.stderr)
        return None
    cells = list(Organization.objects.filter(pk__in=rng.sample(candidates, args.cells)).order_by("code"))
    User = get_user_model()
    hashed = make_password("load-test-" + str(args.seed))  # one hash: nobody logs in with it

    def login(username: str, role: tuple | None = None) -> tuple[object, str]:
        """The login (created once) and a new session of its own (a client per login: logging
        another user in on the same client would end the first one's session)."""
        user, _ = User.objects.get_or_create(username=username, defaults={"password": hashed})
        if role:  # before the session: a new role ends older sessions (chibo.accounts)
            Role.objects.get_or_create(user=user, organization=role[0], kind=role[1])
        client = Client()
        client.force_login(user)
        return user, client.cookies[settings.SESSION_COOKIE_NAME].value

    meetings = []
    for cell in cells:
        user, session = login(f"load-bt-{cell.code}", (cell, Role.Kind.SECRETARY))
        meeting = planning.meeting_create(cell, kind="regular", date=today, user=user)
        entries = cell_roll(cell, today).entries
        meetings.append({
            "ident": meeting.ident, "cell": cell.code, "session": session, "date": today.isoformat(),
            "roll": [e.member.code for e in entries],
            # exempt or away that day: recorded absent with a reason
            "excused": [e.member.code for e in entries if e.exempt or e.away],
            "agenda": list(meeting.agenda.order_by("position").values_list("title", flat=True)),
        })

    # Committee staff: the superiors of the sampled cells (the grassroots committees, then the
    # districts), every fifth one the province.
    superiors = []
    for level in (2, 3):  # ancestor_ids() ends with the cell itself
        ids = sorted({c.ancestor_ids()[-level] for c in cells if len(c.ancestor_ids()) > level})
        superiors += list(Organization.objects.filter(pk__in=ids).order_by("code"))
    province = Organization.objects.get(pk=cells[0].ancestor_ids()[0])
    staff = []
    for n in range(args.staff):
        org = superiors[n % len(superiors)] if n % 5 and superiors else province
        _user, session = login(f"load-cb-{n:03d}", (org, Role.Kind.COMMITTEE_STAFF))
        staff.append({"org": org.code, "session": session})

    pool = list(Membership.objects.on(today).filter(organization__in=cells, member__user__isnull=True)
                .order_by("member__code").values_list("member_id", flat=True).distinct())
    members = []
    for member in Member.objects.filter(pk__in=rng.sample(pool, min(args.members, len(pool)))).order_by("code"):
        user, session = login(f"load-dv-{member.code}")
        # Linking a login to a member record changes no audit: written without the save signals.
        Member.objects.filter(pk=member.pk).update(user=user)
        members.append({"member": member.code, "session": session})
    return {"meetings": meetings, "staff": staff, "members": members}


if __name__ == "__main__":
    sys.exit(main())
