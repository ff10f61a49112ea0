from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class WeChatConfig(ChannelAppConfig):
    name = "layan.channels.wechat"
    default = True
    label = "wechat"
    verbose_name = _("WeChat")
    urls = "layan.channels.wechat.urls"
    adapter = "layan.channels.wechat.adapter.WeChatAdapter"
