"""django-auditlog's middleware (actor, remote address) plus the actor's name as it stands now,
written on each entry so that "who" survives a renamed or deleted account."""

from auditlog.middleware import AuditlogMiddleware


def actor_label(user) -> str:
    if user is None:
        return ""
    name = ""
    member = getattr(user, "_changelog_member_name", None)
    if member is None:
        from chibo.orgs.models import Member

        member = Member.objects.filter(user=user).values_list("full_name", flat=True).first() or ""
        user._changelog_member_name = member
    name = member or user.get_full_name()
    return f"{user.get_username()} – {name}" if name else user.get_username()


class ChangeLogMiddleware(AuditlogMiddleware):
    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        actor = data.get("actor")
        # A callable: evaluated only when an entry is written (most requests write none).
        data["actor_name"] = (lambda: actor_label(actor)) if actor is not None else ""
        return data

    def __call__(self, request):
        from auditlog.context import auditlog_value

        try:
            return super().__call__(request)
        finally:
            # auditlog leaves the request's data in the context variable; later writes in this
            # thread (a command, a test) must not be attributed to the last request's user.
            auditlog_value.set(None)
