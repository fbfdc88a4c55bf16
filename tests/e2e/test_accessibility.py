"""Accessibility (WCAG 2.1 AA, issue 13 item 9): axe-core on every page each demo login reaches.

The demo committee (`chibo demo`) is loaded into the live server's database. For each demo login
(and for a visitor not logged in) the test follows every link of every page it reaches from the
start page (the links read from the HTML) and opens in one browser one page of each kind: the URL's
name, plus the meeting's status and kind for a meeting's pages, the organization's kind for an
organization's pages and the query's keys; a kind already checked for a login of the same role is
not checked again (ROLE). Files (PDF, Word, Excel, iCal, uploads), the JSON API and the Django
admin (its own templates) are not pages of ours and are not followed; the 404 page is added.

On each page, at a phone's width (360 px) and at a laptop's (1280 px), axe-core
(node_modules/axe-core, the npm package, injected by the test as an init script: nothing of it is
served to users) runs the WCAG 2.0/2.1 A and AA rules (tags wcag2a, wcag2aa, wcag21a, wcag21aa);
at 360 px the page must not scroll sideways, and on the recording page every control a finger
presses is at least 44×44 px; every link shown answers (no 403 behind a button). The test prints
the totals by impact and fails on any violation.
A second test sends forms with bad input and checks the pages that come back with their errors.
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.urls import Resolver404, resolve  # noqa: E402

from tests.e2e import browser_check  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOGINS = ["admin", "dangy", "dangy2", "bithu1", "bithu2", "bithu4", "dangvien1", "dangvien2"]
#: Logins of one role see the same kinds of pages: a kind of page already checked for one of them is
#: not checked again for the next (each still walks all its pages and checks the kinds it adds, e.g.
#: bithu4's cancelled meeting, dangy2's recording pages). The administrator sees the committee
#: staff's pages plus the forms only it may open.
ROLE = {"admin": "staff", "dangy": "staff", "dangy2": "staff", "bithu1": "secretary", "bithu2": "secretary",
        "bithu4": "secretary", "dangvien1": "member", "dangvien2": "member", "anonymous": "anonymous"}
PASSWORD = "chibo-demo"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
IMPACTS = ("critical", "serious", "moderate", "minor")
#: Not followed: not pages of ours (files, JSON, the admin's own templates) or not a GET page.
SKIP_PREFIXES = ("/quan-tri/", "/api/", "/static/", "/media/", "/dang-xuat/", "/lich/")
SKIP_SUFFIXES = (".pdf", ".docx", ".xlsx", ".ics")
SKIP_NAMES = {"document_download", "presentation_download", "healthz"}
#: Kinds of page the crawl must reach (it fails when links break and it finds less).
ESSENTIAL = {"home", "login", "my_page", "org_tree", "org_detail", "member_list", "member_detail", "dashboard",
             "org_audit", "rule_profile", "meeting_list", "meeting_detail", "meeting_prepare", "meeting_record",
             "notice_send", "ballot_vote", "plan_year", "agenda_template", "account", "password_change"}
#: The recording page: every control at least this many CSS pixels wide and high at 360 px.
TARGET = 44

AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' '))}));
}"""

SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"

SMALL_TARGETS = """(min) => {
  const out = [];
  const sel = 'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(sel)) {
    let box = el;
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) box = el.closest('label');
    const r = box.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim().slice(0, 30);
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""


def _kinds():
    """What tells two pages of one URL name apart: {meeting ident: (status, kind)}, {org code: kind}."""
    from chibo.meetings.models import Meeting
    from chibo.orgs.models import Organization

    meetings = {ident: (status, kind) for ident, status, kind in Meeting.objects.values_list("ident", "status", "kind")}
    orgs = dict(Organization.objects.values_list("code", "kind"))
    return meetings, orgs


def page_key(url: str, meetings: dict, orgs: dict) -> tuple | None:
    """The kind of page `url` is (None: not a page this test visits)."""
    parts = urlsplit(url)
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if name in SKIP_NAMES:
        return None
    extra = []
    if "ident" in match.kwargs:
        extra.append(meetings.get(match.kwargs["ident"]))
    if "code" in match.kwargs and match.kwargs["code"] in orgs and path.startswith("/to-chuc/"):
        extra.append(orgs[match.kwargs["code"]])
    keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return (name, tuple(extra), keys)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.hrefs.append(attrs["href"])


def _links(html: str, here: str, base: str) -> list[str]:
    """The links of a page to this site's pages (path and query)."""
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(here, href))
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/dang-nhap/" not in page.url, f"{username} could not log in"


