"""An Instagram inbox's settings, as Meta's dashboard names them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import ChannelSettingsForm


class InstagramSettingsForm(ChannelSettingsForm):
    account_id = forms.CharField(
        label=_("Instagram account ID"),
        help_text=_("The professional account's id (or the Facebook Page it is linked to)."),
    )
    access_token = forms.CharField(
        label=_("Access token"),
        help_text=_("With instagram_manage_messages and instagram_manage_comments."),
        widget=forms.PasswordInput(render_value=False),
    )
    app_secret = forms.CharField(
        label=_("App secret"),
        help_text=_("App settings → Basic. Layan checks every webhook's signature with it."),
        widget=forms.PasswordInput(render_value=False),
    )
    verify_token = forms.CharField(
        label=_("Verify token"),
        help_text=_("Any phrase; type the same into Meta's webhook settings."),
        widget=forms.PasswordInput(render_value=False),
    )
    graph_base = forms.URLField(
        label=_("Graph API server"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: Meta's own (graph.facebook.com)."),
    )
