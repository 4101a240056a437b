"""Reads for estates. Every read starts from `visible_to(user)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.errors import NotFound
from huanxin.core.history import versions_then
from huanxin.estates.models import (
    ADDRESS_ORDER,
    Building,
    ConditionAssessment,
    DistrictEstimate,
    Estate,
    EstateQuerySet,
    Household,
    household_address,
)


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
        .order_by(*ADDRESS_ORDER)
    )


def buildings_then(estate: Estate, as_of: dt.date | None) -> list[Any]:
    """The estate's buildings as recorded by the end of `as_of` (live: the rows)."""
    if as_of is None:
        return list(estate.buildings.all())
    return list(versions_then(Building, clock.end_of(as_of)).filter(estate_id=estate.pk).order_by("id"))


def roster_then(user: Any, estate: Estate, as_of: dt.date | None, *, limit: int) -> list[tuple[str, Any]]:
    """The first `limit` households of the roster with their addresses, as recorded by the end
    of `as_of` (live: the rows). The estate is one the user may see, and so is its roster."""
    if as_of is None:
        return [(str(row), row) for row in households_for(user, estate)[:limit]]
    names = {building.id: building.name for building in buildings_then(estate, as_of)}
    rows = (
        versions_then(Household, clock.end_of(as_of))
        .filter(estate_id=estate.pk)
        .order_by(*ADDRESS_ORDER)[:limit]
    )
    return [(household_address(names.get(row.building_id, ""), row.unit, row.room), row) for row in rows]


def estate_then(estate: Estate, as_of: dt.date) -> Estate:
    """The estate's facts as recorded by the end of `as_of` (its history); NotFound when it was
    not yet in the registry that day."""
    try:
        # simple_history's as_of includes its bound; the next day's first instant is not this day
        last_instant = clock.end_of(as_of) - dt.timedelta(microseconds=1)
        return estate.history.as_of(last_instant)  # type: ignore[attr-defined, no-any-return]
    except Estate.DoesNotExist:
        raise NotFound(_("%(day)s时台账中尚无此小区") % {"day": as_of.isoformat()}) from None


def district_estimate_then(estate: Estate, as_of: dt.date | None) -> DistrictEstimate | None:
    """What the district's plan table said of the estate, live or by the end of `as_of`."""
    if as_of is None:
        return DistrictEstimate.objects.filter(estate_id=estate.pk).first()
    record = versions_then(DistrictEstimate, clock.end_of(as_of)).filter(estate_id=estate.pk).first()
    return record.instance if record is not None else None


def menu_names(estate: Estate, codes: list[str]) -> list[str]:
    """The city menu's names of `codes`, in the menu's order (a code the menu no longer has is
    shown as it is)."""
    names = dict(
        MenuItem.objects.menu_for(estate.region.code).filter(code__in=codes).values_list("code", "name")
    )
    return [names.get(code, code) for code in codes]


def assessments_then(estate: Estate, as_of: dt.date | None) -> dict[int, Any]:
    """Menu item id → the condition assessment as it stood at the end of `as_of` (live: the rows)."""
    if as_of is None:
        return {row.item_id: row for row in ConditionAssessment.objects.filter(estate=estate)}
    latest: dict[int, Any] = {}
    for record in ConditionAssessment.history.filter(  # type: ignore[attr-defined]
        estate_id=estate.pk, history_date__lt=clock.end_of(as_of)
    ).order_by("history_date", "history_id"):
        if record.history_type == "-":
            latest.pop(record.item_id, None)
        else:
            latest[record.item_id] = record
    return latest


@dataclass
class Locator:
    """A small offline map of the estate among its district's estates (no map tiles: the server
    may have no internet): each estate a dot at its coordinates, this one marked."""

    here: tuple[float, float]
    others: list[tuple[float, float]]
    width: int = 240
    height: int = 180


LOCATOR_MAX_DOTS = 2000


def locator_for(user: Any, estate: Estate) -> Locator | None:
    """None for an estate without coordinates. The dots are the district's estates the user may
    see (at most LOCATOR_MAX_DOTS), scaled to the box with a margin; north is up."""
    if estate.latitude is None or estate.longitude is None:
        return None
    district = estate.region.code[:6]
    points = list(
        estates_for(user)
        .filter(region__code__startswith=district, latitude__isnull=False, longitude__isnull=False)
        .exclude(pk=estate.pk)
        .values_list("longitude", "latitude")[:LOCATOR_MAX_DOTS]
    )
    here = (float(estate.longitude), float(estate.latitude))
    xs = [float(x) for x, _y in points] + [here[0]]
    ys = [float(y) for _x, y in points] + [here[1]]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.005)  # ~500 m at least: one estate is a dot
    box = Locator(here=(0, 0), others=[])
    margin = 12

    def place(x: float, y: float) -> tuple[float, float]:
        scale = (min(box.width, box.height) - 2 * margin) / span
        return (
            round(margin + (x - min(xs)) * scale, 1),
            round(box.height - margin - (y - min(ys)) * scale, 1),
        )

    box.here = place(*here)
    box.others = [place(float(x), float(y)) for x, y in points]
    return box
