"""The agent workspace shell: home, availability, own profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts import services
from layan.accounts.access import agent_required, current_agent
from layan.accounts.forms import ProfileForm
from layan.accounts.selectors import colleagues


@agent_required
def home(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    return render(
        request,
        "desk/home.html",
        {
            "nav": "home",
            "agent": agent,
            "my_teams": agent.teams.all(),
            "colleagues": colleagues(workspace=agent.workspace),
        },
    )


@require_POST
@agent_required
def availability_set(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    try:
        agent = services.agent_set_availability(
            agent=agent,
            availability=request.POST.get("availability", ""),
            source="manual",
            actor=agent,
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "desk/_availability.html", {"agent": agent})
    return redirect(request.POST.get("next") or "desk:home")


@agent_required
def profile(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    initial = {"name": agent.name, "language": agent.language, "timezone": agent.timezone}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.agent_preferences_update(
            agent=agent,
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
            timezone_name=form.cleaned_data["timezone"],
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "desk/profile.html", {"form": form, "agent": agent, "nav": "profile"})
