from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from huanxin.core.access import endpoint
from huanxin.core.api import READ_ERRORS
from huanxin.core.bounds import RegionCode
from huanxin.core.errors import Invalid, NotFound
from huanxin.regions.models import Region

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
        try:
            node = Region.objects.by_code(parent)
        except ValueError as error:
            raise Invalid(_("区划代码格式错误：%(code)s") % {"code": parent}) from error
        except Region.DoesNotExist as error:
            raise NotFound(_("区划代码不存在：%(code)s") % {"code": parent}) from error
        children = list(node.children.filter(retired_on__isnull=True).order_by("code"))
    else:
        children = list(Region.objects.current().filter(parent__isnull=True).order_by("code"))
    return {"items": children, "count": len(children)}
