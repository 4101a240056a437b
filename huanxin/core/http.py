"""Reading one object for a user: missing and outside the jurisdiction are the same 404."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from huanxin.core.errors import NotFound
from huanxin.core.scoping import ScopedQuerySet

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(queryset: ScopedQuerySet, user: Any, **lookup: Any) -> Any:
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def posted_version(request: Any) -> int:
    """The version a form was based on; garbage counts as no version, which is refused as stale."""
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return 0
