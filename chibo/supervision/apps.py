from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "chibo.supervision"
    label = "supervision"
