"""Background jobs (Celery). The API every app uses:

    from chibo import jobs
    jobs.enqueue(task, *args, **kwargs)

`enqueue` runs `task` with those (JSON-serialisable) arguments once the current transaction
commits: nothing runs when it rolls back, and outside a transaction it is sent at once. Where it
runs is the settings' business (`CELERY_*` in `chibo/settings.py`): in the embedded default (no
broker: `scripts/start.sh`, the tests) in-process, eagerly, right after the commit; in
production on a `celery -A chibo.jobs worker` through Redis.

A task is declared in the `tasks.py` of the app that owns its work, with `chibo.jobs.app`:

    from chibo.jobs import app

    @app.task(name="chibo.results.tasks.refresh_cell", verbose_name="Tính lại kết quả chi bộ",
              autoretry_for=(OperationalError,), **jobs.RETRY)
    def refresh_cell(cell_id, year): ...

Every task is a `ChiboTask` (`base.py`): a task that still fails after its retries is stored as a
`JobFailure` (listed for administrators in /quan-tri/ → *Công việc nền bị lỗi*, under the task's
`verbose_name`). Jobs are delivered at least once (acknowledged after they finish; a worker that
dies hands its job to another): a task must be idempotent, i.e. running it twice does what
running it once does. E-mail goes through `chibo.jobs.mail.deliver`, which sends a message once
per key (`MailDelivery`); `chibo.jobs.tasks.send_email` is the job for one message.
"""

from chibo.jobs.queue import RETRY, enqueue

__all__ = ["RETRY", "app", "enqueue"]


def __getattr__(name: str):
    """`app` is loaded when first asked for (a task module, a worker, a job sent): Celery takes
    about a third of a second to import, which every command and web worker would otherwise pay
    at start-up."""
    if name == "app":
        from chibo.jobs.celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
