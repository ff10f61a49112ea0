from __future__ import annotations

from django.urls import path

from layan.channels.phone import views

urlpatterns = [
    path("hooks/phone/<int:inbox_id>/voice/", views.voice, name="phone_voice"),
    path("hooks/phone/<int:inbox_id>/status/", views.status, name="phone_status"),
    path("hooks/phone/<int:inbox_id>/recording/", views.recording, name="phone_recording"),
    path("hooks/phone/<int:inbox_id>/cti/", views.cti, name="phone_cti"),
    path(
        "hooks/phone/<int:inbox_id>/connect/<int:message_id>/",
        views.connect,
        name="phone_connect",
    ),
    path(
        "desk/phone/customers/<int:customer_id>/call/",
        views.call_customer,
        name="phone_call_customer",
    ),
]
