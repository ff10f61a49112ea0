"""A WhatsApp inbox's settings, as Meta's dashboard names them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import ChannelSettingsForm


def secret(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, widget=forms.PasswordInput(render_value=False)
    )


class WhatsAppSettingsForm(ChannelSettingsForm):
    address_help = _("The business phone number customers write to, e.g. +62 812 3456 7890.")

    phone_number_id = forms.CharField(
        label=_("Phone number ID"), help_text=_("WhatsApp → API Setup in Meta's app dashboard.")
    )
    business_account_id = forms.CharField(
        label=_("WhatsApp Business Account ID"),
        help_text=_("Needed to list your message templates."),
    )
    access_token = secret(
        _("Access token"), _("A system user's permanent token with whatsapp_business_messaging.")
    )
    app_secret = secret(
        _("App secret"), _("App settings → Basic. Layan checks every webhook's signature with it.")
    )
    verify_token = secret(
        _("Verify token"), _("Any phrase; type the same into Meta's webhook settings.")
    )
    graph_base = forms.URLField(
        label=_("Graph API server"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: Meta's own (graph.facebook.com)."),
    )
