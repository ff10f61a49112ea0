from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Workspace
from layan.knowledge.models import Article, Category


def _language_choices(workspace: Workspace) -> list[tuple[str, str]]:
    names = dict(settings.ALL_LANGUAGES)
    return [(code, str(names.get(code, code))) for code in workspace.languages]


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
    review_by = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    questions = forms.CharField(
        label=_("Other ways customers ask this"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One question per line. The answer bot and search match these too."),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
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
