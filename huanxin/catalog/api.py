from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from huanxin.catalog.models import MenuItem
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core.access import endpoint
from huanxin.core.api import READ_ERRORS, Paginated

router = Router(tags=["改造菜单 catalog"])


class MenuItemOut(Schema):
    id: int
    code: str
    category: str
    category_label: str
    name: str
    unit: str
    unit_cost_min: Decimal | None
    unit_cost_max: Decimal | None
    min_floors: int | None
    retired: bool
    owner: str

    @staticmethod
    def resolve_category_label(obj: MenuItem) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_owner(obj: MenuItem) -> str:
        return obj.owner.short_code


@router.get("/catalog", response={200: list[MenuItemOut], **READ_ERRORS})
@endpoint()
@paginate(Paginated)
def list_menu(request: HttpRequest, include_retired: bool = False) -> Any:
    items = menu_readable_by(request.auth).order_by("owner__code", "code")  # type: ignore[attr-defined]
    return items if include_retired else items.active()
