from __future__ import annotations

from django.urls import path

from layan.automations import views

urlpatterns = [
    path("requests/<str:token>/answered/", views.request_answered, name="request_answered"),
]
