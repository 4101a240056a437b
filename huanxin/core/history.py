"""Readable history of a row from django-simple-history: who, when, why, before → after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    at: datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model: type[models.Model], name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    model_field: Any = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


def history_of(
    obj: models.Model, *, hidden: frozenset[str] = frozenset({"version"}), until: dt.datetime | None = None
) -> list[HistoryEntry]:
    """Newest first, up to `until` (a page read as of a past day). Fields in `hidden`
    (bookkeeping) are left out of the changes."""
    model = type(obj)
    history = obj.history.select_related("history_user")  # type: ignore[attr-defined]
    if until is not None:
        history = history.filter(history_date__lt=until)
    records = list(history.order_by("-history_date", "-history_id"))
    entries = []
    for index, record in enumerate(records):
        user = record.history_user
        entry = HistoryEntry(
            at=record.history_date,
            who=(user.full_name or user.username) if user is not None else str(_("系统")),
            kind=record.history_type,
            reason=record.history_change_reason or "",
        )
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden:
                    continue
                entry.changes.append(
                    FieldChange(
                        label=str(getattr(model._meta.get_field(change.field), "verbose_name", change.field)),
                        before=_display(model, change.field, change.old),
                        after=_display(model, change.field, change.new),
                    )
                )
        entries.append(entry)
    return entries


HISTORY_FIELDS = {"history_id", "history_date", "history_type", "history_user_id", "history_change_reason"}


def history_copy_rows(model: type[models.Model], ids: list[Any], *, kind: str, by: Any, reason: str) -> None:
    """Record the current state of many rows in their django-simple-history table with one
    INSERT … SELECT per chunk, in the database: building a historical object per row in Python
    costs more than the write itself on a 100,000-row ledger. `kind` is '+' created or '~' changed."""
    from django.db import connection

    from huanxin.core import clock

    historical = model.history.model  # type: ignore[attr-defined]
    columns = [f.column for f in historical._meta.concrete_fields if f.attname not in HISTORY_FIELDS]
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    user_id = by.pk if isinstance(by, models.Model) else None
    when = connection.ops.adapt_datetimefield_value(clock.now())
    chunk = 500
    primary_key = model._meta.pk
    assert primary_key is not None
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            cursor.execute(
                f"INSERT INTO {quote(historical._meta.db_table)} ({column_list}, history_date, history_type, "
                f"history_user_id, history_change_reason) SELECT {column_list}, %s, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} WHERE {quote(str(primary_key.column))} IN "
                f"({', '.join(['%s'] * len(part))})",
                [when, kind, user_id, reason, *part],
            )


def versions_then(model: type[models.Model], end: dt.datetime) -> models.QuerySet[Any]:
    """The version of each row in force just before `end`, from its django-simple-history table,
    rows deleted by then left out. Read as an anti-join (no later version before `end`), which the
    database answers in one pass however many rows there are."""
    historical = model.history.model  # type: ignore[attr-defined]
    later = historical.objects.filter(id=models.OuterRef("id"), history_date__lt=end).filter(
        models.Q(history_date__gt=models.OuterRef("history_date"))
        | models.Q(history_date=models.OuterRef("history_date"), history_id__gt=models.OuterRef("history_id"))
    )
    return (
        historical.objects.filter(history_date__lt=end)
        .exclude(models.Exists(later))
        .exclude(history_type="-")
    )


def changed_since(model: type[models.Model], end: dt.datetime) -> models.QuerySet[Any]:
    """The versions recorded at or after `end`: the rows whose current state is not the one of
    before `end` (a past day reads those through `versions_then`, the rest as they are)."""
    return model.history.filter(history_date__gte=end)  # type: ignore[attr-defined, no-any-return]
