"""`{% region_filter %}`: the region dropdown of every list page (see regions/filters.py)."""

from __future__ import annotations

from typing import Any

from django import template

from huanxin.regions.filters import region_groups

register = template.Library()


@register.inclusion_tag("partials/region_filter.html", takes_context=True)
def region_filter(context: Any, name: str = "region") -> dict[str, Any]:
    request = context["request"]
    return {"groups": region_groups(request.user, request.GET.get(name, "").strip()), "name": name}
