"""List pages run a constant number of queries whatever the data size."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.orgs import services

pytestmark = pytest.mark.django_db


def grow(tree, n):
    """Add n members to C1 and n/5 cells under G, with periods and positions."""
    for i in range(n):
        m = services.member_create(code=f"G{n}-{i}", full_name=f"Nguyễn Văn Số {i}", organization=tree["C1"],
                                   start=date(2021, 1, 1), joined_on=date(2000, 1, 1), official_on=date(2001, 1, 1))
        if i % 3 == 0:
            services.period_add(m, kind="exempt", start=date(2022, 1, 1), end=None)
        if i % 7 == 0:
            services.position_add(m, organization=tree["C1"], title="chi_uy_vien", start=date(2022, 1, 1), end=None)
    for j in range(n // 5):
        services.org_create(code=f"X{n}-{j}", name=f"Chi bộ số {j}", kind="chi_bo", parent=tree["G"])


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


URLS = ["/to-chuc/", "/to-chuc/C1/", "/to-chuc/G/", "/dang-vien/?q=nguyen", "/api/orgs", "/api/orgs/C1/roll",
        "/api/members?q=van", "/to-chuc/C1/sinh-hoat/", "/to-chuc/C1/quy-tac/"]


@pytest.mark.parametrize("persona", ["admin", "staff"])
def test_constant_queries(client, personas, persona):
    client.force_login(personas[persona])
    small = {url: count(client, url) for url in URLS}
    grow(_tree(), 25)
    large = {url: count(client, url) for url in URLS}
    assert large == small


def _tree():
    from chibo.orgs.models import Organization

    return {code: Organization.objects.get(code=code) for code in ("G", "C1")}
