"""Writing rows on the hottest paths (a live-chat message) without the ORM's query building.

`rows_insert` is `bulk_create` for new rows of any model: the same columns and the same values
(each field prepares its own, as the ORM does), one INSERT ... RETURNING statement whose text is
built once per model and row count. It skips what the hot paths never need: conflict handling,
batching plans, and the per-call SQL compilation that makes the ORM's INSERT cost several times
the database's own work. Both databases Layan supports return the new ids in row order.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connection, models

# SQLite allows 32,766 parameters per statement; rows go in chunks well under that.
CHUNK_ROWS = 100


def table(model: type[models.Model]) -> str:
    """The model's table, quoted for this database (for statements written by hand)."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[models.Model], field: str) -> str:
    """The column of the model's field `field`, quoted for this database."""
    return connection.ops.quote_name(str(model._meta.get_field(field).column))  # type: ignore[union-attr]


def rows_insert(objs: Sequence[models.Model]) -> None:
    """Insert new model instances (all of one model) and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    fields = _insert_fields(model)
    for start in range(0, len(objs), CHUNK_ROWS):
        chunk = objs[start : start + CHUNK_ROWS]
        params = [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for obj in chunk
            for field in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(model, len(chunk)), params)
            ids = cursor.fetchall()
        for obj, (pk,) in zip(chunk, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias


@functools.cache
def _insert_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [field for field in model._meta.concrete_fields if not field.primary_key]


@functools.lru_cache(maxsize=256)
def _insert_sql(model: type[models.Model], count: int) -> str:
    fields = _insert_fields(model)
    row = f"({', '.join(['%s'] * len(fields))})"
    columns = ", ".join(column(model, field.name) for field in fields)
    pk = column(model, model._meta.pk.name)
    # Only names from the model and placeholders: every value is a parameter.
    return (
        f"INSERT INTO {table(model)} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([row] * count)} RETURNING {pk}"
    )
