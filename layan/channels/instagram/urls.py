from __future__ import annotations

from django.urls import path

from layan.channels.instagram.config import InstagramConfig
from layan.channels.instagram.parse import split
from layan.conversations.webhooks import meta_webhook

urlpatterns = [
    path(
        "hooks/instagram/<int:inbox_id>/",
        meta_webhook(kind="instagram", config=InstagramConfig.from_dict, split=split),
        name="instagram_webhook",
    ),
]
