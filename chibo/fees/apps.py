from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "chibo.fees"
    label = "fees"
    verbose_name = "Đảng phí"
