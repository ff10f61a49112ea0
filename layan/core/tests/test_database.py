"""The embedded SQLite database is tuned for a server, and PostgreSQL is supported as well."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only tuning")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
    assert (journal, foreign_keys, busy_timeout) == ("wal", 1, 20000)
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_health_endpoint_reports_the_database() -> None:
    from django.test import Client

    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
