"""`chibo remind [--date YYYY-MM-DD] [--dry-run] [--base-url URL]`: send the day's reminders
(issue 9 item 4), for cron where Celery beat does not run. A second run of the same day sends
nothing twice; `--dry-run` prints what it would send, one line per reminder, and changes nothing."""

from django.conf import settings

from chibo.commands import ChiboCommand, parse_iso
from chibo.meetings import dates
from chibo.reminders.services import remind


class Command(ChiboCommand):
    help = "Gửi nhắc việc hằng ngày (e-mail và thông báo trong ứng dụng); --dry-run chỉ in ra, không gửi."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="ngày nhắc (YYYY-MM-DD), mặc định hôm nay")
        parser.add_argument("--dry-run", action="store_true", help="chỉ in những nhắc việc sẽ gửi, không gửi, không ghi")
        parser.add_argument("--base-url", default=getattr(settings, "CHIBO_BASE_URL", ""),
                            help="địa chỉ của Chibo đặt trước các đường dẫn trong e-mail, ví dụ https://chibo.example.vn")

    def handle(self, *args, **options):
        on = parse_iso(options["date"], "--date") or dates.today()
        run = remind(on, dry_run=options["dry_run"], base_url=options["base_url"])
        for text in run.lines:
            self.stdout.write(text)
        if run.dry_run:
            self.stdout.write(f"Ngày {on:%d/%m/%Y}: sẽ gửi {len(run.lines)} nhắc việc (chạy thử, chưa gửi gì); "
                              f"{run.already} nhắc việc đã gửi trước đó.")
        else:
            self.stdout.write(f"Ngày {on:%d/%m/%Y}: đã gửi {run.reminders} nhắc việc trong {run.emails} e-mail; "
                              f"{run.already} nhắc việc đã gửi trước đó, không gửi lại.")
