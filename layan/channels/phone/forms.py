"""A phone inbox's settings: all empty for calls logged by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import ChannelSettingsForm, secret_field


class PhoneSettingsForm(ChannelSettingsForm):
    address_help = _("The shop's number customers call, e.g. +62 21 5000 1234.")

    account_sid = forms.CharField(
        label=_("Voice service account SID"),
        required=False,
        help_text=_("Twilio or a compatible service. Empty: agents log calls by hand."),
    )
    auth_token = secret_field(
        _("Auth token"), _("Layan checks every call's signature (X-Twilio-Signature) with it.")
    )
    ring_numbers = forms.CharField(
        label=_("Numbers to ring"),
        required=False,
        help_text=_("One per line, with the country code: an incoming call rings them all."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    api_base = forms.URLField(
        label=_("Voice API server"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: Twilio's own (api.twilio.com)."),
    )

    cti_secret = secret_field(
        _("CTI webhook secret"),
        _("For another phone system: it signs each JSON call event with this secret."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auth_token"].required = False
        self.fields["cti_secret"].required = False

    def initial_from(self, config: dict[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(config)
        initial["ring_numbers"] = "\n".join(config.get("ring_numbers") or [])
        return initial
