"""Timers: rows with a `*_due_at` column, fired once each by whichever process claims them.

A claim is a compare-and-set inside the handler's transaction:
`UPDATE … SET due = NULL WHERE id = ? AND due = <value read>`. Only the process whose update
matched one row runs the handler; if the handler raises, the transaction rolls back, so the row
is still due and is retried after `RETRY_DELAY`. Two workers therefore never fire one timer
twice, and a failure never loses one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

RETRY_DELAY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Timer:
    name: str
    model: type[models.Model]
    due_field: str
    # Receives the row's primary key, inside the claiming transaction; re-reads what it needs.
    handler: Callable[[int], None]


def fire_due(timer: Timer, *, now: dt.datetime | None = None, batch: int = 100) -> int:
    """Fire the timer for up to `batch` due rows; return how many this process fired."""
    now = now or timezone.now()
    manager = timer.model._default_manager
    due_rows = list(
        manager.filter(**{f"{timer.due_field}__lte": now})
        .order_by(timer.due_field)
        .values_list("pk", timer.due_field)[:batch]
    )
    fired = 0
    for pk, due in due_rows:
        try:
            with transaction.atomic():
                claimed = manager.filter(pk=pk, **{timer.due_field: due}).update(
                    **{timer.due_field: None}
                )
                if not claimed:
                    continue
                timer.handler(pk)
                fired += 1
        except Exception:
            logger.exception("timer %s failed for row %s; retrying later", timer.name, pk)
            manager.filter(pk=pk, **{timer.due_field: due}).update(
                **{timer.due_field: now + RETRY_DELAY}
            )
    return fired


def timer_table() -> Sequence[Timer]:
    """The wiring layer's table of timers (`settings.LAYAN_TIMERS`): named, not imported, so
    that this ground floor imports nothing above it."""
    timers: Sequence[Timer] = import_string(settings.LAYAN_TIMERS)
    return timers


def fire_all_due(*, now: dt.datetime | None = None) -> int:
    return sum(fire_due(timer, now=now) for timer in timer_table())


def backoff(attempts: int) -> dt.timedelta:
    """When a failed attempt is tried again: 1, 2, 4, 8… minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))
