from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from huanxin.core.access import endpoint
from huanxin.core.api import READ_ERRORS
from huanxin.core.bounds import RegionCode
from huanxin.regions.models import Region
from huanxin.regions.services import region_asked

router = Router(tags=["行政区划 regions"])


class RegionOut(Schema):
    code: str
    full_code: str
    name: str
    level: str

    @staticmethod
    def resolve_code(obj: Region) -> str:
        return obj.short_code

    @staticmethod
    def resolve_full_code(obj: Region) -> str:
        return obj.code


class RegionList(Schema):
    items: list[RegionOut]
    count: int


@router.get("/regions", response={200: RegionList, **READ_ERRORS})
@endpoint()
def list_regions(request: HttpRequest, parent: RegionCode | None = None) -> dict[str, Any]:
    """The current children of a node (either code form); without `parent`, the top nodes.
    Division codes are public reference data, so every signed-in user reads the whole tree."""
    if parent:
        node = region_asked(parent)
        children = list(node.children.filter(retired_on__isnull=True).order_by("code"))
    else:
        children = list(Region.objects.current().filter(parent__isnull=True).order_by("code"))
    return {"items": children, "count": len(children)}
