from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "layan.api"
    label = "api"
