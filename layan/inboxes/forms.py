from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Team, Workspace
from layan.core.widgets import Textarea
from layan.inboxes.models import Inbox

SECURITY_CHOICES = [
    ("ssl", "SSL/TLS"),
    ("starttls", "STARTTLS"),
    ("none", _("None (loopback only)")),
]


class InboxForm(forms.Form):
    kind = forms.ChoiceField(label=_("Channel"), choices=Inbox.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(
        label=_("Address"),
        max_length=255,
        required=False,
        help_text=_("The email address customers write to (email inboxes)."),
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("Default team"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    imap_host = forms.CharField(label=_("IMAP server"), required=False)
    imap_port = forms.IntegerField(label=_("IMAP port"), initial=993, min_value=1, max_value=65535)
    imap_security = forms.ChoiceField(label=_("IMAP security"), choices=SECURITY_CHOICES)
    imap_username = forms.CharField(label=_("IMAP user name"), required=False)
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the saved password."),
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
        help_text=_("Leave empty to keep the saved password."),
    )
    reply_token_address = forms.BooleanField(
        label=_("Reply-To with a conversation token (needs plus-addressing)"), required=False
    )

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

    CONFIG_FIELDS = (
        "imap_host", "imap_port", "imap_security", "imap_username", "imap_password", "imap_folder",
        "imap_processed_folder", "poll_seconds", "imap_idle", "smtp_host", "smtp_port",
        "smtp_security", "smtp_username", "smtp_password", "reply_token_address",
    )  # fmt: skip

    # Each kind shows its own settings only (a chat inbox has no IMAP server).
    KIND_FIELDS: dict[str, tuple[str, ...]] = {
        Inbox.Kind.EMAIL: ("address", *CONFIG_FIELDS),
        Inbox.Kind.CHAT: (
            "chat_allowed_origins", "chat_prechat", "chat_bot", "chat_transcript", "chat_greeting",
        ),
    }  # fmt: skip

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        inbox: Inbox | None = None,
        kind: str = "",
        **kwargs: Any,
    ) -> None:
        if inbox is not None:
            initial = {
                "kind": inbox.kind,
                "name": inbox.name,
                "address": inbox.address,
                "team": inbox.team_id,
                "is_active": inbox.is_active,
                **{key: value for key, value in inbox.config.items() if "password" not in key},
            }
            if inbox.kind == Inbox.Kind.CHAT:
                initial.update(
                    chat_allowed_origins="\n".join(inbox.config.get("allowed_origins", [])),
                    chat_prechat=inbox.config.get("prechat", "off"),
                    chat_greeting=inbox.config.get("greeting", ""),
                    chat_bot=inbox.config.get("bot", False),
                    chat_transcript=inbox.config.get("transcript_on_solve", True),
                )
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.inbox = inbox
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        if inbox is not None:
            self.fields["kind"].disabled = True
        self.inbox_kind = inbox.kind if inbox is not None else kind
        if self.inbox_kind:
            self.fields["kind"].initial = self.inbox_kind
            self.fields["kind"].widget = forms.HiddenInput()
            own = set(self.KIND_FIELDS.get(self.inbox_kind, ()))
            for name in {name for fields in self.KIND_FIELDS.values() for name in fields} - own:
                del self.fields[name]

    def config(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = self.inbox.kind if self.inbox else data["kind"]
        if kind == Inbox.Kind.CHAT:
            return {
                "allowed_origins": data.get("chat_allowed_origins") or "",
                "prechat": data.get("chat_prechat") or "off",
                "greeting": data.get("chat_greeting") or "",
                "bot": bool(data.get("chat_bot")),
                "transcript_on_solve": bool(data.get("chat_transcript")),
            }
        if kind != Inbox.Kind.EMAIL:
            return {}
        saved = self.inbox.config if self.inbox else {}
        config = {
            name: data[name] for name in self.CONFIG_FIELDS if data.get(name) not in (None, "")
        }
        for secret in ("imap_password", "smtp_password"):
            if not data.get(secret) and saved.get(secret):
                config[secret] = saved[secret]
        config["reply_token_address"] = bool(data.get("reply_token_address"))
        return config
