from django.apps import AppConfig


class ChangelogConfig(AppConfig):
    name = "chibo.changelog"
    label = "changelog"
    verbose_name = "Nhật ký thay đổi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from chibo.changelog import registry

        registry.register_all()
