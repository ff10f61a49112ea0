from __future__ import annotations

from django.urls import path

from layan.channels.whatsapp import views

urlpatterns = [
    path("hooks/whatsapp/<int:inbox_id>/", views.webhook, name="whatsapp_webhook"),
    path(
        "desk/whatsapp/conversations/<int:number>/template/",
        views.template_send,
        name="whatsapp_template_send",
    ),
]
