from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import User, Workspace, validate_timezone
from layan.core.widgets import Textarea
from layan.customers.models import Company, Customer


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *settings.ALL_LANGUAGES], required=False
    )
    timezone = forms.CharField(
        label=_("Time zone"), max_length=64, required=False, validators=[validate_timezone]
    )
    company: forms.ModelChoiceField[Company] = forms.ModelChoiceField(
        queryset=Company.objects.none(), label=_("Company"), required=False
    )
    tags = forms.CharField(label=_("Tags (comma-separated)"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self, *args: Any, workspace: Workspace, instance_data: Customer, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": instance_data.name,
                "language": instance_data.language,
                "timezone": instance_data.timezone,
                "company": instance_data.company_id,
                "tags": ", ".join(instance_data.tags),
                "notes": instance_data.notes,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(workspace=workspace)  # type: ignore[attr-defined]


class CompanyForm(forms.ModelForm[Company]):
    class Meta:
        model = Company
        fields = ["name", "domain", "account_owner", "notes"]
        widgets = {"notes": Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["account_owner"]
        owner.queryset = User.objects.filter(workspace=workspace, is_active=True)  # type: ignore[attr-defined]

    def clean_domain(self) -> str:
        domain = str(self.cleaned_data.get("domain", "")).strip().lower().lstrip("@")
        if domain and ("." not in domain or " " in domain):
            raise forms.ValidationError(_("Enter a domain such as acme.example."))
        return domain
