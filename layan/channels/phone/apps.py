from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from layan.inboxes import registry


class PhoneConfig(AppConfig):
    name = "layan.channels.phone"
    label = "phone"
    verbose_name = _("Phone and walk-in")

    def ready(self) -> None:
        # Imported once the app registry is ready: the adapter reads models.
        from layan.channels.phone.adapter import PhoneAdapter

        registry.register(PhoneAdapter())
