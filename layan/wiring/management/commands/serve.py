"""`layan serve`: production HTTP + websocket serving with N processes. No demo data, no
background work (run `layan worker` beside it)."""

from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

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


def served_url(host: str, port: int) -> str:
    """The address a server started on `host:port` is reached at, for links in pages, emails
    and the bot's answers when LAYAN_BASE_URL is not set (a wildcard host means this machine)."""
    if host in {"", "0.0.0.0"}:  # noqa: S104 (naming the wildcard, not binding to it)
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def base_url_default(host: str, port: int) -> str:
    """Called by `layan run` and `layan serve` before they serve: without LAYAN_BASE_URL, absolute
    links use the address the server was started on, in this process and the processes it
    starts (the environment is inherited). Returns the public address in force."""
    configured = os.environ.get("LAYAN_BASE_URL", "").strip()
    url = configured.rstrip("/") if configured else served_url(host, port)
    os.environ["LAYAN_BASE_URL"] = url
    settings.BASE_URL = url
    return url


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
