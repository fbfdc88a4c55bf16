"""The meetings' background jobs (chibo.jobs): the notice e-mail."""

from django.core.mail import get_connection

from chibo.jobs import RETRY, app
from chibo.jobs.mail import MAIL_ERRORS, already_sent, deliver
from chibo.meetings.models import Notice
from chibo.notices import services as notice_deliveries
from chibo.notices.models import NoticeChannel
from chibo.orgs.models import Member


def notice_key(notice_id: int, email: str) -> str:
    """The idempotency key of one recipient's copy of one notice (`MailDelivery.key`)."""
    return f"notice:{notice_id}:{email.strip().lower()}"


@app.task(name="chibo.meetings.tasks.send_notice", verbose_name="Gửi thông báo họp qua email",
          autoretry_for=MAIL_ERRORS, **RETRY)
def send_notice(notice_id: int, base_url: str = "") -> int:
    """E-mail notice `notice_id` to each of its recorded recipients not mailed yet (a retry or a
    second run never mails anyone twice), over one SMTP connection. A recipient that fails does
    not stop the others; the job then fails with the first error and is retried for the ones
    left. Each member mailed (now or by an earlier run) is recorded as reached by e-mail
    (`chibo.notices`). Returns how many were mailed now."""
    from chibo.meetings.preparation.services import notice_messages

    notice = Notice.objects.select_related("meeting__organization").filter(pk=notice_id).first()
    if notice is None:  # the meeting was deleted meanwhile
        return 0
    keys = [notice_key(notice.pk, r["email"]) for r in notice.recipients]
    done = already_sent(keys)
    todo = [(key, r) for key, r in zip(keys, notice.recipients, strict=True) if key not in done]
    sent, errors, mailed = 0, [], [r["code"] for key, r in zip(keys, notice.recipients, strict=True)
                                    if key in done and r["role"] == "member"]
    if todo:
        with get_connection() as connection:
            for (key, r), message in zip(todo, notice_messages(notice.meeting, [r for _k, r in todo], base_url),
                                         strict=True):
                message.connection = connection
                try:
                    sent += deliver(key, message)
                except MAIL_ERRORS as exc:
                    errors.append(exc)
                else:
                    if r["role"] == "member":
                        mailed.append(r["code"])
    if mailed:
        notice_deliveries.deliveries_record(notice.meeting_id, Member.objects.filter(code__in=mailed)
                                            .values_list("pk", flat=True), NoticeChannel.EMAIL)
    if errors:
        raise errors[0]
    return sent
