from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class InstagramConfig(ChannelAppConfig):
    name = "layan.channels.instagram"
    default = True
    label = "instagram"
    verbose_name = _("Instagram")
    urls = "layan.channels.instagram.urls"
    adapter = "layan.channels.instagram.adapter.InstagramAdapter"
