from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class PhoneConfig(ChannelAppConfig):
    name = "layan.channels.phone"
    default = True
    label = "phone"
    verbose_name = _("Phone and walk-in")
    urls = "layan.channels.phone.urls"
    adapter = "layan.channels.phone.adapter.PhoneAdapter"
