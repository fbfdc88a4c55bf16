"""The stored results' background jobs (chibo.jobs): the nightly refresh (Celery beat; without
beat, `chibo refresh` from cron does the same)."""

from django.db import OperationalError

from chibo.jobs import RETRY, app
from chibo.orgs.models import Organization
from chibo.results import services


@app.task(name="chibo.results.tasks.nightly_refresh", verbose_name="Tính lại kết quả kiểm tra hằng đêm",
          autoretry_for=(OperationalError,), **RETRY)
def nightly_refresh() -> int:
    """What `chibo refresh` does without arguments: every tree, the years with meetings and this
    year, as of today (overdue tasks, months that ended without their meeting). Recomputing is
    idempotent: a retry stores the same results."""
    roots = Organization.objects.filter(parent__isnull=True).order_by("path").values_list("code", flat=True)
    return services.refresh_roots(list(roots))
