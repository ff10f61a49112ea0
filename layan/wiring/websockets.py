"""The websocket URL map: which consumer serves which path (the house's table for sockets)."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from layan.channels.livechat.consumer import VisitorConsumer
from layan.wiring.consumers import DeskConsumer

websocket_urlpatterns = [
    # Agents: their session, from Layan's own pages only.
    path("ws/desk/", AllowedHostsOriginValidator(AuthMiddlewareStack(DeskConsumer.as_asgi()))),
    # Visitors: a signed visitor token, from the sites each chat inbox allows (checked inside).
    path("ws/chat/", VisitorConsumer.as_asgi()),
]
