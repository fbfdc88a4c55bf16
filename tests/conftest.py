"""Shared fixtures: a small tree and the six personas of every access test.

    P  (dang_bo_tinh)
    ├── G  (dang_bo_co_so)
    │   ├── C1 (chi_bo): M1 (secretary's member record), M2 (linked to login 'member'), M3 probationary
    │   └── C2 (chi_bo): M4 (linked to login 'other'), M5 (the sibling cell's secretary, login 'sibling')
    └── G2 (dang_bo_co_so): another grassroots committee
        └── C3 (chi_bo)

Personas (tests/access_matrix.py PERSONAS): admin; staff (committee staff of G); designated (staff
of G whom G designated to record C1's meetings); secretary (of C1); member (of C1); other (a
member of the sibling cell C2); sibling (the secretary of C2); rival (committee staff of G2);
anonymous.
"""

import os
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from chibo.orgs import services
from chibo.orgs.models import Member, Role
from tests.e2e.browser_check import in_ci

PASSWORD = "x-test-password"

# Hypothesis (README, "Replaying a Hypothesis failure"). No profile has a deadline: no test asserts
# a duration. "dev": random examples; a failing example is stored in .hypothesis/examples and tried
# first on the next run. "ci" (environment variable CI set): derandomized, so every run tries the
# same examples and a CI failure recurs with `CI=true pytest ...`; prints the @reproduce_failure
# blob. Hypothesis keeps no examples database when derandomized (it refuses one).
hypothesis_settings.register_profile(
    "dev", deadline=None,
    database=DirectoryBasedExampleDatabase(str(Path(__file__).resolve().parent.parent / ".hypothesis" / "examples")))
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("ci" if in_ci() else "dev")

# CHIBO_TEST_SCOPE=database (.ci/run's PostgreSQL run): only the tests that use the database and
# no browser test. The others (the rule engine, bundles, vocabulary: no database; the browser
# walks, which drive the same server code) give the same answer on any database and run once, in
# the SQLite run, which runs everything.
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_setup"})


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CHIBO_TEST_SCOPE") != "database":
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses_db and not item.get_closest_marker("e2e") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def tree(db):
    p = services.org_create(code="P", name="Đảng bộ tỉnh Thử", kind="dang_bo_tinh")
    g = services.org_create(code="G", name="Đảng bộ xã Tân Thành", kind="dang_bo_co_so", parent=p)
    c1 = services.org_create(code="C1", name="Chi bộ thôn Đông", kind="chi_bo", parent=g)
    c2 = services.org_create(code="C2", name="Chi bộ thôn Tây", kind="chi_bo", parent=g)
    g2 = services.org_create(code="G2", name="Đảng bộ xã Bình An", kind="dang_bo_co_so", parent=p)
    c3 = services.org_create(code="C3", name="Chi bộ thôn Bắc", kind="chi_bo", parent=g2)
    start = date(2020, 1, 1)
    mk = services.member_create
    m1 = mk(code="M1", full_name="Nguyễn Văn An", organization=c1, start=start, gender="nam",
            joined_on=date(2000, 1, 1), official_on=date(2001, 1, 1))
    m2 = mk(code="M2", full_name="Trần Thị Bình", organization=c1, start=start, gender="nu",
            joined_on=date(2005, 1, 1), official_on=date(2006, 1, 1))
    m3 = mk(code="M3", full_name="Lê Văn Cường", organization=c1, start=date(2024, 6, 1), gender="nam",
            joined_on=date(2024, 6, 1))
    m4 = mk(code="M4", full_name="Phạm Văn Dũng", organization=c2, start=start, gender="nam",
            joined_on=date(1999, 1, 1), official_on=date(2000, 1, 1))
    m5 = mk(code="M5", full_name="Đỗ Thị Em", organization=c2, start=start, gender="nu",
            joined_on=date(1998, 1, 1), official_on=date(1999, 1, 1))
    return {"P": p, "G": g, "C1": c1, "C2": c2, "G2": g2, "C3": c3, "M1": m1, "M2": m2, "M3": m3, "M4": m4, "M5": m5}


@pytest.fixture
def personas(tree):
    User = get_user_model()
    admin = User.objects.create_user("admin", password=PASSWORD, is_superuser=True, is_staff=True)
    staff = User.objects.create_user("staff", password=PASSWORD)
    Role.objects.create(user=staff, organization=tree["G"], kind=Role.Kind.COMMITTEE_STAFF)
    secretary = User.objects.create_user("secretary", password=PASSWORD)
    Role.objects.create(user=secretary, organization=tree["C1"], kind=Role.Kind.SECRETARY)
    Member.objects.filter(pk=tree["M1"].pk).update(user=secretary)
    member = User.objects.create_user("member", password=PASSWORD)
    Member.objects.filter(pk=tree["M2"].pk).update(user=member)
    other = User.objects.create_user("other", password=PASSWORD)
    Member.objects.filter(pk=tree["M4"].pk).update(user=other)
    designated = User.objects.create_user("designated", password=PASSWORD)
    Role.objects.create(user=designated, organization=tree["G"], kind=Role.Kind.COMMITTEE_STAFF)
    Role.objects.create(user=designated, organization=tree["C1"], kind=Role.Kind.DESIGNATED)
    sibling = User.objects.create_user("sibling", password=PASSWORD)
    Role.objects.create(user=sibling, organization=tree["C2"], kind=Role.Kind.SECRETARY)
    Member.objects.filter(pk=tree["M5"].pk).update(user=sibling)
    rival = User.objects.create_user("rival", password=PASSWORD)
    Role.objects.create(user=rival, organization=tree["G2"], kind=Role.Kind.COMMITTEE_STAFF)
    return {"admin": admin, "staff": staff, "secretary": secretary, "member": member, "other": other,
            "designated": designated, "sibling": sibling, "rival": rival, "anonymous": None}


@pytest.fixture
def client_for(client):
    def make(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def meeting(tree):
    """A held regular meeting of C1 on 03/01/2025 (M1 chairs, M2 is secretary)."""
    from datetime import time

    from chibo.meetings.models import Attendance, Meeting

    m = Meeting.objects.create(ident="C1-2025-01", organization=tree["C1"], kind="regular", date=date(2025, 1, 3),
                               status="held", start=time(19, 30), end=time(21, 5), place="Nhà văn hóa thôn Đông",
                               chair=tree["M1"], secretary=tree["M2"], notice_sent_on=date(2025, 1, 1))
    for i, code in enumerate(["M1", "M2", "M3"]):
        Attendance.objects.create(meeting=m, member=tree[code], position=i, status="present")
    return m


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 is slow on purpose; tests only need logins to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
