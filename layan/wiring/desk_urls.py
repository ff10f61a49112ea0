"""The agent workspace (`/desk/`). Each later domain adds its section here and to the nav."""

from django.urls import path

from layan.accounts.views import desk, settings
from layan.answerbot import views as answerbot
from layan.conversations.views import customers as customer_card
from layan.conversations.views import inbound
from layan.conversations.views import inbox as conversations
from layan.conversations.views import knowledge as conversation_knowledge
from layan.conversations.views import macros as macro_views
from layan.customers import views as customers
from layan.inboxes import views as inboxes
from layan.knowledge.views import desk as knowledge
from layan.sla import views as sla_views

app_name = "desk"

urlpatterns = [
    path("", desk.home, name="home"),
    path("conversations/", conversations.inbox, name="inbox"),
    path("conversations/new/", conversations.conversation_new, name="conversation_new"),
    path("conversations/counts/", conversations.view_counts, name="inbox_counts"),
    path("conversations/bulk/", conversations.bulk, name="bulk"),
    path("conversations/<int:number>/", conversations.conversation, name="conversation"),
    path("conversations/<int:number>/thread/", conversations.thread, name="thread"),
    path("conversations/<int:number>/reply/", conversations.reply, name="reply"),
    path(
        "conversations/<int:number>/suggestions/",
        answerbot.suggestions,
        name="conversation_suggestions",
    ),
    path(
        "conversations/<int:number>/articles/",
        conversation_knowledge.article_search,
        name="conversation_articles",
    ),
    path("conversations/<int:number>/update/", conversations.update, name="conversation_update"),
    path(
        "conversations/<int:number>/private-reply/",
        conversations.private_reply,
        name="private_reply",
    ),
    path(
        "conversations/<int:number>/macros/<int:macro_id>/",
        conversations.macro_text,
        name="macro_text",
    ),
    path("messages/<int:message_id>/source/", conversations.message_source, name="message_source"),
    path("messages/<int:message_id>/retry/", conversations.message_retry, name="message_retry"),
    path("attachments/<int:attachment_id>/", conversations.attachment, name="attachment"),
    path("customers/<int:customer_id>/", customer_card.customer, name="customer"),
    path("customers/<int:customer_id>/identities/", customers.identity_add, name="identity_add"),
    path("customers/<int:customer_id>/merge/", customers.merge, name="customer_merge"),
    path("customers/merges/<int:merge_id>/undo/", customers.unmerge, name="customer_unmerge"),
    path("knowledge/", knowledge.articles, name="articles"),
    path("knowledge/new/", knowledge.article_new, name="article_new"),
    path("knowledge/preview/", knowledge.preview, name="article_preview"),
    path("knowledge/categories/", knowledge.categories, name="categories"),
    path("knowledge/report/", answerbot.report, name="knowledge_report"),
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
    path("settings/inboxes/", inboxes.inbox_list, name="inboxes"),
    path("settings/inboxes/new/", inboxes.inbox_edit, name="inbox_new"),
    path("settings/inboxes/<int:inbox_id>/", inboxes.inbox_edit, name="inbox_edit"),
    path("settings/inboxes/failed/", inbound.inbound_failed, name="inbound_failed"),
    path("settings/inboxes/failed/<int:raw_id>/", inbound.inbound_source, name="inbound_source"),
    path(
        "settings/inboxes/failed/<int:raw_id>/reprocess/",
        inbound.inbound_reprocess,
        name="inbound_reprocess",
    ),
    path("settings/companies/", customers.companies, name="companies"),
    path("settings/companies/<int:company_id>/", customers.companies, name="company_edit"),
    path("settings/macros/", macro_views.macros, name="macros"),
    path("settings/macros/<int:macro_id>/", macro_views.macros, name="macro_edit"),
    path("settings/macros/<int:macro_id>/delete/", macro_views.macro_delete, name="macro_delete"),
    path("settings/skills/", settings.skills_settings, name="skills"),
    path("settings/skills/<int:skill_id>/delete/", settings.skill_delete, name="skill_delete"),
]
