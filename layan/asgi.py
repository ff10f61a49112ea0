"""ASGI entry point: HTTP through Django, websockets through Channels, in one application."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings")

import django
from asgiref.sync import sync_to_async
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.db import connections

django.setup(set_prefix=False)


class RequestHandler(ASGIHandler):
    """Django's ASGI handler, running each request's middleware and view in one thread, and
    closing the request's database connections when it ends.

    Layan's views and middleware are synchronous. Django's ASGI handler builds an asynchronous
    middleware chain and adapts at every boundary between a sync-only and an async-capable
    middleware, then again for the view: three thread hops per request through the event loop
    that every request and websocket shares (a conversation page took 24 ms served that way
    against 10 ms in one thread). Here the chain is the synchronous one, entered once.

    Under ASGI each request runs in a thread of its own that ends with it, so a connection
    kept "for reuse" (CONN_MAX_AGE) is never reused: it stays open until the thread's storage
    is collected, and under load they pile up (PostgreSQL ran out of connection slots at four
    clients). Closed here, in the request's own thread, a pooled connection goes back to its
    pool and a SQLite handle is released. Long-lived threads (websocket consumers, the worker's
    loops) keep theirs as CONN_MAX_AGE says."""

    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: Any) -> Any:
        # Thread-sensitive: the same thread as the request's signals and its connections.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def handle(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().handle(scope, receive, send)
        finally:
            # Thread-sensitive: runs in this request's thread, where its connections live.
            await sync_to_async(connections.close_all)()


django_application = RequestHandler()

from layan.wiring.websockets import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
