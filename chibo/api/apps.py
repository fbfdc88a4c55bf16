from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chibo.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from chibo.api import signals  # noqa: F401
