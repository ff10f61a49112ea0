from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "layan.realtime"
    label = "realtime"
