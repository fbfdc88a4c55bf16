"""The top bar (a context processor), and the roles one login holds: the one the start page
(chibo.home) and the top bar follow.

A login may hold several roles (committee staff of a committee and secretary of a cell, a
secretary who is also a member, ...). They are read from the user's Scope (no query); the role
chosen on the role switcher is kept in the session with its organisation's name, so the top bar
names it without a query. A chosen role the login no longer holds is ignored."""

from dataclasses import dataclass

from chibo import vocabulary
from chibo.orgs.access import scope_for

SESSION_KEY = "chibo_start_role"
ADMIN, STAFF, SECRETARY, DESIGNATED, MEMBER = "admin", "committee_staff", "secretary", "designated", "member"


@dataclass(frozen=True)
class StartRole:
    kind: str  # ADMIN, STAFF, SECRETARY, DESIGNATED, MEMBER
    path: str = ""  # the organisation's tree path ("" for the administrator)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.path}"

    @property
    def label(self) -> str:
        if self.kind == ADMIN:
            return "Quản trị viên"
        if self.kind == MEMBER:
            return "Đảng viên"
        return vocabulary.ROLE_KINDS.labels[self.kind]


def roles_of(scope) -> list[StartRole]:
    """Every role of the login, in the order the default is chosen: administrator, committee
    staff, cell secretary, designated recorder, member."""
    roles = [StartRole(ADMIN)] if scope.is_admin else []
    roles += [StartRole(STAFF, p) for p in scope.supervise_paths]
    roles += [StartRole(SECRETARY, p) for p in scope.manage_paths]
    roles += [StartRole(DESIGNATED, p) for p in scope.designated_paths]
    roles += [StartRole(MEMBER, p) for p in scope.member_paths]
    return roles


def current_role(session, scope) -> tuple[StartRole | None, str]:
    """(the role the start page follows, its organisation's name if chosen on the switcher, else
    ""): the chosen one while the login still holds it, else the first of `roles_of`."""
    roles = roles_of(scope)
    chosen = session.get(SESSION_KEY) if session is not None else None
    if isinstance(chosen, dict):
        for role in roles:
            if role.key == chosen.get("key"):
                return role, str(chosen.get("name", ""))
    return (roles[0] if roles else None), ""


def choose(session, role: StartRole, name: str) -> None:
    session[SESSION_KEY] = {"key": role.key, "name": name}



def role_label(scope, session=None) -> str:
    """What the top bar says the login is: the role the start page follows (chosen on the role
    switcher, kept in the session with its organisation's name), without a query."""
    role, name = current_role(session, scope)
    if role is None:
        return "Chưa được phân quyền"
    return f"{role.label} · {name}" if name else role.label


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    session = getattr(request, "session", None)
    return {"scope": scope, "whoami": user.get_full_name() or user.get_username(),
            "role_label": role_label(scope, session), "role_count": len(roles_of(scope))}
