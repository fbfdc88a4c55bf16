"""Writes to the organisation tree and the member records. Each function is one transaction
and raises django.core.exceptions.ValidationError with Vietnamese messages on bad input."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

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
    if parent is not None:
        # Locked so that a move of the parent's subtree (org_move) waits for this row, or this
        # creation for the move: the new path is built from the parent's current path.
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    org = Organization.objects.create(code=code, name=name.strip(), kind=kind, parent=parent,
                                      established_on=established_on, locality=locality, address=address)
    org.path = (parent.path if parent else "") + segment(org.pk)
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    return org


MOVE_INTO_ITSELF = "Không thể chuyển tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."


def check_org_change(org: Organization, *, kind: str, parent: Organization | None) -> None:
    """Refuse giving `org` this kind under this parent (Vietnamese messages): not into its own
    subtree, a kind the parent may hold, children the new kind may hold, a cell with meetings
    stays a cell. Run by org_update under its locks, and by the admin's form for its errors."""
    if parent is not None and parent.path.startswith(org.path):
        raise ValidationError({"parent": MOVE_INTO_ITSELF})
    if kind != org.kind and kind not in CELL_KINDS and org.meetings.exists():
        raise ValidationError({"kind": "Tổ chức đã có cuộc họp chi bộ nên phải giữ loại chi bộ."})
    _check_parent_kind(kind, parent)
    for child in org.children.all():
        if child.kind not in ALLOWED_CHILD_KINDS[OrgKind(kind)]:
            raise ValidationError({"kind": f"Tổ chức cấp dưới '{child.name}' không phù hợp với loại mới."})


def _lock(org: Organization, parent: Organization | None) -> tuple[Organization, Organization | None]:
    """The organisation and its (new) parent re-read under a row lock, in one statement in id
    order (two moves of each other's parent wait instead of deadlocking): their paths are current."""
    pks = [org.pk] + ([parent.pk] if parent is not None else [])
    rows = {o.pk: o for o in Organization.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    return rows[org.pk], rows[parent.pk] if parent is not None else None


def _parent_changes(org: Organization, parent: Organization | None) -> bool:
    return (org.parent_id or None) != (parent.pk if parent else None)


def _move_subtree(org: Organization, parent: Organization | None) -> None:
    """Rewrite the path and depth of `org` and of every descendant in ONE UPDATE statement,
    whatever the size of the subtree, and set `org.parent`, `org.path`, `org.depth` in memory
    (the caller saves `org`, so that the change log records the move).

    The subtree is locked first (one SELECT ... FOR UPDATE): a concurrent move or creation inside
    it finishes before the UPDATE reads the rows. Path and depth are derived from `parent` and left
    out of the change log (chibo/changelog/registry.py), so the UPDATE, which sends no signals,
    loses no entry; the move itself is the `parent` change of the moved organisation."""
    old_path = org.path
    new_path = (parent.path if parent else "") + segment(org.pk)
    delta = (parent.depth + 1 if parent else 0) - org.depth
    subtree = Organization.objects.filter(org.subtree_q())
    list(subtree.select_for_update().values_list("pk", flat=True))
    # Substr is 1-based: the path after the old prefix starts at len(old_path) + 1.
    subtree.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta)
    org.parent, org.path, org.depth = parent, new_path, org.depth + delta
    # The entry of this move belongs to the old place as well as to the new one: the committee the
    # organisation leaves reads who moved it where (chibo.changelog.registry._org_path).
    org._changelog_moved_from = old_path


def _save_moved(org: Organization, **kwargs) -> None:
    try:
        org.save(**kwargs)
    finally:
        org.__dict__.pop("_changelog_moved_from", None)


@transaction.atomic
def org_move(org: Organization, new_parent: Organization | None) -> Organization:
    """Move `org` with its whole subtree under `new_parent` (None: to the root of the tree).

    An organisation changes its place only through _move_subtree: here (a move alone) or in
    org_update (the page's and the admin's form: a move together with other changes, one entry);
    the API has no write endpoint for organisations. The organisation and the new parent are
    locked; a move into its own subtree or under a parent that may not hold its kind
    (ALLOWED_CHILD_KINDS) is refused with a Vietnamese message and changes nothing. The paths and depths of the subtree are rewritten in one UPDATE
    (_move_subtree); the moved organisation's new parent is saved through the model, so the change
    log records the move (one entry, attributed to the old and the new place)."""
    org, new_parent = _lock(org, new_parent)
    if not _parent_changes(org, new_parent):
        return org
    if new_parent is not None and new_parent.path.startswith(org.path):
        raise ValidationError({"parent": MOVE_INTO_ITSELF})
    try:
        _check_parent_kind(org.kind, new_parent)
    except ValidationError as exc:
        raise ValidationError({"parent": exc.message_dict["kind"]}) from None
    _move_subtree(org, new_parent)
    _save_moved(org, update_fields=["parent", "path", "depth"])
    return org


