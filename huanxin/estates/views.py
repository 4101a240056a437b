"""Estate pages: parse → queryset or service → render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core import clock
from huanxin.core.access import page
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, StaleEdit
from huanxin.core.history import history_of
from huanxin.core.http import error_text, get_visible_or_404, posted_version, requested_as_of
from huanxin.core.masking import mask_name, mask_phone
from huanxin.core.spreadsheets import export_title
from huanxin.core.validation import add_error_to_form
from huanxin.estates import city_rules, exports, services, tasks
from huanxin.estates.filtersets import filter_estates
from huanxin.estates.forms import EstateForm, HouseholdForm, LedgerUploadForm
from huanxin.estates.models import LedgerImport, Severity
from huanxin.estates.querysets import (
    assessments_then,
    buildings_then,
    district_estimate_then,
    estate_then,
    estate_totals,
    estates_for,
    locator_for,
    menu_names,
    roster_then,
)

PAGE_SIZE = 50


TABS = ("info", "buildings", "assessment", "surveys", "eligibility", "history")
# The tabs served by other apps, shown only to roles those apps let in (no tab that loads nothing).
TAB_ACCESS = {"surveys": ("surveys", "view"), "eligibility": ("eligibility", "view")}


def tabs_for(user: Any) -> tuple[str, ...]:
    return tuple(tab for tab in TABS if tab not in TAB_ACCESS or user.can(*TAB_ACCESS[tab]))


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
            "can_import": request.user.can("estates", "import"),
            "can_export": request.user.can("estates", "export"),
            "sort": request.GET.get("sort", ""),
            # The 老旧小区 filter's label: the cutoff of the user's own city (its nearest node).
            "old_cutoff_year": (
                city_rules.rules_for(request.user.region.code)
                if request.user.region
                else city_rules.fallback()
            ).cutoff_year,
        },
    )


@page("estates", "view")
def estate_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """The estate and its tabs, live or as recorded by the end of a past day (`?as_of=`)."""
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=pk)
    as_of = requested_as_of(request.GET)
    if as_of is not None:
        estate = estate_then(estate, as_of)
    tabs = tabs_for(request.user)
    tab = request.GET.get("tab", "info")
    if tab not in tabs:
        tab = "info"
    context: dict[str, Any] = {
        "estate": estate,
        "as_of": as_of,
        "tab": tab,
        "tabs": tabs,
        "can_edit": as_of is None and request.user.can("estates", "edit_facts"),
    }
    if tab == "info":
        context["locator"] = locator_for(request.user, estate)
        context["district_estimate"] = district_estimate_then(estate, as_of)
        if context["district_estimate"] is not None:
            context["district_estimate_items"] = menu_names(estate, context["district_estimate"].item_codes)
    if tab == "buildings":
        unmasked = request.user.sees_personal_data(estate.region.code)
        context["buildings"] = buildings_then(estate, as_of)
        context["households"] = [
            {
                "address": address,
                "area": row.floor_area_m2,
                "name": row.owner_name if unmasked else mask_name(row.owner_name),
                "phone": row.owner_phone if unmasked else mask_phone(row.owner_phone),
            }
            for address, row in roster_then(request.user, estate, as_of, limit=500)
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
        assessed = assessments_then(estate, as_of)
        items = menu_readable_by(request.user).menu_for(estate.region.code).active()
        context["rows"] = [(item, assessed.get(item.pk)) for item in items]
        context["severities"] = Severity.choices
    elif tab == "history":
        context["history"] = history_of(estate, until=clock.end_of(as_of) if as_of else None)
    return render(request, "estates/detail.html", context)


@page("estates", "change")
def estate_create(request: StaffRequest) -> HttpResponse:
    form = EstateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            estate = services.estate_create(by=request.user, changes=form.changes())  # type: ignore[arg-type]
        except HuanxinError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("已新建小区 %(name)s") % {"name": estate.name})
            return redirect("estates:detail", pk=estate.pk)
    return render(request, "estates/form.html", {"form": form, "estate": None})


@page("estates", "edit_facts")
def estate_edit(request: StaffRequest, pk: int) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=pk)
    form = EstateForm(request.POST or None, instance=estate, user=request.user)
    if not request.user.can("estates", "change"):
        form.limit_to_facts()
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
            add_error_to_form(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("estates:detail", pk=estate.pk)
    return render(request, "estates/form.html", {"form": form, "estate": estate, "stale": stale})


@page("estates", "edit_facts")
@require_POST
def household_new(request: StaffRequest, pk: int) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=pk)
    form = HouseholdForm(request.POST)
    if form.is_valid():
        try:
            services.household_add(by=request.user, estate_id=estate.pk, row=form.cleaned_data)  # type: ignore[arg-type]
        except HuanxinError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("已录入该户"))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return redirect(f"{reverse('estates:detail', args=[estate.pk])}?tab=buildings")


@page("estates", "edit_facts")
@require_POST
def roster_import(request: StaffRequest, pk: int) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择住户名册文件"))
        return redirect(f"{reverse('estates:detail', args=[estate.pk])}?tab=buildings")
    try:
        services.roster_size_check(upload.size or 0)  # before reading it into memory
        result = services.household_roster_import(
            by=request.user, estate_id=estate.pk, file_name=upload.name or "roster", content=upload.read()
        )
    except HuanxinError as error:
        result = {"errors": [{"sheet": "", "row": None, "column": "", "value": "", "reason": error.message}]}
    if result["errors"]:
        return render(
            request, "estates/roster_errors.html", {"estate": estate, "errors": result["errors"]}, status=400
        )
    messages.success(
        request,
        _("住户名册已导入：新增 %(created)d 户，更新 %(updated)d 户，%(unchanged)d 户无变化。") % result,
    )
    return redirect(f"{reverse('estates:detail', args=[estate.pk])}?tab=buildings")


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
                version=posted_version(request),
                entries=entries,
            )
        except HuanxinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("现状评估已保存"))
    return redirect(f"{reverse('estates:detail', args=[estate.pk])}?tab=assessment")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@page("estates", "export")
def estate_export(request: StaffRequest, fmt: str) -> HttpResponse:
    """Exactly what the list shows with its filters, in the import template's columns."""
    estates, filterset = filter_estates(estates_for(request.user), request.GET)
    audit_record(
        action="estate.export",
        actor=request.user,
        request=request,
        detail={"format": fmt, "rows": estates.count(), "filters": request.GET.urlencode()},
    )
    stamp = clock.today().isoformat()
    if fmt == "csv":
        return _download(
            exports.estates_csv(estates.iterator()), f"小区台账-{stamp}.csv", "text/csv; charset=utf-8"
        )
    title = export_title(_("小区台账"), filterset.form, clock.today())
    return _download(exports.estates_xlsx(estates.iterator(), title), f"小区台账-{stamp}.xlsx", XLSX)


