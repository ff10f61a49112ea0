from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from layan.inboxes import registry


class LiveChatConfig(AppConfig):
    name = "layan.channels.livechat"
    label = "livechat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        # Imported once the app registry is ready: the adapter reads models.
        from layan.channels.livechat.adapter import ChatAdapter

        registry.register(ChatAdapter())
