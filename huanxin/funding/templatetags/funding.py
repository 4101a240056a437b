"""The project's money on pages that belong to `projects` (its notice board, its overview):
an inclusion tag, so that `projects` never imports `funding` (ARCHITECTURE.md: one-way flow)."""

from __future__ import annotations

from typing import Any

from django import template

from huanxin.funding.querysets import project_money

register = template.Library()


@register.inclusion_tag("funding/partials/money_by_source.html")
def money_by_source(project: Any) -> dict[str, Any]:
    lead = project.joined_into or project
    lines, overall = project_money(lead)
    return {"lines": lines, "overall": overall}
