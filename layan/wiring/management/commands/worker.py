"""`layan worker`: background tasks and timers, without serving HTTP."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from layan.core.timers import fire_all_due
from layan.core.worker import run_tasks_now
from layan.wiring.background import background_threads


class Command(BaseCommand):
    help = "Run queued tasks and due timers until stopped (or once, with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            fired = fire_all_due()
            run_tasks_now()
            self.stdout.write(f"timers fired: {fired}")
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
