"""The Celery application of Chibo, configured from Django's settings (the `CELERY_*` block of
`chibo/settings.py`).

Production: a Redis broker (`REDIS_URL` or `CELERY_BROKER_URL`), `celery -A chibo.jobs worker` and
`celery -A chibo.jobs beat`. Embedded default (no broker configured: `scripts/start.sh`, the
tests): every job runs in-process, eagerly, once the transaction that asked for it commits
(`chibo.jobs.enqueue`), so nothing else has to run.

Tasks live in the `tasks.py` module of the app that owns what they do (`chibo/meetings/tasks.py`:
the meeting notice; `chibo/results/tasks.py`: the nightly refresh) and in `chibo/jobs/tasks.py`
(e-mail, the sessions' clean-up); `autodiscover_tasks` finds them in every installed app.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")

app = Celery("chibo", task_cls="chibo.jobs.base:ChiboTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

#: Celery beat's schedule (`celery -A chibo.jobs beat`), in the time zone of the settings
#: (Asia/Ho_Chi_Minh). Without beat the same work runs from cron: `chibo clearsessions` and
#: `chibo refresh`, `chibo remind` (README, "Background jobs").
app.conf.beat_schedule = {
    "nightly-refresh": {"task": "chibo.results.tasks.nightly_refresh", "schedule": crontab(hour=1, minute=30)},
    "nightly-clearsessions": {"task": "chibo.jobs.tasks.clear_sessions", "schedule": crontab(hour=2, minute=0)},
    "daily-reminders": {"task": "chibo.reminders.tasks.daily_reminders", "schedule": crontab(hour=6, minute=0)},
}
