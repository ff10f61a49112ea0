"""The error page for a failure the visitor cannot fix: "busy, try again" (503) when the
database cannot be reached or is busy, Django's "something went wrong" (500) otherwise."""

from __future__ import annotations

import sys

from django import db
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 5
# PostgreSQL error classes that mean "not now" rather than "wrong": connection exception,
# insufficient resources (too many connections), operator intervention (shutting down).
UNAVAILABLE_CLASSES = ("08", "53", "57")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database could not be reached, had no connection to give (a
    full pool, no free slot), went away, or stayed locked (SQLite's busy timeout)."""
    if not isinstance(error, (db.OperationalError, db.InterfaceError)):
        return False
    cause = error.__cause__
    if type(cause).__module__.startswith("psycopg"):
        # Errors before or outside a statement (connecting, a pool timeout, a dropped
        # connection) carry no SQLSTATE.
        sqlstate = getattr(cause, "sqlstate", None)
        return sqlstate is None or sqlstate[:2] in UNAVAILABLE_CLASSES
    text = str(error)
    return "database is locked" in text or "unable to open database" in text


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while the failure is being handled."""
    if database_unavailable(sys.exc_info()[1]):
        # Rendered without the request: what failed (the session, the user) is not touched.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
