"""The embedded SQLite database is tuned for a server, and PostgreSQL is supported as well."""

from __future__ import annotations

import contextlib

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


def _unavailable(cause: Exception) -> Exception:
    """Django's OperationalError as raised from a driver's `cause` (Django wraps them so)."""
    from django import db

    error = db.OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cause",
    [
        pytest.param("pool", id="postgresql-pool-timeout"),
        pytest.param("slots", id="postgresql-no-free-slot"),
        pytest.param("locked", id="sqlite-busy"),
    ],
)
def test_a_database_that_cannot_serve_gives_a_translated_503_not_a_500(
    cause: str, alice: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed-in agent whose request finds no database connection (the pool is empty, the
    server has no slot left, SQLite stays locked) is told to try again in their language,
    with Retry-After, and the error page does not touch the session or user that failed."""
    import sqlite3

    import psycopg
    from django.contrib.sessions.backends.db import SessionStore
    from psycopg_pool import PoolTimeout

    from layan.testing.fixtures import client_for

    client = client_for(alice)  # type: ignore[arg-type]
    client.raise_request_exception = False
    errors = {
        "pool": PoolTimeout("couldn't get a connection after 10.00 sec"),
        "slots": psycopg.OperationalError(
            "connection failed: FATAL: remaining connection slots are reserved"
        ),
        "locked": sqlite3.OperationalError("database is locked"),
    }

    def fail(self: object) -> None:
        raise _unavailable(errors[cause])

    monkeypatch.setattr(SessionStore, "_get_session_from_db", fail)
    response = client.get("/desk/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "Sedang sibuk" in page
    assert 'lang="id"' in page


def test_a_wrong_statement_is_not_taken_for_an_unavailable_database() -> None:
    """A programming error keeps Django's 500 (and its log entry): only "not now" is a 503."""
    import psycopg

    from layan.core.errors import database_unavailable

    assert not database_unavailable(
        _unavailable(psycopg.errors.UndefinedTable('relation "x" does not exist'))
    )
    assert not database_unavailable(_unavailable(ValueError("no such column: x")))
    assert not database_unavailable(ValueError("database is locked"))
    assert database_unavailable(_unavailable(psycopg.errors.TooManyConnections("too many")))
    assert database_unavailable(_unavailable(psycopg.errors.AdminShutdown("shutting down")))


@pytest.mark.django_db(transaction=True)
def test_each_served_request_gives_its_database_connection_back(
    asgi_server: object, workspace: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ASGI each request runs in a thread of its own: with connections kept for reuse
    (CONN_MAX_AGE, as on a served install), each request's would stay open after its thread
    ended. Served requests close theirs: 30 requests leave no more connections open."""
    import time
    import urllib.request
    from pathlib import Path

    from django.db import connections

    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)

    def held() -> int:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                )
                return int(cursor.fetchone()[0])
        name = str(connection.settings_dict["NAME"])
        count = 0
        for fd in Path("/proc/self/fd").iterdir():
            with contextlib.suppress(OSError):
                count += Path(fd).readlink().as_posix() == name
        return count

    url = asgi_server.url  # type: ignore[attr-defined]
    for _ in range(3):  # warm up: the first requests open what the process keeps
        urllib.request.urlopen(url + "/", timeout=10).read()
    time.sleep(0.2)
    before = held()
    for _ in range(30):
        with urllib.request.urlopen(url + "/", timeout=10) as response:
            assert response.status == 200
            response.read()
    # Each request closes its connection just after its response is sent: allow a moment.
    # Kept for reuse, the 30 requests' connections stayed open (14 to 30 of them). Allowed: a
    # few that other threads of this test process (a worker loop of an earlier test) open
    # meanwhile, and SQLite keeping a closed handle's file open while another connection of
    # the process holds a lock on the file (POSIX locks are per process).
    allowed = before + 3
    deadline = time.monotonic() + 3
    while held() > allowed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert held() <= allowed
