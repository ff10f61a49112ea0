from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class MessengerConfig(ChannelAppConfig):
    name = "layan.channels.messenger"
    default = True
    label = "messenger"
    verbose_name = _("Facebook Messenger")
    urls = "layan.channels.messenger.urls"
    adapter = "layan.channels.messenger.adapter.MessengerAdapter"
