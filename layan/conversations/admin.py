from django.contrib import admin

from layan.conversations.models import Conversation, Macro, Tag


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "subject", "status", "assignee", "last_activity_at"]
    list_filter = ["status", "priority"]
    search_fields = ["subject", "=number"]
    raw_id_fields = ["customer", "assignee"]


admin.site.register(Tag)
admin.site.register(Macro)
