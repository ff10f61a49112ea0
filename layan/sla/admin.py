from django.contrib import admin

from layan.sla.models import BusinessHours, Holiday, OpeningInterval


class OpeningIntervalInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OpeningInterval


class HolidayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Holiday


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    inlines = [OpeningIntervalInline, HolidayInline]
