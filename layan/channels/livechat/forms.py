"""The chat inbox's settings: where the widget may appear and how a chat starts and ends."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.core.widgets import Textarea
from layan.inboxes.forms import ChannelSettingsForm


class ChatSettingsForm(ChannelSettingsForm):
    chat_allowed_origins = forms.CharField(
        label=_("Sites that may embed the chat"),
        required=False,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("One address per line, such as https://shop.example. Empty: any site."),
    )
    chat_prechat = forms.ChoiceField(
        label=_("Ask for name and email before the chat"),
        choices=[
            ("off", _("No")),
            ("optional", _("Yes, optional")),
            ("required", _("Yes, required")),
        ],
        initial="off",
        required=False,
    )
    chat_bot = forms.BooleanField(
        label=_("The answer bot replies first"),
        required=False,
        help_text=_(
            "It answers from the help center when it is confident and hands the chat to a "
            "person otherwise, or when the visitor asks for one."
        ),
    )
    chat_transcript = forms.BooleanField(
        label=_("Email the transcript when a chat is solved"),
        required=False,
        initial=True,
        help_text=_("To visitors who gave their email address."),
    )
    chat_greeting = forms.CharField(
        label=_("Chat greeting"),
        required=False,
        widget=Textarea(attrs={"rows": 2}),
        help_text=_("Empty: a friendly default in the visitor's language."),
    )

    def initial_from(self, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "chat_allowed_origins": "\n".join(config.get("allowed_origins", [])),
            "chat_prechat": config.get("prechat", "off"),
            "chat_greeting": config.get("greeting", ""),
            "chat_bot": config.get("bot", False),
            "chat_transcript": config.get("transcript_on_solve", True),
        }

    def config(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "allowed_origins": data.get("chat_allowed_origins") or "",
            "prechat": data.get("chat_prechat") or "off",
            "greeting": data.get("chat_greeting") or "",
            "bot": bool(data.get("chat_bot")),
            "transcript_on_solve": bool(data.get("chat_transcript")),
        }
