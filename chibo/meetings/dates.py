"""Dates as the meetings pages and services see them: today, one function that every module calls
as `dates.today()` so that a test moves the whole app's day by patching this one attribute
(`monkeypatch.setattr(dates, "today", ...)`), and the weekday's name printed beside a date."""

from datetime import date

from django.utils import timezone

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def today() -> date:
    return timezone.localdate()


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]
