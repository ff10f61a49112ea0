"""A WhatsApp inbox's settings, as Meta's dashboard names them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import MetaAppSettingsForm, secret_field


class WhatsAppSettingsForm(MetaAppSettingsForm):
    field_order = ["phone_number_id", "business_account_id", "access_token"]

    address_help = _("The business phone number customers write to, e.g. +62 812 3456 7890.")

    phone_number_id = forms.CharField(
        label=_("Phone number ID"), help_text=_("WhatsApp → API Setup in Meta's app dashboard.")
    )
    business_account_id = forms.CharField(
        label=_("WhatsApp Business Account ID"),
        help_text=_("Needed to list your message templates."),
    )
    access_token = secret_field(
        _("Access token"), _("A system user's permanent token with whatsapp_business_messaging.")
    )
