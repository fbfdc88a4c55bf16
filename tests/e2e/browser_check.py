"""Whether the browser tests can run, and what to do when they cannot: skip on a developer's
machine, fail in CI (environment variable CI set, as CI services do), so that CI never passes
without them."""

import importlib.util
import os
import shutil

FALSE = {"", "0", "false", "no"}


def in_ci(environ=None) -> bool:
    """CI=true (or any value but empty, 0, false, no)."""
    return (environ if environ is not None else os.environ).get("CI", "").strip().lower() not in FALSE


def missing(chromium: str) -> str | None:
    """Why the browser tests cannot run here (Playwright or Chromium missing), or None."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not (os.path.exists(chromium) or shutil.which(chromium)):
        return f"Chromium not found at {chromium} (apt-get install chromium, or set CHIBO_CHROMIUM)"
    return None


def verdict(reason: str | None, environ=None) -> str | None:
    """'fail', 'skip' or None (run) for a missing-browser reason."""
    if reason is None:
        return None
    return "fail" if in_ci(environ) else "skip"
