"""The email inbox's settings: its mailbox (IMAP) and its outgoing server (SMTP)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import ChannelSettingsForm

SECURITY_CHOICES = [
    ("ssl", "SSL/TLS"),
    ("starttls", "STARTTLS"),
    ("none", _("None (loopback only)")),
]


class EmailSettingsForm(ChannelSettingsForm):
    address_help = _("The email address customers write to (email inboxes).")

    imap_host = forms.CharField(label=_("IMAP server"), required=False)
    imap_port = forms.IntegerField(label=_("IMAP port"), initial=993, min_value=1, max_value=65535)
    imap_security = forms.ChoiceField(label=_("IMAP security"), choices=SECURITY_CHOICES)
    imap_username = forms.CharField(label=_("IMAP user name"), required=False)
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    imap_folder = forms.CharField(label=_("Folder"), initial="INBOX")
    imap_processed_folder = forms.CharField(
        label=_("Move processed mail to"),
        required=False,
        help_text=_("Empty: processed mail is marked as read and stays where it is."),
    )
    poll_seconds = forms.IntegerField(label=_("Check every (seconds)"), initial=60, min_value=10)
    imap_idle = forms.BooleanField(
        label=_("Fetch new mail as it arrives (IMAP IDLE)"),
        required=False,
        help_text=_("The server tells Layan about new mail at once; the regular check stays."),
    )
    smtp_host = forms.CharField(
        label=_("SMTP server"),
        required=False,
        help_text=_("Empty: replies go out through Layan's default mail settings."),
    )
    smtp_port = forms.IntegerField(label=_("SMTP port"), initial=587, min_value=1, max_value=65535)
    smtp_security = forms.ChoiceField(
        label=_("SMTP security"), choices=SECURITY_CHOICES, initial="starttls"
    )
    smtp_username = forms.CharField(label=_("SMTP user name"), required=False)
    smtp_password = forms.CharField(
        label=_("SMTP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    reply_token_address = forms.BooleanField(
        label=_("Reply-To with a conversation token (needs plus-addressing)"), required=False
    )

    def config(self) -> dict[str, Any]:
        data = self.cleaned_data
        # A password left empty keeps the saved one (inboxes.services seals secrets).
        config = {name: value for name, value in data.items() if value not in (None, "")}
        config["imap_idle"] = bool(data.get("imap_idle"))
        config["reply_token_address"] = bool(data.get("reply_token_address"))
        return config
