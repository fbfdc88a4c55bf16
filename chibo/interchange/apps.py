from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "chibo.interchange"
    label = "interchange"
