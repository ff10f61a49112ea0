from __future__ import annotations

from django.urls import path

from layan.channels.instagram import views

urlpatterns = [
    path("hooks/instagram/<int:inbox_id>/", views.webhook, name="instagram_webhook"),
    path(
        "desk/instagram/conversations/<int:number>/private-reply/",
        views.private_reply,
        name="instagram_private_reply",
    ),
]
