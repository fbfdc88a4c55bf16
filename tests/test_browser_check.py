"""The browser tests skip on a developer's machine without Chromium but fail in CI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import browser_check

ROOT = Path(__file__).resolve().parent.parent
FIRST_E2E = "test_admin_runs_under_the_policy"


@pytest.mark.parametrize(("environ", "expected"), [
    ({"CI": "true"}, "fail"), ({"CI": "1"}, "fail"), ({"CI": "TRUE"}, "fail"),
    ({}, "skip"), ({"CI": ""}, "skip"), ({"CI": "0"}, "skip"), ({"CI": "false"}, "skip"),
])
def test_missing_browser_fails_in_ci_and_skips_elsewhere(environ, expected):
    assert browser_check.verdict("Chromium not found at /nowhere/chromium", environ) == expected


@pytest.mark.parametrize("environ", [{"CI": "true"}, {}])
def test_present_browser_runs(environ):
    assert browser_check.verdict(None, environ) is None


def test_missing_chromium_is_named(tmp_path):
    path = str(tmp_path / "chromium")
    assert browser_check.missing(path) == (
        f"Chromium not found at {path} (apt-get install chromium, or set CHIBO_CHROMIUM)")
    assert browser_check.missing(sys.executable) is None


def test_missing_playwright_is_named(monkeypatch):
    monkeypatch.setattr(browser_check.importlib.util, "find_spec", lambda name: None)
    assert browser_check.missing(sys.executable) == "Playwright is not installed (pip install -e '.[test]')"


@pytest.mark.parametrize(("ci", "outcome"), [("true", "ERROR tests/e2e/test_csp_browser.py::"), ("", "SKIPPED [1]")])
def test_browser_test_without_chromium(ci, outcome):
    """A real browser test run with Chromium pointed nowhere: an error in CI, a skip elsewhere."""
    env = {**os.environ, "CI": ci, "CHIBO_CHROMIUM": "/nonexistent/chromium"}
    env.pop("DATABASE_URL", None)
    run = subprocess.run([sys.executable, "-m", "pytest", f"{ROOT}/tests/e2e/test_csp_browser.py", "-p", "no:cacheprovider",
                          "-p", "no:cov", "-q", "-rsE", "-x", "-k", FIRST_E2E], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert run.returncode == (1 if ci else 0), run.stdout[-2000:]
    assert outcome in run.stdout and "Chromium not found at /nonexistent/chromium" in run.stdout
