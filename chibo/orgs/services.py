"""Writes to the organisation tree and the member records. Each function is one transaction
and raises django.core.exceptions.ValidationError with Vietnamese messages on bad input."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from chibo.orgs.codes import CODE_MESSAGE, code_ok
from chibo.orgs.models import (
    CELL_KINDS,
    Member,
    MemberPeriod,
    Membership,
    Organization,
    OrgKind,
    Position,
    segment,
)

ALLOWED_CHILD_KINDS = {
    None: {OrgKind.PROVINCE, OrgKind.UPPER, OrgKind.GRASSROOTS, OrgKind.GRASSROOTS_CELL},
    OrgKind.PROVINCE: {OrgKind.UPPER, OrgKind.GRASSROOTS, OrgKind.GRASSROOTS_CELL},
    OrgKind.UPPER: {OrgKind.GRASSROOTS, OrgKind.GRASSROOTS_CELL},
    OrgKind.GRASSROOTS: {OrgKind.CELL},
    OrgKind.GRASSROOTS_CELL: {OrgKind.GROUP},
    OrgKind.CELL: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}


def fmt(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "nay"


def _check_parent_kind(kind: str, parent: Organization | None) -> None:
    allowed = ALLOWED_CHILD_KINDS[OrgKind(parent.kind) if parent else None]
    if kind not in allowed:
        where = f"dưới {parent.get_kind_display().lower()} {parent.name}" if parent else "ở gốc cây tổ chức"
        raise ValidationError({"kind": f"Không thể đặt {OrgKind(kind).label.lower()} {where}."})


@transaction.atomic
def org_create(*, code: str, name: str, kind: str, parent: Organization | None = None,
               established_on: date | None = None, locality: str = "", address: str = "",
               check_kinds: bool = True) -> Organization:
    code = code.strip()
    if not code_ok(code):
        raise ValidationError({"code": CODE_MESSAGE})
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã tổ chức '{code}' đã tồn tại."})
    if check_kinds:
        _check_parent_kind(kind, parent)
    org = Organization.objects.create(code=code, name=name.strip(), kind=kind, parent=parent,
                                      established_on=established_on, locality=locality, address=address)
    org.path = (parent.path if parent else "") + segment(org.pk)
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def org_update(org: Organization, *, name: str, kind: str, parent: Organization | None,
               established_on: date | None, locality: str = "", address: str = "") -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if parent is not None and parent.path.startswith(org.path):
        raise ValidationError({"parent": "Không thể chuyển tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."})
    if kind != org.kind and kind not in CELL_KINDS and org.meetings.exists():
        raise ValidationError({"kind": "Tổ chức đã có cuộc họp chi bộ nên phải giữ loại chi bộ."})
    _check_parent_kind(kind, parent)
    for child in org.children.all():
        if child.kind not in ALLOWED_CHILD_KINDS[OrgKind(kind)]:
            raise ValidationError({"kind": f"Tổ chức cấp dưới '{child.name}' không phù hợp với loại mới."})
    old_path = org.path
    org.name, org.kind, org.established_on = name.strip(), kind, established_on
    org.locality, org.address = locality, address
    if (org.parent_id or None) != (parent.pk if parent else None):
        org.parent = parent
        new_path = (parent.path if parent else "") + segment(org.pk)
        depth_delta = (parent.depth + 1 if parent else 0) - org.depth
        for desc in Organization.objects.filter(org.subtree_q()).exclude(pk=org.pk):
            desc.path = new_path + desc.path[len(old_path):]
            desc.depth += depth_delta
            desc.save(update_fields=["path", "depth"])
        org.path, org.depth = new_path, org.depth + depth_delta
    org.save()
    return org


MEMBER_FIELDS = ("full_name", "gender", "birth_date", "joined_on", "official_on", "phone", "email", "address")


def _check_member_dates(joined_on, official_on):
    if joined_on and official_on and official_on < joined_on:
        raise ValidationError({"official_on": "Ngày chính thức không được trước ngày vào Đảng."})


@transaction.atomic
def member_create(*, code: str, organization: Organization, start: date, **fields) -> Member:
    code = code.strip()
    if not code_ok(code):
        raise ValidationError({"code": CODE_MESSAGE})
    if Member.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã đảng viên '{code}' đã tồn tại."})
    if organization.kind not in CELL_KINDS:
        raise ValidationError({"organization": "Đảng viên chỉ sinh hoạt tại chi bộ."})
    _check_member_dates(fields.get("joined_on"), fields.get("official_on"))
    member = Member.objects.create(code=code, **{k: v for k, v in fields.items() if k in MEMBER_FIELDS})
    Membership.objects.create(member=member, organization=organization, start=start)
    return member


@transaction.atomic
def member_update(member: Member, **fields) -> Member:
    _check_member_dates(fields.get("joined_on", member.joined_on), fields.get("official_on", member.official_on))
    for key, value in fields.items():
        if key in MEMBER_FIELDS:
            setattr(member, key, value)
    member.save()
    return member


def _overlapping(qs, start: date, end: date | None):
    q = Q(end__isnull=True) | Q(end__gte=start)
    if end is not None:
        q &= Q(start__lte=end)
    return qs.filter(q)


def _check_period(start: date, end: date | None):
    if end is not None and end < start:
        raise ValidationError({"end": "Ngày kết thúc không được trước ngày bắt đầu."})


@transaction.atomic
def member_transfer(member: Member, *, to: Organization, on: date) -> Membership:
    """Close the open membership the day before `on` and open one in `to` (history is kept)."""
    if to.kind not in CELL_KINDS:
        raise ValidationError({"organization": "Chỉ chuyển sinh hoạt đến một chi bộ."})
    Member.objects.select_for_update().filter(pk=member.pk).first()
    current = member.memberships.filter(end__isnull=True).first()
    if current is not None:
        if current.organization_id == to.pk:
            raise ValidationError({"organization": "Đảng viên đang sinh hoạt tại chi bộ này."})
        if on <= current.start:
            raise ValidationError({"start": f"Ngày chuyển phải sau ngày bắt đầu sinh hoạt hiện tại ({fmt(current.start)})."})
        current.end = date.fromordinal(on.toordinal() - 1)
        current.save(update_fields=["end"])
    if _overlapping(member.memberships.all(), on, None).exists():
        raise ValidationError({"start": "Thời gian sinh hoạt trùng với một thời gian đã có."})
    return Membership.objects.create(member=member, organization=to, start=on)


@transaction.atomic
def membership_add(member: Member, *, organization: Organization, start: date, end: date | None) -> Membership:
    if organization.kind not in CELL_KINDS:
        raise ValidationError({"organization": "Đảng viên chỉ sinh hoạt tại chi bộ."})
    _check_period(start, end)
    clash = _overlapping(member.memberships.all(), start, end).first()
    if clash:
        raise ValidationError({"start": f"Trùng với thời gian sinh hoạt tại {clash.organization.name} "
                                        f"({fmt(clash.start)} – {fmt(clash.end)})."})
    return Membership.objects.create(member=member, organization=organization, start=start, end=end)


@transaction.atomic
def period_add(member: Member, *, kind: str, start: date, end: date | None, reason: str = "") -> MemberPeriod:
    _check_period(start, end)
    clash = _overlapping(member.periods.filter(kind=kind), start, end).first()
    if clash:
        raise ValidationError({"start": f"Trùng với thời gian {clash.get_kind_display().lower()} đã có "
                                        f"({fmt(clash.start)} – {fmt(clash.end)})."})
    return MemberPeriod.objects.create(member=member, kind=kind, start=start, end=end, reason=reason)


@transaction.atomic
def period_delete(period: MemberPeriod) -> None:
    period.delete()


@transaction.atomic
def position_add(member: Member, *, organization: Organization, title: str, start: date, end: date | None) -> Position:
    _check_period(start, end)
    if not member.memberships.filter(organization=organization).exists():
        raise ValidationError({"organization": "Đảng viên không sinh hoạt tại tổ chức này."})
    if title in (Position.Title.SECRETARY, Position.Title.DEPUTY):
        clash = _overlapping(Position.objects.filter(organization=organization, title=title), start, end)
        clash = clash.exclude(member=member).first()
        if clash and title == Position.Title.SECRETARY:
            raise ValidationError({"title": f"Chi bộ đã có bí thư {clash.member.full_name} trong thời gian này."})
    return Position.objects.create(member=member, organization=organization, title=title, start=start, end=end)
