"""Money pages: the rollup for a district or the city (with its export), and a project's money —
its plan by source, the ledger, receipts, payments and reversals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.core import clock
from huanxin.core.access import page
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, Invalid, NotFound
from huanxin.core.http import (
    error_text,
    get_visible_or_404,
    parse_date,
    parse_decimal,
    parse_id,
    requested_as_of,
    run_and_report,
)
from huanxin.core.spreadsheets import filter_words, titled, write_xlsx
from huanxin.estates.models import Household
from huanxin.funding import exports, services
from huanxin.funding.models import FundingPlan, FundingSource, LedgerEntry, SourceKind
from huanxin.funding.querysets import (
    GROUPS,
    RESIDENT_CODES,
    advanced_projects,
    project_money,
    resident_money,
    rollup,
)
from huanxin.projects.as_of import attach_then, design_then
from huanxin.projects.querysets import projects_for
from huanxin.regions import rules as region_rules
from huanxin.regions.filters import region_name
from huanxin.regions.models import Region

GROUP_LABELS = {
    "kind": _("来源类别"),
    "source": _("资金来源"),
    "district": _("区县"),
    "year": _("计划年度"),
    "month": _("月份（到位和支出）"),
}


def _rollup_params(request: StaffRequest) -> tuple[str, Any, str]:
    user = request.user
    default_prefix = user.region.prefix if user.region is not None else ""
    region = request.GET.get("region", "").strip()
    try:
        prefix = region_rules.significant_prefix(region) if region else default_prefix
    except ValueError:
        messages.warning(request, _("区划代码应为6、9或12位数字"))
        prefix = default_prefix
    try:
        as_of = clock.parse_as_of(request.GET.get("as_of") or None)
    except ValueError:
        messages.warning(request, _("日期格式应为 YYYY-MM-DD"))
        as_of = clock.today()
    group = request.GET.get("group", "kind")
    return prefix, as_of, group if group in GROUPS else "kind"


@page("money", "view")
def money_rollup(request: StaffRequest) -> HttpResponse:
    prefix, as_of, group = _rollup_params(request)
    rows = rollup(request.user, region_prefix=prefix, as_of=as_of, group=group)
    total = _sum(rows)
    advanced = projects_for(request.user).filter(pk__in=advanced_projects(request.user))
    return render(
        request,
        "funding/rollup.html",
        {
            "rows": rows,
            "total": total,
            "group": group,
            "groups": GROUP_LABELS.items(),
            "group_label": GROUP_LABELS[group],
            "as_of": as_of,
            "advanced": advanced,
        },
    )


def _sum(rows: list[Any]) -> Any:
    from huanxin.funding.rules import Totals

    return Totals(
        planned=sum((t.planned for _label, t in rows), Decimal(0)),
        received=sum((t.received for _label, t in rows), Decimal(0)),
        paid=sum((t.paid for _label, t in rows), Decimal(0)),
    )


@page("money", "view")
def money_export(request: StaffRequest) -> HttpResponse:
    prefix, as_of, group = _rollup_params(request)
    rows = rollup(request.user, region_prefix=prefix, as_of=as_of, group=group)
    audit_record(
        action="funding.export",
        actor=request.user,
        request=request,
        detail={"group": group, "as_of": str(as_of)},
    )
    title = _rollup_title(request, group, as_of)
    content = write_xlsx([exports.rollup_sheet(rows, _sum(rows), str(GROUP_LABELS[group]), title)])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'资金统计{as_of}.xlsx')}"
    return response


def _rollup_title(request: StaffRequest, group: str, as_of: Any) -> str:
    """The export's title row: the region chosen (by name), the grouping and the day."""
    shown = []
    region = request.GET.get("region", "").strip()
    try:
        if region and region_rules.significant_prefix(region):
            shown.append(filter_words(_("区划"), region_name(region)))
    except ValueError:
        pass  # a malformed code filtered nothing (the page said so): nothing to name
    shown.append(filter_words(_("分组"), GROUP_LABELS[group]))
    return titled(_("改造资金统计"), shown, as_of)


