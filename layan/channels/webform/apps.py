from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from layan.inboxes.registry import ChannelAppConfig


class WebformConfig(ChannelAppConfig):
    name = "layan.channels.webform"
    default = True
    label = "webform"
    verbose_name = _("Web form")
    urls = "layan.channels.webform.urls"
    adapter = "layan.channels.webform.adapter.WebformAdapter"
