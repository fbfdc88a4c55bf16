"""Under the Content-Security-Policy the browser refuses nothing on the recording page and in
the Django admin: every script and style comes from Chibo's own static files."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth import get_user_model  # noqa: E402

from tests.e2e.test_record_meeting import PASSWORD, cell, login, set_field, wait_saved  # noqa: E402,F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _watch(page):
    """Console errors and CSP violation reports of a page."""
    problems = []
    page.on("console", lambda m: problems.append(f"{m.text} {m.location.get('url', '')}")
            if m.type == "error" and "favicon.ico" not in m.location.get("url", "") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
    return problems


def test_recording_page_runs_under_the_policy(live_server, cell, phone):  # noqa: F811
    page = phone.new_page()
    problems = _watch(page)
    login(page, live_server)
    response = page.goto(f"{live_server.url}/sinh-hoat/C1-2025-03/ghi/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    set_field(page, "#f-place", "Nhà văn hóa thôn Đông")
    page.locator("li.roll-row[data-member='M00'] button[data-status='present']").click()
    wait_saved(page)
    assert page.locator("li.roll-row[data-member='M00']").get_attribute("data-status") == "present"
    assert problems == []


def test_admin_runs_under_the_policy(live_server, cell, phone):  # noqa: F811
    get_user_model().objects.create_user("quantri", password=PASSWORD, is_staff=True, is_superuser=True)
    page = phone.new_page()
    problems = _watch(page)
    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    for path in ("/quan-tri/", "/quan-tri/orgs/member/", "/quan-tri/orgs/member/add/", "/quan-tri/auth/user/add/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # the admin's own scripts ran: the date widget's shortcuts are added by JavaScript
    page.goto(f"{live_server.url}/quan-tri/orgs/member/add/")
    if page.locator("input.vDateField").count():
        assert page.locator(".datetimeshortcuts").count() > 0
    assert problems == []


def test_dashboard_draws_its_charts_under_the_policy(live_server, transactional_db, phone):
    """The committee dashboard: Chart.js (from the npm package) draws the grades and the monthly
    attendance from their tables, under the CSP, on a phone."""
    from datetime import date as _date

    from chibo.interchange.generate import generate_province
    from chibo.orgs.models import Organization
    from chibo.results.services import refresh_subtree

    generate_province(members=120, cells=4, seed=5, months=6, year=2025)
    refresh_subtree(Organization.objects.get(code="T01"), [2025], as_of=_date(2025, 12, 31))
    get_user_model().objects.create_user("quantri", password=PASSWORD, is_staff=True, is_superuser=True)
    page = phone.new_page()
    problems = _watch(page)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    response = page.goto(f"{live_server.url}/to-chuc/T01/bang-theo-doi/?ky=2025-H1")
    assert response.status == 200
    page.wait_for_function("() => document.querySelectorAll('.chart canvas').length === 2")
    assert page.locator("table.months tbody tr").count() == 6
    assert problems == []
