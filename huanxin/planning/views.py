"""Planning pages so far: an estate's eligibility with its evidence, the candidate pool and its
steps (submit, review, confirm), and the city's eligibility rules."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.accounts.permissions import may_any
from huanxin.core import clock
from huanxin.core.access import page, public_page
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, Invalid, NotFound
from huanxin.core.http import get_visible_or_404, posted_version, requested_as_of, run_and_report
from huanxin.core.spreadsheets import SheetOut, filter_words, titled, write_xlsx
from huanxin.core.validation import add_error_to_form
from huanxin.estates.querysets import estates_for
from huanxin.planning import drafting, exports, optimizer, rules, services
from huanxin.planning.forms import EligibilitySettingsForm, ProgramForm
from huanxin.planning.models import (
    AnnualPlan,
    Candidate,
    EligibilitySettings,
    PlanEntry,
    PriorityWeights,
    Program,
)
from huanxin.planning.querysets import (
    CANDIDATE_STEPS,
    candidate_priority,
    candidate_then,
    candidates_for,
    entries_for,
    estate_eligibility,
    home_region,
    settings_for,
)
from huanxin.planning.rules import EXCLUSIONS
from huanxin.regions import rules as region_rules
from huanxin.regions.filters import region_name
from huanxin.regions.models import Region


def _back_to_estate(estate_pk: int) -> HttpResponse:
    return redirect(f"{reverse('estates:detail', args=[estate_pk])}?tab=eligibility")


@page("eligibility", "view")
def estate_tab(request: StaffRequest, estate_pk: int) -> HttpResponse:
    """The estate's eligibility and its way into the pool, live or as of a past day (`?as_of=`):
    the rules, assessment, answers and candidacy of that day, and nothing to act on."""
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=estate_pk)
    as_of = requested_as_of(request.GET)
    live = as_of is None
    candidate = candidate_then(estate, as_of)
    history: Any = []
    if candidate is not None:
        history = candidate.history.select_related("history_user").order_by("-history_date")  # type: ignore[attr-defined]
        if as_of is not None:
            history = history.filter(history_date__lt=clock.end_of(as_of))
    context = {
        "estate": estate,
        "as_of": as_of,
        "eligibility": estate_eligibility(estate, as_of),
        "candidate": candidate,
        "can_submit": live and may_any(request.user, "eligibility", "submit", "propose"),
        "can_forward": live and request.user.can("eligibility", "forward"),
        "steps": _steps(candidate) if candidate else [],
        "can_review": live and request.user.can("eligibility", "review"),
        "can_confirm": live and request.user.can("eligibility", "confirm"),
        "history": history,
        "priority": candidate_priority(candidate, as_of)
        if candidate and candidate.status == Candidate.Status.CONFIRMED
        else None,
        "can_cost": live and (request.user.can("plans", "change") or request.user.can("plans", "propose")),
    }
    template = "planning/partials/estate_tab.html" if request.htmx else "planning/estate_tab.html"
    return render(request, template, context)


STEP_LABELS = {"submitted": _("申报"), "forwarded": _("转报"), "reviewed": _("审核"), "confirmed": _("入库")}


def _steps(candidate: Candidate) -> list[dict[str, Any]]:
    """Who took each step so far — person, organization, date — for the pool and the estate tab."""
    steps = []
    for step in CANDIDATE_STEPS:
        user = getattr(candidate, f"{step}_by")
        if user is not None:
            steps.append(
                {
                    "step": STEP_LABELS[step],
                    "who": user.full_name or user.username,
                    "organization": user.organization.name if user.organization else "",
                    "at": getattr(candidate, f"{step}_at"),
                }
            )
    return steps


@page("eligibility", ("submit", "propose"))
@require_POST
def candidate_submit(request: StaffRequest, estate_pk: int) -> HttpResponse:
    get_visible_or_404(estates_for(request.user), request.user, pk=estate_pk)  # another's: 404
    try:
        candidate = services.candidate_submit(
            by=request.user, estate_id=estate_pk, note=request.POST.get("note", "")
        )
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        if candidate.status == Candidate.Status.PROPOSED:
            messages.success(request, _("已申报，等待街道转报"))
        else:
            messages.success(request, _("已申报，等待区县审核"))
    return _back_to_estate(estate_pk)


@page("eligibility", "forward")
@require_POST
def candidate_forward(request: StaffRequest, pk: int) -> HttpResponse:
    candidate = get_visible_or_404(Candidate.objects.all(), request.user, pk=pk)
    accept = request.POST.get("decision") == "accept"
    run_and_report(
        request,
        lambda: services.candidate_forward(
            by=request.user,
            candidate_id=pk,
            version=posted_version(request),
            accept=accept,
            reason=request.POST.get("reason", ""),
        ),
        _("已转报区县") if accept else _("已退回社区"),
    )
    return _back_to_estate(candidate.estate_id)


@page("eligibility", "review")
@require_POST
def candidate_review(request: StaffRequest, pk: int) -> HttpResponse:
    candidate = get_visible_or_404(Candidate.objects.all(), request.user, pk=pk)
    try:
        services.candidate_review(
            by=request.user,
            candidate_id=pk,
            version=posted_version(request),
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
        services.candidate_confirm(by=request.user, candidate_id=pk, version=posted_version(request))
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
    "申报人",
    "申报单位",
    "转报人",
    "转报时间",
    "审核人",
    "审核时间",
    "入库确认人",
    "入库时间",
]


def _who(user: Any) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _on(moment: Any) -> str:
    return moment.astimezone(clock.SHANGHAI).date().isoformat() if moment is not None else ""


@page("eligibility", "view")
def pool(request: StaffRequest) -> HttpResponse:
    """The candidate pool (项目储备库) of the user's jurisdiction, by status, with export."""
    candidates = candidates_for(request.user)
    shown = []  # the filters in force, in words, for the export's title
    status = request.GET.get("status", "")
    if status in Candidate.Status.values:
        candidates = candidates.filter(status=status)
        shown.append(filter_words(_("状态"), Candidate.Status(status).label))
    region = request.GET.get("region", "").strip()
    if region:
        try:
            candidates = candidates.filter(
                estate__region__code__startswith=region_rules.significant_prefix(region)
            )
        except ValueError:
            messages.warning(request, _("区划代码应为6、9或12位数字"))
            region = ""  # filtered nothing: nothing to name
    if request.GET.get("format") == "xlsx":
        if region:
            shown.append(filter_words(_("区划"), region_name(region)))
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
                _on(c.submitted_at),
                c.note,
                c.reason,
                _who(c.submitted_by),
                c.submitted_by.organization.name if c.submitted_by.organization else "",
                _who(c.forwarded_by),
                _on(c.forwarded_at),
                _who(c.reviewed_by),
                _on(c.reviewed_at),
                _who(c.confirmed_by),
                _on(c.confirmed_at),
            ]
            for c in candidates
        )
        audit_record(
            action="candidate.export", actor=request.user, request=request, detail={"status": status}
        )
        response = HttpResponse(
            write_xlsx(
                [
                    SheetOut(
                        name="储备库",
                        header=POOL_COLUMNS,
                        rows=rows,
                        title=titled(_("项目储备库"), shown, clock.today()),
                    )
                ]
            ),
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
            "can_rules": request.user.can("settings", "rules"),
            "can_weights": request.user.can("settings", "weights"),
        },
    )


