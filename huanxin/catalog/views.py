from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.catalog import services
from huanxin.catalog.forms import MenuItemForm
from huanxin.catalog.querysets import menu_editable_by, menu_readable_by
from huanxin.core.access import page
from huanxin.core.errors import HuanxinError, Invalid, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import add_error_to_form
from huanxin.regions.models import Region


@page()
def menu_list(request: StaffRequest) -> HttpResponse:
    items = menu_readable_by(request.user).order_by("owner__code", "code")
    editable = (
        set(menu_editable_by(request.user).values_list("pk", flat=True))
        if request.user.can("settings", "menu")
        else set()
    )
    return render(
        request,
        "catalog/list.html",
        {
            "items": items,
            "editable": editable,
            "can_add": request.user.can("settings", "menu"),
        },
    )


def _menu_owner(request: StaffRequest) -> Region:
    """New items belong to the user's node; the administrator's to the top city."""
    owner = request.user.region or Region.objects.filter(level="city").order_by("code").first()
    if owner is None:
        raise Invalid(_("尚未加载行政区划"))
    return owner


@page("settings", "menu")
def menu_item_create(request: StaffRequest) -> HttpResponse:
    form = MenuItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.menu_item_create(
                by=request.user,
                owner=_menu_owner(request),
                changes=form.changes(),  # type: ignore[arg-type]
            )
        except HuanxinError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("已新增菜单项"))
            return redirect("catalog:list")
    return render(request, "catalog/form.html", {"form": form, "item": None})


@page("settings", "menu")
def menu_item_edit(request: StaffRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(menu_editable_by(request.user), request.user, pk=pk)
    form = MenuItemForm(request.POST or None, instance=item)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.menu_item_update(
                by=request.user,
                item_id=item.pk,
                version=form.cleaned_data["version"] or 0,
                changes=form.changes(),  # type: ignore[arg-type]
            )
        except HuanxinError as error:
            stale = isinstance(error, StaleEdit)
            add_error_to_form(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("catalog:list")
    return render(request, "catalog/form.html", {"form": form, "item": item, "stale": stale})


@page("settings", "menu")
@require_POST
def menu_item_remove(request: StaffRequest, pk: int) -> HttpResponse:
    outcome = services.menu_item_remove(by=request.user, item_id=pk)
    if outcome == "retired":
        messages.warning(request, _("该项目已被引用，不能删除，已改为停用。"))
    else:
        messages.success(request, _("已删除"))
    return redirect("catalog:list")
