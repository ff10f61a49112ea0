"""Support hours: the admin screen for the schedule and holidays, and the public footer that
says whether support is open now."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from layan.accounts.access import admin_required, current_agent
from layan.sla import hours, services
from layan.sla.forms import HolidayFormSet, IntervalFormSet, ScheduleForm, kept_rows
from layan.sla.selectors import support_schedule


@admin_required
def hours_settings(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    schedule = support_schedule(workspace=workspace)
    assert schedule is not None, "every workspace is created with its support hours"
    data = request.POST or None
    form = ScheduleForm(data, initial={"timezone": schedule.timezone})
    intervals = IntervalFormSet(
        data,
        prefix="intervals",
        initial=[
            {"weekday": i.weekday, "opens": i.opens, "closes": i.closes}
            for i in schedule.intervals.all()
        ],
    )
    holidays = HolidayFormSet(
        data,
        prefix="holidays",
        initial=[{"date": h.date, "names": h.names} for h in schedule.holidays.all()],
        form_kwargs={"languages": list(schedule.workspace.languages)},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and intervals.is_valid()
        and holidays.is_valid()
    ):
        services.business_hours_set(
            schedule=schedule,
            timezone_name=form.cleaned_data["timezone"],
            intervals=[
                hours.Interval(weekday=d["weekday"], opens=d["opens"], closes=d["closes"])
                for d in kept_rows(intervals)
            ],
            holidays=[(d["date"], d["names"]) for d in kept_rows(holidays)],
        )
        messages.success(request, _("Support hours saved."))
        return redirect("desk:settings_hours")
    return render(
        request,
        "desk/settings/hours.html",
        {"form": form, "intervals": intervals, "holidays": holidays, "section": "hours"},
    )


@require_GET
def support_hours_footer(request: HttpRequest) -> HttpResponse:
    """The footer alone, re-rendered by htmx once the browser has told us its time zone."""
    return render(request, "helpcenter/_footer_hours.html")
