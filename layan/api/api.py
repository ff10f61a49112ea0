"""The HTTP API (`/api/v1/`, OpenAPI at `/api/v1/openapi.json`). Routers stay thin."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status

import layan

api = NinjaAPI(title="Layan API", version="1", urls_namespace="api")


class Health(Schema):
    status: str
    database: str
    version: str


@api.get("/health", response={200: Health, 503: Health}, auth=None, tags=["ops"])
def health(request: HttpRequest) -> Status[Health]:
    """For load balancers and `layan serve` supervisors: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unavailable"
    code = 200 if database == "ok" else 503
    status = "ok" if code == 200 else "degraded"
    return Status(code, Health(status=status, database=database, version=layan.__version__))
