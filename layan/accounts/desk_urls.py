"""The agent workspace (`/desk/`). Each later domain adds its section here and to the nav."""

from django.urls import path

from layan.accounts.views import desk, settings
from layan.knowledge import desk_views as knowledge
from layan.sla import views as sla_views

app_name = "desk"

urlpatterns = [
    path("", desk.home, name="home"),
    path("knowledge/", knowledge.articles, name="articles"),
    path("knowledge/new/", knowledge.article_new, name="article_new"),
    path("knowledge/preview/", knowledge.preview, name="article_preview"),
    path("knowledge/categories/", knowledge.categories, name="categories"),
    path("knowledge/report/", knowledge.report, name="knowledge_report"),
    path("knowledge/shipping/", knowledge.shipping_policy, name="shipping_policy"),
    path(
        "knowledge/<int:article_id>/settings/", knowledge.article_settings, name="article_settings"
    ),
    path("knowledge/<int:article_id>/status/", knowledge.article_status, name="article_status"),
    path("knowledge/<int:article_id>/<str:language>/", knowledge.article_edit, name="article_edit"),
    path(
        "knowledge/revisions/<int:revision_id>/",
        knowledge.revision_compare,
        name="revision_compare",
    ),
    path(
        "knowledge/revisions/<int:revision_id>/restore/",
        knowledge.revision_restore,
        name="revision_restore",
    ),
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
