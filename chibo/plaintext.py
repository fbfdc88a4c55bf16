"""Plain-text rendering for e-mail bodies (``*.txt`` templates).

An e-mail's text body is plain text: what a member wrote must reach the reader as written, so the
``.txt`` templates are rendered by a template engine that does not HTML-escape (the same template
directories and loaders as the site's engine; no template turns escaping off itself). The danger
of such text is that it is later placed in an HTML page as if it were markup: Django marks the
output of every template as "safe", and a string marked safe is printed unescaped by
``{{ body }}``. ``render_text`` therefore returns a plain ``str``, never a safe-marked string, so
any page that shows the text escapes it like any other user text.

Only ``.txt`` templates are accepted: HTML templates (``notice_email.html``) are rendered by the
site's engine, which escapes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.template import Context, Engine


@cache
def _text_engine() -> Engine:
    site = Engine.get_default()
    extra_builtins = [b for b in site.builtins if b not in Engine.default_builtins]
    # Plain text, not HTML: nothing to escape. The result leaves this module as a plain str only.
    return Engine(dirs=site.dirs, loaders=site.loaders, libraries=site.libraries, builtins=extra_builtins,
                  debug=site.debug, string_if_invalid=site.string_if_invalid, file_charset=site.file_charset,
                  autoescape=False)


def plain_str(value: str) -> str:
    """A plain ``str`` with the same characters as `value`, without any "safe" mark.

    ``str(value)`` is not enough: the safe string's ``__str__`` returns the string itself. Encoding
    and decoding always builds a new ``str`` object (``surrogatepass`` keeps every character)."""
    text = value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
    assert type(text) is str
    return text


def render_text(template_name: str, context: dict[str, Any] | None = None) -> str:
    """Render a plain-text template (``*.txt``) to a plain ``str`` (never marked safe)."""
    if not template_name.endswith(".txt"):
        raise ValueError(f"render_text renders plain-text templates (*.txt) only, not {template_name!r}")
    template = _text_engine().get_template(template_name)
    return plain_str(template.render(Context(context or {}, autoescape=False)))
