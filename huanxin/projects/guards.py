"""Guards of the project lifecycle (ARCHITECTURE.md): per target state, functions
`(project) -> refusal text | None`. Apps to the right register theirs here from their
AppConfig.ready() (funding's plan, quality's rectifications); a transition runs them all and
reports every refusal. `grep register(` lists every use."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from huanxin.projects import rules

Guard = Callable[[Any], str | None]
_guards: dict[str, list[Guard]] = {}
REAPPROVAL_MARGIN = Decimal("0.10")


def register(state: str, guard: Guard) -> Guard:
    registered = _guards.setdefault(state, [])
    if guard not in registered:
        registered.append(guard)
    return guard


def refusals(project: Any, state: str) -> list[str]:
    return [text for guard in _guards.get(state, []) if (text := guard(project))]


def design_entered(project: Any) -> str | None:
    if not project.items.exists():
        return _("尚未录入设计改造内容")
    return None


def design_within_estimate(project: Any) -> str | None:
    """A design budget more than 10 % above the approved estimate needs the city's re-approval."""
    budget = sum((item.budget_yuan for item in project.items.all()), Decimal(0))
    if budget > project.estimated_cost_yuan * (1 + REAPPROVAL_MARGIN):
        return _("设计预算%(budget)s元超过批准估算10%%以上，须先经市级重新批准") % {
            "budget": f"{budget:,.0f}"
        }
    return None


def organizations_assigned(project: Any) -> str | None:
    missing = [
        label
        for label, org in ((_("施工单位"), project.builder), (_("监理单位"), project.supervisor))
        if org is None
    ]
    return _("未确定%(who)s") % {"who": "、".join(missing)} if missing else None


def every_item_complete(project: Any) -> str | None:
    from huanxin.projects.querysets import item_progress

    unfinished = [item.item.name for item, done in item_progress(project) if done < 1]
    return _("尚有未完成的改造内容：%(items)s") % {"items": "、".join(unfinished)} if unfinished else None


def register_own_guards() -> None:
    register(rules.PUBLICITY, design_entered)
    register(rules.PUBLICITY, design_within_estimate)
    register(rules.CONSTRUCTION, organizations_assigned)
    register(rules.AWAITING_ACCEPTANCE, every_item_complete)
