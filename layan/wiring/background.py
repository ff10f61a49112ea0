"""The loops `layan run` and `layan worker` run beside the task worker and the timer loop."""

from __future__ import annotations

import threading
from collections.abc import Callable

from layan.channels.email.idle import Supervisor
from layan.conversations.inbound import inbound_drain, inbound_drain_loop
from layan.conversations.textsearch import text_index_loop, text_index_pass
from layan.core.timers import fire_all_due
from layan.core.worker import BackgroundThreads, run_tasks_now


def imap_idle(stop: threading.Event) -> None:
    """One watcher per email inbox that asked for IMAP IDLE (channels/email/idle.py)."""
    Supervisor(stop).run()


LOOPS: dict[str, Callable[[threading.Event], None]] = {
    "layan-imap-idle": imap_idle,
    # Webhook events (messaging channels), processed in batches as they arrive.
    "layan-inbound": inbound_drain_loop,
    # The words of new messages, for the desk's search.
    "layan-text": text_index_loop,
}


def background_threads() -> BackgroundThreads:
    return BackgroundThreads(loops=LOOPS)


def run_once() -> int:
    """What is due now, once (`layan worker --once`, tests): due timers, the queued webhook
    events, then the tasks all of that queued, then the words of the messages all of that
    added. Returns how many timers fired."""
    fired = fire_all_due()
    while inbound_drain():
        pass
    run_tasks_now()
    while text_index_pass():
        pass
    return fired
