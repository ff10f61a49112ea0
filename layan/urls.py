from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from layan.accounts.views import preferences
from layan.api.api import api
from layan.inboxes.registry import url_modules
from layan.sla import views as sla_views

urlpatterns = [
    # Each channel app's public endpoints (its `ChannelAppConfig.urls`): webhooks, the widget.
    *(path("", include(module)) for module in url_modules()),
    path("", include("layan.knowledge.urls")),
    path("", include("layan.automations.urls")),
    path("desk/", include("layan.wiring.desk_urls")),
    path("desk/", include("layan.accounts.urls")),
    path("i18n/language/", preferences.language_set, name="language_set"),
    path("support-hours/", sla_views.support_hours_footer, name="support_hours"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# "Busy, try again" (503) when the database is unreachable or busy; Django's 500 otherwise.
handler500 = "layan.core.errors.server_error"
