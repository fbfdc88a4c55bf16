from chibo.commands import BadInput, ChiboCommand, positive_int
from chibo.interchange.generate import DEFAULT_PREFIX, DEFAULT_YEAR, GenerateError, generate_province

LABELS = (
    ("organizations", "tổ chức đảng"), ("cells", "chi bộ"), ("members", "đảng viên"),
    ("memberships", "quá trình sinh hoạt"), ("periods", "thời gian miễn / vắng"), ("positions", "chức vụ"),
    ("meetings", "cuộc họp"), ("attendance", "dòng điểm danh"), ("speeches", "ý kiến phát biểu"),
    ("votes", "lượt biểu quyết"), ("tasks", "nhiệm vụ"), ("guests", "khách mời"), ("visits", "lượt dự sinh hoạt"),
    ("quality", "phiếu đánh giá chất lượng (Hướng dẫn 42)"), ("fee_records", "tháng đảng phí"),
    ("reliefs", "quyết định miễn, giảm đảng phí"), ("fee_unpaid_members", "đảng viên chưa đóng đảng phí từ 3 tháng"),
)


class Command(ChiboCommand):
    help = ("Sinh một tỉnh giả định (đảng viên, chi bộ, cuộc họp, đánh giá chất lượng, sổ đảng phí) để thử tải và "
            "trình diễn; cùng hạt giống cho cùng dữ liệu.")

    def create_parser(self, prog_name, subcommand, **kwargs):
        # `--version` is the data's version here (as for chibo audit and export), not Django's own option
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--members", type=positive_int("số đảng viên", 1, 10_000_000), required=True,
                            help="số đảng viên")
        parser.add_argument("--cells", type=positive_int("số chi bộ", 1, 1_000_000), required=True,
                            help="số chi bộ (3 đến 60 đảng viên mỗi chi bộ)")
        parser.add_argument("--seed", type=positive_int("hạt giống", 0, 2**31 - 1), default=1,
                            help="hạt giống ngẫu nhiên (mặc định 1)")
        parser.add_argument("--months", type=positive_int("số tháng", 0, 120), default=0,
                            help="số tháng sinh hoạt từ tháng 1 (0: không sinh cuộc họp)")
        parser.add_argument("--year", type=positive_int("năm", 1950, 2100), default=DEFAULT_YEAR,
                            help=f"năm bắt đầu (mặc định {DEFAULT_YEAR})")
        parser.add_argument("--version", dest="data_version", type=int, choices=(1, 2), default=2,
                            help="2 (mặc định): cả các trường Hướng dẫn 42, đánh giá chất lượng, sổ đảng phí; "
                                 "1: chỉ dữ liệu bundle phiên bản 1 chứa được")
        parser.add_argument("--prefix", default=DEFAULT_PREFIX,
                            help=f"mã Đảng bộ tỉnh, tiền tố của mọi mã sinh ra (mặc định {DEFAULT_PREFIX})")

    def handle(self, *args, members, cells, seed, months, year, prefix, verbosity, data_version=2, **options):
        progress = (lambda message: self.stderr.write(message)) if verbosity >= 2 else None
        try:
            counts = generate_province(members=members, cells=cells, seed=seed, months=months, year=year,
                                       prefix=prefix, progress=progress, version=data_version)
        except GenerateError as exc:
            raise BadInput(str(exc)) from exc
        from django.db import connection

        if connection.vendor == "postgresql":  # the planner's statistics after a bulk load
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Đã sinh tỉnh {counts['root']} (hạt giống {seed}):")
        for key, label in LABELS:
            if counts.get(key):
                self.stdout.write(f"  {counts[key]:>10,}".replace(",", ".") + f" {label}")
        self.stdout.write(f"Thời gian: {counts['seconds']:.1f} giây.".replace(".", ",", 1))
        self.stdout.write(f"Chạy 'chibo refresh --org {counts['root']}' để tính và lưu kết quả kiểm tra.")
