"""Access scoped by the organisation tree.

Every view, export and API endpoint asks the user's Scope which records it may
read and which it may change:
- administrator (superuser): everything;
- committee staff of an organisation: reads and supervises its subtree, and
  maintains the organisations and members in it; records a cell's meetings only where the
  committee has designated them (Role.Kind.DESIGNATED on that cell);
- cell secretary / minute-taker: manages its own cell (and its party groups) and records its
  meetings;
- member: reads its own current cell, its own record and tasks;
- the cell's committee member in charge of party fees (Role.Kind.FEES), and the cell's
  secretary: keep the cell's fee ledger (amounts, incomes, reliefs); the superior committee sees
  only the cell's monthly totals (docs/permissions.md, "party fees").

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
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.http import Http404

from chibo.orgs.models import CELL_KINDS, Member, Membership, Organization, Role
from chibo.prepared import Prepared


class Right(StrEnum):
    """What a view needs to do with an organisation (or a record of it)."""

    READ = "read"  # see it: Scope.can_read_org
    MANAGE = "manage"  # run the cell: plan, prepare, keep the roll (Scope.can_manage_org)
    RECORD = "record"  # record, finalize, amend, score its meetings (Scope.can_record_org)
    SUPERVISE = "supervise"  # superior committee work on its subtree (Scope.can_supervise_org)
    SUPERIOR = "superior"  # from strictly above it: confirm scores, edit it (Scope.is_superior_of)
    FEES = "fees"  # keep the cell's fee ledger, see amounts and incomes (Scope.can_keep_fees)
    FEE_RELIEF = "fee_relief"  # enter the fee relief decisions of its members (Scope.can_decide_fee_relief)


#: The 403 message when a readable organisation is asked for a right the user does not hold.
DENIED = {
    Right.MANAGE: "Bạn không có quyền thay đổi dữ liệu của tổ chức này.",
    Right.RECORD: "Bạn không có quyền ghi biên bản của chi bộ này.",
    Right.SUPERVISE: "Chỉ cấp ủy cấp trên mới được thực hiện thao tác này.",
    Right.SUPERIOR: "Chỉ cấp ủy cấp trên mới được thực hiện thao tác này.",
    Right.FEES: "Chỉ bí thư và chi ủy viên phụ trách đảng phí của chi bộ được xem, ghi sổ đảng phí.",
    Right.FEE_RELIEF: ("Chỉ chi bộ (bí thư, chi ủy viên phụ trách đảng phí) hoặc cấp ủy cấp trên của chi bộ trực thuộc "
                       "được ghi quyết định miễn, giảm đảng phí."),
}


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    supervise_paths: tuple[str, ...] = ()  # committee staff subtrees
    manage_paths: tuple[str, ...] = ()  # cells a secretary runs (with their party groups)
    member_paths: tuple[str, ...] = ()  # the member's own current cell(s), read-only
    designated_paths: tuple[str, ...] = ()  # cells whose meetings committee staff were designated to record
    fee_paths: tuple[str, ...] = ()  # cells whose fee ledger the login keeps (Role.Kind.FEES)
    member_id: int | None = None
    authenticated: bool = False
    user_id: int | None = None  # the login itself (nobody changes their own roles or login)
    # the organisations of member_paths (read with them; None: not read, as for an administrator)
    member_cell_ids: tuple[int, ...] | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    # --- paths -------------------------------------------------------------
    @property
    def read_paths(self) -> tuple[str, ...]:
        return self.supervise_paths + self.manage_paths + self.member_paths + self.designated_paths + self.fee_paths

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

    def can_keep_fees(self, org: Organization) -> bool:
        """Keep the fee ledger of this cell and see its members' amounts and incomes: the cell's
        committee member in charge of fees, its secretary, administrators. Committee staff above
        it see totals only (`can_supervise_org`)."""
        return self.is_admin or self._under(org.path, self.fee_paths + self.manage_paths)

    def can_decide_fee_relief(self, org: Organization) -> bool:
        """Enter a fee relief decision for a member of this cell (QĐ 01-QĐ/TW Điều 5): the cell
        itself (`can_keep_fees`), or, for a cell under a grassroots committee (`chi_bo`), the
        committee staff above it."""
        return self.can_keep_fees(org) or (org.kind == "chi_bo" and self.is_superior_of(org))

    def has_right(self, org: Organization, right: Right) -> bool:
        """Whether the user holds `right` on `org`."""
        return {
            Right.READ: self.can_read_org,
            Right.MANAGE: self.can_manage_org,
            Right.RECORD: self.can_record_org,
            Right.SUPERVISE: self.can_supervise_org,
            Right.SUPERIOR: self.is_superior_of,
            Right.FEES: self.can_keep_fees,
            Right.FEE_RELIEF: self.can_decide_fee_relief,
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

    # --- roles and logins (docs/permissions.md: "give or withdraw a role", "create, disable a login")
    def can_administer_accounts(self) -> bool:
        """Give and withdraw roles, create and disable logins at all: administrators and committee
        staff. Cell secretaries and members grant nothing."""
        return self.is_admin or bool(self.supervise_paths)

    def can_manage_account(self, member: Member) -> bool:
        """Create, disable or re-enable the login of `member`, give it roles: administrators, and
        committee staff while the member is on the roll of a cell of their subtree."""
        if self.is_admin:
            return True
        if not self.supervise_paths:
            return False
        return Membership.objects.filter(Q(member=member, end__isnull=True)
                                         & self.paths_q(self.supervise_paths, "organization__")).exists()

    def role_refusal(self, kind: str, org: Organization, grantee, *, giving: bool,
                     grantee_staff_paths: tuple[str, ...] = ()) -> str | None:
        """Why the user may not give (`giving`) or withdraw the role `kind` on `org` of the login
        `grantee`, in Vietnamese; None when allowed. For a designated recorder given,
        `grantee_staff_paths` are the organisations where the grantee is committee staff.

        - administrators: everything (a secretary or designated recorder still sits on a cell);
        - nobody changes their own roles, nor (unless administrator) those of an administrator;
        - committee staff: `secretary` on a cell of their subtree; `committee_staff` only strictly
          below their own committee (as `is_superior_of`: no peers, no self-promotion);
          `designated` on a cell of their subtree, given to committee staff of an organisation
          strictly above that cell and within their subtree;
        - secretaries and members: nothing."""
        on_cell = kind in (Role.Kind.SECRETARY, Role.Kind.DESIGNATED, Role.Kind.FEES)
        if giving and on_cell and org.kind not in CELL_KINDS:
            return "Vai trò này chỉ giao trên một chi bộ."
        if self.is_admin:
            return None
        if not self.supervise_paths:
            return "Chỉ cán bộ cấp ủy và quản trị viên được giao hoặc thu hồi vai trò."
        if grantee.pk == self.user_id:
            return "Không ai được tự giao hoặc thu hồi vai trò của chính mình."
        if grantee.is_superuser or grantee.is_staff:
            return "Chỉ quản trị viên được thay đổi vai trò của tài khoản quản trị."
        if kind == Role.Kind.COMMITTEE_STAFF:
            if not self.is_superior_of(org):
                return ("Vai trò cán bộ cấp ủy chỉ được giao hoặc thu hồi ở tổ chức thấp hơn cấp ủy của đồng chí "
                        "(không ở cấp của mình hay cấp trên).")
            return None
        if not self.can_supervise_org(org):
            return "Chi bộ này không thuộc phạm vi cấp ủy của đồng chí."
        if giving and kind == Role.Kind.DESIGNATED and not any(
                org.path.startswith(p) and org.path != p and self._under(p, self.supervise_paths)
                for p in grantee_staff_paths):
            return ("Chỉ phân công ghi biên bản cho cán bộ cấp ủy cấp trên của chi bộ này (thuộc cấp ủy của "
                    "đồng chí).")
        return None

    def can_give_role(self, kind: str, org: Organization, grantee, grantee_staff_paths=()) -> bool:
        return self.role_refusal(kind, org, grantee, giving=True, grantee_staff_paths=grantee_staff_paths) is None

    def can_withdraw_role(self, role: Role) -> bool:
        """`role` (its organisation and user loaded) may be withdrawn by this user."""
        return self.role_refusal(role.kind, role.organization, role.user, giving=False) is None

    def login_refusal(self, login, roles) -> str | None:
        """Why the user may not disable or re-enable `login` (holding `roles`, their organisations
        loaded), in Vietnamese; None when allowed: never oneself; administrators any other login;
        committee staff a login that is not an administrator's and whose every role they may
        withdraw. Whether the member is on a roll of the subtree is `can_manage_account`."""
        if login.pk == self.user_id:
            return "Không thể tự khóa hoặc mở khóa tài khoản của chính mình."
        if self.is_admin:
            return None
        if not self.supervise_paths:
            return "Chỉ cán bộ cấp ủy và quản trị viên được khóa hoặc mở khóa tài khoản."
        if login.is_superuser or login.is_staff:
            return "Chỉ quản trị viên được khóa hoặc mở khóa tài khoản quản trị."
        for role in roles:
            if self.role_refusal(role.kind, role.organization, login, giving=False) is not None:
                return (f"Tài khoản có vai trò “{role.get_kind_display()}” tại {role.organization.name}, ngoài "
                        "phạm vi đồng chí được quản lý.")
        return None


ANONYMOUS = Scope()

# The queries of every request's scope, compiled once per process (chibo.prepared).
MEMBER_OF_USER = Prepared(lambda user_id: Member.objects.filter(user_id=user_id).values_list("pk", "full_name")[:1],
                          user_id=-7_310_003)


def _scope_rows(user_id):
    """A user's roles, member record and the member's current cells in one query (a round trip
    less per request than three): rows ("r", role kind, organisation path, None, ""), at most one
    ("m", "", "", member id, full name) and ("c", "", cell path, cell id, "")."""
    member = Member.objects.filter(user_id=user_id).order_by("sort_key", "code").values("pk")[:1]
    roles = Role.objects.filter(user_id=user_id).order_by().values_list(
        Value("r"), "kind", "organization__path", Value(None, output_field=IntegerField()), Value(""))
    record = Member.objects.filter(pk=Subquery(member)).order_by().values_list(
        Value("m"), Value(""), Value(""), "pk", "full_name")
    cells = Membership.objects.filter(member_id=Subquery(member), end__isnull=True).order_by().values_list(
        Value("c"), Value(""), "organization__path", "organization_id", Value(""))
    return roles.union(record, cells, all=True)


SCOPE_ROWS = Prepared(_scope_rows, user_id=-7_310_002)


def scope_for(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_chibo_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(is_admin=True, authenticated=True, member_id=_member_id(user), user_id=user.pk)
    else:
        paths = {Role.Kind.COMMITTEE_STAFF: [], Role.Kind.SECRETARY: [], Role.Kind.DESIGNATED: [], Role.Kind.FEES: []}
        member_id, current = None, []
        user._changelog_member_name = ""  # see _member_id
        for row, kind, path, pk, name in SCOPE_ROWS.all(user_id=user.pk):
            if row == "r":
                paths[kind].append(path)
            elif row == "m":
                member_id, user._changelog_member_name = pk, name
            else:
                current.append((path, pk))
        current.sort()  # the member's current cells (one, but for a transfer's overlapping day), by path
        for found in paths.values():
            found.sort()
        supervise, manage = paths[Role.Kind.COMMITTEE_STAFF], paths[Role.Kind.SECRETARY]
        member_paths = tuple(path for path, _pk in current)
        member_cell_ids = tuple(pk for _path, pk in current)
        scope = Scope(
            supervise_paths=tuple(supervise),
            manage_paths=tuple(manage),
            member_paths=member_paths,
            designated_paths=tuple(paths[Role.Kind.DESIGNATED]),
            fee_paths=tuple(paths[Role.Kind.FEES]),
            member_id=member_id,
            authenticated=True,
            user_id=user.pk,
            member_cell_ids=member_cell_ids,
        )
    user._chibo_scope = scope
    return scope


def _member_id(user):
    row = MEMBER_OF_USER.first(user_id=user.pk)
    # The change log names the actor by this same record (changelog.middleware.actor_label): the
    # name is kept on the user, so a request that writes does not read it again.
    user._changelog_member_name = row[1] if row else ""
    return row[0] if row else None


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
