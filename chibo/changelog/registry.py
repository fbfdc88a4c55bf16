"""What the change log records, in one place.

Every model of Chibo is either in LOGGED (registered with django-auditlog at start-up by
ChangelogConfig.ready) or in NOT_LOGGED with the reason; tests/test_changelog.py fails when a new
model is in neither list.

For each logged model, `orgs` names how to reach the organisations the record belongs to (a chain
of foreign keys ending at an Organization, a Member — the cells of all its memberships — or a User
— the organisations of its roles and of its member record; "" is the record itself). Those paths
are stored on the entry (LogEntry.org_paths), so a committee reads the entries of its subtree.
`related` names the records the entry also belongs to (LogEntry.related), for the "Nhật ký" of a
member or a meeting.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.encoding import smart_str

from chibo.changelog.record import ROW_BEFORE
from chibo.orgs.models import SEGMENT, Member, Membership, Organization, Role


@dataclass(frozen=True)
class Logged:
    label: str  # "app_label.ModelName"
    kind: str  # what the record is, in Vietnamese, as shown on the log page
    orgs: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    mask: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()


M = ("meeting__organization",)

LOGGED: tuple[Logged, ...] = (
    # The organisation tree and the member records
    Logged("orgs.Organization", "tổ chức đảng", ("",), ("parent",), exclude=("path", "depth")),
    Logged("orgs.Member", "đảng viên", ("",), ("user",), exclude=("sort_key", "search_name")),
    Logged("orgs.Membership", "sinh hoạt tại chi bộ", ("organization",), ("member", "organization")),
    Logged("orgs.MemberPeriod", "miễn / vắng sinh hoạt", ("member",), ("member",)),
    Logged("orgs.Position", "chức vụ", ("organization",), ("member", "organization")),
    # Access: roles, accounts and their groups (the password hash is never written to the log)
    Logged("orgs.Role", "vai trò", ("organization",), ("user", "organization")),
    Logged(settings.AUTH_USER_MODEL, "tài khoản", ("",), exclude=("last_login",), mask=("password",),
           m2m=("groups", "user_permissions")),
    Logged("auth.Group", "nhóm quyền", m2m=("permissions",)),
    Logged("accounts.SecurityPolicy", "chính sách bảo mật"),
    # The second factor of an account: added, confirmed, removed; its secret key masked; the
    # counters each login moves are left out.
    Logged("otp_totp.TOTPDevice", "xác thực hai lớp (TOTP)", ("user",), ("user",), mask=("key",),
           exclude=("throttling_failure_timestamp", "throttling_failure_count", "last_used_at", "drift", "last_t")),
    # Rules and supervision
    Logged("rules.RuleProfile", "bộ quy tắc", ("organization",), ("organization",)),
    Logged("rules.ScoringSheet", "phiếu chấm điểm sinh hoạt", ("organization",), ("organization",),
           exclude=("updated_at",)),
    Logged("supervision.Visit", "dự sinh hoạt", ("organization",), ("organization", "meeting", "member")),
    Logged("supervision.VisitPlan", "kế hoạch dự sinh hoạt", ("cell",), ("cell", "assignee", "meeting")),
    Logged("supervision.Recommendation", "kiến nghị, đề xuất của chi bộ", ("organization",),
           ("organization", "meeting")),
    Logged("supervision.RecommendationStep", "bước xử lý kiến nghị", ("recommendation__organization",),
           ("recommendation__meeting",)),
    Logged("supervision.Orientation", "định hướng sinh hoạt chi bộ", ("organization",), ("organization",)),
    Logged("supervision.OrientationUptake", "chi bộ tiếp thu định hướng", ("organization",),
           ("organization", "meeting")),
    # Party fees: a month's record and relief decisions. The change log is read by committee staff,
    # who see only a cell's totals (docs/permissions.md): the income and the amounts are masked.
    Logged("fees.FeeRecord", "đảng phí tháng", ("member",), ("member",), exclude=("updated_at",),
           mask=("base", "due", "paid")),
    Logged("fees.Relief", "miễn, giảm đảng phí", ("member",), ("member", "decided_by")),
    # Meetings and all their parts
    Logged("meetings.Meeting", "cuộc họp", ("organization",), ("organization",),
           exclude=("created_at", "updated_at", "minutes_snapshot", "version")),
    Logged("meetings.Guest", "khách mời", M, ("meeting",), exclude=("version",)),
    Logged("meetings.Attendance", "điểm danh", M, ("meeting", "member"), exclude=("version",)),
    Logged("meetings.Speech", "phát biểu", M, ("meeting", "member"), exclude=("version",)),
    Logged("meetings.Vote", "biểu quyết", M, ("meeting",), exclude=("version",)),
    Logged("meetings.Task", "nhiệm vụ", M, ("meeting", "assignee"), exclude=("version",)),
    Logged("meetings.Amendment", "đính chính biên bản", M, ("meeting",)),
    Logged("meetings.AgendaItem", "nội dung chương trình họp", M, ("meeting",), exclude=("version",)),
    Logged("meetings.AgendaTemplate", "chương trình mẫu", ("organization",), ("organization",),
           exclude=("updated_at",)),
    Logged("meetings.ThematicPlan", "kế hoạch chuyên đề", ("organization",), ("organization", "presenter")),
    Logged("meetings.ThematicPrep", "chuẩn bị chuyên đề", M, ("meeting", "presenter")),
    Logged("meetings.Contribution", "tham luận", M, ("meeting", "member")),
    Logged("meetings.MeetingDocument", "tài liệu cuộc họp", M, ("meeting",)),
    Logged("meetings.Notice", "thông báo họp", M, ("meeting",)),
    Logged("meetings.AbsenceNotice", "báo vắng", M, ("meeting", "member")),
    Logged("meetings.ScoreConfirmation", "đánh giá chất lượng", M, ("meeting",)),
    Logged("meetings.QualityRecord", "đánh giá chất lượng sinh hoạt (HD 42)", M, ("meeting", "scorer"),
           exclude=("version",)),
    Logged("meetings.BallotBox", "hòm phiếu điện tử", ("vote__meeting__organization",), ("vote__meeting",)),
    # The secret token is the key of the feed: only the fact that it changed is logged.
    Logged("meetings.CalendarToken", "địa chỉ lịch (iCal)", ("organization", "member", "user"),
           ("organization", "member", "user"), mask=("token",)),
    # A personal API token: created, renamed, revoked. The hash of its secret is never written to
    # the log, nor each use (last_used_at moves with the calls).
    Logged("api.ApiToken", "khóa API", ("user",), ("user",), exclude=("secret_hash", "last_used_at")),
)

NOT_LOGGED: dict[str, str] = {
    "meetings.Ballot": "secret ballot: an entry per cast ballot (its time and order next to the voters' "
                       "entries) would pair voters with choices; only the box and the counted vote are logged",
    "meetings.BallotVoter": "secret ballot: who voted when, next to the ballots, would break the secrecy; "
                            "turnout is in the counted vote",
    "rules.RuleProfileChange": "itself the per-key change log of a rule profile; the profile is logged",
    "changelog.LogEntry": "the change log itself (read-only)",
    "results.CellYear": "derived: the rule engine's results, recomputed from the logged record",
    "results.MeetingResult": "derived: the rule engine's results, recomputed from the logged record",
    "results.PeriodFinding": "derived: the rule engine's results, recomputed from the logged record",
    "accounts.AccountState": "a technical counter bumped to end a user's sessions; the deactivation or "
                             "the role removal that bumps it is logged",
    "jobs.JobFailure": "technical: a background job that failed for good, kept for the administrators "
                       "(what the job was doing is logged where it wrote)",
    "notices.NoticeDelivery": "a receipt of the logged notice (meetings.Notice: who sent it, to whom): one row "
                              "per member and channel written in bulk with each send, and its opening time "
                              "written when the member opens the meeting; read on the notice page",
    "jobs.MailDelivery": "technical: the e-mail a job sent, kept so a retry never sends it twice (the "
                         "notice itself is logged)",
    "reminders.Notification": "derived: a reminder the daily job sent (its sent-log) and the person's "
                              "notification, rebuilt from the logged record; read by its person only",
    "reminders.ReminderPreference": "a person's own choice of reminders, not official data",
}

MASK = "••••••••"


def mask_secret(value: str) -> str:
    """Secrets (password hash, calendar token) are replaced whole: the log shows that they changed."""
    return MASK


def _model(label: str):
    return apps.get_model(label)


def _spec_by_model() -> dict:
    specs = {}
    for spec in LOGGED:
        try:
            specs[_model(spec.label)] = spec
        except LookupError:  # pragma: no cover - an app that is not installed
            continue
    return specs


SPECS: dict = {}


def _log_update(sender, instance, **kwargs):
    """auditlog's update receiver, except that a row already read under a lock is not read again."""
    from auditlog import get_logentry_model
    from auditlog.receivers import _create_log_entry, log_update

    old = instance.__dict__.get(ROW_BEFORE)
    if old is None or instance._state.adding or instance.pk is None:
        return log_update(sender, instance, **kwargs)
    _create_log_entry(action=get_logentry_model().Action.UPDATE, instance=instance, sender=sender, diff_old=old,
                      diff_new=instance, fields_to_check=kwargs.get("update_fields"),
                      use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES)


