from __future__ import annotations

from django.urls import path

from layan.channels.messenger.config import MessengerConfig
from layan.channels.messenger.parse import split
from layan.conversations.webhooks import meta_webhook

urlpatterns = [
    path(
        "hooks/messenger/<int:inbox_id>/",
        meta_webhook(kind="messenger", config=MessengerConfig.from_dict, split=split),
        name="messenger_webhook",
    ),
]
