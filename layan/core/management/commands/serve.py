"""`layan serve`: production HTTP + websocket serving with N processes. No demo data, no
background work (run `layan worker` beside it)."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layan.config import base_url_default

# What `layan serve` and `layan run` share.
SERVER_OPTIONS: dict[str, Any] = {
    "lifespan": "off",
    "ws_max_size": 1_048_576,
    # Chat frames are a few hundred bytes: compressing each costs the event loop more than it
    # saves, and a compressor per socket is most of an idle connection's memory.
    "ws_per_message_deflate": False,
    # The reverse proxy (or nobody, on the embedded default) logs each request.
    "access_log": False,
}


class Command(BaseCommand):
    help = "Serve Layan in production (DEBUG off) with several worker processes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="Server processes.")

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        if settings.DEBUG:
            raise CommandError("layan serve refuses to run with LAYAN_DEBUG on")
        if workers > 1 and not settings.REDIS_URL:
            self.stderr.write(
                "warning: several processes without LAYAN_REDIS_URL do not share websocket "
                "events; set it for live updates across processes"
            )
        base_url_default(host, port)
        call_command("collectstatic", interactive=False, verbosity=0)
        uvicorn.run(
            "layan.asgi:application",
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            log_level="info",
            **SERVER_OPTIONS,
        )
