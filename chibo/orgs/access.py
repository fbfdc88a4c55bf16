"""Access scoped by the organisation tree.

Every view, export and API endpoint asks the user's Scope which records it may
read and which it may change:
- administrator (superuser): everything;
- committee staff of an organisation: reads and supervises its subtree, and
  maintains the organisations and members in it; records a cell's meetings only where the
  committee has designated them (Role.Kind.DESIGNATED on that cell);
- cell secretary / minute-taker: manages its own cell (and its party groups) and records its
  meetings;
- member: reads its own current cell, its own record and tasks.

Who may do what is written down in docs/permissions.md; the access tests enforce it.

Views look a record up through one helper per kind of record, the right they need given as an
argument (`Right`): `get_org_for_user`, `get_member_for_user` here, `get_meeting_for_user` in
`chibo/meetings/access.py`. A record outside the read scope answers 404 (its existence is not
revealed); a readable record without the right answers 403.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from chibo.orgs.models import Member, Membership, Organization, Role


class Right(StrEnum):
    """What a view needs to do with an organisation (or a record of it)."""

    READ = "read"  # see it: Scope.can_read_org
    MANAGE = "manage"  # run the cell: plan, prepare, keep the roll (Scope.can_manage_org)
    RECORD = "record"  # record, finalize, amend, score its meetings (Scope.can_record_org)
    SUPERVISE = "supervise"  # superior committee work on its subtree (Scope.can_supervise_org)
    SUPERIOR = "superior"  # from strictly above it: confirm scores, edit it (Scope.is_superior_of)


#: The 403 message when a readable organisation is asked for a right the user does not hold.
DENIED = {
    Right.MANAGE: "Bạn không có quyền thay đổi dữ liệu của tổ chức này.",
    Right.RECORD: "Bạn không có quyền ghi biên bản của chi bộ này.",
    Right.SUPERVISE: "Chỉ cấp ủy cấp trên mới được thực hiện thao tác này.",
    Right.SUPERIOR: "Chỉ cấp ủy cấp trên mới được thực hiện thao tác này.",
}


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    supervise_paths: tuple[str, ...] = ()  # committee staff subtrees
    manage_paths: tuple[str, ...] = ()  # cells a secretary runs (with their party groups)
    member_paths: tuple[str, ...] = ()  # the member's own current cell(s), read-only
    designated_paths: tuple[str, ...] = ()  # cells whose meetings committee staff were designated to record
    member_id: int | None = None
    authenticated: bool = False
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # --- paths -------------------------------------------------------------
    @property
    def read_paths(self) -> tuple[str, ...]:
        return self.supervise_paths + self.manage_paths + self.member_paths + self.designated_paths

    @property
    def write_paths(self) -> tuple[str, ...]:
        return self.supervise_paths + self.manage_paths

    @staticmethod
    def _under(path: str, roots: tuple[str, ...]) -> bool:
        return any(path.startswith(root) for root in roots)

    @staticmethod
    def paths_q(roots: tuple[str, ...], prefix: str) -> Q:
        if not roots:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{prefix}path__gte": r, f"{prefix}path__lt": r + "g"}) for r in roots))

    # --- organisations -----------------------------------------------------
    def org_q(self, prefix: str = "") -> Q:
        """Q over organisations (through `prefix`, e.g. 'organization__') the user may read."""
        if self.is_admin:
            return Q()
        return self.paths_q(self.read_paths, prefix)

    def orgs(self):
        return Organization.objects.filter(self.org_q())

    def can_read_org(self, org: Organization) -> bool:
        return self.is_admin or self._under(org.path, self.read_paths)

    def can_manage_org(self, org: Organization) -> bool:
        """Record meetings, keep the roll of this cell."""
        return self.is_admin or self._under(org.path, self.write_paths)

    def can_record_org(self, org: Organization) -> bool:
        """Record, finalize and amend this cell's meetings, run its ballots and enter its scores:
        the cell's own secretaries, staff the committee designated for it, administrators."""
        return self.is_admin or self._under(org.path, self.manage_paths + self.designated_paths)

    def can_supervise_org(self, org: Organization) -> bool:
        """Superior committee work on `org` and its subtree: profiles, agenda templates, thematic
        plans, visits, transfers."""
        return self.is_admin or self._under(org.path, self.supervise_paths)

    def is_superior_of(self, org: Organization) -> bool:
        """Committee staff of a committee strictly above `org` (or an administrator): may confirm
        its meetings' scores and edit its record. A committee's staff do not act from above on
        their own node."""
        return self.is_admin or any(org.path.startswith(root) and org.path != root for root in self.supervise_paths)

    def can_edit_org(self, org: Organization) -> bool:
        """Edit this organisation's own record (name, kind, parent): only from strictly above."""
        return self.is_superior_of(org)

    def can_edit_structure(self, org: Organization) -> bool:
        """Create organisations under `org`: the new ones are then strictly below a supervised
        organisation, which is the structure rule (docs/permissions.md). So a committee adds
        units under its own node and anywhere in its subtree, while its own node is edited only
        from above (`can_edit_org`)."""
        return self.can_supervise_org(org)

    def has_right(self, org: Organization, right: Right) -> bool:
        """Whether the user holds `right` on `org`."""
        return {
            Right.READ: self.can_read_org,
            Right.MANAGE: self.can_manage_org,
            Right.RECORD: self.can_record_org,
            Right.SUPERVISE: self.can_supervise_org,
            Right.SUPERIOR: self.is_superior_of,
        }[Right(right)](org)

    def require(self, org: Organization, right: Right, denied: str | None = None) -> None:
        """403 (PermissionDenied with `denied` or the right's message) unless the user holds
        `right` on `org`. Reading is checked before, by the lookup helpers, as a 404."""
        if not self.has_right(org, right):
            raise PermissionDenied(denied or DENIED.get(Right(right), "Bạn không có quyền thực hiện thao tác này."))

    # --- members -----------------------------------------------------------
    def member_q(self) -> Q:
        """Members the user may see (names, positions, attendance)."""
        if self.is_admin:
            return Q()
        # Those who manage or supervise a cell see its current and former members; a member sees
        # the fellow members currently on the roll of their own cell.
        paths = self.supervise_paths + self.manage_paths + self.designated_paths
        q = Q(Exists(Membership.objects.filter(Q(member=OuterRef("pk")) & self.paths_q(paths, "organization__"))))
        if self.member_paths:
            q |= Q(Exists(Membership.objects.filter(Q(member=OuterRef("pk"), end__isnull=True)
                                                    & self.paths_q(self.member_paths, "organization__"))))
        if self.member_id:
            q |= Q(pk=self.member_id)
        return q

    def members(self):
        return Member.objects.filter(self.member_q())

    def can_read_member(self, member: Member) -> bool:
        if self.is_admin or member.pk == self.member_id:
            return True
        return self.members().filter(pk=member.pk).exists()

    def can_manage_member(self, member: Member) -> bool:
        """Edit a member's record: only while the member is on the roll of a cell the user manages
        (a secretary keeps no rights over members who moved to another cell)."""
        if self.is_admin:
            return True
        paths = self.write_paths
        if not paths:
            return False
        return Membership.objects.filter(Q(member=member, end__isnull=True)
                                         & self.paths_q(paths, "organization__")).exists()

    def can_read_member_profile(self, member: Member) -> bool:
        """The full profile (birth date, history, contact, absence reasons): the member
        themself and those who manage or supervise a cell the member belongs or belonged to.
        Fellow members see only names, positions and attendance."""
        if self.is_admin or member.pk == self.member_id:
            return True
        paths = self.write_paths
        if not paths:
            return False
        return Membership.objects.filter(Q(member=member) & self.paths_q(paths, "organization__")).exists()


