"""How each meeting notice reached each member: in the application, by e-mail, printed and handed
over; and whether the member opened it (`NoticeDelivery`).

The app sits below `meetings` (rank 2): it names the meeting and the member by their model labels
and imports no meeting code, so the notice service (`chibo.meetings.preparation.services`) records
deliveries through `services.py` and the pages read them through `selectors.py`."""
