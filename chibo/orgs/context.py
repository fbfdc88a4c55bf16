from chibo import vocabulary
from chibo.orgs.access import scope_for


def role_label(scope) -> str:
    """What the top bar says the login is, from its scope (no query)."""
    if scope.is_admin:
        return "Quản trị viên"
    if scope.supervise_paths:
        return vocabulary.ROLE_KINDS.labels["committee_staff"]
    if scope.manage_paths:
        return vocabulary.ROLE_KINDS.labels["secretary"]
    if scope.member_id:
        return "Đảng viên"
    return "Chưa được phân quyền"


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {"scope": scope, "whoami": user.get_full_name() or user.get_username(), "role_label": role_label(scope)}
