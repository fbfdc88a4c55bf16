"""REST API (OpenAPI schema at /api/openapi.json, its documentation at /api/docs, both behind a
login). Every endpoint filters by the caller's scope. The four endpoints at the root predate the
versioned paths and stay as they are; everything new is under /api/v1 (chibo/api/v1.py).
Callers authenticate with a personal token or the browser's session (chibo/api/auth.py); errors
have one shape (chibo/api/errors.py)."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from ninja import NinjaAPI, Path, Query, Schema

from chibo.api import errors, v1
from chibo.api.auth import AUTH
from chibo.changelog import record as changelog
from chibo.meetings import dates
from chibo.orgs import selectors
from chibo.orgs.access import get_member_for_user, get_org_for_user, scope_for

# The interactive docs and the OpenAPI schema need a login too (anonymous users are sent to it).
api = NinjaAPI(title="Chibo API", version="1", auth=AUTH, urls_namespace="api",
               docs_decorator=login_required,
               description="API của Chibo. Xác thực: khóa API cá nhân (tạo ở trang Tài khoản) gửi trong tiêu đề "
                           "`Authorization: Bearer <khóa>`, hoặc phiên đăng nhập. Danh sách chia trang: `limit` "
                           f"(1–{v1.LIMIT_MAX}, mặc định {v1.LIMIT_DEFAULT}) và `offset`, trả về `count` là tổng số "
                           "dòng; thứ tự cố định ghi ở từng đường dẫn. Lỗi: {\"detail\": ..., \"errors\": "
                           "[{\"field\": ..., \"message\": ...}]}; 422 khi dữ liệu không hợp lệ.")
errors.install(api)
api.add_router("/v1", v1.router)


class OrgSummaryOut(Schema):
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


class MemberSummaryOut(Schema):
    code: str
    full_name: str
    gender: str
    joined_on: date | None
    official_on: date | None


@api.get("/orgs", response={200: list[OrgSummaryOut], **errors.ERRORS})
def list_orgs(request):
    scope = scope_for(request.user)
    return [OrgSummaryOut(code=o.code, name=o.name, kind=o.kind, parent=o.parent.code if o.parent else None)
            for o in selectors.tree(scope.org_q()).select_related("parent")]


@api.get("/orgs/{code}/roll", response={200: RollOut, **errors.ERRORS})
def org_roll(request, code: str = Path(..., pattern=v1.CODE), day: date | None = None):
    org, _ = get_org_for_user(request.user, code)
    if not org.is_cell:
        raise Http404("Không phải chi bộ")
    roll = selectors.cell_roll(org, day or dates.today())
    changelog.download(org, f"Danh sách đảng viên ngày {roll.day:%d/%m/%Y}", "json")
    return RollOut(organization=org.code, day=roll.day, on_roll=roll.on_roll, official=roll.official,
                   probationary=roll.probationary, exempt=roll.exempt, away=roll.away,
                   members=[RollMemberOut(code=e.member.code, full_name=e.member.full_name, official=e.official,
                                          exempt=e.exempt, away=e.away, positions=e.positions) for e in roll.entries])


@api.get("/members", response={200: list[MemberSummaryOut], **errors.ERRORS})
def search_members(request, q: str = Query(..., max_length=100, pattern=v1.TEXT)):
    scope = scope_for(request.user)
    return list(selectors.member_search(scope.members(), q))


@api.get("/members/{code}", response={200: MemberSummaryOut, **errors.ERRORS})
def member_detail(request, code: str = Path(..., pattern=v1.CODE)):
    member, scope = get_member_for_user(request.user, code)
    if not scope.can_read_member_profile(member):
        return MemberSummaryOut(code=member.code, full_name=member.full_name, gender="", joined_on=None, official_on=None)
    return member
