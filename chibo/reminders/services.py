"""The writes of the reminders: the daily run (`remind`), a notification opened, all read, the
person's choice of reminders.

`remind(on)` sends each person one e-mail per batch with the reminders of `on` not sent yet
(`selectors.due_reminders`) and records each as a `Notification` (the sent-log and the top bar's
list). Per batch of about `BATCH` reminders: one query for what was sent already, one insert,
one SMTP connection; the insert comes first in the batch's transaction, so two runs at the same
moment cannot both send a reminder (the unique constraint stops the second, which sends nothing);
an SMTP error rolls the batch back (nothing recorded) and the job retries it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from chibo import vocabulary
from chibo.plaintext import render_text
from chibo.reminders import selectors
from chibo.reminders.models import Notification, ReminderPreference
from chibo.reminders.selectors import Due, Recipient

#: Reminders per batch: one insert of this many rows stays under SQLite's 999 parameters.
BATCH = 90


@dataclass
class Run:
    """What a run did (or, dry, would do)."""

    day: date
    dry_run: bool
    lines: list[str] = field(default_factory=list)  # one per reminder sent (or to send), in Vietnamese
    reminders: int = 0  # reminders recorded now (notifications)
    emails: int = 0  # e-mails sent now
    already: int = 0  # reminders found sent by an earlier run


def line(due: Due, person: Recipient) -> str:
    """One reminder as `chibo remind` prints it."""
    address = person.email or "không có e-mail, chỉ báo trong ứng dụng"
    return f"{person.username} ({address}) · {due.label}: {due.text}"


def batches(dues: list[Due]) -> Iterator[list[Due]]:
    """`dues` (sorted by person) cut into batches of at most BATCH, a person's reminders kept in
    one batch unless they alone are more than BATCH."""
    batch: list[Due] = []
    start = 0
    while start < len(dues):
        end = start
        while end < len(dues) and dues[end].user_id == dues[start].user_id:
            end += 1
        mine = dues[start:end]
        if batch and len(batch) + len(mine) > BATCH:
            yield batch
            batch = []
        while len(mine) > BATCH:
            yield mine[:BATCH]
            mine = mine[BATCH:]
        batch.extend(mine)
        start = end
    if batch:
        yield batch


def message(person: Recipient, dues: list[Due], on: date, base_url: str) -> EmailMessage:
    body = render_text("reminders/email.txt", {"person": person, "dues": dues, "day": on,
                                               "base_url": base_url.rstrip("/")})
    return EmailMessage(f"Chibo nhắc việc ngày {on:%d/%m/%Y}: {len(dues)} việc", body, settings.DEFAULT_FROM_EMAIL,
                        [person.email])


def remind(on: date, *, dry_run: bool = False, base_url: str = "") -> Run:
    """Send the reminders of `on` not sent yet (or, dry, list them and change nothing)."""
    dues, people = selectors.due_reminders(on)
    run = Run(on, dry_run)
    for batch in batches(dues):
        sent = selectors.already_sent(batch)
        todo = [d for d in batch if (d.user_id, d.key) not in sent]
        run.already += len(batch) - len(todo)
        run.lines += [line(d, people[d.user_id]) for d in todo]
        if dry_run or not todo:
            continue
        by_person: dict[int, list[Due]] = {}
        for d in todo:
            by_person.setdefault(d.user_id, []).append(d)
        with transaction.atomic():
            Notification.objects.bulk_create([
                Notification(user_id=d.user_id, kind=d.kind, key=d.key[:200], day=on, text=d.text, url=d.url,
                             emailed_to=people[d.user_id].email[:254]) for d in todo])
            messages = [message(people[pk], mine, on, base_url) for pk, mine in by_person.items()
                        if people[pk].email]
            if messages:
                with get_connection() as connection:
                    connection.send_messages(messages)
        run.reminders += len(todo)
        run.emails += len(messages)
    return run


@transaction.atomic
def notification_open(notification: Notification) -> Notification:
    """Mark the person's notification read (the first opening is kept)."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


@transaction.atomic
def notifications_read_all(user) -> int:
    """Mark every notification of `user` read; returns how many were not read."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_save(user, enabled: set[str]) -> dict[str, bool]:
    """Keep which kinds of reminder `user` receives: the kinds in `enabled` on, the others off."""
    unknown = set(enabled) - set(vocabulary.REMINDER_KINDS.codes)
    if unknown:
        raise ValidationError("Loại nhắc việc không hợp lệ.")
    wanted = {code: code in enabled for code in vocabulary.REMINDER_KINDS.codes}
    ReminderPreference.objects.filter(user_id=user.pk).delete()
    ReminderPreference.objects.bulk_create([ReminderPreference(user_id=user.pk, kind=code, enabled=on)
                                            for code, on in wanted.items() if not on])
    return wanted
