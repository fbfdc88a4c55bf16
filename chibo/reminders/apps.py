from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "chibo.reminders"
    label = "reminders"
    verbose_name = "Nhắc việc"
