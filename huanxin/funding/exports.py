"""The money rollup as a sheet, with its rates, for the city's weekly report."""

from __future__ import annotations

from typing import Any

from huanxin.core.spreadsheets import SheetOut


def _percent(value: Any) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def rollup_sheet(rows: list[Any], total: Any, group_label: str, title: str) -> SheetOut:
    """`title` names the region, the grouping and the day (spreadsheets.titled)."""
    body = [
        [str(label), t.planned, t.received, t.paid, _percent(t.in_place_rate), _percent(t.execution_rate)]
        for label, t in rows
    ]
    body.append(
        [
            "合计",
            total.planned,
            total.received,
            total.paid,
            _percent(total.in_place_rate),
            _percent(total.execution_rate),
        ]
    )
    return SheetOut(
        name="资金统计",
        title=title,
        header=[group_label, "计划（元）", "到位（元）", "支出（元）", "到位率（%）", "执行率（%）"],
        rows=body,
        widths=[22, 16, 16, 16, 12, 12],
    )
