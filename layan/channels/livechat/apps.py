from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class LiveChatConfig(ChannelAppConfig):
    name = "layan.channels.livechat"
    default = True
    label = "livechat"
    verbose_name = _("Live chat")
    urls = "layan.channels.livechat.urls"
    adapter = "layan.channels.livechat.adapter.ChatAdapter"
