from django.apps import AppConfig


class InboxesConfig(AppConfig):
    name = "layan.inboxes"
    label = "inboxes"
