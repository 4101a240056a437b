"""Estate pages: parse → queryset or service → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from huanxin.accounts.models import StaffRequest
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core.access import page
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, StaleEdit
from huanxin.core.history import history_of
from huanxin.core.http import get_visible_or_404
from huanxin.core.masking import mask_name, mask_phone
from huanxin.estates import services
from huanxin.estates.filtersets import filter_estates
from huanxin.estates.forms import EstateForm
from huanxin.estates.models import ConditionAssessment, Severity
from huanxin.estates.querysets import estate_totals, estates_for, households_for

PAGE_SIZE = 50
TABS = ("info", "buildings", "assessment", "history")


@page("estates", "view")
def estate_list(request: StaffRequest) -> HttpResponse:
    estates, filterset = filter_estates(estates_for(request.user), request.GET)  # type: ignore[assignment]
    paginator = Paginator(estates, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "estates/list.html",
        {
            "filterset": filterset,
            "page_obj": page_obj,
            "totals": estate_totals(estates),
            "can_create": request.user.can("estates", "change"),
            "sort": request.GET.get("sort", ""),
        },
    )


@page("estates", "view")
def estate_detail(request: StaffRequest, pk: int) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=pk)
    tab = request.GET.get("tab", "info")
    if tab not in TABS:
        tab = "info"
    context: dict[str, Any] = {
        "estate": estate,
        "tab": tab,
        "can_edit": request.user.can("estates", "edit_facts"),
    }
    if tab == "buildings":
        unmasked = request.user.sees_personal_data(estate.region.code)
        context["buildings"] = estate.buildings.all()
        context["households"] = [
            {
                "address": str(row),
                "area": row.floor_area_m2,
                "name": row.owner_name if unmasked else mask_name(row.owner_name),
                "phone": row.owner_phone if unmasked else mask_phone(row.owner_phone),
            }
            for row in households_for(request.user, estate)[:500]
        ]
        context["unmasked"] = unmasked
        if unmasked and context["households"]:
            audit_record(
                action="personal_data.view",
                actor=request.user,
                target=estate,
                region_code=estate.region.code,
                detail={"rows": len(context["households"])},
                request=request,
            )
    elif tab == "assessment":
        assessed = {a.item_id: a for a in ConditionAssessment.objects.filter(estate=estate)}
        items = menu_readable_by(request.user).menu_for(estate.region.code).active()
        context["rows"] = [(item, assessed.get(item.pk)) for item in items]
        context["severities"] = Severity.choices
    elif tab == "history":
        context["history"] = history_of(estate)
    return render(request, "estates/detail.html", context)


@page("estates", "change")
def estate_create(request: StaffRequest) -> HttpResponse:
    form = EstateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            estate = services.estate_create(by=request.user, changes=form.changes())  # type: ignore[arg-type]
        except HuanxinError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已新建小区 %(name)s") % {"name": estate.name})
            return redirect("estates:detail", pk=estate.pk)
    return render(request, "estates/form.html", {"form": form, "estate": None})


@page("estates", "edit_facts")
def estate_edit(request: StaffRequest, pk: int) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=pk)
    form = EstateForm(request.POST or None, instance=estate, user=request.user)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.estate_update(
                by=request.user,
                estate_id=estate.pk,
                version=form.cleaned_data["version"] or 0,
                changes=form.changes(),  # type: ignore[arg-type]
            )
        except StaleEdit as error:
            stale = True
            form.add_error(None, error.message)
        except HuanxinError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                if detail.get("field") in form.fields:
                    form.add_error(detail["field"], detail["message"])
        else:
            messages.success(request, _("已保存"))
            return redirect("estates:detail", pk=estate.pk)
    return render(request, "estates/form.html", {"form": form, "estate": estate, "stale": stale})


@page("estates", "edit_facts")
def estate_assess(request: StaffRequest, pk: int) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=pk)
    if request.method == "POST":
        items = menu_readable_by(request.user).menu_for(estate.region.code).active()
        entries = {
            item.pk: (
                request.POST.get(f"severity_{item.pk}", Severity.NONE),
                request.POST.get(f"note_{item.pk}", "").strip(),
            )
            for item in items
        }
        try:
            services.assessment_set(
                by=request.user,
                estate_id=estate.pk,
                version=int(request.POST.get("version") or 0),
                entries=entries,
            )
        except HuanxinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("现状评估已保存"))
    return redirect(f"{reverse('estates:detail', args=[estate.pk])}?tab=assessment")
