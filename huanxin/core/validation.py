"""Model validation as the application's own error, so that pages and the API answer a bad
value with the field and the reason instead of a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from huanxin.core.errors import HuanxinError, Invalid, validation_details


def full_clean_or_invalid(obj: models.Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise Invalid(details=validation_details(error)) from error


def stamp_history(obj: models.Model, *, by: Any, reason: str) -> None:
    """Who and why, for django-simple-history, also outside a request (commands, the worker)."""
    obj._change_reason = reason  # type: ignore[attr-defined]
    if isinstance(by, models.Model):
        obj._history_user = by  # type: ignore[attr-defined]


def add_error_to_form(form: Any, error: HuanxinError) -> None:
    """A service's refusal on the form: each detail beside the field it names, the rest on top."""
    for detail in error.details:
        field = detail.get("field")
        form.add_error(field if field in form.fields else None, detail["message"])
    if not error.details or error.message != str(Invalid.default_message):
        form.add_error(None, error.message)
