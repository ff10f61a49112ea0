"""Domain events, delivered after the transaction that raised them commits.

Services call `publish(Event(...))`; `layan.core.event_handlers.HANDLERS` is the one table that
says what happens next (realtime pushes, tasks). No Django signals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    # A dotted name such as "agent.availability_changed".
    name: str
    workspace_id: int
    payload: dict[str, Any] = field(default_factory=dict)


def publish(event: Event) -> None:
    transaction.on_commit(lambda: dispatch(event))


def dispatch(event: Event) -> None:
    from layan.core.event_handlers import HANDLERS

    for handler in HANDLERS.get(event.name, ()):
        # One failing handler (say, a realtime push while Redis restarts) must not stop the rest:
        # the state change has already committed.
        try:
            handler(event)
        except Exception:
            logger.exception("event handler %s failed for %s", handler.__qualname__, event.name)
