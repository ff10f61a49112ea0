from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class WhatsAppConfig(ChannelAppConfig):
    name = "layan.channels.whatsapp"
    default = True
    label = "whatsapp"
    verbose_name = _("WhatsApp")
    urls = "layan.channels.whatsapp.urls"
    adapter = "layan.channels.whatsapp.adapter.WhatsAppAdapter"