def _rules_to_start_from(region: Region, inherited: EligibilitySettings | None) -> EligibilitySettings:
    """A node without rules of its own starts from the ones it follows today (its city's, or the
    server's defaults), not from blank defaults that would silently differ."""
    if inherited is None:
        return EligibilitySettings(
            region=region, cutoff_year=settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR, exclusions=list(EXCLUSIONS)
        )
    start = copy.copy(inherited)
    start.pk, start.region, start.version = None, region, 0
    start._state.adding = True
    return start


@page("settings", "rules")
def rules_edit(request: StaffRequest) -> HttpResponse:
    """The city's eligibility rules (SPEC 5.1): they apply to every estate below its node."""
    region = request.user.region or Region.objects.filter(level="city").order_by("code").first()
    if region is None:
        raise NotFound(_("尚未加载行政区划"))
    current = settings_for(region.code)
    own = current if current is not None and current.region_id == region.pk else None
    form = EligibilitySettingsForm(
        request.POST or None, instance=own or _rules_to_start_from(region, current)
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


# ---------------------------------------------------------------------------------------------
# Programs and annual plans
# ---------------------------------------------------------------------------------------------


def _plan_totals(plan: AnnualPlan) -> dict[str, Any]:
    return plan.entries.aggregate(
        count=Count("id"),
        households=Sum("households"),
        area=Sum("floor_area_m2"),
        cost=Sum("estimated_cost_yuan"),
    )


@page("plans", "view")
def program_list(request: StaffRequest) -> HttpResponse:
    programs = Program.objects.visible_to(request.user).select_related("region").prefetch_related("plans")
    visible_plans = set(AnnualPlan.objects.visible_to(request.user).values_list("pk", flat=True))
    rows = []
    for program in programs:
        approved = PlanEntry.objects.filter(
            plan__program=program, plan__status=AnnualPlan.Status.APPROVED
        ).aggregate(
            count=Count("id"),
            households=Sum("households"),
            area=Sum("floor_area_m2"),
            cost=Sum("estimated_cost_yuan"),
        )
        plans = [
            (plan, _plan_totals(plan)) for plan in program.plans.order_by("year") if plan.pk in visible_plans
        ]
        editable = not any(plan.status == AnnualPlan.Status.APPROVED for plan, _totals in plans)
        rows.append({"program": program, "approved": approved, "plans": plans, "editable": editable})
    return render(
        request,
        "planning/programs.html",
        {
            "rows": rows,
            "can_plan": request.user.can("plans", "change"),
        },
    )


def _city_region(user: Any) -> Region:
    region = home_region(user)
    if region is None:
        raise NotFound(_("尚未加载行政区划"))
    return region


@page("plans", "change")
def program_new(request: StaffRequest) -> HttpResponse:
    """The city sets up a program (改造规划): its years and its targets."""
    region = _city_region(request.user)
    form = ProgramForm(request.POST or None, instance=Program(region=region))
    if request.method == "POST" and form.is_valid():
        try:
            services.program_create(by=request.user, region_id=region.pk, **form.changes())
        except HuanxinError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("改造规划已建立"))
            return redirect("planning:programs")
    return render(request, "planning/program_form.html", {"form": form, "region": region, "program": None})


