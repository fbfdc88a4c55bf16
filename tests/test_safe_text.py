"""No way around HTML escaping in Chibo: e-mail text bodies are plain ``str``, and the source tree
has no ``{% autoescape off %}``, ``|safe``, ``mark_safe``, ``SafeString`` (issue 7, the critical
finding: the notice's text body was rendered with autoescaping off and shown unescaped on the
notice page)."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeData

from chibo.meetings import dates
from chibo.meetings.models import Meeting, Task
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.orgs.models import Member
from chibo.plaintext import plain_str, render_text

CHIBO = Path(__file__).resolve().parent.parent / "chibo"
PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>"\' & co'

#: Ways to print text unescaped into HTML, or to mark text as markup. None is allowed anywhere in
#: chibo/ (templates, e-mail templates and Python): user text must always be escaped.
FORBIDDEN = {
    "autoescape off": re.compile(r"autoescape\s+off"),
    "|safe / |safeseq": re.compile(r"\|\s*safe(seq)?\b"),
    "{% filter safe %}": re.compile(r"filter\s+[^%]*\bsafe"),
    "mark_safe": re.compile(r"\bmark_safe\b"),
    "SafeString": re.compile(r"\bSafeString\b"),
    "SafeData": re.compile(r"\bSafeData\b"),
    "django.utils.safestring": re.compile(r"django\.utils\.safestring"),
    "format_html": re.compile(r"\bformat_html\b"),  # escapes its arguments, but not its format string
    "is_safe=True": re.compile(r"is_safe\s*=\s*True"),
    "autoescape=False": re.compile(r"""["']?autoescape["']?\s*[:=]\s*False"""),
}

#: (path relative to chibo/, pattern name): justified exceptions.
ALLOWED = {
    # The plain-text engine for *.txt e-mail bodies: it renders text, not HTML, and render_text()
    # returns a plain str (never a SafeString), so a page that shows the text escapes it.
    ("plaintext.py", "autoescape=False"),
}


def _sources():
    for path in sorted(CHIBO.rglob("*")):
        if path.suffix in (".py", ".html", ".txt", ".xml", ".js") and "static" not in path.parts \
                and "migrations" not in path.parts and path.is_file():
            yield path


def test_no_escape_hatch_in_the_source_tree():
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(CHIBO).as_posix()
        for name, pattern in FORBIDDEN.items():
            for m in pattern.finditer(text):
                if (rel, name) in ALLOWED:
                    continue
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"chibo/{rel}:{line}: {name}")
    assert found == []


def test_the_grep_sees_the_templates_and_the_python():
    names = {p.relative_to(CHIBO).as_posix() for p in _sources()}
    assert "templates/meetings/notice_email.txt" in names
    assert "templates/meetings/notice.html" in names
    assert "meetings/preparation/views.py" in names
    assert "plaintext.py" in names


def test_every_allowance_is_still_needed():
    for rel, name in ALLOWED:
        assert FORBIDDEN[name].search((CHIBO / rel).read_text(encoding="utf-8")), (rel, name)


def test_render_text_returns_plain_str_and_does_not_escape():
    ctx = {"meeting": Meeting(ident="X", date=date(2025, 1, 3), kind="regular", place=PAYLOAD),
           "cell": {"name": PAYLOAD}, "weekday": "Thứ sáu", "base_url": "", "recipient": None}
    text = render_text("meetings/notice_email.txt", ctx)
    assert type(text) is str and not isinstance(text, SafeData)
    assert PAYLOAD in text  # plain text: exactly what was written, no &lt; or &amp;
    assert "&lt;" not in text and "&amp;" not in text
    # the safe mark of Django's own rendering is dropped (str() would keep it)
    safe = render_to_string("meetings/notice_email.html", ctx)
    assert isinstance(safe, SafeData) and isinstance(str(safe), SafeData)
    assert type(plain_str(safe)) is str and plain_str(safe) == safe
    with pytest.raises(ValueError):
        render_text("meetings/notice_email.html", ctx)


@pytest.fixture
def upcoming(tree, personas, monkeypatch, settings, meeting):
    """An upcoming meeting of C1 whose place, topic and an open task carry the payload."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))
    for code in ("M1", "M2"):
        Member.objects.filter(code=code).update(email=f"{code.lower()}@example.vn")
    Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description=PAYLOAD)
    return planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), place=PAYLOAD)


def test_notice_page_escapes_the_text_body(upcoming, personas, client_for):
    """The reported attack: a secretary's task description with a <script>, shown on the notice
    page an administrator opens."""
    html = client_for(personas["admin"]).get(f"/sinh-hoat/{upcoming.ident}/thong-bao/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    body = html.split('<pre class="card notice-body">', 1)[1].split("</pre>", 1)[0]
    assert body.count("&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;") == 2  # the place and the task


def test_notice_mail_text_is_plain_and_html_is_escaped(upcoming, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the notice job runs on commit
        preparation_services.notice_send(upcoming, personas["secretary"], base_url="http://chibo.test")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert type(message.body) is str
        assert message.body.count(PAYLOAD) == 2  # as written, in plain text
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert "<script>alert" not in html and "<img src=x" not in html
        assert html.count("&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;") == 2


def test_every_text_email_template_goes_through_render_text():
    """Every *.txt template under chibo/ is an e-mail part; each is named in Python next to a
    render_text call, or given to a form whose send_mail uses render_text."""
    names = [p.relative_to(CHIBO / "templates").as_posix() for p in (CHIBO / "templates").rglob("*.txt")]
    python = "\n".join(p.read_text(encoding="utf-8") for p in CHIBO.rglob("*.py") if "migrations" not in p.parts)
    assert "meetings/notice_email.txt" in names
    for name in names:
        assert f'"{name}"' in python, name
        assert not re.search(rf'render_to_string\(\s*"{re.escape(name)}"', python), name


def test_password_reset_mail_is_plain_text(personas, client, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="member").update(email="binh@example.vn")
    with django_capture_on_commit_callbacks(execute=True):  # the mail job runs on commit
        client.post(reverse("password_reset"), {"email": "binh@example.vn"})
    (message,) = mail.outbox
    assert type(message.body) is str and type(message.subject) is str
    assert "tài khoản member" in message.body
