"""The fee pages in a phone's browser (360 px): axe-core finds no violation and no page scrolls
sideways, with the demo and a month of fees in it: the cell's sheet, a member's month (also sent
back with an error), the reliefs, the import, the committee's totals, a member's own months and
record page."""

from __future__ import annotations

import pytest

from tests.e2e.test_accessibility import (  # noqa: F401  (fixtures)
    AXE_RUN,
    SCROLLS_SIDEWAYS,
    TAGS,
    _login,
    crawler,
    demo,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fees():
    """This month of TT-C1: every member's due, half of them paid, one relief."""
    from django.utils import timezone

    from chibo.fees import calculator, services
    from chibo.orgs.models import Member, Organization

    cell = Organization.objects.get(code="TT-C1")
    month = calculator.first_day(timezone.localdate())
    members = list(Member.objects.filter(memberships__organization=cell, memberships__end__isnull=True)
                   .order_by("code"))
    services.relief_save(cell=cell, member=members[0], kind="reduce_50", basis="5.2", from_month=month,
                         to_month=month, decided_by=cell.parent, reason="Gia đình khó khăn")
    for i, m in enumerate(members[:-1]):
        paid = dict(paid=50_000, paid_on=month, channel="cash") if i % 2 else {}
        services.fee_record_save(cell=cell, member=m, month=month, due=50_000 + i, **paid)
    own = Member.objects.get(user__username="dangvien1")
    return calculator.month_key(month), members[1].code, own.code


def test_the_fee_pages_pass_axe_at_360px(live_server, demo, crawler):  # noqa: F811
    key, member, own = _fees()
    page = crawler.new_page()
    problems = []

    def check(path, who):
        assert page.goto(live_server.url + path).status == 200, path
        problems.extend(f"{who} {path}: {v['id']} {v['nodes'][:3]}" for v in page.evaluate(AXE_RUN, TAGS))
        if page.evaluate(SCROLLS_SIDEWAYS):
            problems.append(f"{who} {path}: scrolls sideways at 360 px")

    _login(page, live_server.url, "bithu1")
    for path in (f"/dang-phi/TT-C1/?thang={key}", f"/dang-phi/TT-C1/{key}/{member}/", "/dang-phi/TT-C1/mien-giam/",
                 f"/dang-phi/TT-C1/{key}/nhap-excel/"):
        check(path, "bithu1")
    page.goto(f"{live_server.url}/dang-phi/TT-C1/{key}/{member}/")
    page.fill("#id_due", "-5")
    with page.expect_navigation():
        page.evaluate("() => { const f = document.querySelector('#id_due').form; f.noValidate = true; f.requestSubmit(); }")
    assert page.locator("main .errorlist").count() > 0
    problems.extend(f"bithu1 form error: {v['id']} {v['nodes'][:3]}" for v in page.evaluate(AXE_RUN, TAGS))
    crawler.clear_cookies()
    _login(page, live_server.url, "dangy")
    check("/dang-phi/tong-hop/TT/", "dangy")
    crawler.clear_cookies()
    _login(page, live_server.url, "dangvien1")
    check("/dang-phi/cua-toi/", "dangvien1")
    check(f"/dang-vien/{own}/", "dangvien1")
    assert problems == []
