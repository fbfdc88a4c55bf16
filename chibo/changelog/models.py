"""The log entry: django-auditlog's entry (settings.AUDITLOG_LOGENTRY_MODEL) with two columns more.

- `org_paths`: the tree paths of the organisations the record belongs to, each preceded by a
  space and the whole ended by a space (" 0000000100000002 0000000100000005 "). An entry is in
  the subtree of path P when `org_paths` contains " " + P: a plain LIKE that behaves the same on
  SQLite and PostgreSQL (paths only hold [0-9a-f]), unlike JSON key lookups.
- `related`: the records the entry is about besides its own object, as " app.model:id " tokens
  (a speech names its meeting and its speaker), so a member's or a meeting's page can list the
  changes of everything that belongs to it.
- `actor_name`: who, as it stood then ("username – full name"); it survives the account.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.utils import timezone


class ChangeLogManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        if kwargs.get("changes") is not None or force_log:
            from chibo.changelog import registry

            registry.annotate(instance, kwargs)
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        from chibo.changelog import registry

        if changed_queryset:
            registry.annotate(instance, kwargs)
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


class LogEntry(AbstractLogEntry):
    org_paths = models.TextField("tổ chức (đường dẫn)", blank=True, default="")
    related = models.TextField("liên quan", blank=True, default="")
    actor_name = models.CharField("người thực hiện", max_length=300, blank=True, default="")

    objects = ChangeLogManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "mục nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        indexes = [models.Index(fields=["content_type", "object_id"], name="changelog_object")]

    def __str__(self):
        when = timezone.localtime(self.timestamp).strftime("%d/%m/%Y %H:%M") if self.timestamp else ""
        return f"{self.object_repr} ({when})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("Nhật ký thay đổi không sửa được.")
        super().save(*args, **kwargs)