def register_all() -> None:
    from auditlog.receivers import check_disable
    from auditlog.registry import auditlog
    from django.db.models.signals import pre_save

    SPECS.clear()
    SPECS.update(_spec_by_model())
    for model in SPECS:
        auditlog.unregister(model)  # with the receivers it was registered with
    if not getattr(auditlog._signals.get(pre_save), "chibo", False):
        receiver = check_disable(_log_update)
        receiver.chibo = True
        auditlog._signals[pre_save] = receiver
    for model, spec in SPECS.items():
        not_concrete = [f.name for f in model._meta.get_fields() if not f.concrete]
        auditlog.register(
            model,
            exclude_fields=[model._meta.pk.name, *not_concrete, *spec.exclude],
            mask_fields=list(spec.mask),
            mask_callable="chibo.changelog.registry.mask_secret",
            m2m_fields=set(spec.m2m),
        )


def kind_label(model) -> str:
    spec = SPECS.get(model)
    if spec is not None:
        return spec.kind
    return str(model._meta.verbose_name) if model is not None else ""


# --- organisations and related records of an instance ------------------------------------------

def _follow(instance, chain: str):
    """(model, object or None, pk) at the end of a chain of foreign keys; None where it breaks.
    Uses the objects already loaded on the instance; otherwise one query for the rest of the chain."""
    if not chain:
        return type(instance), instance, instance.pk
    obj = instance
    hops = chain.split("__")
    for i, hop in enumerate(hops):
        field = obj._meta.get_field(hop)
        pk = getattr(obj, field.attname)
        if pk is None:
            return None
        model = field.related_model
        if field.is_cached(obj):
            obj = getattr(obj, hop)
            if obj is None:
                return None
            continue
        rest = hops[i + 1:]
        if not rest:
            return model, None, pk
        final = model
        for name in rest:
            final = final._meta.get_field(name).related_model
        pk = model._base_manager.filter(pk=pk).values_list("__".join(rest), flat=True).first()
        return (final, None, pk) if pk is not None else None
    # obj._meta.model, not type(obj): a foreign key may hold a lazy object (request.user)
    return obj._meta.model, obj, obj.pk


