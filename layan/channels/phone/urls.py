from __future__ import annotations

from django.urls import path

from layan.channels.phone import views

urlpatterns = [
    path("hooks/phone/<int:inbox_id>/voice/", views.voice, name="phone_voice"),
    path("hooks/phone/<int:inbox_id>/status/", views.status, name="phone_status"),
    path("hooks/phone/<int:inbox_id>/recording/", views.recording, name="phone_recording"),
]
