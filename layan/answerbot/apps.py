from django.apps import AppConfig


class AnswerbotConfig(AppConfig):
    name = "layan.answerbot"
    label = "answerbot"
