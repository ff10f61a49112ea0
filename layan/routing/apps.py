from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "layan.routing"
    label = "routing"
