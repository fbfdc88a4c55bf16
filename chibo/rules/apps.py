from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "chibo.rules"
    label = "rules"
