from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from layan.accounts.page_cache import public_pages_changed
from layan.sla.models import BusinessHours, Holiday, OpeningInterval


class OpeningIntervalInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OpeningInterval


class HolidayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Holiday


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    inlines = [OpeningIntervalInline, HolidayInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # As business_hours_set does: pages and the widget show the new hours at once.
        public_pages_changed(form.instance.workspace_id)

    def delete_model(self, request: HttpRequest, obj: BusinessHours) -> None:
        super().delete_model(request, obj)
        public_pages_changed(obj.workspace_id)