@page("money", "view")
def project_money_page(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(
        projects_for(request.user).select_related("joined_into"), request.user, pk=pk
    )
    as_of = requested_as_of(request.GET)  # a past day: the ledger up to it, read-only
    [project] = attach_then([project], as_of)
    if as_of is not None and project.state_then is None:  # type: ignore[attr-defined]
        raise NotFound(_("%(day)s时本项目尚未立项") % {"day": as_of.isoformat()})
    lines, overall = project_money(project, as_of)
    entries = LedgerEntry.objects.filter(project=project)
    if as_of is not None:
        entries = entries.filter(on__lte=as_of)
    plan = FundingPlan.objects.filter(project=project).first()
    planned = {line.source.pk: line.totals.planned for line in lines if line.totals.planned}
    sources = FundingSource.objects.sources_for(project.estate.region.code).filter(
        Q(retired=False) | Q(pk__in=list(planned))
    )
    return render(
        request,
        "funding/project.html",
        {
            "project": project,
            "lines": lines,
            "overall": overall,
            "resident_sources": FundingSource.objects.filter(code__in=RESIDENT_CODES, owner__isnull=True)
            .order_by("code")
            .values_list("code", "name"),
            "plan": plan,
            "budget": sum((line.budget_yuan for line in design_then(project, as_of)[1]), Decimal(0)),
            "sources": [(source, planned.get(source.pk)) for source in sources],
            "as_of": as_of,
            "entries": entries.select_related(
                "source", "created_by", "household__building", "reverses"
            ).order_by("-on", "-id"),
            "reversed_ids": set(entries.filter(reverses__isnull=False).values_list("reverses_id", flat=True)),
            "can_change": as_of is None
            and request.user.can("money", "change")
            and project.joined_into_id is None,
            "residents": resident_money(project, as_of),
            "households": Household.objects.visible_to(request.user)
            .filter(estate_id=project.estate_id)
            .select_related("building"),
        },
    )


def _back(pk: int) -> HttpResponse:
    return redirect("funding:project", pk=pk)


def _run(request: StaffRequest, pk: int, success: str, call: Any) -> HttpResponse:
    run_and_report(request, call, success)
    return _back(pk)


@page("money", "change")
@require_POST
def plan_save(request: StaffRequest, pk: int) -> HttpResponse:
    def call() -> Any:
        lines = {}
        for key in request.POST:
            if key.startswith("source_") and request.POST[key].strip():
                source_id = parse_id(key.removeprefix("source_"))
                if source_id is None:
                    raise Invalid(_("资金来源无效"))
                lines[source_id] = parse_decimal(request.POST[key], label=_("计划金额"))
        version = request.POST.get("version", "").strip()
        return services.funding_plan_set(
            by=request.user, project_id=pk, version=(parse_id(version) or 0) if version else None, lines=lines
        )

    return _run(request, pk, _("资金计划已保存"), call)


@page("money", "change")
@require_POST
def entry_record(request: StaffRequest, pk: int) -> HttpResponse:
    def call() -> Any:
        on = parse_date(request.POST.get("on"), label=_("日期"))
        source_id = parse_id(request.POST.get("source"))
        if source_id is None:
            raise Invalid(_("请选择资金来源"))
        return services.ledger_record(
            by=request.user,
            project_id=pk,
            source_id=source_id,
            kind=request.POST.get("kind", ""),
            amount=parse_decimal(request.POST.get("amount", ""), label=_("金额")),
            on=on,
            document_number=request.POST.get("document_number", ""),
            note=request.POST.get("note", ""),
            advance=request.POST.get("advance") == "on",
            household_id=parse_id(request.POST.get("household")),
            attachment=request.FILES.get("attachment"),
        )

    return _run(request, pk, _("已记账"), call)


@page("money", "change")
@require_POST
def entry_reverse(request: StaffRequest, pk: int, entry_pk: int) -> HttpResponse:
    get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    return _run(
        request,
        pk,
        _("已冲销"),
        lambda: services.ledger_reverse(
            by=request.user, project_id=pk, entry_id=entry_pk, note=request.POST.get("note", "")
        ),
    )


@page("money", "view")
def entry_attachment(request: StaffRequest, pk: int) -> FileResponse:
    """A receipt's or payment's document, to those who see the project's money."""
    entry = get_visible_or_404(LedgerEntry.objects.all(), request.user, pk=pk)
    if not entry.attachment or not default_storage.exists(entry.attachment.name):
        raise NotFound()
    response = FileResponse(default_storage.open(entry.attachment.name, "rb"), as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@page("money", "view")
def sources_page(request: StaffRequest) -> HttpResponse:
    """The sources of money in force at the user's node: the national list and those its city or
    district added; the city and the districts add and stop their own here, others read."""
    region = request.user.region or Region.objects.filter(level="city").order_by("code").first()
    if region is None:
        raise NotFound(_("尚未加载行政区划"))
    can_manage = services.may_manage_sources(request.user)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "add":
                services.funding_source_add(
                    by=request.user,
                    owner=region,
                    code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                    kind=request.POST.get("kind", ""),
                )
            else:
                services.funding_source_retire(
                    by=request.user,
                    owner=region,
                    source_id=parse_id(request.POST.get("source")) or 0,
                    retired=request.POST.get("action") == "retire",
                )
        except HuanxinError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("资金来源已保存"))
        return redirect("funding:sources")
    return render(
        request,
        "funding/sources.html",
        {
            "sources": FundingSource.objects.sources_for(region.code)
            .select_related("owner")
            .order_by("code"),
            "kinds": SourceKind.choices,
            "region": region,
            "can_manage": can_manage,
        },
    )
