from __future__ import annotations

from django.urls import path

from layan.channels.telegram import views

urlpatterns = [
    path("hooks/telegram/<int:inbox_id>/", views.webhook, name="telegram_webhook"),
    path("telegram/<int:inbox_id>/start/", views.start, name="telegram_start"),
    path("telegram/<int:inbox_id>/connect/", views.connect, name="telegram_connect"),
]
