"""The help pages' screenshots (chibo/help/screens.py), taken from the demo by this test.

Every run writes each screenshot into chibo/static/chibo/help/, so the help shows the pages as
they are: when a page changes, its picture changes with it (and `git status` shows it). The
demo's day is pinned (FIXED_DAY: `dates.today` and `timezone.localdate`), so an unchanged page
gives the same picture and a run leaves the files as they were."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from chibo.help.screens import SCREENS

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).resolve().parents[2] / "chibo" / "static" / "chibo" / "help"
FIXED_DAY = date(2026, 11, 25)
PASSWORD = "chibo-demo"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def demo(transactional_db, settings, monkeypatch):
    from chibo.meetings import dates
    from chibo.orgs.demo import load_demo

    real = timezone.localdate
    monkeypatch.setattr(dates, "today", lambda: FIXED_DAY)
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: (
        FIXED_DAY if value is None else real(value, timezone)))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(FIXED_DAY)


def pages() -> dict[str, str]:
    """Each screen's page in the demo."""
    from chibo.meetings.models import Meeting

    upcoming = Meeting.objects.filter(organization__code="TT-C1", date__gte=FIXED_DAY).order_by("date").first()
    held = Meeting.objects.filter(organization__code="TT-C2", status="held").order_by("-date").first()
    return {
        "start": "/",
        "prep": reverse("meeting_prepare", args=[upcoming.ident]),
        "record": reverse("meeting_record", args=[held.ident]),
        "finalize": reverse("meeting_finalize", args=[held.ident]),
        "dashboard": reverse("dashboard", args=["TT"]) + f"?ky={FIXED_DAY.year}",
        "compliance": reverse("org_audit", args=["TT"]),
        "tree": reverse("org_tree"),
    }


def test_help_screens(live_server, demo, browser):
    urls = pages()
    STATIC.mkdir(parents=True, exist_ok=True)
    for screen in SCREENS:
        context = browser.new_context(viewport=PHONE if screen.phone else LAPTOP, device_scale_factor=1,
                                      is_mobile=screen.phone, has_touch=screen.phone, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(20000)
        page = context.new_page()
        page.goto(live_server.url + "/dang-nhap/")
        page.fill("#id_username", screen.login)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit], main input[type=submit]")
        page.wait_for_load_state("networkidle")
        response = page.goto(live_server.url + urls[screen.page])
        assert response.status == 200, (screen.name, urls[screen.page], response.status)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        path = STATIC / f"{screen.name}.png"
        page.screenshot(path=str(path), full_page=False)
        context.close()
        assert path.stat().st_size > 5000, screen.name
