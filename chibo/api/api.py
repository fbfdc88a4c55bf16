"""REST API (OpenAPI schema at /api/docs). Every endpoint filters by the caller's scope."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from chibo.changelog import record as changelog
from chibo.orgs import selectors
from chibo.orgs.access import get_member_for_user, get_org_for_user, scope_for

# The interactive docs and the OpenAPI schema need a login too (anonymous users are sent to it).
api = NinjaAPI(title="Chibo API", version="1", auth=django_auth, urls_namespace="api",
               docs_decorator=login_required)


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None


class RollMemberOut(Schema):
    code: str
    full_name: str
    official: bool
    exempt: bool
    away: bool
    positions: list[str]


class RollOut(Schema):
    organization: str
    day: date
    on_roll: int
    official: int
    probationary: int
    exempt: int
    away: int
    members: list[RollMemberOut]


class MemberOut(Schema):
    code: str
    full_name: str
    gender: str
    joined_on: date | None
    official_on: date | None


@api.get("/orgs", response=list[OrgOut])
def list_orgs(request):
    scope = scope_for(request.user)
    return [OrgOut(code=o.code, name=o.name, kind=o.kind, parent=o.parent.code if o.parent else None)
            for o in selectors.tree(scope.org_q()).select_related("parent")]


@api.get("/orgs/{code}/roll", response=RollOut)
def org_roll(request, code: str, day: date | None = None):
    org, _ = get_org_for_user(request.user, code)
    if not org.is_cell:
        raise Http404("Không phải chi bộ")
    roll = selectors.cell_roll(org, day or date.today())
    changelog.download(org, f"Danh sách đảng viên ngày {roll.day:%d/%m/%Y}", "json")
    return RollOut(organization=org.code, day=roll.day, on_roll=roll.on_roll, official=roll.official,
                   probationary=roll.probationary, exempt=roll.exempt, away=roll.away,
                   members=[RollMemberOut(code=e.member.code, full_name=e.member.full_name, official=e.official,
                                          exempt=e.exempt, away=e.away, positions=e.positions) for e in roll.entries])


@api.get("/members", response=list[MemberOut])
def search_members(request, q: str):
    scope = scope_for(request.user)
    return list(selectors.member_search(scope.members(), q))


@api.get("/members/{code}", response=MemberOut)
def member_detail(request, code: str):
    member, scope = get_member_for_user(request.user, code)
    if not scope.can_read_member_profile(member):
        return MemberOut(code=member.code, full_name=member.full_name, gender="", joined_on=None, official_on=None)
    return member
