"""Planning a cell's meetings: the year plan (`yearplan.py`, pure: dates, idents, the order of
business), meetings added by hand, the annual thematic plan, the agenda template, the cell's
meeting list and the calendar feeds (`ical.py`, their tokens in `services.py`)."""
