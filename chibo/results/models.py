"""The rule engine's results kept in the database, one slice per cell and year.

A slice is what the engine computes for one cell's calendar year (excused-absence runs restart
each year, so a meeting's verdict depends on its own cell-year only): its meetings' audit
entries (`MeetingResult`, with the few facts the period findings need) and the cell's period
findings as of the day it was refreshed (`PeriodFinding`). `chibo.results.services` writes
them, `chibo.results.selectors` reads them back (the audit of `chibo audit --stored`, the
committees' figures); nothing else writes here."""

from django.db import models

from chibo.meetings.models import Meeting
from chibo.orgs.models import Organization


class CellYear(models.Model):
    """A refreshed slice: the cell's results for `year` as of `as_of`."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    as_of = models.DateField("tính đến ngày")
    refreshed_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    meetings = models.PositiveIntegerField("số cuộc họp", default=0)
    overdue_tasks = models.PositiveIntegerField("nhiệm vụ quá hạn", default=0)
    # the party-fee totals of the cell's audited months (version 2's `fees`: {"month", "due",
    # "paid", "unpaid": [member codes]}), what the year-end sheet counts per member
    fees = models.JSONField("đảng phí các tháng", default=list)

    class Meta:
        verbose_name = "kết quả năm của chi bộ"
        verbose_name_plural = "kết quả năm của chi bộ"
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="results_one_slice_per_year")]

    def __str__(self):
        return f"Kết quả năm {self.year} — {self.organization.name}"


class MeetingResult(models.Model):
    """The engine's audit entry of one meeting, as `chibo audit` prints it, and what the period
    findings note of it (`engine.PeriodNotes.note`)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="result")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    ident = models.CharField(max_length=64)
    date = models.DateField()
    kind = models.CharField(max_length=16)
    entry = models.TextField("kết quả (JSON)")  # text: the entry's key order is part of the output
    score_total = models.PositiveSmallIntegerField()
    grade = models.CharField(max_length=16)
    meets_framework = models.BooleanField(null=True)  # null: judged by HD 42 (no HD 12 framework)
    expected = models.PositiveIntegerField()
    present = models.PositiveIntegerField()
    rescheduled = models.BooleanField()
    removal_threshold = models.PositiveSmallIntegerField()
    unexcused = models.JSONField(default=list)  # member codes absent without reason
    tasks = models.JSONField(default=list)  # [assignee code or null, due ISO or null, done ISO or null]
    # HD 42, results not posted yet: the last day to post them (RESULTS_NOT_POSTED from the day
    # after, rules-v2.md §2), so an audit as of another day reads the entry as of that day
    results_due = models.DateField(null=True)
    # the codes of the entry's findings, each between spaces (" NOTICE_MISSING DOCS_NOT_POSTED "):
    # what the dashboard counts of them, from the index
    codes = models.CharField(max_length=600, blank=True, default="")

    class Meta:
        verbose_name = "kết quả cuộc họp"
        verbose_name_plural = "kết quả cuộc họp"
        indexes = [
            # Every column the committee dashboard counts (chibo.reports.dashboard), so that it reads
            # the index alone and never the wide rows with their entries (PostgreSQL's index-only
            # scan once the table is vacuumed: `chibo refresh` does it; SQLite's covering index).
            models.Index(fields=["organization", "date", "kind", "grade", "meets_framework", "present", "expected",
                                 "score_total", "codes", "id"], name="results_meeting_figures"),
            models.Index(fields=["date", "ident"]),
        ]

    def __str__(self):
        return f"Kết quả cuộc họp {self.ident} ({self.date:%d/%m/%Y})"


class PeriodFinding(models.Model):
    """A finding of a cell's month, quarter or half-year (or an overdue task of its meetings) as
    of its slice's `as_of`: what the committees' figures count."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32)
    period = models.CharField(max_length=8, blank=True)  # 2025-03, 2025-Q1, 2025-H1
    first = models.DateField(null=True)  # the period's first day (an overdue task: its meeting's day)
    last = models.DateField(null=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, related_name="+")
    task = models.PositiveSmallIntegerField(null=True)
    member = models.CharField(max_length=64, blank=True)
    months = models.JSONField(default=list)  # FEE_UNPAID_REVIEW: the months unpaid ("2026-01", ...)

    class Meta:
        verbose_name = "kết luận theo kỳ"
        verbose_name_plural = "kết luận theo kỳ"
        indexes = [
            models.Index(fields=["organization", "year", "code"]),
            models.Index(fields=["code", "first"]),
            # the dashboard's count of a subtree's findings in a period (an index-only scan)
            models.Index(fields=["organization", "code", "first", "last"], name="results_finding_figures"),
        ]

    def __str__(self):
        return f"{self.code} — {self.period or self.year} — {self.organization.name}"
