"""`layan run`: the embedded default. One process: HTTP + websockets + task worker + timers."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from layan.wiring.background import background_threads
from layan.wiring.management.commands.serve import SERVER_OPTIONS, base_url_default


class Command(BaseCommand):
    help = "Migrate, load the demo workspace, and serve Layan with its worker in one process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")

    def handle(self, *args: Any, host: str, port: int, no_demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo:
            call_command("demo", verbosity=options["verbosity"])
        base = base_url_default(host, port)
        background = background_threads()
        background.start()
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            f"\nLayan is running (database: {engine})\n"
            f"  Help center: {base}/\n"
            f"  Agent desk:  {base}/desk/\n"
            f"  API:         {base}/api/v1/docs\n"
            "Press Ctrl+C to stop.\n"
        )
        config = uvicorn.Config(
            "layan.asgi:application",
            host=host,
            port=port,
            log_level="warning",
            **SERVER_OPTIONS,
        )
        try:
            uvicorn.Server(config).run()
        finally:
            background.stop()
