"""The record of a meeting: the meeting page, the live recording page and its autosave endpoints
(`views.py`, `forms.py`, `urls.py`), the writes to the record and the moves that close it: held,
cancelled, finalized, amended, scored (`services.py`), the frozen official minutes
(`snapshot.py`) and the resolution numbers given at finalizing (`numbering.py`)."""
