from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "layan.automations"
    label = "automations"
