"""Background work inside one process: the django.tasks database worker, the timer loop and
the IMAP IDLE watchers.

`layan run` starts them as threads beside the web server; `layan worker` runs them alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from layan.core.timers import fire_all_due

logger = logging.getLogger(__name__)


def task_worker(*, batch: bool = False, interval: float | None = None) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=settings.WORKER_INTERVAL if interval is None else interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def run_tasks_now() -> None:
    """Run every task that is ready, then return (used by tests and `layan worker --once`)."""
    task_worker(batch=True, interval=0).run()


def timer_loop(stop: threading.Event, *, interval: float | None = None) -> None:
    wait = settings.TIMER_INTERVAL if interval is None else interval
    while not stop.is_set():
        close_old_connections()
        try:
            fire_all_due()
        except Exception:
            # A database restart must not end the loop: log it and try again next tick.
            logger.exception("timer loop tick failed")
        stop.wait(wait)
    connections.close_all()


# A background loop: runs until the event it is given is set.
Loop = Callable[[threading.Event], None]


class BackgroundThreads:
    """The task worker, the timer loop and the loops the wiring layer adds (the IMAP IDLE
    supervisor), as daemon threads of the current process. A loop is a callable taking the
    stop event: it returns once the event is set."""

    def __init__(
        self, *, loops: dict[str, Callable[[threading.Event], None]] | None = None
    ) -> None:
        self.stop_event = threading.Event()
        self.worker = task_worker()
        self.threads = [
            *(
                threading.Thread(target=loop, args=(self.stop_event,), name=name, daemon=True)
                for name, loop in (loops or {}).items()
            ),
            threading.Thread(target=self._run_worker, name="layan-tasks", daemon=True),
            threading.Thread(
                target=timer_loop, args=(self.stop_event,), name="layan-timers", daemon=True
            ),
        ]
        self.names = list(loops or {})

    def _run_worker(self) -> None:
        try:
            self.worker.run()
        finally:
            connections.close_all()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()
        logger.info("task worker, timer loop and %s started", ", ".join(self.names) or "no more")

    def stop(self, timeout: float = 10) -> None:
        self.worker.running = False
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)
