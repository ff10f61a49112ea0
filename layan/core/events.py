"""Domain events, delivered after the transaction that raised them commits.

Services call `publish(Event(...))`; the one table that says what happens next (realtime
pushes, tasks, routing) is the wiring layer's (`settings.LAYAN_EVENT_HANDLERS`, by default
`layan.wiring.event_handlers.HANDLERS`): named in settings rather than imported, so that this
ground floor imports nothing above it. No Django signals. A handler wrapped in `InTransaction`
runs at publish time instead, inside the transaction (where the table says why).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    # A dotted name such as "agent.availability_changed".
    name: str
    workspace_id: int
    payload: dict[str, Any] = field(default_factory=dict)


class InTransaction:
    """Marks a handler in the table that runs inside the publishing transaction, at once: its
    work commits or rolls back with the state change (the table says why for each)."""

    def __init__(self, handler: Callable[[Event], None]) -> None:
        self.handler = handler
        self.__qualname__ = handler.__qualname__

    def __call__(self, event: Event) -> None:
        self.handler(event)


def publish(event: Event) -> None:
    for handler in handler_table().get(event.name, ()):
        if isinstance(handler, InTransaction):
            # A failure rolls the state change back with it (the caller retries or reports).
            handler(event)
    transaction.on_commit(lambda: dispatch(event))


def handler_table() -> dict[str, Sequence[Callable[[Event], None]]]:
    table: dict[str, Sequence[Callable[[Event], None]]] = import_string(
        settings.LAYAN_EVENT_HANDLERS
    )
    return table


def dispatch(event: Event) -> None:
    for handler in handler_table().get(event.name, ()):
        if isinstance(handler, InTransaction):
            continue
        # One failing handler (say, a realtime push while Redis restarts) must not stop the rest:
        # the state change has already committed.
        try:
            handler(event)
        except Exception:
            logger.exception("event handler %s failed for %s", handler.__qualname__, event.name)
