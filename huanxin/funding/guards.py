"""The funding guard on the project lifecycle, registered in FundingConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def funding_plan_matches_budget(project: Any) -> str | None:
    """SPEC 5.3: construction starts with a funding plan equal to the design budget."""
    from huanxin.funding.querysets import planned_total
    from huanxin.projects.querysets import design_budget

    planned = planned_total(project)
    budget = design_budget(project)
    if planned is None:
        return _("尚未编制资金计划")
    if planned != budget:
        return _("资金计划合计%(planned)s元，与设计预算%(budget)s元不符") % {
            "planned": f"{planned:,.2f}",
            "budget": f"{budget:,.2f}",
        }
    return None
