"""Reads for estates. Every read starts from `visible_to(user)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum

from huanxin.estates.models import Estate, EstateQuerySet, Household


def estates_for(user: Any) -> EstateQuerySet:
    return Estate.objects.visible_to(user).with_regions()


def estate_totals(estates: QuerySet) -> dict[str, Any]:
    """The footer of the list: how many, households and floor area of exactly what is shown."""
    return estates.order_by().aggregate(
        estates=Count("id"), households=Sum("households"), floor_area_m2=Sum("floor_area_m2")
    )


def households_for(user: Any, estate: Estate) -> Any:
    return (
        Household.objects.visible_to(user)
        .filter(estate=estate)
        .select_related("building")
        .order_by("building__id", "unit", "room")
    )
