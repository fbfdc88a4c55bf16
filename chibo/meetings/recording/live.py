"""Whether the saves of this thread are a meeting's live recording (the recording page's
autosaves): `chibo.results.signals` lets the results they make stale wait the recording's
re-audit delay (RESULTS_RECORDING_DELAY) instead of a save's (RESULTS_REFRESH_DELAY). A cell taps
every few seconds for an hour or two while it meets; its results are re-audited once every few
minutes meanwhile, and within RESULTS_REFRESH_DELAY of any other save (finalizing the minutes
included)."""

import functools
import threading
from contextlib import contextmanager

_state = threading.local()


def active() -> bool:
    return getattr(_state, "recording", False)


@contextmanager
def recording_saves():
    before = active()
    _state.recording = True
    try:
        yield
    finally:
        _state.recording = before


def live_recording(view):
    """A view whose saves are the live recording's (the recording page's autosave endpoints)."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with recording_saves():
            return view(request, *args, **kwargs)
    return wrapper
