"""`enqueue`: a job sent after the transaction commits (see the package's docstring)."""

import logging

from django.db import transaction

log = logging.getLogger(__name__)

#: The retry policy of a job whose failure may pass (an SMTP server or the database away for a
#: while): up to 5 retries, waiting about 1, 2, 4, 8, 16 s (exponential backoff with jitter,
#: at most 10 minutes). Eager jobs (the embedded default) retry at once, without waiting.
RETRY = {"max_retries": 5, "retry_backoff": True, "retry_backoff_max": 600, "retry_jitter": True}


def enqueue(task, *args, using: str | None = None, **kwargs) -> None:
    """Run `task(*args, **kwargs)` as a job once the current transaction on `using` commits (at
    once outside a transaction); nothing runs if it rolls back. A job that cannot be sent (the
    broker away) is stored as a failure for the administrators and logged; the commit stands."""
    transaction.on_commit(lambda: send(task, args, kwargs), using=using)


def send(task, args: tuple, kwargs: dict, **options) -> None:
    """Send a job now; `options` go to Celery's apply_async (countdown=N: run it N seconds from
    now; an eager job runs at once whatever they say)."""
    try:
        task.apply_async(args, kwargs, **options)
    except Exception as exc:  # the broker is away: the data has committed, the job is recorded
        log.exception("could not enqueue %s", task.name)
        from chibo.jobs.models import JobFailure

        JobFailure.record(task, None, args, kwargs, exc, "", retries=0, enqueue=True)
