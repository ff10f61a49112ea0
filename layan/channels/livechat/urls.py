from __future__ import annotations

from django.urls import path

from layan.channels.livechat import views

urlpatterns = [
    path("widget.js", views.widget_js, name="chat_widget"),
    path("chat/<slug:slug>/upload/", views.chat_upload, name="chat_upload"),
    path("chat/<slug:slug>/preview/", views.chat_preview, name="chat_preview"),
    path("chat/files/<str:signature>/", views.chat_file, name="chat_file"),
]
