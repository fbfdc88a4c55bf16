"""No dead ends (issue 13 item 7): every link and button a page shows answers the persona who sees
it with something else than 403 (or 500). The pages are those tests/test_xss.py walks (every URL
of the configuration with the fixture objects, as each of the nine personas); on each page that
answers 200, every internal <a href> is followed (GET) and every form is sent as it would be
(its method, with no fields) inside a transaction rolled back, as the same persona."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from chibo.meetings.models import CalendarToken, Meeting, Vote
from tests.access_matrix import PERSONAS
from tests.test_xss import NOT_WALKED, QUERIES, _routes, _values, world  # noqa: F401  (world: the XSS walk's fixture)

pytestmark = pytest.mark.django_db

#: Targets never followed, and why.
NOT_FOLLOWED = ("/dang-xuat/",)  # logging out ends the walk's session
SKIP_PREFIXES = ("/static/", "/media/", "/quan-tri/", "/api/docs")


def _urls(objs: dict):
    """tests/test_xss.py's walk; a route it has no values for yet is left out here (that test
    names it)."""
    import itertools

    from django.urls import reverse

    from chibo.meetings.models import Contribution, MeetingDocument

    for name, route, params in _routes():
        if name in NOT_WALKED:
            continue
        try:
            choices = [_values(name, route, p, objs) for p in params]
        except AssertionError:
            continue
        for combo in itertools.product(*choices):
            kwargs = dict(zip(params, combo, strict=True))
            if "ident" in kwargs and "pk" in kwargs:
                model = MeetingDocument if "document" in name else Contribution
                if not model.objects.filter(pk=kwargs["pk"], meeting__ident=kwargs["ident"]).exists():
                    continue
            for query in QUERIES.get(name, [""]):
                yield name, reverse(name, kwargs=kwargs) + query


class _Targets(HTMLParser):
    """Links, and forms that have a submit button with the values they would send as they stand
    (hidden and text inputs' values, checked boxes, each select's selected or first option)."""

    def __init__(self):
        super().__init__()
        self.links: set[str] = set()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        form = self._form
        if tag == "a" and a.get("href"):
            self.links.add(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "data": {}, "submit": False}
        elif form is None:
            return
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            form["submit"] = True
        elif tag == "input":
            kind, name = (a.get("type") or "text").lower(), a.get("name")
            if kind in ("submit", "image"):
                form["submit"] = True
            elif name and (kind not in ("checkbox", "radio") or "checked" in a) and kind != "file":
                form["data"].setdefault(name, []).append(a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and (self._select not in form["data"] or "selected" in a):
            form["data"][self._select] = [a.get("value") or ""]

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            if self._form["submit"]:
                self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def _internal(href: str, page_url: str) -> str | None:
    parts = urlsplit(href or page_url)  # a form without action goes to its page
    if parts.scheme or parts.netloc or (href or "").startswith(("#", "mailto:", "tel:")):
        return None
    path = parts.path or urlsplit(page_url).path
    if path.startswith(SKIP_PREFIXES) or path in NOT_FOLLOWED:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def targets(html: str, page_url: str) -> set[tuple[str, str, tuple]]:
    """(method, url, data as sorted items) of every link and every form with a submit button."""
    parser = _Targets()
    parser.feed(html)
    out = set()
    for href in parser.links:
        url = _internal(href, page_url)
        if url:
            out.add(("get", url, ()))
    for form in parser.forms:
        url = _internal(form["action"], page_url)
        if url:
            data = tuple(sorted((k, tuple(v)) for k, v in form["data"].items() if k != "csrfmiddlewaretoken"))
            out.add((form["method"], url if form["method"] == "post" else url.split("?")[0], data))
    return out


def test_every_link_and_button_answers_the_persona_who_sees_it(world, personas, client_for, capsys):  # noqa: F811
    held = Meeting.objects.get(pk=world["held"])
    objs = {"idents": list(Meeting.objects.order_by("date").values_list("ident", flat=True)),
            "tokens": list(CalendarToken.objects.values_list("token", flat=True)),
            "votes": list(Vote.objects.filter(meeting=held).values_list("pk", flat=True)),
            "reset": {"uidb64": urlsafe_base64_encode(force_bytes(personas["member"].pk)),
                      "token": default_token_generator.make_token(personas["member"])}}
    urls = [(name, url) for name, url in _urls(objs) if not url.startswith("/api/")
            and not url.endswith((".pdf", ".docx", ".ics", ".xlsx", ".json"))]
    dead: dict[str, list[str]] = defaultdict(list)
    checked = 0
    for persona in PERSONAS:
        client = client_for(personas[persona])
        answers: dict[tuple[str, str], int] = {}
        for _name, url in urls:
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            for method, target, data in sorted(targets(response.content.decode(), url)):
                key = (method, target, data)
                if key not in answers:
                    values = {k: list(v) for k, v in data}
                    with transaction.atomic():
                        answer = client.post(target, values) if method == "post" else client.get(target, values)
                        transaction.set_rollback(True)
                    if method == "post":
                        client_for(personas[persona])  # a POST may have changed the session: log in again
                    answers[key] = answer.status_code
                    checked += 1
                if answers[key] in (403, 500):
                    dead[persona].append(f"{url} -> {method.upper()} {target}: {answers[key]}")
    with capsys.disabled():
        print(f"\n[dead ends] {checked} links and buttons answered for {len(PERSONAS)} personas")
    assert dict(dead) == {}
