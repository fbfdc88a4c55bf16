"""The jobs of no particular app: one e-mail message, the nightly clean-up of expired sessions."""

from importlib import import_module

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from chibo.jobs.celery import app
from chibo.jobs.mail import MAIL_ERRORS, deliver
from chibo.jobs.queue import RETRY


@app.task(name="chibo.jobs.tasks.send_email", verbose_name="Gửi thư", autoretry_for=MAIL_ERRORS, **RETRY)
def send_email(key: str, subject: str, body: str, to: list[str], from_email: str | None = None,
               html: str | None = None) -> bool:
    """One message, sent once per `key` (a retry or a second run sends nothing more)."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    return deliver(key, message)


@app.task(name="chibo.jobs.tasks.clear_sessions", verbose_name="Xóa phiên đăng nhập hết hạn")
def clear_sessions() -> None:
    """What `chibo clearsessions` does: delete the expired sessions (nightly)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
