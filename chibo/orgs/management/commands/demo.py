from django.utils import timezone

from chibo.commands import BadInput, ChiboCommand
from chibo.orgs.demo import load_demo
from chibo.orgs.models import Organization


class Command(ChiboCommand):
    help = "Tạo dữ liệu mẫu: Đảng bộ xã Tân Thành với 4 chi bộ, ~80 đảng viên và tài khoản đăng nhập."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Chỉ tạo khi cơ sở dữ liệu còn trống.")

    def handle(self, *args, if_empty=False, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không tạo dữ liệu mẫu.")
                self._print_logins([])
                return
            raise BadInput("Cơ sở dữ liệu đã có dữ liệu; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống.")
        logins = load_demo(timezone.localdate())
        from chibo.results.services import refresh_roots

        refresh_roots(Organization.objects.filter(parent__isnull=True).values_list("code", flat=True))
        self.stdout.write(self.style.SUCCESS("Đã tạo dữ liệu mẫu Đảng bộ xã Tân Thành."))
        self._print_logins(logins)

    def _print_logins(self, logins):
        from chibo.orgs.demo import LOGINS, PASSWORD

        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {PASSWORD}):")
        for username, label, _cell in LOGINS:
            self.stdout.write(f"  {username:10} {label}")
