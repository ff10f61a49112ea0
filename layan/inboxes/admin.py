from django.contrib import admin

from layan.inboxes.models import InboundRaw, Inbox


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "address", "is_active", "last_poll_at"]


@admin.register(InboundRaw)
class InboundRawAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "inbox", "source", "status", "attempts", "received_at"]
    list_filter = ["status", "source"]
    readonly_fields = ["payload"]
