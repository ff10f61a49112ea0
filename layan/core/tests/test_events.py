"""The event bus: handlers in the table run after commit, InTransaction ones inside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from django.db import transaction
from django.test import override_settings

from layan.core.events import Event, InTransaction, publish

seen: list[str] = []


def after(event: Event) -> None:
    seen.append(f"after {event.name}")


def within(event: Event) -> None:
    seen.append(f"within {event.name}")
    if event.payload.get("fail"):
        raise RuntimeError("refused")


def broken(event: Event) -> None:
    raise RuntimeError("a push while the layer is away")


TABLE: dict[str, Sequence[Callable[[Event], None]]] = {
    "thing.happened": [broken, after, InTransaction(within)],
}


@pytest.fixture(autouse=True)
def nothing_seen_yet() -> None:
    seen.clear()


@pytest.mark.django_db(transaction=True)
@override_settings(LAYAN_EVENT_HANDLERS="layan.core.tests.test_events.TABLE")
def test_in_transaction_handlers_run_at_once_the_rest_after_commit() -> None:
    with transaction.atomic():
        publish(Event(name="thing.happened", workspace_id=1))
        assert seen == ["within thing.happened"]
    # After commit, in table order; a failing handler does not stop the next.
    assert seen == ["within thing.happened", "after thing.happened"]


@pytest.mark.django_db(transaction=True)
@override_settings(LAYAN_EVENT_HANDLERS="layan.core.tests.test_events.TABLE")
def test_a_failing_in_transaction_handler_rolls_the_change_back_and_nothing_follows() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(Event(name="thing.happened", workspace_id=1, payload={"fail": True}))
    assert seen == ["within thing.happened"]
