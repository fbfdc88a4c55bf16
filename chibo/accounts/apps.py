from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chibo.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và bảo mật"

    def ready(self):
        from chibo.accounts import signals  # noqa: F401