class Crawl:
    def __init__(self, base: str):
        self.base = base
        self.meetings, self.orgs = _kinds()
        self.violations = []  # (who, width, url, rule, impact, nodes)
        self.sideways = []  # (who, url)
        self.small = []  # (who, url, targets)
        self.visited = []  # (who, url)
        self.statuses = Counter()
        self.seen = defaultdict(set)  # role: kinds of page checked
        self.errors = []  # (who, url, status) of links answered with an error

    def check(self, page, who: str, url: str, key: tuple | None) -> None:
        for width, size in (("360", PHONE), ("1280", LAPTOP)):
            page.set_viewport_size(size)
            for v in page.evaluate(AXE_RUN, TAGS):
                self.violations.append((who, width, url, v["id"], v["impact"], v["nodes"]))
            if width == "360":
                if page.evaluate(SCROLLS_SIDEWAYS):
                    self.sideways.append((who, url))
                if key and key[0] == "meeting_record":
                    small = page.evaluate(SMALL_TARGETS, TARGET)
                    if small:
                        self.small.append((who, url, small))

    def walk(self, page, who: str, start: str) -> None:
        """Breadth first from `start`, one page of each kind for this login. The links are read from
        the HTML (the context's request client, same cookies); a kind of page not yet checked for
        this role is opened in the browser and checked."""
        checked, queued = self.seen[ROLE[who]], set()
        queue = [start]
        while queue:
            url = queue.pop(0)
            response = page.context.request.get(self.base + url)
            self.statuses[response.status] += 1
            if response.status >= 400:  # a link shown to this login that it cannot follow
                self.errors.append((who, url, response.status))
            if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
                continue
            here = urlsplit(response.url)
            url = here.path + (f"?{here.query}" if here.query else "")
            key = page_key(url, self.meetings, self.orgs)
            if key is None:
                continue
            if key not in checked:
                checked.add(key)
                self.visited.append((who, url))
                page.set_viewport_size(PHONE)
                page.goto(self.base + url)
                self.check(page, who, url, key)
            queued.add(key)  # where a redirect led
            for link in _links(response.text(), response.url, self.base):
                link_key = page_key(link, self.meetings, self.orgs)
                if link_key is None or link_key in queued:
                    continue
                queued.add(link_key)
                queue.append(link)

    def summary(self) -> str:
        nodes, rules = Counter(), Counter()
        for *_, impact, found in self.violations:
            rules[impact] += 1
            nodes[impact] += len(found)
        by_rule = defaultdict(set)
        for _who, _width, url, rule, impact, _ in self.violations:
            key = page_key(url, self.meetings, self.orgs)
            by_rule[(rule, impact)].add(key[0] if key else url)
        lines = [f"[a11y] {len(self.visited)} pages checked at 360 and 1280 px "
                 f"({len({u for _, u in self.visited})} distinct URLs), responses {dict(self.statuses)}; per login "
                 + " ".join(f"{who} {n}" for who, n in Counter(w for w, _ in self.visited).items()),
                 "[a11y] axe violations (rule x page x width / elements): " + ", ".join(
                     f"{i} {rules[i]}/{nodes[i]}" for i in IMPACTS),
                 f"[a11y] sideways scroll at 360 px: {len(self.sideways)} pages; "
                 f"recording pages with targets under {TARGET} px: {len(self.small)}"]
        for (rule, impact), names in sorted(by_rule.items()):
            lines.append(f"  {impact:8} {rule}: {', '.join(sorted(names))}")
        return "\n".join(lines)

    def problems(self) -> list[str]:
        out = [f"{who} {width}px {url}: {rule} ({impact}) {nodes[:3]}"
               for who, width, url, rule, impact, nodes in self.violations]
        out += [f"{who} {url}: a link answered {status}" for who, url, status in self.errors]
        out += [f"{who} {url}: scrolls sideways at 360 px" for who, url in self.sideways]
        out += [f"{who} {url}: targets under {TARGET}x{TARGET} px: {small}" for who, url, small in self.small]
        return out


@pytest.fixture
def demo(transactional_db, settings):
    from chibo.meetings import dates
    from chibo.orgs.demo import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(dates.today())


