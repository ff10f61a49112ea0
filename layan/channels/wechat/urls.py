from __future__ import annotations

from django.urls import path

from layan.channels.wechat import views

urlpatterns = [
    path("hooks/wechat/<int:inbox_id>/", views.server, name="wechat_server"),
]
