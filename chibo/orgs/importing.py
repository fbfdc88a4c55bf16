"""Excel import of members: validate every row first, then save all rows or none."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from chibo.orgs import member_import
from chibo.orgs.models import CELL_KINDS, Member, Membership, Organization


@dataclass
class ImportResult:
    count: int = 0
    errors: list = field(default_factory=list)


def import_members(data: bytes, *, scope, default_org: Organization | None = None) -> ImportResult:
    cells = {o.code: o for o in Organization.objects.filter(scope.org_q(), kind__in=CELL_KINDS)}
    manageable = {code for code, org in cells.items() if scope.can_manage_org(org)}
    existing = set(Member.objects.values_list("code", flat=True))
    try:
        rows = member_import.parse_members_xlsx(data, known_cells=manageable, existing_codes=existing,
                                                today=timezone.localdate())
    except member_import.ImportErrors as exc:
        return ImportResult(errors=exc.errors)
    return ImportResult(count=save_member_rows(rows, cells))


@transaction.atomic
def save_member_rows(rows, cells: dict[str, Organization]) -> int:
    members = []
    for row in rows:
        m = Member(code=row.code, full_name=row.full_name, gender=row.gender, birth_date=row.birth_date,
                   joined_on=row.joined_on, official_on=row.official_on, phone=row.phone,
                   email=row.email, address=row.address)
        m.refresh_name_keys()
        members.append(m)
    Member.objects.bulk_create(members, batch_size=2000)
    ids = dict(Member.objects.filter(code__in=[r.code for r in rows]).values_list("code", "pk"))
    Membership.objects.bulk_create(
        [Membership(member_id=ids[r.code], organization=cells[r.cell_code], start=r.start) for r in rows],
        batch_size=2000,
    )
    _log_import(rows, cells)
    return len(rows)


def _log_import(rows, cells: dict[str, Organization]) -> None:
    """Bulk inserts send no signals: one change-log entry for the whole import, attributed to
    every cell it filled, with the codes of the members it added."""
    from chibo.changelog import record

    if not rows:
        return
    used = sorted({r.cell_code for r in rows})
    per_cell = {code: sum(1 for r in rows if r.cell_code == code) for code in used}
    record.import_summary(
        cells[used[0]], f"{len(rows)} đảng viên", source="Excel",
        org_paths=[cells[code].path for code in used],
        details={"members": len(rows), "cells": per_cell, "codes": [r.code for r in rows]},
    )
