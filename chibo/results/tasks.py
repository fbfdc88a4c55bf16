"""The stored results' background jobs (chibo.jobs): re-audits after saves, the batches of
`chibo refresh --jobs`, the nightly refresh (Celery beat; without beat, `chibo refresh` from
cron does the same). Recomputing a slice from the record is idempotent: a retry, or a job run
twice, stores the same results."""

import logging
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError

from chibo.jobs import RETRY, app
from chibo.orgs.models import Organization
from chibo.results import services

log = logging.getLogger(__name__)


#: The kinds of wait before a re-audit: a save's, and a save made while recording a meeting.
SAVE, RECORDING = "save", "recording"


def _waiting_key(cell_id: int, year: int, kind: str = SAVE) -> str:
    return f"results:waiting:{kind}:{cell_id}:{year}"


def _delay(kind: str) -> int:
    return settings.RESULTS_RECORDING_DELAY if kind == RECORDING else settings.RESULTS_REFRESH_DELAY


def request_refresh(pairs: list[tuple[int, int]], kind: str = SAVE) -> None:
    """Re-audit the cell-years (cell id, year) a committed save touched (chibo.results.signals).

    Eager (the embedded default, tests): at once, in-process. With a worker: a job that runs
    RESULTS_REFRESH_DELAY seconds from now, sent only for the cell-years not already waiting for
    one (a key in the shared cache, cleared by the job before it reads anything, so a save that
    commits after that sends a new job and no save is left out). A minute-taker's taps on one
    meeting cost one re-audit per delay, not one per tap. Without the cache, every save sends.

    `kind` RECORDING (the saves of a meeting's live recording, `meetings.recording.live`): the
    delay is RESULTS_RECORDING_DELAY, and its own key, so any other save of that cell-year (the
    minutes finalized) still sends its job after RESULTS_REFRESH_DELAY."""
    from chibo.jobs.queue import send

    delay = _delay(kind)
    if refresh_cells.app.conf.task_always_eager or delay <= 0:
        send(refresh_cells, ([list(p) for p in pairs],), {})
        return
    try:
        pairs = [p for p in pairs if cache.add(_waiting_key(*p, kind), 1, timeout=delay * 10 + 600)]
    except Exception:  # the cache is away: re-audit without sharing the job
        log.exception("could not reach the cache; re-auditing without waiting")
    if pairs:
        send(refresh_cells, ([list(p) for p in pairs],), {"kind": kind} if kind != SAVE else {}, countdown=delay)


@app.task(name="chibo.results.tasks.refresh_cells", verbose_name="Tính lại kết quả chi bộ sau khi lưu",
          autoretry_for=(OperationalError,), **RETRY)
def refresh_cells(pairs: list[list[int]], kind: str = SAVE) -> int:
    """Re-audit the cell-years [cell id, year] a committed save touched (request_refresh)."""
    try:  # first: a save of this kind committing from now on sends a job of its own
        cache.delete_many([_waiting_key(cell_id, year, kind) for cell_id, year in pairs])
    except Exception:
        log.exception("could not reach the cache")
    cells = Organization.objects.in_bulk({cell_id for cell_id, _year in pairs})
    done = 0
    for cell_id, year in pairs:
        if cell_id in cells:  # a cell deleted meanwhile has nothing left to audit
            services.refresh_year(cells[cell_id], year)
            done += 1
    return done


@app.task(name="chibo.results.tasks.refresh_batch", verbose_name="Tính lại kết quả một cụm chi bộ",
          autoretry_for=(OperationalError,), **RETRY)
def refresh_batch(org_id: int, year: int, as_of: str) -> int:
    """One batch of `chibo refresh --jobs` (about a district's cells for one year)."""
    org = Organization.objects.filter(pk=org_id).first()
    return services.refresh_year(org, year, date.fromisoformat(as_of)) if org else 0


@app.task(name="chibo.results.tasks.nightly_refresh", verbose_name="Tính lại kết quả kiểm tra hằng đêm",
          autoretry_for=(OperationalError,), **RETRY)
def nightly_refresh() -> int:
    """What `chibo refresh` does without arguments: every tree, the years with meetings and this
    year, as of today (overdue tasks, months that ended without their meeting)."""
    roots = Organization.objects.filter(parent__isnull=True).order_by("path").values_list("code", flat=True)
    return services.refresh_roots(list(roots))
