from django.contrib import admin

from layan.customers.models import Company, Customer, Identity


class IdentityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Identity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "company", "language", "created_at"]
    search_fields = ["name", "identities__address"]
    inlines = [IdentityInline]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "domain", "account_owner"]
    search_fields = ["name", "domain"]
