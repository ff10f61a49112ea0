"""A Messenger inbox's settings, as Meta's dashboard names them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import MetaAppSettingsForm, secret_field


class MessengerSettingsForm(MetaAppSettingsForm):
    field_order = ["page_id", "access_token"]

    page_id = forms.CharField(
        label=_("Facebook Page ID"),
        help_text=_("Your Page → About → Page transparency, or the Page's settings."),
    )
    access_token = secret_field(
        _("Page access token"),
        _("With pages_messaging, and pages_manage_engagement to answer comments."),
    )