@transaction.atomic
def org_update(org: Organization, *, name: str, kind: str, parent: Organization | None,
               established_on: date | None, locality: str = "", address: str = "",
               code: str | None = None) -> Organization:
    """Change an organisation's details, kind and place (a new parent moves the subtree as
    org_move does, in the same transaction and the same change-log entry). `code` (the admin's
    form only) renames it; the application's pages keep codes fixed."""
    org, parent = _lock(org, parent)
    check_org_change(org, kind=kind, parent=parent)
    if code is not None and code.strip() != org.code:
        code = code.strip()
        if not code_ok(code):
            raise ValidationError({"code": CODE_MESSAGE})
        if Organization.objects.filter(code=code).exclude(pk=org.pk).exists():
            raise ValidationError({"code": f"Mã tổ chức '{code}' đã tồn tại."})
        org.code = code
    org.name, org.kind, org.established_on = name.strip(), kind, established_on
    org.locality, org.address = locality, address
    if _parent_changes(org, parent):
        _move_subtree(org, parent)
    _save_moved(org)
    return org


MEMBER_FIELDS = ("full_name", "gender", "birth_date", "joined_on", "official_on", "phone", "email", "address")


def _check_member_dates(joined_on, official_on, birth_date=None):
    """A member's dates that cannot be: born or joined after today, joined before turning 18
    (Điều lệ Đảng, Điều 1: công dân từ mười tám tuổi), official before joining."""
    today = timezone.localdate()
    errors = {}
    if birth_date and birth_date > today:
        errors["birth_date"] = "Ngày sinh không được sau hôm nay."
    if joined_on and joined_on > today:
        errors["joined_on"] = "Ngày vào Đảng không được sau hôm nay."
    elif joined_on and birth_date and birth_date <= today and joined_on < _eighteenth(birth_date):
        errors["joined_on"] = (f"Ngày vào Đảng phải từ khi đủ 18 tuổi (từ {_eighteenth(birth_date):%d/%m/%Y}).")
    if joined_on and official_on and official_on < joined_on:
        errors["official_on"] = "Ngày chính thức không được trước ngày vào Đảng."
    if errors:
        raise ValidationError(errors)


def _eighteenth(birth_date: date) -> date:
    try:
        return birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February
        return birth_date.replace(year=birth_date.year + 18, month=3, day=1)


@transaction.atomic
def member_create(*, code: str, organization: Organization, start: date, **fields) -> Member:
    code = code.strip()
    if not code_ok(code):
        raise ValidationError({"code": CODE_MESSAGE})
    if Member.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã đảng viên '{code}' đã tồn tại."})
    if organization.kind not in CELL_KINDS:
        raise ValidationError({"organization": "Đảng viên chỉ sinh hoạt tại chi bộ."})
    _check_member_dates(fields.get("joined_on"), fields.get("official_on"), fields.get("birth_date"))
    member = Member.objects.create(code=code, **{k: v for k, v in fields.items() if k in MEMBER_FIELDS})
    Membership.objects.create(member=member, organization=organization, start=start)
    return member


@transaction.atomic
def member_update(member: Member, **fields) -> Member:
    _check_member_dates(fields.get("joined_on", member.joined_on), fields.get("official_on", member.official_on),
                        fields.get("birth_date", member.birth_date))
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
def period_add(member: Member, *, kind: str, start: date, end: date | None, reason: str = "") -> MemberPeriod:
    _check_period(start, end)
    clash = _overlapping(member.periods.filter(kind=kind), start, end).first()
    if clash:
        raise ValidationError({"start": f"Trùng với thời gian {clash.get_kind_display().lower()} đã có "
                                        f"({fmt(clash.start)} – {fmt(clash.end)})."})
    return MemberPeriod.objects.create(member=member, kind=kind, start=start, end=end, reason=reason)


@transaction.atomic
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
