"""The daily reminders as a Celery beat job (`app.conf.beat_schedule` in chibo/jobs/celery.py);
cron runs `chibo remind` instead (README, "Background jobs")."""

from django.conf import settings

from chibo.jobs import RETRY, app
from chibo.jobs.mail import MAIL_ERRORS
from chibo.meetings import dates


@app.task(name="chibo.reminders.tasks.daily_reminders", verbose_name="Gửi nhắc việc hằng ngày",
          autoretry_for=MAIL_ERRORS, **RETRY)
def daily_reminders(day: str | None = None) -> int:
    """Send today's reminders (or those of `day`, ISO); a retry or a second run sends nothing
    twice. Returns how many reminders were recorded now."""
    from datetime import date

    from chibo.reminders.services import remind

    on = date.fromisoformat(day) if day else dates.today()
    return remind(on, base_url=getattr(settings, "CHIBO_BASE_URL", "")).reminders
