from __future__ import annotations

from django.shortcuts import redirect, render

from huanxin.accounts.models import StaffRequest
from huanxin.core import clock
from huanxin.core.access import page
from huanxin.core.errors import NotFound
from huanxin.core.http import requested_as_of
from huanxin.planning.querysets import config_for
from huanxin.regions import rules as region_rules
from huanxin.regions.models import Region
from huanxin.regions.services import top_node
from huanxin.reporting import queries


def viewing_region(request: StaffRequest) -> Region | None:
    """The node the dashboard shows: `?region=` inside the jurisdiction, else the user's own."""
    own = request.user.region or top_node()
    asked = request.GET.get("region")
    if not asked:
        return own
    try:
        node = Region.objects.by_code(asked)
    except (ValueError, Region.DoesNotExist) as error:
        raise NotFound() from error
    if not request.user.scope.covers_node(region_rules.significant_prefix(node.code)):
        raise NotFound()
    return node


@page()
def home(request: StaffRequest):  # type: ignore[no-untyped-def]
    """The dashboard: the summary for a region node, and for each node below it, live or at the
    end of a past day (`?as_of=`). A contractor's or an owners' committee's home is its own
    projects instead: a district's figures are not its work."""
    if request.user.scope.estate_ids is not None and not request.user.scope.everything:
        return redirect("projects:mine")
    region = viewing_region(request)
    context: dict[str, object] = {"region": region}
    as_of = requested_as_of(request.GET)
    context["as_of"] = as_of
    if region is not None:
        as_of = as_of or clock.today()
        prefix = request.user.scope.region_prefix
        context["trail"] = [
            node
            for node in [*region.ancestors(), region]
            if prefix is None or node.code.startswith(prefix) or node == region
        ]
        context["old_cutoff_year"] = config_for(region.code).cutoff_year  # the caption: the region's own rule
        total, children = queries.breakdown(user=request.user, region=region, as_of=as_of)
        context["summary"], context["children"] = total, children
    return render(request, "reporting/home.html", context)
