"""Reading the change log: who may read which entries, filters, and rows as shown on the page."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from chibo.changelog import registry
from chibo.changelog.models import LogEntry
from chibo.orgs.access import scope_for

ACTIONS = {
    LogEntry.Action.CREATE: "Thêm",
    LogEntry.Action.UPDATE: "Sửa",
    LogEntry.Action.DELETE: "Xóa",
    LogEntry.Action.ACCESS: "Tải xuống",
}

#: Labels of fields whose verbose_name is only the English field name, and of the log's own keys.
FIELD_LABELS = {
    "download": "Tải xuống",
    "import": "Nhập dữ liệu",
    "position": "thứ tự",
    "member": "đảng viên",
    "meeting": "cuộc họp",
    "organization": "tổ chức",
    "user": "tài khoản",
    "vote": "biểu quyết",
    "box": "hòm phiếu",
    "file": "tệp",
    "state": "trạng thái",
    "token": "mã bí mật",
    "values": "giá trị",
    "items": "các mục",
    "section": "phần",
    "recipients": "người nhận",
    "changes": "nội dung đính chính",
    "author": "người đính chính",
    "created_at": "tạo lúc",
    "sent_at": "gửi lúc",
    "sent_by": "người gửi",
    "uploaded_at": "tải lên lúc",
    "opened_at": "mở lúc",
    "closed_at": "đóng lúc",
    "score_preparation": "điểm chuẩn bị",
    "score_conduct": "điểm tiến hành",
    "score_principles": "điểm nguyên tắc",
    "finalized_at": "hoàn tất lúc",
    "finalized_by": "người hoàn tất",
    "scored_at": "chấm điểm lúc",
    "scored_by": "người chấm điểm",
    "adopted_at": "hội nghị thông qua lúc",
    "confirmed_at": "cấp trên xác nhận lúc",
    "confirmed_by": "người xác nhận",
    "password": "mật khẩu",
    "groups": "nhóm quyền",
    "user_permissions": "quyền",
    "permissions": "quyền",
}

PAGE_SIZE = 50
VALUE_MAX = 500


@dataclass(frozen=True)
class LogScope:
    is_admin: bool
    paths: tuple[str, ...]

    def q(self) -> Q:
        if self.is_admin:
            return Q()
        return paths_q(self.paths)

    def covers(self, path: str) -> bool:
        return self.is_admin or any(path.startswith(p) for p in self.paths)


def paths_q(paths) -> Q:
    """Entries of the subtrees of `paths`: a stored path starts with one of them."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(org_paths__contains=" " + p) for p in paths))


def log_scope(user) -> LogScope:
    """Administrators read every entry; committee staff the entries of their subtrees; nobody else."""
    scope = scope_for(user)
    if scope.is_admin:
        return LogScope(True, ())
    if scope.supervise_paths:
        return LogScope(False, tuple(scope.supervise_paths))
    raise PermissionDenied("Chỉ quản trị viên và cán bộ cấp ủy được xem nhật ký thay đổi.")


# --- filters ---------------------------------------------------------------------------------

def day_bounds(first: date | None, last: date | None) -> Q:
    q = Q()
    tz = timezone.get_current_timezone()
    if first:
        q &= Q(timestamp__gte=datetime.combine(first, time.min, tzinfo=tz))
    if last:
        q &= Q(timestamp__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz))
    return q


def record_q(model, pk) -> Q:
    """The record itself and every entry that names it as related (a member's memberships,
    positions, attendance; a meeting's speeches, votes, tasks…)."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(model)
    return Q(content_type=ct, object_pk=str(pk)) | Q(related__contains=f" {registry.token(model, pk)} ")


def person_q(text: str) -> Q:
    return Q(actor_name__icontains=text) | Q(actor__username__icontains=text)


def kinds() -> list[tuple[str, str]]:
    """(model label, Vietnamese name) of every logged kind of record, by name."""
    return sorted(((model._meta.label_lower, spec.kind) for model, spec in registry.SPECS.items()),
                  key=lambda kv: kv[1])


def model_for(label: str):
    for model in registry.SPECS:
        if model._meta.label_lower == label:
            return model
    return None


# --- rows --------------------------------------------------------------------------------------

@dataclass
class Row:
    entry: LogEntry
    when: datetime
    who: str
    where: str
    kind: str
    record: str
    action: str
    changes: list[tuple[str, str, str]]
    only_new: bool = False


def rows(entries) -> list[Row]:
    out = []
    for e in entries:
        model = e.content_type.model_class()
        who = e.actor_name or (e.actor.get_username() if e.actor_id and e.actor else "") or (
            e.actor_email or "Hệ thống")
        out.append(Row(entry=e, when=timezone.localtime(e.timestamp), who=who, where=e.remote_addr or "—",
                       kind=registry.kind_label(model), record=e.object_repr, action=ACTIONS.get(e.action, "?"),
                       changes=changes_shown(model, e.changes or {}),
                       only_new=e.action in (LogEntry.Action.CREATE, LogEntry.Action.ACCESS)))
    return out


def changes_shown(model, changes: dict) -> list[tuple[str, str, str]]:
    shown = []
    for name, values in changes.items():
        label = field_label(model, name)
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            objects = ", ".join(str(o) for o in values.get("objects", []))
            if values.get("operation") == "add":
                shown.append((label, "—", "thêm " + objects))
            else:
                shown.append((label, "bỏ " + objects, "—"))
            continue
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue
        old, new = (value_shown(model, name, v) for v in values)
        if old == new == "—":
            continue
        shown.append((label, old, new))
    return shown


def field_label(model, name: str) -> str:
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is not None:
        verbose = str(getattr(field, "verbose_name", "") or "")
        if verbose and verbose != name.replace("_", " "):
            return verbose
    return FIELD_LABELS.get(name, name.replace("_", " "))


def value_shown(model, name: str, value) -> str:
    if value in (None, "None", ""):
        return "—"
    value = str(value)
    if value == registry.MASK:
        return value
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is not None:
        if getattr(field, "choices", None):
            labels = {str(k): str(v) for k, v in field.flatchoices}
            return labels.get(value, value)
        if isinstance(field, models.DateTimeField):
            return _datetime(value)
        if isinstance(field, models.DateField):
            return _date(value)
        if isinstance(field, models.TimeField):
            return value[:5]
        if isinstance(field, models.BooleanField):
            return {"True": "có", "False": "không"}.get(value, value)
    return value if len(value) <= VALUE_MAX else value[:VALUE_MAX] + "…"


def _date(value: str) -> str:
    try:
        return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _datetime(value: str) -> str:
    """auditlog stores datetimes naive in UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