def _org_path(obj, pk) -> list[str]:
    if obj is not None:
        if obj.path:
            # An organisation being moved (chibo.orgs.services.org_move): its old place as well.
            moved_from = obj.__dict__.get("_changelog_moved_from")
            return [obj.path, moved_from] if moved_from else [obj.path]
        # A new organisation gets its path just after its first save (it needs its id).
        if obj.parent_id is None:
            return [format(obj.pk, f"0{SEGMENT}x")]
        parent = obj.parent if Organization.parent.field.is_cached(obj) else None
        parent_path = parent.path if parent is not None else Organization.objects.filter(
            pk=obj.parent_id).values_list("path", flat=True).first()
        return [(parent_path or "") + format(obj.pk, f"0{SEGMENT}x")] if parent_path else []
    return list(Organization.objects.filter(pk=pk).values_list("path", flat=True))


def _member_paths(pk) -> list[str]:
    return list(Membership.objects.filter(member_id=pk).values_list("organization__path", flat=True))


def _user_paths(pk) -> list[str]:
    roles = Role.objects.filter(user_id=pk).order_by().values_list("organization__path", flat=True)
    member = Membership.objects.filter(member__user_id=pk).order_by().values_list("organization__path", flat=True)
    return list(roles.union(member))


def org_paths(instance, creating: bool = False) -> list[str]:
    spec = SPECS.get(type(instance))
    if spec is None:
        return []
    found = set()
    user_model = get_user_model()
    for chain in spec.orgs:
        if creating and not chain and type(instance) in (Member, user_model):
            continue  # a new member or account has no membership or role yet
        try:
            end = _follow(instance, chain)
        except FieldDoesNotExist:  # a field another version of the model does not have
            continue
        if end is None or end[2] is None:
            continue
        model, obj, pk = end
        if model is Organization:
            found.update(_org_path(obj, pk))
        elif model is Member:
            found.update(_member_paths(pk))
        elif model is user_model:
            found.update(_user_paths(pk))
    return sorted(p for p in found if p)


def related_tokens(instance) -> list[str]:
    spec = SPECS.get(type(instance))
    tokens = []
    for chain in spec.related if spec else ():
        try:
            end = _follow(instance, chain)
        except FieldDoesNotExist:
            continue
        if end is not None and end[2] is not None:
            tokens.append(token(end[0], end[2]))
    return tokens


def token(model, pk) -> str:
    return f"{model._meta.label_lower}:{pk}"


def joined(items) -> str:
    """" a b c " — every item between spaces, so `contains(" a")` finds items starting with a."""
    return " " + " ".join(items) + " " if items else ""


# --- readable values of foreign keys ------------------------------------------------------------

