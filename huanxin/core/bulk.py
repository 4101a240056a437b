"""Many rows into one table at once: PostgreSQL's COPY (tens of thousands of rows a second,
no parameter limit), batched INSERTs elsewhere. For generated and loaded data only — what users
write goes through the services, one checked row at a time or in their own bulk paths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

BATCH = 5_000


def bulk_write(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (values in the order of `columns`, the fields' attnames) into `model`'s
    table; returns the number written. No signals, no save(): the caller makes the rows whole."""
    table = model._meta.db_table
    fields = [model._meta.get_field(name) for name in columns]
    db_columns = [str(field.column) for field in fields]  # type: ignore[union-attr]
    if connection.vendor == "postgresql":
        return _copy(table, db_columns, fields, rows)
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({', '.join(map(quote, db_columns))}) VALUES ({placeholders})"
    written = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := [_db_values(fields, row) for row in islice(iterator, BATCH)]:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _copy(table: str, columns: list[str], fields: list[Any], rows: Iterable[Sequence[Any]]) -> int:
    quote = connection.ops.quote_name
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_db_values(fields, row))
                written += 1
    return written


def _db_values(fields: list[Any], row: Sequence[Any]) -> list[Any]:
    """Values as the database stores them (a JSON field's list as JSON text, a boolean as itself)."""
    return [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]


def bulk_write_objects(objects: Sequence[models.Model]) -> int:
    """Unsaved model instances (defaults already applied by their constructors) written as rows of
    every concrete field but the automatic id: `bulk_create` without its per-batch SQL compiling,
    which on SQLite's 999-parameter batches costs more than the insert. No ids come back: read
    them by a unique field."""
    if not objects:
        return 0
    model = type(objects[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns = [field.attname for field in fields]
    return bulk_write(model, columns, ([getattr(obj, name) for name in columns] for obj in objects))
