"""The help pages (Hướng dẫn sử dụng): one per role, every finding explained with its rule's
parameters from the profile's defaults, the screenshots the browser suite takes, who may read."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.help.screens import SCREENS
from chibo.help.views import ROLES, findings
from chibo.rules.engine import FINDING_LABELS
from chibo.vocabulary import FINDING_ADVICE, FINDING_MEANING
from tests.access_matrix import PERSONAS, snapshot

pytestmark = pytest.mark.django_db
#: URL names whose access is tested here (tests/test_access_orgs.py counts them).
COVERED = {"help_index", "help_role", "help_findings"}
HELP = Path(__file__).resolve().parent.parent / "chibo" / "templates" / "help"
#: Session, user, the scope: 1 query (roles, the member record), and the top bar's counts
#: (chibo.reminders); nothing else.
HELP_QUERIES = 4
STATIC = Path(__file__).resolve().parent.parent / "chibo" / "static" / "chibo" / "help"


def test_every_finding_is_explained():
    assert set(FINDING_MEANING) == set(FINDING_ADVICE) == set(FINDING_LABELS)
    items = {f["code"]: f for f in findings()}
    assert list(items) == list(FINDING_LABELS)
    assert items["LOW_ATTENDANCE"]["meaning"] == (
        "Tỷ lệ đảng viên dự họp (có mặt hoặc đến muộn trên số phải dự) không cao hơn 85%.")
    assert items["SHORT_MEETING"]["meaning"].endswith(
        "thường kỳ 90 phút, chuyên đề 90 phút, kết hợp 120 phút.")
    assert items["REMOVAL_REVIEW"]["source"].startswith("Điều lệ Đảng, Điều 8")
    assert all("{" not in f["meaning"] for f in items.values())


def test_the_findings_page(personas, client_for):
    page = client_for(personas["member"]).get("/huong-dan/ket-luan/").content.decode()
    assert page.count("<dt id=") == len(FINDING_LABELS)
    assert f'<dt id="NOTICE_LATE">{FINDING_LABELS["NOTICE_LATE"]} <span class="muted">(NOTICE_LATE)</span></dt>' in page
    assert "<b>Cách khắc phục:</b> Gửi thông báo triệu tập sớm hơn cho các cuộc họp sau." in page


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_page_and_its_screens(personas, client_for, role):
    response = client_for(personas["secretary"]).get(f"/huong-dan/{role}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<title>Hướng dẫn: {ROLES[role]}" in page
    shown = re.findall(r'src="/static/chibo/help/([a-z_]+)\.png"', page)
    template = (HELP / f"{role}.html").read_text(encoding="utf-8")
    assert shown == re.findall(r"screens\.([a-z_]+)", template) and shown, role
    for name in shown:
        assert (STATIC / f"{name}.png").is_file(), f"{name}.png: run tests/e2e/test_help_screens.py"


def test_every_screen_is_shown_on_a_page():
    used = set()
    for path in HELP.glob("*.html"):
        used |= set(re.findall(r"screens\.([a-z_]+)", path.read_text(encoding="utf-8")))
    assert used == {s.name for s in SCREENS}


def test_an_unknown_role_is_a_404(personas, client_for):
    assert client_for(personas["member"]).get("/huong-dan/khong-co/").status_code == 404


def test_the_top_bar_links_to_help(personas, client_for):
    assert '<a href="/huong-dan/">Hướng dẫn</a>' in client_for(personas["member"]).get("/huong-dan/").content.decode()


@pytest.mark.parametrize("url", ["/huong-dan/", "/huong-dan/bi-thu/", "/huong-dan/ket-luan/"])
def test_constant_queries(tree, personas, client_for, url):
    """The help reads nothing of the record: only the session, the user and the top bar's scope,
    the same number with a larger tree."""
    from chibo.orgs import services

    client = client_for(personas["staff"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(5):
        services.org_create(code=f"H{i}", name=f"Chi bộ số {i}", kind="chi_bo", parent=tree["G"])
    assert (small, count()) == (HELP_QUERIES, HELP_QUERIES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_read(tree, personas, client_for, persona):
    client = client_for(personas.get(persona))
    before = snapshot()
    codes = {url: client.get(url).status_code for url in ("/huong-dan/", "/huong-dan/cap-uy/", "/huong-dan/ket-luan/")}
    if persona == "anonymous":
        assert set(codes.values()) == {302}
    else:
        assert set(codes.values()) == {200}
    assert snapshot() == before
