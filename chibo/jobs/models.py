"""What the background jobs keep: the jobs that failed for good (for the administrators) and the
e-mail already sent (so that a retried or repeated job never sends a message twice)."""

import json

from django.db import models


class JobFailure(models.Model):
    """A job that still failed after its retries, or could not be sent to the queue."""

    task = models.CharField("mã công việc", max_length=200, db_index=True)
    label = models.CharField("công việc", max_length=200)
    task_id = models.CharField("số hiệu", max_length=64, blank=True)
    arguments = models.TextField("tham số", blank=True)
    error = models.TextField("lỗi")
    traceback = models.TextField("chi tiết kỹ thuật", blank=True)
    retries = models.PositiveIntegerField("số lần thử lại", default=0)
    failed_at = models.DateTimeField("lúc", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "công việc nền bị lỗi"
        verbose_name_plural = "công việc nền bị lỗi"
        ordering = ["-failed_at", "-pk"]

    def __str__(self):
        return f"{self.label}: {self.error}"[:200]

    @classmethod
    def record(cls, task, task_id, args, kwargs, exc, traceback: str, *, retries: int, enqueue: bool = False):
        error = f"{type(exc).__name__}: {exc}"
        if enqueue:
            error = f"Không đưa được vào hàng đợi — {error}"
        return cls.objects.create(
            task=task.name, label=getattr(task, "verbose_name", "") or task.name, task_id=task_id or "",
            arguments=json.dumps({"args": list(args or ()), "kwargs": dict(kwargs or {})}, ensure_ascii=False,
                                 default=str),
            error=error[:10_000], traceback=traceback[:50_000], retries=retries)


class MailDelivery(models.Model):
    """One e-mail message sent, under the key its job gave it (e.g. `notice:12:an@example.vn`)."""

    key = models.CharField("khóa", max_length=300, unique=True)
    recipient = models.CharField("người nhận", max_length=320)
    subject = models.CharField("tiêu đề", max_length=500)
    sent_at = models.DateTimeField("lúc gửi", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "thư đã gửi"
        verbose_name_plural = "thư đã gửi"
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"
