from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from huanxin.accounts.models import StaffRequest
from huanxin.core import clock
from huanxin.core.access import page
from huanxin.regions.models import Region
from huanxin.reporting import queries


@page()
def home(request: StaffRequest) -> HttpResponse:
    """The dashboard's seed: the summary for the user's region, and for each node below it."""
    region = request.user.region or Region.objects.filter(level="city").order_by("code").first()
    context: dict[str, object] = {"region": region}
    if region is not None:
        as_of = clock.today()
        context["summary"] = queries.summary(
            user=request.user, region_code=region.code, region_name=region.name, as_of=as_of
        )
        context["children"] = [
            queries.summary(user=request.user, region_code=child.code, region_name=child.name, as_of=as_of)
            for child in Region.objects.filter(parent=region).order_by("code")
        ]
    return render(request, "reporting/home.html", context)