@page("estates", "view")
def ledger_template(request: StaffRequest) -> HttpResponse:
    return _download(exports.ledger_template_xlsx(), "小区台账导入模板.xlsx", XLSX)


@page("estates", "import")
def ledger_import(request: StaffRequest) -> HttpResponse:
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.ledger_import_start(by=request.user, file_name=upload.name, content=upload.read())
        except HuanxinError as error:
            form.add_error("file", error.message)
        else:
            if services.ledger_import_runs_in_background(job):
                tasks.ledger_import_check_task.enqueue(str(job.pk))
            else:
                services.ledger_import_check(job_id=job.pk)
            return redirect("estates:import_detail", pk=job.pk)
    recent = LedgerImport.objects.filter(created_by=request.user).defer("content")[:10]
    return render(request, "estates/import.html", {"form": form, "recent": recent})


@page("estates", "import")
def ledger_import_detail(request: StaffRequest, pk: str) -> HttpResponse:
    job = get_object_or_404(LedgerImport.objects.defer("content"), pk=pk, created_by=request.user)
    template = "estates/partials/import_status.html" if request.htmx else "estates/import_detail.html"
    return render(request, template, {"job": job})


@page("estates", "import")
@require_POST
def ledger_import_confirm(request: StaffRequest, pk: str) -> HttpResponse:
    job = get_object_or_404(LedgerImport.objects.defer("content"), pk=pk, created_by=request.user)
    try:
        services.ledger_import_confirm(
            by=request.user,
            job_id=job.pk,
            decisions={
                name.removeprefix("row:"): str(value)
                for name, value in request.POST.items()
                if name.startswith("row:")
            },
            warnings_accepted=request.POST.get("warnings_accepted") == "1",
        )
    except HuanxinError as error:
        messages.error(request, error.message)
        return redirect("estates:import_detail", pk=job.pk)
    _run_import(job)
    return redirect("estates:import_detail", pk=job.pk)


@page("estates", "import")
@require_POST
def ledger_import_retry(request: StaffRequest, pk: str) -> HttpResponse:
    """A run that failed or whose worker died wrote nothing: it can simply run again."""
    job = get_object_or_404(LedgerImport.objects.defer("content"), pk=pk, created_by=request.user)
    if job.status in (LedgerImport.Status.APPLYING, LedgerImport.Status.FAILED):
        _run_import(job)
    elif job.status in (LedgerImport.Status.PENDING, LedgerImport.Status.CHECKING):
        # A check whose worker died: check again (it writes nothing but the job's own report).
        if services.ledger_import_runs_in_background(LedgerImport.objects.get(pk=job.pk)):
            tasks.ledger_import_check_task.enqueue(str(job.pk))
        else:
            services.ledger_import_check(job_id=job.pk)
    return redirect("estates:import_detail", pk=job.pk)


def _run_import(job: LedgerImport) -> None:
    fresh = LedgerImport.objects.get(pk=job.pk)
    if services.ledger_import_runs_in_background(fresh):
        tasks.ledger_import_run_task.enqueue(str(job.pk))
    else:
        services.ledger_import_run(job_id=job.pk)