ANONYMOUS = Scope()


def scope_for(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_chibo_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(is_admin=True, authenticated=True, member_id=_member_id(user))
    else:
        paths = {Role.Kind.COMMITTEE_STAFF: [], Role.Kind.SECRETARY: [], Role.Kind.DESIGNATED: []}
        for kind, path in Role.objects.filter(user=user).values_list("kind", "organization__path"):
            paths[kind].append(path)
        supervise, manage = paths[Role.Kind.COMMITTEE_STAFF], paths[Role.Kind.SECRETARY]
        member_id = _member_id(user)
        member_paths = ()
        if member_id:
            member_paths = tuple(
                Membership.objects.filter(member_id=member_id, end__isnull=True).values_list(
                    "organization__path", flat=True
                )
            )
        scope = Scope(
            supervise_paths=tuple(supervise),
            manage_paths=tuple(manage),
            member_paths=member_paths,
            designated_paths=tuple(paths[Role.Kind.DESIGNATED]),
            member_id=member_id,
            authenticated=True,
        )
    user._chibo_scope = scope
    return scope


def _member_id(user):
    return Member.objects.filter(user=user).values_list("pk", flat=True).first()


def get_org_for_user(user, code: str, right: Right = Right.READ, *,
                     denied: str | None = None) -> tuple[Organization, Scope]:
    """The organisation if the user may read it (404 otherwise: its existence is not revealed),
    and 403 unless the user holds `right` on it."""
    scope = scope_for(user)
    org = Organization.objects.filter(code=code).select_related("parent").first()
    if org is None or not scope.can_read_org(org):
        raise Http404("Không tìm thấy tổ chức")
    scope.require(org, right, denied)
    return org, scope


#: The rights on a member record: read it (Scope.can_read_member) or change it (can_manage_member).
MEMBER_RIGHTS = (Right.READ, Right.MANAGE)


def get_member_for_user(user, code: str, right: Right = Right.READ, *,
                        denied: str | None = None) -> tuple[Member, Scope]:
    """The member if the user may see them (404 otherwise), and 403 unless the user holds `right`
    on the record: READ or MANAGE (only while the member is on a roll the user manages)."""
    if right not in MEMBER_RIGHTS:
        raise ValueError(f"Không có quyền '{right}' trên hồ sơ đảng viên")
    scope = scope_for(user)
    member = Member.objects.filter(code=code).first()
    if member is None or not scope.can_read_member(member):
        raise Http404("Không tìm thấy đảng viên")
    if right == Right.MANAGE and not scope.can_manage_member(member):
        raise PermissionDenied(denied or "Bạn không có quyền sửa hồ sơ đảng viên này.")
    return member, scope
