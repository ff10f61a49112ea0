from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Workspace
from layan.core.translated import TranslatedFields, language_names
from layan.core.widgets import DateInput, Textarea, TimeInput
from layan.knowledge.models import Article, Category, ShippingPolicy


def _language_choices(workspace: Workspace) -> list[tuple[str, str]]:
    return language_names(list(workspace.languages))


class CategoryChoiceMixin(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Category.objects.filter(workspace=workspace)


class ArticleSettingsForm(CategoryChoiceMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=Article.Kind.choices)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Article.Visibility.choices)
    review_by = forms.DateField(label=_("Review by"), required=False, widget=DateInput())


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    questions = forms.CharField(
        label=_("Other ways customers ask this"),
        required=False,
        widget=Textarea(attrs={"rows": 3}),
        help_text=_("One question per line. The answer bot and search match these too."),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=Textarea(attrs={"rows": 16}),
    )


class ArticleNewForm(ArticleSettingsForm, TranslationForm):
    language = forms.ChoiceField(label=_("Language"))
    field_order = ["kind", "language", "category", "visibility", "title", "questions", "body"]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, workspace=workspace, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = _language_choices(workspace)
        language.initial = workspace.default_language
        self.fields.pop("review_by")


class CategoryForm(forms.Form):
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=60)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = _language_choices(workspace)
        for code, name in self.languages:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": name},
                max_length=120,
                required=code == workspace.default_language,
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                max_length=255,
                required=False,
            )

    def names(self) -> dict[str, tuple[str, str]]:
        return {
            code: (self.cleaned_data[f"name_{code}"], self.cleaned_data[f"description_{code}"])
            for code, _name in self.languages
        }


class ShippingPolicyForm(TranslatedFields, forms.ModelForm[ShippingPolicy]):
    class Meta:
        model = ShippingPolicy
        fields = [
            "currency",
            "processing_days_min",
            "processing_days_max",
            "cutoff_time",
            "ships_on_weekends",
            "duties",
            "po_boxes",
            "return_window_days",
            "free_returns_when_faulty",
        ]
        widgets = {"cutoff_time": TimeInput()}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = self.instance
        languages = list(workspace.languages)
        self.translated_fields(
            "address_notes",
            label=_("Special addresses"),
            languages=languages,
            initial_texts=policy.address_notes if policy.pk else {},
            max_length=None,
            widget=Textarea(attrs={"rows": 2}),
        )
        self.translated_fields(
            "return_steps",
            label=_("How to return an item"),
            languages=languages,
            initial_texts=policy.return_steps if policy.pk else {},
            max_length=None,
            widget=Textarea(attrs={"rows": 4}),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("processing_days_min"), cleaned.get("processing_days_max")
        if low is not None and high is not None and low > high:
            self.add_error("processing_days_max", _("The range ends before it starts."))
        return cleaned


class DeliveryOptionForm(forms.Form):
    days_min = forms.IntegerField(label=_("From (days)"), min_value=0, required=False)
    days_max = forms.IntegerField(label=_("To (days)"), min_value=0, required=False)
    cost = forms.DecimalField(
        label=_("Cost"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    free_over = forms.DecimalField(
        label=_("Free over"), min_value=0, max_digits=12, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        for code, name in languages:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": name},
                max_length=120,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        names = {code: cleaned.get(f"name_{code}", "").strip() for code, _n in self.languages}
        cleaned["names"] = {code: name for code, name in names.items() if name}
        filled = [cleaned.get("days_min"), cleaned.get("days_max"), cleaned.get("cost")]
        cleaned["blank"] = not cleaned["names"] and all(value is None for value in filled)
        if not cleaned["blank"] and (not cleaned["names"] or any(v is None for v in filled)):
            raise forms.ValidationError(_("Give the option a name, its delivery days and cost."))
        return cleaned


DeliveryOptionFormSet = forms.formset_factory(DeliveryOptionForm, extra=2, can_delete=True)
