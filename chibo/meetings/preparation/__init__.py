"""Preparing a meeting not yet held: its schedule, order of business, thematic preparation and
contributions, documents, the notice (its e-mail goes out through `chibo.meetings.tasks`), and
cancelling it. The member's page lives here too, with the absence notices sent from it and
the tasks reported done on it: it is where a member gets ready for the next meetings, and the
open tasks are what the next meeting's preparation lists."""
