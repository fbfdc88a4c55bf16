"""The electronic secret ballot of one vote: opening, casting, closing and counting
(`services.py`), the voter's phone page and the chair's panel (`views.py`, `urls.py`)."""
