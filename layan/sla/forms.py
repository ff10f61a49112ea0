from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from layan.accounts.forms import timezone_choices
from layan.core.translated import TranslatedFields
from layan.core.widgets import DateInput, TimeInput
from layan.sla.models import Weekday


class ScheduleForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone of these hours"), choices=timezone_choices)


class OptionalRowForm(forms.Form):
    """A table row that is either complete or entirely blank; a blanked row is removed."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = [cleaned.get(name) for name in self.fields if name != "DELETE"]
        filled = [value not in (None, "") for value in values]
        if any(filled) and not all(filled) and not self.errors:
            raise forms.ValidationError(_("Fill in every field of this row, or clear it."))
        cleaned["blank"] = not any(filled)
        return cleaned


class IntervalForm(OptionalRowForm):
    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=[("", "—"), *Weekday.choices], coerce=int, required=False
    )
    opens = forms.TimeField(label=_("Opens"), widget=TimeInput(), required=False)
    closes = forms.TimeField(label=_("Closes"), widget=TimeInput(), required=False)


class HolidayForm(TranslatedFields, forms.Form):
    """A closed day with its name in each of the workspace's languages (one name is enough:
    readers of another language see it)."""

    date = forms.DateField(label=_("Date"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = (self.initial or {}).get("names") or {}
        self.translated_fields("name", label=_("Name"), languages=languages, initial_texts=names)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        names = self.translated_value("name")
        has_date = cleaned.get("date") is not None
        if (has_date and not names) or (names and not has_date and not self.errors):
            raise forms.ValidationError(_("Fill in every field of this row, or clear it."))
        cleaned["names"] = names
        cleaned["blank"] = not has_date and not names
        return cleaned


IntervalFormSet = formset_factory(IntervalForm, extra=2, can_delete=True)
HolidayFormSet = formset_factory(HolidayForm, extra=2, can_delete=True)


def kept_rows(formset: forms.BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The complete rows not marked for deletion, from a valid formset."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("blank")
        and not form.cleaned_data.get("DELETE")
    ]
