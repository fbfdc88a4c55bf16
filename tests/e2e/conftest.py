"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Run with `pytest -m e2e tests/e2e`. When Playwright or Chromium is missing they are skipped on a
developer's machine but fail in CI (environment variable CI set): see browser_check.py."""

import os
from pathlib import Path

import pytest

from tests.e2e import browser_check

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CHIBO_CHROMIUM", "/usr/bin/chromium")
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser():
    reason = browser_check.missing(CHROMIUM)
    action = browser_check.verdict(reason)
    if action == "fail":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    if action == "skip":
        pytest.skip(reason)
    from playwright import sync_api
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh browser context the size of a small phone."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    yield context
    context.close()


@pytest.fixture
def shot():
    RESULTS.mkdir(exist_ok=True)

    def take(page, name, full_page=True):
        path = RESULTS / f"record-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
