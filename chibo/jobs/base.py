"""The class of every Chibo task: a failure that outlives its retries is stored for the
administrators (`JobFailure`, /quan-tri/ → *Công việc nền bị lỗi*)."""

import logging

from celery import Task

log = logging.getLogger(__name__)


class ChiboTask(Task):
    #: The task's name as administrators read it (Vietnamese); `name` is the code's.
    verbose_name = ""

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        log.warning("job %s[%s] failed (%s), retry %s", self.name, task_id, exc, self.request.retries + 1)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from chibo.jobs.models import JobFailure

        log.error("job %s[%s] failed for good: %r", self.name, task_id, exc)
        try:
            JobFailure.record(self, task_id, args, kwargs, exc, str(einfo), retries=self.request.retries)
        except Exception:  # the database itself is away: the log keeps it
            log.exception("could not store the failure of %s[%s]", self.name, task_id)
