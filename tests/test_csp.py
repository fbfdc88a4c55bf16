"""Content-Security-Policy (django-csp): no inline script anywhere, scripts and styles only from
Chibo's own static files (issue 7). tests/test_xss.py also checks the header and the markup of
every HTML page it walks."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests import test_xss
from tests.access_matrix import PERSONAS
from tests.test_xss import _admin_urls, _urls

world = test_xss.world  # the payload test's fixture: every kind of record, so every page has content

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "chibo"
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
#: Templates that are not web pages: e-mail bodies (mail clients need inline styles; a CSP header
#: does not apply to a message).
NOT_PAGES = ("notice_email.html",)


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for directive in header.split(";"):
        name, *values = directive.split()
        out[name] = set(values)
    return out


def test_the_policy(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    directives = policy(response)
    assert {k: directives.get(k) for k in EXPECTED} == EXPECTED
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_every_response_carries_the_policy(world, personas, client_for):
    """Every URL of the configuration (the walk of tests/test_xss.py), whatever its answer (page,
    redirect, 403, 404, 405, JSON, document, feed), for an administrator, a secretary and an
    anonymous visitor; and the Django admin."""
    held = world["held"]
    from chibo.meetings.models import CalendarToken, Meeting, Vote

    objs = {"idents": list(Meeting.objects.values_list("ident", flat=True)),
            "tokens": list(CalendarToken.objects.values_list("token", flat=True)),
            "votes": list(Vote.objects.filter(meeting_id=held).values_list("pk", flat=True)),
            "reset": {"uidb64": "MQ", "token": "x-y"}}
    urls = [url for _name, url in _urls(objs) if not url.endswith((".pdf", ".docx"))]
    assert set(PERSONAS) >= {"admin", "secretary", "anonymous"}
    checked = 0
    for persona in ("admin", "secretary", "anonymous"):
        client = client_for(personas[persona])
        for url in urls:
            response = client.get(url)
            assert policy(response)["script-src"] == {"'self'"}, (persona, url, response.status_code)
            checked += 1
    client = client_for(personas["admin"])
    for url in _admin_urls():
        response = client.get(url)
        assert response.status_code == 200 and policy(response)["script-src"] == {"'self'"}, url
        checked += 1
    assert checked > 300


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline, self.external, self.data, self.handlers, self.styles = [], [], [], [], []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.handlers += [f"<{tag} {n}>" for n, _v in attrs if n.startswith("on")]
        if "style" in values:
            self.styles.append(tag)
        if tag == "style":
            self.styles.append("<style>")
        if tag == "script":
            if values.get("src"):
                self.external.append(values["src"])
            elif values.get("type") == "application/json":
                self.data.append(values.get("id"))
            else:
                self.inline.append(self.getpos())


def test_recording_page_has_no_inline_script(world, personas, client_for):
    from chibo.meetings.models import Meeting

    for ident in Meeting.objects.values_list("ident", flat=True):
        response = client_for(personas["secretary"]).get(reverse("meeting_record", args=[ident]))
        if response.status_code != 200:
            continue
        parser = _Scripts()
        parser.feed(response.content.decode())
        assert parser.inline == [] and parser.handlers == [] and parser.styles == []
        assert parser.external == ["/static/chibo/record.js"]
        break
    else:  # pragma: no cover
        raise AssertionError("no recording page rendered")


def test_recording_page_of_a_plain_meeting(meeting, personas, client_for):
    response = client_for(personas["secretary"]).get("/sinh-hoat/C1-2025-01/ghi/")
    assert response.status_code == 200
    parser = _Scripts()
    parser.feed(response.content.decode())
    assert parser.inline == [] and parser.handlers == [] and parser.styles == []
    assert parser.external == ["/static/chibo/record.js"]


def test_no_template_has_inline_script_handler_or_style():
    """The templates themselves: every <script> has a src (or is an application/json data block),
    no on*= handler attribute, no style attribute or <style> element, no javascript: URL."""
    problems = []
    for path in sorted(TEMPLATES.rglob("templates/**/*.html")):
        if path.name in NOT_PAGES:
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(TEMPLATES).as_posix()
        for m in re.finditer(r"<script\b[^>]*>", text, re.IGNORECASE):
            if "src=" not in m.group(0) and "application/json" not in m.group(0):
                problems.append(f"{rel}: inline {m.group(0)}")
        for pattern, what in ((r"\son[a-z]+\s*=", "event handler attribute"), (r"\sstyle\s*=", "style attribute"),
                              (r"<style\b", "<style> element"), (r"javascript:", "javascript: URL")):
            if re.search(pattern, text, re.IGNORECASE):
                problems.append(f"{rel}: {what}")
    assert problems == []


def test_static_scripts_do_not_build_inline_handlers():
    """Chibo's own scripts do not add handler attributes or evaluate strings (both blocked by the
    policy and a way back to inline script)."""
    for path in (TEMPLATES / "static" / "chibo").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"setAttribute\(\s*['\"]on|\beval\(|new Function\(|setTimeout\(\s*['\"]", text), path
