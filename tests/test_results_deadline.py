"""`engine.results_deadline`: the day from which RESULTS_NOT_POSTED holds while the results are
not posted (what the stored results keep so that an audit of another day reads the entry as of
that day), against `engine.results_not_posted` on the days around it."""

from datetime import date, timedelta

import pytest

from chibo.rules import engine

DAY = date(2026, 3, 3)


def test_the_deadline_is_the_meeting_day_plus_the_profile_days():
    assert engine.results_deadline("regular", DAY, None, False, 2) == date(2026, 3, 5)


@pytest.mark.parametrize("kind,posted,secret", [("thematic", None, False), ("regular", DAY, False),
                                                ("regular", None, True)])
def test_no_deadline_when_the_finding_does_not_depend_on_the_day(kind, posted, secret):
    assert engine.results_deadline(kind, DAY, posted, secret, 2) is None


def test_the_finding_holds_from_the_day_after_the_deadline():
    deadline = engine.results_deadline("regular", DAY, None, False, 2)
    assert [engine.results_not_posted("regular", DAY, None, False, 2, deadline + timedelta(days=d))
            for d in (-1, 0, 1)] == [False, False, True]
