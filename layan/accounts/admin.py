from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from layan.accounts.models import AvailabilityEvent, ContactChannel, Skill, Team, User, Workspace


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "name", "role", "availability", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["workspace", "email", "password", "name", "role"]}),
        ("Preferences", {"fields": ["language", "timezone", "skills"]}),
        ("Status", {"fields": ["availability", "last_seen_at", "is_active"]}),
        ("Permissions", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["workspace", "email", "name", "role", "password1", "password2"]})
    ]
    filter_horizontal = ["skills", "groups", "user_permissions"]


admin.site.register(Workspace)
admin.site.register(Team)
admin.site.register(Skill)
admin.site.register(ContactChannel)
admin.site.register(AvailabilityEvent)
