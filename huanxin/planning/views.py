"""Planning pages so far: an estate's eligibility with its evidence, the candidate pool and its
steps (submit, review, confirm), and the city's eligibility rules."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.core.access import page
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, NotFound
from huanxin.core.http import get_visible_or_404
from huanxin.core.spreadsheets import SheetOut, write_xlsx
from huanxin.core.validation import add_error_to_form
from huanxin.estates.querysets import estates_for
from huanxin.planning import services
from huanxin.planning.forms import EligibilitySettingsForm
from huanxin.planning.models import Candidate, EligibilitySettings
from huanxin.planning.querysets import candidates_for, estate_eligibility, settings_for
from huanxin.planning.rules import EXCLUSIONS
from huanxin.regions import rules as region_rules
from huanxin.regions.models import Region


def _back_to_estate(estate_pk: int) -> HttpResponse:
    return redirect(f"{reverse('estates:detail', args=[estate_pk])}?tab=eligibility")


@page("eligibility", "view")
def estate_tab(request: StaffRequest, estate_pk: int) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=estate_pk)
    candidate = Candidate.objects.filter(estate=estate).select_related("submitted_by", "reviewed_by").first()
    context = {
        "estate": estate,
        "eligibility": estate_eligibility(estate),
        "candidate": candidate,
        "can_submit": request.user.can("eligibility", "submit"),
        "can_review": request.user.can("eligibility", "review"),
        "can_confirm": request.user.can("eligibility", "confirm"),
        "history": candidate.history.select_related("history_user").order_by("-history_date")
        if candidate
        else [],
    }
    template = "planning/partials/estate_tab.html" if request.htmx else "planning/estate_tab.html"
    return render(request, template, context)


@page("eligibility", "submit")
@require_POST
def candidate_submit(request: StaffRequest, estate_pk: int) -> HttpResponse:
    try:
        services.candidate_submit(by=request.user, estate_id=estate_pk, note=request.POST.get("note", ""))
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已申报，等待区县审核"))
    return _back_to_estate(estate_pk)


def _version(request: StaffRequest) -> int:
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return 0


@page("eligibility", "review")
@require_POST
def candidate_review(request: StaffRequest, pk: int) -> HttpResponse:
    candidate = get_visible_or_404(Candidate.objects.all(), request.user, pk=pk)
    try:
        services.candidate_review(
            by=request.user,
            candidate_id=pk,
            version=_version(request),
            accept=request.POST.get("decision") == "accept",
            reason=request.POST.get("reason", ""),
        )
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已审核"))
    return _back_to_estate(candidate.estate_id)


@page("eligibility", "confirm")
@require_POST
def candidate_confirm(request: StaffRequest, pk: int) -> HttpResponse:
    candidate = get_visible_or_404(Candidate.objects.all(), request.user, pk=pk)
    try:
        services.candidate_confirm(by=request.user, candidate_id=pk, version=_version(request))
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认入库"))
    return _back_to_estate(candidate.estate_id)


POOL_COLUMNS = [
    "小区编码",
    "小区名称",
    "区县",
    "街道",
    "社区",
    "建成年份",
    "户数",
    "建筑面积（㎡）",
    "状态",
    "申报时间",
    "申报说明",
    "退回原因",
]


@page("eligibility", "view")
def pool(request: StaffRequest) -> HttpResponse:
    """The candidate pool (项目储备库) of the user's jurisdiction, by status, with export."""
    candidates = candidates_for(request.user)
    status = request.GET.get("status", "")
    if status in Candidate.Status.values:
        candidates = candidates.filter(status=status)
    region = request.GET.get("region", "").strip()
    if region:
        try:
            candidates = candidates.filter(
                estate__region__code__startswith=region_rules.significant_prefix(region)
            )
        except ValueError:
            messages.warning(request, _("区划代码应为6、9或12位数字"))
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                c.estate.code,
                c.estate.name,
                c.estate.region.parent.parent.name,
                c.estate.region.parent.name,
                c.estate.region.name,
                c.estate.year_built,
                c.estate.households,
                c.estate.floor_area_m2,
                c.get_status_display(),
                c.submitted_at.strftime("%Y-%m-%d"),
                c.note,
                c.reason,
            ]
            for c in candidates
        )
        audit_record(
            action="candidate.export", actor=request.user, request=request, detail={"status": status}
        )
        response = HttpResponse(
            write_xlsx([SheetOut(name="储备库", header=POOL_COLUMNS, rows=rows)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('项目储备库.xlsx')}"
        return response
    return render(
        request,
        "planning/pool.html",
        {
            "page_obj": Paginator(candidates, 50).get_page(request.GET.get("page")),
            "status": status,
            "statuses": Candidate.Status.choices,
            "can_review": request.user.can("eligibility", "review"),
            "can_confirm": request.user.can("eligibility", "confirm"),
        },
    )


@page("settings", "rules")
def rules_edit(request: StaffRequest) -> HttpResponse:
    """The city's eligibility rules (SPEC 5.1): they apply to every estate below its node."""
    region = request.user.region or Region.objects.filter(level="city").order_by("code").first()
    if region is None:
        raise NotFound(_("尚未加载行政区划"))
    current = settings_for(region.code)
    own = current if current is not None and current.region_id == region.pk else None
    form = EligibilitySettingsForm(
        request.POST or None,
        instance=own
        or EligibilitySettings(
            region=region, cutoff_year=settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR, exclusions=list(EXCLUSIONS)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_settings_save(
                by=request.user,
                region_id=region.pk,
                changes=form.changes(),  # type: ignore[arg-type]
                version=form.cleaned_data["version"] if own else None,
            )
        except HuanxinError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("资格规则已保存，所有小区的资格随即按新规则计算"))
            return redirect("planning:rules")
    history = own.history.select_related("history_user").order_by("-history_date")[:20] if own else []
    return render(request, "planning/rules.html", {"form": form, "region": region, "history": history})
