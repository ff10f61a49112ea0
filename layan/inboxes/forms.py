"""The inbox page's forms: what every inbox has (InboxForm), and the base of the settings form
each channel brings for its own part of `Inbox.config` (ChannelSettingsForm)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Team, Workspace
from layan.inboxes import registry
from layan.inboxes.models import Inbox
from layan.inboxes.secrets import is_sealed, masked


class ChannelSettingsForm(forms.Form):
    """A channel's settings on the inbox page, saved in `Inbox.config` (the adapter validates
    them again on save). Field names are unique across channels: the page posts one form."""

    # Help text of the inbox's address field; empty: the channel has no address.
    address_help: Any = ""

    def __init__(self, *args: Any, inbox: Inbox | None = None, **kwargs: Any) -> None:
        if inbox is not None:
            kwargs.setdefault("initial", self.initial_from(inbox.config))
        super().__init__(*args, **kwargs)
        self.inbox = inbox
        # A saved secret is never sent back to the browser: its field shows its last characters
        # and, left empty, keeps it (inboxes.secrets.config_seal).
        for name, value in (inbox.config if inbox is not None else {}).items():
            if is_sealed(value) and name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = gettext(
                    "Saved (%(masked)s). Leave empty to keep it."
                ) % {"masked": masked(value)}

    def initial_from(self, config: dict[str, Any]) -> dict[str, Any]:
        # Secrets are never sent back to the browser.
        return {key: value for key, value in config.items() if not is_sealed(value)}

    def config(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def secret_field(label: Any, help_text: Any) -> forms.CharField:
    """A secret's field (a token, a password): never shown back (see ChannelSettingsForm)."""
    return forms.CharField(
        label=label, help_text=help_text, widget=forms.PasswordInput(render_value=False)
    )


class MetaAppSettingsForm(ChannelSettingsForm):
    """What every Meta product's inbox asks after its own ids and token: the app's secret (to
    check webhook signatures), the verify token of Meta's address check, and the Graph API
    server (Meta's own unless a test or a proxy says otherwise)."""

    app_secret = secret_field(
        _("App secret"), _("App settings → Basic. Layan checks every webhook's signature with it.")
    )
    verify_token = secret_field(
        _("Verify token"), _("Any phrase; type the same into Meta's webhook settings.")
    )
    graph_base = forms.URLField(
        label=_("Graph API server"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: Meta's own (graph.facebook.com)."),
    )


class InboxForm(forms.Form):
    kind = forms.ChoiceField(label=_("Channel"), choices=registry.kind_choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("Default team"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    redirect_only = forms.BooleanField(
        label=_("Redirect only"),
        required=False,
        help_text=_(
            "For a channel nobody answers: each message is kept, not queued, and the customer "
            "gets one automatic reply a day saying where and when you do answer."
        ),
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        kind: str,
        inbox: Inbox | None = None,
        **kwargs: Any,
    ) -> None:
        if inbox is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": inbox.kind,
                    "name": inbox.name,
                    "address": inbox.address,
                    "team": inbox.team_id,
                    "is_active": inbox.is_active,
                    "redirect_only": inbox.redirect_only,
                },
            )
        super().__init__(*args, **kwargs)
        self.inbox = inbox
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["kind"].initial = kind
        self.fields["kind"].disabled = inbox is not None
        self.fields["kind"].widget = forms.HiddenInput()
        adapter = registry.adapter_for(kind)
        if not adapter.redirects:
            del self.fields["redirect_only"]
        settings_form = adapter.settings_form
        address_help = settings_form.address_help if settings_form else ""
        if address_help:
            self.fields["address"].help_text = address_help
        else:
            del self.fields["address"]
        # The channel's own settings, posted with this form.
        self.settings = settings_form(*args, inbox=inbox) if settings_form is not None else None

    def is_valid(self) -> bool:
        own = super().is_valid()
        return (self.settings.is_valid() if self.settings is not None else True) and own

    def config(self) -> dict[str, Any]:
        return self.settings.config() if self.settings is not None else {}
