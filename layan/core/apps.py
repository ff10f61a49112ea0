from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "layan.core"
    label = "core"

    def ready(self) -> None:
        # The empty choice of every model select. Django 6.1's catalogues lack Indonesian and
        # Chinese for it ("- Select an option -" showed in English): ours carry them.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
