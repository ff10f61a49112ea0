"""The loops `layan run` and `layan worker` run beside the task worker and the timer loop."""

from __future__ import annotations

import threading
from collections.abc import Callable

from layan.channels.email.idle import Supervisor
from layan.core.worker import BackgroundThreads


def imap_idle(stop: threading.Event) -> None:
    """One watcher per email inbox that asked for IMAP IDLE (channels/email/idle.py)."""
    Supervisor(stop).run()


LOOPS: dict[str, Callable[[threading.Event], None]] = {"layan-imap-idle": imap_idle}


def background_threads() -> BackgroundThreads:
    return BackgroundThreads(loops=LOOPS)
