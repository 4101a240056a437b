from __future__ import annotations

from typing import Any

from huanxin.catalog.models import MenuItem, MenuItemQuerySet
from huanxin.core.scoping import scope_of


def menu_readable_by(user: Any) -> MenuItemQuerySet:
    """The menu is reference data: everyone reads the menu of their own node and its ancestors;
    the administrator, the auditor and estate-tied organizations read every menu."""
    scope = scope_of(user)
    items = MenuItem.objects.select_related("owner")
    if scope.everything or scope.estate_ids is not None:
        return items.all()
    region = getattr(user, "region", None)
    if region is None:
        return items.none()
    return items.menu_for(region.code)


def menu_editable_by(user: Any) -> MenuItemQuerySet:
    """Only items owned inside the user's jurisdiction can be changed."""
    return MenuItem.objects.visible_to(user).select_related("owner")
