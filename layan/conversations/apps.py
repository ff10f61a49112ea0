from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "layan.conversations"
    label = "conversations"