@pytest.fixture
def crawler(browser):
    if not AXE.exists():
        reason = f"{AXE} missing (npm ci)"
        if browser_check.in_ci():
            pytest.fail(f"the accessibility test cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    # axe-core runs in every page the test opens (an init script from the test, so the page's
    # CSP stays as served and no file of axe is ever served by Chibo)
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(20000)
    yield context
    context.close()


def test_every_page_of_every_demo_login_passes_axe(live_server, demo, crawler, capsys):
    started = time.monotonic()
    crawl = Crawl(live_server.url)
    page = crawler.new_page()
    crawl.walk(page, "anonymous", "/dang-nhap/")
    for who in LOGINS:
        crawler.clear_cookies()
        _login(page, live_server.url, who)
        crawl.walk(page, who, "/")
    missing = "/khong-co-trang-nay/"  # the error page (404) a mistyped address shows
    assert page.goto(live_server.url + missing).status == 404
    crawl.visited.append((LOGINS[-1], missing))
    crawl.check(page, LOGINS[-1], missing, None)
    with capsys.disabled():
        print("\n" + crawl.summary() + f"\n[a11y] {time.monotonic() - started:.0f} s")
    kinds = {page_key(u, crawl.meetings, crawl.orgs) for _, u in crawl.visited} - {None}
    assert {k[0] for k in kinds} >= ESSENTIAL, "the crawl missed pages every demo reaches"
    assert "\n".join(crawl.problems()) == ""


#: Forms sent with bad input (required fields emptied, a value out of range): (login, path, {selector: value}).
BAD_INPUT = [
    ("bithu1", "/to-chuc/TT-C1/them-dang-vien/", {}),
    ("bithu1", "/to-chuc/TT-C1/sinh-hoat/them/", {}),
    ("bithu1", "/tai-khoan/doi-mat-khau/", {}),
    ("dangy", "/to-chuc/TT-C1/quy-tac/", {"#id_regular_meeting_day": "99"}),
]

SEND_BAD = """(values) => {
  const form = document.querySelector('main form[method=post] :is(input, select, textarea):not([type=hidden])').form;
  for (const el of form.querySelectorAll('[required]')) el.value = '';
  for (const [sel, value] of Object.entries(values)) document.querySelector(sel).value = value;
  form.noValidate = true;
  form.requestSubmit(form.querySelector('[type=submit], button:not([type])'));
}"""

#: Every field marked invalid names its error message (aria-describedby) and the message is there.
UNDESCRIBED = """() => [...document.querySelectorAll('[aria-invalid=true]')].filter(el => {
  const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  return !ids.some(id => (document.getElementById(id) || {}).textContent);
}).map(el => el.id)"""


def test_forms_with_their_errors_pass_axe(live_server, demo, crawler):
    """A form sent back with its errors (and the login page after a wrong password, the page after
    a password reset was asked): no axe violation, and each field in error is described by its
    message."""
    from chibo.meetings.models import Meeting
    from chibo.orgs.models import Member
    from chibo.rules.models import RuleProfileChange

    before = (Member.objects.count(), Meeting.objects.count(), RuleProfileChange.objects.count())
    page = crawler.new_page()
    problems, invalid = [], 0
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "bithu1")
    page.fill("#id_password", "sai-mat-khau")
    page.click("main button[type=submit]")
    page.wait_for_selector(".errorlist")
    problems += [f"login: {v['id']} {v['nodes'][:3]}" for v in page.evaluate(AXE_RUN, TAGS)]
    page.goto(f"{live_server.url}/quen-mat-khau/")  # a reset asked: the page that says the mail left
    page.fill("#id_email", "dangy@tanthanh.example")
    page.click("main button[type=submit]")
    page.wait_for_url("**/quen-mat-khau/da-gui/")
    problems += [f"reset sent: {v['id']} {v['nodes'][:3]}" for v in page.evaluate(AXE_RUN, TAGS)]
    who = None
    for login, path, values in BAD_INPUT:
        if login != who:
            crawler.clear_cookies()
            _login(page, live_server.url, login)
            who = login
        page.goto(live_server.url + path)
        with page.expect_navigation():
            page.evaluate(SEND_BAD, values)
        assert page.locator("main .errorlist").count() > 0, path
        invalid += page.locator("[aria-invalid=true]").count()
        problems += [f"{path}: {v['id']} {v['nodes'][:3]}" for v in page.evaluate(AXE_RUN, TAGS)]
        problems += [f"{path}: {el} has no error message for screen readers" for el in page.evaluate(UNDESCRIBED)]
    assert invalid >= len(BAD_INPUT)
    assert problems == []
    assert (Member.objects.count(), Meeting.objects.count(), RuleProfileChange.objects.count()) == before
