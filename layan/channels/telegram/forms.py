"""A Telegram inbox's settings: the bot's token from @BotFather, and the sign-in link secret."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.inboxes.forms import ChannelSettingsForm


class TelegramSettingsForm(ChannelSettingsForm):
    bot_token = forms.CharField(
        label=_("Bot token"),
        help_text=_("From @BotFather in Telegram (/newbot or /token)."),
        widget=forms.PasswordInput(render_value=False),
    )
    bot_username = forms.CharField(
        label=_("Bot user name"),
        required=False,
        help_text=_("Filled in when you connect the bot. Used for t.me links."),
    )
    link_secret = forms.CharField(
        label=_("Sign-in link secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Optional. Your shop's website signs links with it so that a signed-in customer "
            "who opens the bot is recognised (see the documentation)."
        ),
    )
    api_base = forms.URLField(
        label=_("Bot API server"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: Telegram's own. Set it only for a self-hosted Bot API server."),
    )
