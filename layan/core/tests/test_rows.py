"""rows_insert writes what bulk_create writes, and gives each instance its own id."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from layan.core import rows
from layan.core.rows import rows_insert
from layan.inboxes.models import InboundRaw, Inbox

pytestmark = pytest.mark.django_db


def _raw(inbox: Inbox, n: int, prefix: str) -> InboundRaw:
    return InboundRaw(
        inbox=inbox,
        source="chat",
        digest=f"{prefix}-{n}",
        # Bytes that are not text, a JSON-looking body and non-ASCII: stored as they are.
        payload=b"\x00\xff" + f'{{"text": "Ongkir ke Surabaya? 运费 {n}"}}'.encode(),
        retry_due_at=dt.datetime(2026, 3, 2, 9, n % 60, tzinfo=dt.UTC),
        attempts=n % 3,
    )


def _stored(prefix: str) -> list[tuple[object, ...]]:
    return [
        (digest.removeprefix(prefix), bytes(payload), *rest)
        for digest, payload, *rest in InboundRaw.objects.filter(digest__startswith=prefix)
        .order_by("digest")
        .values_list(
            "digest", "payload", "inbox", "source", "status", "error", "attempts",
            "retry_due_at", "conversation", "received_at", "processed_at", "reprocessed_by",
        )
    ]  # fmt: skip


def test_rows_insert_writes_the_rows_bulk_create_writes_with_their_ids(
    chat_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rows, "CHUNK_ROWS", 4)  # ten rows: three statements
    received = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    ours = [_raw(chat_inbox, n, "ours") for n in range(10)]
    theirs = [_raw(chat_inbox, n, "orm") for n in range(10)]
    for raw in ours + theirs:
        raw.received_at = received

    rows_insert(ours)
    InboundRaw.objects.bulk_create(theirs)

    assert _stored("ours") == _stored("orm")
    assert len(_stored("ours")) == 10
    # Each instance has the id of its own row, and is now a saved instance.
    for raw in ours:
        assert InboundRaw.objects.get(pk=raw.pk).digest == raw.digest
        assert raw._state.adding is False


def test_rows_insert_refuses_a_row_a_unique_constraint_forbids(chat_inbox: Inbox) -> None:
    rows_insert([_raw(chat_inbox, 1, "once")])
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([_raw(chat_inbox, 1, "once")])
    assert InboundRaw.objects.filter(digest="once-1").count() == 1
    with CaptureQueriesContext(connection) as captured:
        rows_insert([])  # nothing to insert: no statement, no error
    assert captured.captured_queries == []
