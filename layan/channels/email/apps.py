from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from layan.inboxes import registry


class EmailChannelConfig(AppConfig):
    name = "layan.channels.email"
    label = "email"
    verbose_name = _("Email")

    def ready(self) -> None:
        # Imported once the app registry is ready: the adapter reads models.
        from layan.channels.email.adapter import EmailAdapter

        registry.register(EmailAdapter())
