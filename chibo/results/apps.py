from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "chibo.results"
    verbose_name = "Kết quả kiểm tra đã lưu"

    def ready(self):
        from chibo.results import signals  # noqa: F401  (re-audit what a save changes)
