import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from huanxin.core import clock
from huanxin.core.access import endpoint
from huanxin.core.api import READ_ERRORS
from huanxin.core.bounds import Code10, RegionCode
from huanxin.core.errors import Invalid, NotFound
from huanxin.regions import rules as region_rules
from huanxin.regions.models import Region
from huanxin.regions.services import region_asked, top_node
from huanxin.reporting import queries

router = Router(tags=["统计 stats"])


class SummaryOut(Schema):
    region: str
    region_name: str
    as_of: str
    old_estates: int
    old_area_m2: float
    old_households: int
    planned_projects: int
    planned_households: int
    planned_area_m2: float
    planned_investment_yuan: float
    started_projects: int
    completed_projects: int
    completed_households: int
    funds_planned_yuan: float
    funds_received_yuan: float
    funds_paid_yuan: float


@router.get("/stats/summary", response={200: SummaryOut, **READ_ERRORS})
@endpoint()
def stats_summary(
    request: HttpRequest, region: RegionCode | None = None, as_of: Code10 | None = None
) -> queries.Summary:
    """Live figures for a region node (the user's own by default), counted inside the user's
    jurisdiction."""
    user = request.auth  # type: ignore[attr-defined]
    date = _as_of_date(as_of)
    node = _asked_node(user, region)
    return queries.summary(user=user, region_code=node.code, region_name=node.name, as_of=date)


class BreakdownOut(Schema):
    total: SummaryOut
    items: list[SummaryOut]
    count: int


@router.get("/stats/breakdown", response={200: BreakdownOut, **READ_ERRORS})
@endpoint()
def stats_breakdown(
    request: HttpRequest, region: RegionCode | None = None, as_of: Code10 | None = None
) -> dict[str, Any]:
    """The summary of a region node (the user's own by default) and one row per node below it,
    counted inside the user's jurisdiction; the same numbers as each child's own summary."""
    user = request.auth  # type: ignore[attr-defined]
    date = _as_of_date(as_of)
    total, items = queries.breakdown(user=user, region=_asked_node(user, region), as_of=date)
    return {"total": total, "items": items, "count": len(items)}


def _as_of_date(as_of: str | None) -> dt.date:
    try:
        return clock.parse_as_of(as_of)
    except ValueError as error:
        raise Invalid(_("日期格式应为 YYYY-MM-DD"), details=[{"field": "as_of", "message": as_of}]) from error


def _asked_node(user: Any, region: str | None) -> Region:
    """The node asked for, inside the user's jurisdiction; without one, the user's own."""
    if not region:
        default = user.region or top_node()
        if default is None:
            raise NotFound(_("尚未加载行政区划"))
        return default  # type: ignore[no-any-return]
    node = region_asked(region)
    if not user.scope.covers_node(region_rules.significant_prefix(node.code)):
        # An ancestor or a neighbour: counting only the user's part under its name would mislead.
        raise NotFound(_("%(name)s不在您的辖区内") % {"name": node.name})
    return node
