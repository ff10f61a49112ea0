"""`layan worker`: background tasks and timers, without serving HTTP."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from layan.wiring.background import background_threads, run_once


class Command(BaseCommand):
    help = "Run queued tasks and due timers until stopped (or once, with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            self.stdout.write(f"timers fired: {run_once()}")
            return
        background = background_threads()
        stopped = threading.Event()

        def stop(signum: int, frame: FrameType | None) -> None:
            stopped.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        background.start()
        self.stdout.write("worker running; Ctrl+C to stop")
        stopped.wait()
        background.stop()
