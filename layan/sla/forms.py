from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from layan.accounts.forms import timezone_choices
from layan.sla.models import Weekday


class ScheduleForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone of these hours"), choices=timezone_choices)


class IntervalForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    opens = forms.TimeField(label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"}))


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=120)


IntervalFormSet = formset_factory(IntervalForm, extra=2, can_delete=True)
HolidayFormSet = formset_factory(HolidayForm, extra=2, can_delete=True)
