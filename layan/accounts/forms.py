from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import ContactChannel, Skill, Team, User, Workspace
from layan.core.translated import TranslatedFields
from layan.core.widgets import Textarea


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class WorkspaceForm(forms.ModelForm[Workspace]):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    languages = forms.MultipleChoiceField(
        label=_("Content languages"),
        choices=settings.ALL_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Workspace
        fields = [
            "name",
            "brand_colour",
            "logo",
            "timezone",
            "default_language",
            "languages",
            "reply_within_minutes",
            "reply_signature",
            "acknowledge_requests",
            "self_service_window_hours",
            "bot_confidence",
        ]
        widgets = {
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
            "reply_signature": Textarea(attrs={"rows": 3}),
        }

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):
            if logo.content_type not in {"image/png", "image/jpeg", "image/svg+xml", "image/webp"}:
                raise forms.ValidationError(_("Upload a PNG, JPEG, WebP or SVG image."))
            if logo.size > 1_000_000:
                raise forms.ValidationError(_("The logo must be smaller than 1 MB."))
        return logo


class ContactChannelForm(TranslatedFields, forms.ModelForm[ContactChannel]):
    """One channel: its note for customers in each of the workspace's languages."""

    class Meta:
        model = ContactChannel
        fields = ["kind", "value", "position", "is_active"]

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.translated_fields(
            "note",
            label=_("Note for customers"),
            languages=languages,
            initial_texts=self.instance.notes if self.instance.pk else {},
        )
        # The notes come after the value, before position and visibility.
        order = ["kind", "value", *(f"note_{code}" for code in languages), "position", "is_active"]
        self.order_fields(order)

    def save(self, commit: bool = True) -> ContactChannel:
        self.instance.notes = self.translated_value("note")
        return super().save(commit=commit)


ContactChannelFormSet = modelformset_factory(
    ContactChannel, form=ContactChannelForm, extra=2, can_delete=True
)


class AgentFormBase(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = self.fields["teams"]
        skills = self.fields["skills"]
        assert isinstance(teams, forms.ModelMultipleChoiceField)
        assert isinstance(skills, forms.ModelMultipleChoiceField)
        teams.queryset = Team.objects.filter(workspace=workspace)
        skills.queryset = Skill.objects.filter(workspace=workspace)


class AgentInviteForm(AgentFormBase):
    email = forms.EmailField(label=_("Email address"))
    field_order = ["email", "name", "role", "teams", "skills"]


class AgentEditForm(AgentFormBase):
    chat_limit = forms.IntegerField(
        label=_("Concurrent chats"),
        min_value=0,
        max_value=50,
        help_text=_("New chats are routed to this agent while they have fewer open chats."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)


class TeamForm(TranslatedFields, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        descriptions: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = User.objects.filter(workspace=workspace, is_active=True)
        self.translated_fields(
            "description",
            label=_("Description"),
            languages=list(workspace.languages),
            initial_texts=descriptions,
        )
        self.order_fields(["name", *(f"description_{c}" for c in workspace.languages), "members"])


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Topic"), max_length=80)


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
        required=False,
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=lambda: [("", _("Follow my browser")), *timezone_choices()],
        required=False,
    )
