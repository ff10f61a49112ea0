"""Admin screens of the agent workspace: workspace, contact channels, agents, teams, topics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts import services
from layan.accounts.access import access_agent, access_team, admin_required, current_agent
from layan.accounts.forms import (
    AgentEditForm,
    AgentInviteForm,
    ContactChannelFormSet,
    SkillForm,
    TeamForm,
    WorkspaceForm,
)
from layan.accounts.models import ContactChannel, Skill
from layan.accounts.page_cache import public_pages_changed
from layan.accounts.selectors import agents_for_admin, teams_for_admin


def _form_errors(form: AgentInviteForm | AgentEditForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error)


@admin_required
def workspace_settings(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    form = WorkspaceForm(request.POST or None, request.FILES or None, instance=workspace)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            services.workspace_languages_sync(workspace=workspace)
            public_pages_changed(workspace)
        messages.success(request, _("Workspace settings saved."))
        return redirect("desk:settings_workspace")
    return render(request, "desk/settings/workspace.html", {"form": form, "section": "workspace"})


@admin_required
def channels_settings(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    queryset = ContactChannel.objects.filter(workspace=workspace)
    formset = ContactChannelFormSet(
        request.POST or None,
        queryset=queryset,
        form_kwargs={"languages": list(workspace.languages)},
    )
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for channel in formset.save(commit=False):
                channel.workspace = workspace
                channel.save()
            for channel in formset.deleted_objects:
                channel.delete()
            public_pages_changed(workspace)
        messages.success(request, _("Contact channels saved."))
        return redirect("desk:settings_channels")
    return render(
        request, "desk/settings/channels.html", {"formset": formset, "section": "channels"}
    )


@admin_required
def agents_list(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    return render(
        request,
        "desk/settings/agents.html",
        {"agents": agents_for_admin(workspace=workspace), "section": "agents"},
    )


@admin_required
def agent_new(request: HttpRequest) -> HttpResponse:
    actor = current_agent(request)
    form = AgentInviteForm(request.POST or None, workspace=actor.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agent = services.agent_invite(
                workspace=actor.workspace,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                teams=data["teams"],
                skills=data["skills"],
                actor=actor,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is invited: an email is on its way.") % {"name": agent.name}
            )
            return redirect("desk:agents")
    return render(request, "desk/settings/agent_form.html", {"form": form, "section": "agents"})


@admin_required
def agent_edit(request: HttpRequest, agent_id: int) -> HttpResponse:
    actor = current_agent(request)
    agent = access_agent(actor=actor, agent_id=agent_id)
    initial = {
        "name": agent.name,
        "role": agent.role,
        "is_active": agent.is_active,
        "chat_limit": agent.chat_limit,
        "teams": agent.teams.all(),
        "skills": agent.skills.all(),
    }
    form = AgentEditForm(request.POST or None, initial=initial, workspace=actor.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agent_update(
                agent=agent,
                actor=actor,
                name=data["name"],
                role=data["role"],
                is_active=data["is_active"],
                teams=data["teams"],
                skills=data["skills"],
                chat_limit=data["chat_limit"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": agent.name})
            return redirect("desk:agents")
    return render(
        request,
        "desk/settings/agent_form.html",
        {"form": form, "edited": agent, "section": "agents"},
    )


@admin_required
def teams_list(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    return render(
        request,
        "desk/settings/teams.html",
        {"teams": teams_for_admin(workspace=workspace), "section": "teams"},
    )


@admin_required
def team_edit(request: HttpRequest, team_id: int | None = None) -> HttpResponse:
    actor = current_agent(request)
    team = access_team(actor=actor, team_id=team_id) if team_id else None
    initial = {"name": team.name, "members": team.members.all()} if team else {}
    form = TeamForm(
        request.POST or None,
        initial=initial,
        workspace=actor.workspace,
        descriptions=team.descriptions if team else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.team_save(
                workspace=actor.workspace,
                team=team,
                name=form.cleaned_data["name"],
                descriptions=form.translated_value("description"),
                members=form.cleaned_data["members"],
            )
        except ValidationError:
            form.add_error("name", _("A team with this name already exists."))
        else:
            messages.success(request, _("Team %(name)s is saved.") % {"name": saved.name})
            return redirect("desk:teams")
    return render(
        request, "desk/settings/team_form.html", {"form": form, "team": team, "section": "teams"}
    )


@require_POST
@admin_required
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access_team(actor=current_agent(request), team_id=team_id)
    services.team_delete(team=team)
    messages.success(request, _("Team %(name)s is deleted.") % {"name": team.name})
    return redirect("desk:teams")


@admin_required
def skills_settings(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_skill_add(workspace=workspace, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("Topic added."))
            return redirect("desk:skills")
    skills = Skill.objects.filter(workspace=workspace).order_by("kind", "name")
    return render(
        request,
        "desk/settings/skills.html",
        {"form": form, "skills": skills, "section": "skills"},
    )


@require_POST
@admin_required
def skill_delete(request: HttpRequest, skill_id: int) -> HttpResponse:
    workspace = current_agent(request).workspace
    services.topic_skill_delete(workspace=workspace, skill_id=skill_id)
    return redirect("desk:skills")
