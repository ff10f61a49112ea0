"""An Instagram inbox's settings, as Meta's dashboard names them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import MetaAppSettingsForm, secret_field


class InstagramSettingsForm(MetaAppSettingsForm):
    field_order = ["account_id", "access_token"]

    account_id = forms.CharField(
        label=_("Instagram account ID"),
        help_text=_("The professional account's id (or the Facebook Page it is linked to)."),
    )
    access_token = secret_field(
        _("Access token"), _("With instagram_manage_messages and instagram_manage_comments.")
    )
