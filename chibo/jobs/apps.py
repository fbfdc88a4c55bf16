from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "chibo.jobs"
    label = "jobs"
    verbose_name = "Công việc nền"
