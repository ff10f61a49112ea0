from __future__ import annotations

from django.urls import path

from layan.realtime.consumers import DeskConsumer

websocket_urlpatterns = [
    path("ws/desk/", DeskConsumer.as_asgi()),
]
