"""The project list as a sheet: the columns a district's weekly report to the city needs."""

from __future__ import annotations

from typing import Any

from huanxin.core.spreadsheets import SheetOut
from huanxin.projects import rules

HEADER = [
    "项目名称",
    "区县",
    "街道",
    "社区",
    "小区编码",
    "计划年度",
    "状态",
    "户数",
    "批准估算（元）",
    "进度（%）",
    "计划开工",
    "计划竣工",
    "预计完工",
    "滞后",
    "节点逾期",
    "施工单位",
    "监理单位",
    "投诉建议未答复",
    "其中逾期",
]


def project_sheet(projects: Any, title: str) -> SheetOut:
    """`projects` annotated by with_flags and with_feedback_counts, with their figures of the day
    attached (as_of.attach_then); `title` names the filters and the day (spreadsheets.export_title)."""
    return SheetOut(
        name="改造项目",
        title=title,
        header=HEADER,
        rows=(
            [
                project.name,
                project.estate.region.parent.parent.name,
                project.estate.region.parent.name,
                project.estate.region.name,
                project.estate.code,
                project.plan_entry.plan.year,
                str(rules.STATES.get(project.state_then, "")),
                project.plan_entry.households,
                project.estimated_cost_yuan,
                float(project.progress_then * 100),
                project.planned_start,
                project.planned_end,
                project.forecast_then,
                "是" if project.delayed else "",
                "是" if project.milestone_late else "",
                project.builder.name if project.builder else "",
                project.supervisor.name if project.supervisor else "",
                project.feedback_open,
                project.feedback_overdue,
            ]
            for project in projects
        ),
        widths=[30, 10, 14, 16, 14, 8, 8, 8, 14, 8, 11, 11, 11, 6, 8, 26, 26, 10, 8],
    )