@page("plans", "change")
def program_edit(request: StaffRequest, pk: int) -> HttpResponse:
    """Corrections to a program until a plan under it is approved."""
    program = get_visible_or_404(Program.objects.select_related("region"), request.user, pk=pk)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(
                by=request.user,
                program_id=pk,
                version=form.cleaned_data["version"] or 0,
                changes=form.changes(),  # type: ignore[arg-type]
            )
        except HuanxinError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("改造规划已保存"))
            return redirect("planning:programs")
    return render(
        request,
        "planning/program_form.html",
        {
            "form": form,
            "region": program.region,
            "program": program,
            "locked": program.plans.filter(status=AnnualPlan.Status.APPROVED).exists(),
            "history": program.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@page("plans", "change")
@require_POST
def plan_new(request: StaffRequest, program_pk: int) -> HttpResponse:
    try:
        plan = services.plan_create(
            by=request.user,
            program_id=program_pk,
            year=int(request.POST.get("year", "0")),
            budget_yuan=Decimal(request.POST.get("budget_yuan", "0")),
        )
    except (HuanxinError, ValueError, ArithmeticError) as error:
        messages.error(request, getattr(error, "message", _("年度和预算应为数字")))
        return redirect("planning:programs")
    return redirect("planning:plan", pk=plan.pk)


@page("plans", "view")
def plan_detail(request: StaffRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(
        AnnualPlan.objects.select_related("program__region", "approved_by"), request.user, pk=pk
    )
    seen, others = entries_for(request.user, plan)
    entries = seen.select_related(
        "estate", "estate__region", "estate__region__parent", "estate__region__parent__parent"
    ).order_by("-priority", "estate__code")
    # a plan is edited as a whole: only by someone who sees all of it
    can_edit = plan.status == AnnualPlan.Status.DRAFT and request.user.can("plans", "change") and not others
    pool = services.available_candidates(request.user, plan) if can_edit else []
    in_plan = {entry.estate_id for entry in entries}
    reasons = plan.optimizer_summary.get("reasons", {})
    left_out = [(c, reasons.get(str(c.estate_id), "")) for c in pool if c.estate_id not in in_plan]
    refusals = services.plan_approval_refusals(plan) if plan.status == AnnualPlan.Status.PUBLICITY else []
    return render(
        request,
        "planning/plan.html",
        {
            "plan": plan,
            "entries": entries,
            "other_districts": others,
            "totals": _plan_totals(plan),
            "can_edit": can_edit,
            "left_out": left_out,
            "can_approve": request.user.can("plans", "approve"),
            "refusals": refusals,
            "can_withdraw": plan.status == AnnualPlan.Status.PUBLICITY
            and request.user.can("plans", "change"),
            "history": plan.history.select_related("history_user").order_by("-history_date", "-history_id"),
            "summary": {
                **plan.optimizer_summary,
                "status_words": optimizer.status_words(plan.optimizer_summary.get("status", "")),
            },
            "districts": Region.objects.filter(level="county").order_by("code"),
            "run": plan.optimizer_runs.select_related("requested_by").first(),
        },
    )


def _posted_number(request: StaffRequest, key: str, refusal: str) -> float | None:
    value = str(request.POST.get(key, "")).strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise Invalid(refusal) from None


def _shares(request: StaffRequest, prefix: str) -> dict[str, float]:
    """District shares typed as percentages (min_430802=20 → 0.2)."""
    shares = {}
    for key in request.POST:
        if key.startswith(prefix):
            percent = _posted_number(request, key, _("份额应为0–100之间的数字"))
            if percent is not None:
                shares[key.removeprefix(prefix)] = percent / 100
    return shares


@page("plans", "change")
@require_POST
def plan_optimize(request: StaffRequest, pk: int) -> HttpResponse:
    """Queue the run; the plan page follows it (optimizer_run) until the draft is written."""
    try:
        drafting.optimizer_run_request(
            by=request.user,
            plan_id=pk,
            version=posted_version(request),
            min_share=_shares(request, "min_"),
            max_share=_shares(request, "max_"),
            time_limit_s=_posted_number(request, "time_limit_s", _("求解时限应为数字（秒）")) or 10,
        )
    except HuanxinError as error:
        messages.error(request, error.message)
    return redirect("planning:plan", pk=pk)


@page("plans", "view")
def optimizer_run(request: StaffRequest, pk: int, run_pk: int) -> HttpResponse:
    """The run's stage, polled by the plan page; once it has ended the page reloads itself to
    show the new draft."""
    plan = get_visible_or_404(AnnualPlan.objects.all(), request.user, pk=pk)
    run = plan.optimizer_runs.filter(pk=run_pk).first()
    if run is None:
        raise NotFound()
    response = render(request, "planning/partials/optimizer_run.html", {"run": run, "plan": plan})
    if request.htmx and not run.in_progress:
        response["HX-Refresh"] = "true"
    return response


@page("plans", "change")
@require_POST
def plan_entries(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        ids = [int(value) for value in request.POST.getlist("estate")]
        services.plan_set_entries(
            by=request.user, plan_id=pk, version=posted_version(request), estate_ids=ids
        )
    except (HuanxinError, ValueError) as error:
        messages.error(request, getattr(error, "message", _("请求无效")))
    else:
        messages.success(request, _("草案已保存"))
    return redirect("planning:plan", pk=pk)


@page("plans", "change")
@require_POST
def plan_publish(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        days = max(1, min(60, int(request.POST.get("days") or 7)))
        services.plan_publish(by=request.user, plan_id=pk, version=posted_version(request), days=days)
    except (HuanxinError, ValueError) as error:
        messages.error(request, getattr(error, "message", _("请求无效")))
    else:
        messages.success(request, _("计划已公示"))
    return redirect("planning:plan", pk=pk)


@page("plans", "change")
@require_POST
def plan_withdraw(request: StaffRequest, pk: int) -> HttpResponse:
    run_and_report(
        request,
        lambda: services.plan_withdraw(
            by=request.user,
            plan_id=pk,
            version=posted_version(request),
            reason=request.POST.get("reason", ""),
        ),
        _("计划已撤回为草案"),
    )
    return redirect("planning:plan", pk=pk)


@page("plans", "approve")
@require_POST
def plan_approve(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        services.plan_approve(by=request.user, plan_id=pk, version=posted_version(request))
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("年度计划已批准"))
    return redirect("planning:plan", pk=pk)


@page("plans", "view")
def plan_export(request: StaffRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(AnnualPlan.objects.select_related("program__region"), request.user, pk=pk)
    audit_record(action="plan.export", actor=request.user, target=plan, request=request)
    response = HttpResponse(
        exports.plan_xlsx(plan, request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{plan.year}年度改造计划.xlsx')}"
    return response


@public_page()
def plan_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's publicity page (公示): what is planned, where, for how much. No personal data."""
    plan = (
        AnnualPlan.objects.select_related("program__region")
        .filter(pk=pk, status__in=[AnnualPlan.Status.PUBLICITY, AnnualPlan.Status.APPROVED])
        .first()
    )
    if plan is None:
        raise NotFound()
    entries = plan.entries.select_related(
        "estate", "estate__region", "estate__region__parent", "estate__region__parent__parent"
    ).order_by("estate__code")
    return render(
        request, "planning/public_plan.html", {"plan": plan, "entries": entries, "totals": _plan_totals(plan)}
    )


@page("settings", "weights")
def weights_edit(request: StaffRequest) -> HttpResponse:
    """The city's priority weights: each factor's weight, the change recorded."""
    region = request.user.region or Region.objects.filter(level="city").order_by("code").first()
    if region is None:
        raise NotFound(_("尚未加载行政区划"))
    own = PriorityWeights.objects.filter(region=region).first()
    current = own.as_dict() if own else {factor: float(w) for factor, w in rules.DEFAULT_WEIGHTS.items()}
    if request.method == "POST":
        try:
            weights = {factor: int(request.POST.get(factor, "")) for factor in rules.FACTORS}
            services.priority_weights_save(
                by=request.user,
                region_id=region.pk,
                weights=weights,
                version=posted_version(request) if own else None,
            )
        except ValueError:
            messages.error(request, _("权重应为非负整数"))
        except HuanxinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("优先级权重已保存"))
            return redirect("planning:weights")
    history = own.history.select_related("history_user").order_by("-history_date")[:20] if own else []
    return render(
        request,
        "planning/weights.html",
        {
            "region": region,
            "own": own,
            "history": history,
            "factors": [(factor, label, int(current[factor])) for factor, label in rules.FACTORS.items()],
        },
    )


@page("plans", ("change", "propose"))
@require_POST
def candidate_cost(request: StaffRequest, pk: int) -> HttpResponse:
    candidate = get_visible_or_404(Candidate.objects.all(), request.user, pk=pk)
    try:
        services.candidate_cost_set(
            by=request.user,
            candidate_id=pk,
            version=posted_version(request),
            cost_yuan=Decimal(request.POST.get("cost_yuan", "").replace(",", "")),
            note=request.POST.get("note", ""),
        )
    except (HuanxinError, ArithmeticError) as error:
        messages.error(request, getattr(error, "message", _("估算投资应为数字（元）")))
    else:
        messages.success(request, _("估算投资已保存"))
    return _back_to_estate(candidate.estate_id)
