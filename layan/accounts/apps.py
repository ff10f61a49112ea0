from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "layan.accounts"
    label = "accounts"
