"""E-mail from jobs: each message is sent once per key, whatever the retries."""

import smtplib

from django.db import IntegrityError, transaction

from chibo.jobs.models import MailDelivery

#: The errors a mail job retries on (the SMTP server away, refusing for a while, a timeout).
MAIL_ERRORS = (OSError, smtplib.SMTPException)


def already_sent(keys) -> set[str]:
    return set(MailDelivery.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def deliver(key: str, message) -> bool:
    """Send `message` (a Django EmailMessage) unless a message with `key` was sent already, and
    record it. Returns whether it was sent now. An SMTP error propagates (the job retries)."""
    if MailDelivery.objects.filter(key=key).exists():
        return False
    message.send()
    try:
        with transaction.atomic():  # a savepoint when the job runs inside a transaction
            MailDelivery.objects.create(key=key[:300], recipient=", ".join(message.to)[:320],
                                        subject=message.subject[:500])
    except IntegrityError:  # the same job ran twice at the same moment; the row is there
        pass
    return True
