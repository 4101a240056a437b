"""An annual plan as the sheet a bureau files upward (年度改造计划表)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.spreadsheets import SheetOut, filter_words, titled, write_xlsx
from huanxin.estates.models import ConditionAssessment, Severity
from huanxin.planning.models import AnnualPlan
from huanxin.planning.querysets import entries_for

HEADER = [
    "序号",
    "区县",
    "街道",
    "社区",
    "小区名称",
    "小区编码",
    "建成年份",
    "户数",
    "建筑面积（㎡）",
    "主要改造内容",
    "估算投资（万元）",
    "优先级得分",
    "备注",
]


def plan_xlsx(plan: AnnualPlan, user: Any) -> bytes:
    """The user's view of the plan: a draft holds only the user's own estates, the other districts
    as one line each (planning.querysets.entries_for)."""
    seen, others = entries_for(user, plan)
    entries = list(
        seen.select_related(
            "estate", "estate__region", "estate__region__parent", "estate__region__parent__parent"
        ).order_by("estate__code")
    )
    needs: dict[int, list[str]] = {}
    for assessment in (
        ConditionAssessment.objects.filter(estate__in=[e.estate_id for e in entries])
        .exclude(severity=Severity.NONE)
        .select_related("item")
        .order_by("item__code")
    ):
        needs.setdefault(assessment.estate_id, []).append(assessment.item.name)
    rows: list[list[Any]] = []
    for number, entry in enumerate(entries, start=1):
        estate = entry.estate
        street = estate.region.parent
        rows.append(
            [
                number,
                street.parent.name if street and street.parent else "",
                street.name if street else "",
                estate.region.name,
                estate.name,
                estate.code,
                estate.year_built,
                entry.households,
                entry.floor_area_m2,
                "、".join(needs.get(estate.pk, [])),
                (entry.estimated_cost_yuan / Decimal(10_000)).quantize(Decimal("0.01")),
                entry.priority,
                entry.reason,
            ]
        )
    for other in others:  # a draft's other districts: their totals, no estate
        rows.append(
            [
                "",
                other.name,
                "",
                "",
                f"其他区县{other.count}个小区（草案未公开）",
                "",
                "",
                other.households,
                other.area_m2,
                "",
                (other.cost_yuan / Decimal(10_000)).quantize(Decimal("0.01")),
                "",
                "",
            ]
        )
    rows.append(
        [
            "合计",
            "",
            "",
            "",
            f"{len(entries) + sum(other.count for other in others)}个小区",
            "",
            "",
            sum(e.households for e in entries) + sum(other.households for other in others),
            sum((e.floor_area_m2 for e in entries), Decimal(0))
            + sum((o.area_m2 for o in others), Decimal(0)),
            "",
            (
                (
                    sum((e.estimated_cost_yuan for e in entries), Decimal(0))
                    + sum((o.cost_yuan for o in others), Decimal(0))
                )
                / Decimal(10_000)
            ).quantize(Decimal("0.01")),
            "",
            "",
        ]
    )
    title = titled(
        f"{plan.program.region.name}{plan.year}年城镇老旧小区改造计划表",
        [filter_words(_("状态"), plan.get_status_display())],
        clock.today(),
    )
    return write_xlsx(
        [
            SheetOut(
                name=f"{plan.year}年度计划",
                header=HEADER,
                rows=rows,
                title=title,
                widths=[6, 10, 12, 12, 20, 18, 8, 8, 12, 40, 12, 8, 30],
            )
        ]
    )
