from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class TelegramConfig(ChannelAppConfig):
    name = "layan.channels.telegram"
    default = True
    label = "telegram"
    verbose_name = _("Telegram")
    urls = "layan.channels.telegram.urls"
    adapter = "layan.channels.telegram.adapter.TelegramAdapter"