def describe(obj) -> str:
    """How a related record is written in the log: its name, and its code where it has one."""
    text = smart_str(obj)
    for attr in ("code", "ident"):
        code = getattr(obj, attr, None)
        if code and code != text:
            return f"{text} ({code})"
    return text


#: A field that names a record of a model without its own __str__ (shown after its owners).
TITLE_FIELDS = ("title", "subject", "name", "description", "kind", "status")


def _named_by_owners(instance) -> bool:
    """The parts of a meeting (and the calendar tokens) have a short __str__ for the admin; the log
    keeps naming them by the records they belong to, as before they had one."""
    return instance._meta.app_label == "meetings" and instance._meta.model_name != "meeting"


def record_repr(instance) -> str:
    """A readable name for a record of a model without __str__: the records it belongs to (as
    loaded, or one query each) and its own title, e.g. "Chi bộ thôn Đông (C1) · Nguyễn Văn An (M1)"."""
    spec = SPECS.get(type(instance))
    parts = []
    for chain in spec.related if spec else ():
        if "__" in chain:
            continue
        try:
            field = instance._meta.get_field(chain)
        except FieldDoesNotExist:
            continue
        pk = getattr(instance, field.attname)
        if pk is None:
            continue
        try:
            parts.append(describe(getattr(instance, chain)))
        except field.related_model.DoesNotExist:
            continue
    for name in TITLE_FIELDS:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.is_relation:
            value = getattr(instance, f"get_{name}_display")() if field.choices else getattr(instance, name)
            if value:
                text = str(value)
                parts.append(text if len(text) <= 80 else text[:79] + "…")
            break
    return " · ".join(parts) or f"#{instance.pk}"


def readable_changes(instance, changes: dict) -> dict:
    """Foreign keys as the names of the records they point to, as they stand now (old and new),
    so that the log stays readable after a rename or a deletion. One query per related model."""
    wanted: dict = {}
    fk_fields = {}
    for name in changes:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        fk_fields[name] = field
        for value in changes[name]:
            if value not in (None, "None", ""):
                wanted.setdefault(field.related_model, set()).add(str(value))
    if not fk_fields:
        return changes
    found = {}
    for model, pks in wanted.items():
        for field in fk_fields.values():  # use what is loaded on the instance
            if field.related_model is model and field.is_cached(instance):
                obj = getattr(instance, field.name)
                if obj is not None and str(obj.pk) in pks:
                    found[(model, str(obj.pk))] = describe(obj)
        missing = [pk for pk in pks if (model, pk) not in found]
        if missing:
            for obj in model._base_manager.filter(pk__in=missing):
                found[(model, str(obj.pk))] = describe(obj)
    out = dict(changes)
    for name, field in fk_fields.items():
        out[name] = [found.get((field.related_model, str(v)), v) if v not in (None, "None", "") else v
                     for v in changes[name]]
    return out


def annotate(instance, kwargs: dict) -> None:
    """Fill the Chibo columns of an entry about to be written for `instance`."""
    from chibo.changelog.models import LogEntry

    creating = kwargs.get("action") == LogEntry.Action.CREATE
    paths = org_paths(instance, creating)
    if creating and not paths and isinstance(instance, Member):
        instance._changelog_unattributed = True  # see _attribute_new_member
    if not paths and instance.pk is not None and not creating:
        # Deleted or detached since: the organisations of its previous entries.
        from django.contrib.contenttypes.models import ContentType

        ct = kwargs.get("content_type") or ContentType.objects.get_for_model(instance)
        previous = LogEntry.objects.filter(content_type=ct, object_pk=str(instance.pk)).exclude(org_paths="")
        last = previous.order_by("-timestamp", "-pk").values_list("org_paths", flat=True).first()
        if last:
            paths = last.split()
    kwargs.setdefault("org_paths", joined(paths))
    kwargs.setdefault("related", joined(related_tokens(instance)))
    if type(instance).__str__ is models.Model.__str__ or _named_by_owners(instance):
        kwargs.setdefault("object_repr", record_repr(instance))
    if kwargs.get("changes"):
        kwargs["changes"] = readable_changes(instance, kwargs["changes"])
    if isinstance(instance, Membership) and creating:
        _attribute_new_member(instance, paths)


def _attribute_new_member(membership: Membership, paths: list[str]) -> None:
    """A member is created a moment before its first membership (services.member_create): the creation
    entry of that member object gets the cell of the membership."""
    from django.contrib.contenttypes.models import ContentType

    from chibo.changelog.models import LogEntry

    member = membership.member if Membership.member.field.is_cached(membership) else None
    if paths and getattr(member, "_changelog_unattributed", False):
        member._changelog_unattributed = False
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Member),
                                object_id=membership.member_id, org_paths="").update(org_paths=joined(paths))
