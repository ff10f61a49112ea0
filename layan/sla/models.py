"""Support hours: a weekly schedule with one or more intervals a day, and holidays."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Workspace, validate_timezone
from layan.core.translated import in_language


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessHours(models.Model):
    """A weekly schedule in one time zone. The workspace's default one is its support hours."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="business_hours"
    )
    name = models.CharField(_("name"), max_length=80)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    is_default = models.BooleanField(_("support hours"), default=False)

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_default=True),
                name="one_default_business_hours",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OpeningInterval(models.Model):
    """Open from `opens` to `closes` on `weekday`; `closes` at or before `opens` runs past midnight.

    00:00-00:00 is the whole day. Several intervals a day allow a lunch break.
    """

    schedule = models.ForeignKey(BusinessHours, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Holiday(models.Model):
    """A date on which support is closed all day (in the schedule's time zone)."""

    schedule = models.ForeignKey(BusinessHours, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    # {language: name}: "Hari Raya Natal" for Indonesian readers, "Christmas Day" for English.
    names = models.JSONField(_("name"), default=dict)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="holiday_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {in_language(self.names)}"
