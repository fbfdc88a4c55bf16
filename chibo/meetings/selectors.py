"""Reads for meeting pages, each in a fixed number of queries."""

from django.db.models import Count, Prefetch, Q

from chibo.meetings.models import Attendance, Meeting, Speech, Task, Vote


def meetings_of(org, year=None):
    qs = Meeting.objects.filter(organization=org)
    if year:
        qs = qs.filter(date__year=year)
    return qs.annotate(
        n_present=Count("attendance", filter=Q(attendance__status__in=["present", "late"])),
        n_attendance=Count("attendance"),
    ).order_by("-date", "-ident")


def meeting_full(ident):
    return (
        Meeting.objects.select_related("organization", "organization__parent", "chair", "secretary")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("member__sort_key")),
            Prefetch("speeches", queryset=Speech.objects.select_related("member").order_by("position")),
            Prefetch("votes", queryset=Vote.objects.order_by("position")),
            Prefetch("tasks", queryset=Task.objects.select_related("assignee").order_by("position")),
            "guests",
        )
        .filter(ident=ident)
        .first()
    )


def tasks_of_member(member_id):
    return Task.objects.filter(assignee_id=member_id).select_related("meeting", "meeting__organization").order_by(
        "done_on", "due", "id")


def attendance_of_member(member_id, limit=24):
    return Attendance.objects.filter(member_id=member_id).select_related("meeting", "meeting__organization").order_by(
        "-meeting__date")[:limit]
