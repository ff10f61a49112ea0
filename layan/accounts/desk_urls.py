"""The agent workspace (`/desk/`). Each later domain adds its section here and to the nav."""

from django.urls import path

from layan.accounts.views import desk, settings
from layan.sla import views as sla_views

app_name = "desk"

urlpatterns = [
    path("", desk.home, name="home"),
    path("settings/workspace/", settings.workspace_settings, name="settings_workspace"),
    path("settings/hours/", sla_views.hours_settings, name="settings_hours"),
    path("settings/channels/", settings.channels_settings, name="settings_channels"),
    path("settings/agents/", settings.agents_list, name="agents"),
    path("settings/agents/new/", settings.agent_new, name="agent_new"),
    path("settings/agents/<int:agent_id>/", settings.agent_edit, name="agent_edit"),
    path("settings/teams/", settings.teams_list, name="teams"),
    path("settings/teams/new/", settings.team_edit, name="team_new"),
    path("settings/teams/<int:team_id>/", settings.team_edit, name="team_edit"),
    path("settings/teams/<int:team_id>/delete/", settings.team_delete, name="team_delete"),
    path("settings/skills/", settings.skills_settings, name="skills"),
    path("settings/skills/<int:skill_id>/delete/", settings.skill_delete, name="skill_delete"),
]
