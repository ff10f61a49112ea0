from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class EmailChannelConfig(ChannelAppConfig):
    name = "layan.channels.email"
    default = True
    label = "email"
    verbose_name = _("Email")
    adapter = "layan.channels.email.adapter.EmailAdapter"
