from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from layan.inboxes import registry


class WebformConfig(AppConfig):
    name = "layan.channels.webform"
    label = "webform"
    verbose_name = _("Web form")

    def ready(self) -> None:
        # Imported once the app registry is ready: the adapter reads models.
        from layan.channels.webform.adapter import WebformAdapter

        registry.register(WebformAdapter())
