"""Guards of the project lifecycle (ARCHITECTURE.md): per target state, functions
`(project) -> refusal text | None`. Apps to the right register theirs here from their
AppConfig.ready() (funding's plan, quality's rectifications); a transition runs them all and
reports every refusal. `grep register(` lists every use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.projects import rules

Guard = Callable[[Any], str | None]
_guards: dict[str, list[Guard]] = {}


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
    """A design budget more than the city's margin (10 %) above the approved estimate needs the
    city's re-approval first."""
    from huanxin.projects.querysets import combined_estimate, config_for, design_budget

    budget = design_budget(project)
    margin = config_for(project.estate.region.code).reapproval_margin
    if rules.needs_reapproval(budget, combined_estimate(project), margin, project.reapproved_budget_yuan):
        return _("设计预算%(budget)s元超过批准估算%(margin)s%%以上，须先经市级重新批准") % {
            "budget": f"{budget:,.0f}",
            "margin": f"{margin * 100:.0f}",
        }
    return None


def basic_needs_covered(project: Any) -> str | None:
    """应改尽改: every basic problem of the condition assessment, major or worse, is in the
    design or carries a written reason why not — unless the city has turned the guard off."""
    from huanxin.projects.querysets import basic_coverage_for, config_for, named_problems

    if not config_for(project.estate.region.code).basic_coverage_guard or not project.items.exists():
        return None  # with no design yet, design_entered says what to do first
    open_problems = basic_coverage_for(project).open
    if not open_problems:
        return None
    return _("现状评估中的重大问题未纳入设计，也未说明理由：%(problems)s") % {
        "problems": named_problems(open_problems)
    }


def publicity_period_over(project: Any) -> str | None:
    from huanxin.projects.querysets import config_for, publicity_started_on

    days = config_for(project.estate.region.code).publicity_days
    started = publicity_started_on(project)
    if started is None:
        return _("设计尚未公示")
    ends = started + dt.timedelta(days=days)
    if clock.today() < ends:
        return _("设计公示期（%(days)d天）至%(ends)s结束") % {"days": days, "ends": ends.isoformat()}
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


def acceptance_signed(project: Any) -> str | None:
    from huanxin.projects.querysets import missing_signatures

    missing = missing_signatures(project)
    if missing:
        return _("缺少%(parties)s签字") % {"parties": "、".join(missing)}
    return None


def management_mode_recorded(project: Any) -> str | None:
    from huanxin.projects.models import Handover

    if not Handover.objects.filter(project=project).exists():
        return _("尚未登记移交后的长效管理模式")
    return None


def _percent(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def design_vote_passed(project: Any) -> str | None:
    """The design vote (Civil Code art. 278): enough owners by area and headcount took part, and
    enough of them agreed."""
    from huanxin.projects.querysets import design_vote_result

    result = design_vote_result(project)
    if result.passes:
        return None
    figures = _("参与：人数%(ph)s、面积%(pa)s；同意：人数%(ah)s、面积%(aa)s") % {
        "ph": _percent(result.participation_heads),
        "pa": _percent(result.participation_area),
        "ah": _percent(result.agreement_heads),
        "aa": _percent(result.agreement_area),
    }
    if result.heads_voted == 0:
        return _("设计方案尚无业主表决")
    if result.passes is None:
        return _("设计方案表决结果无法确定（住户面积未全部登记）：%(figures)s") % {"figures": figures}
    return _("设计方案表决未通过：%(figures)s") % {"figures": figures}


def satisfaction_reached(project: Any) -> str | None:
    """Where the city asks for it (off by default): enough residents satisfied with the result."""
    from huanxin.projects.querysets import config_for, satisfaction_levels

    config = config_for(project.estate.region.code)
    if not config.satisfaction_guard:
        return None
    share = rules.satisfied_share(satisfaction_levels(project))
    if share is None:
        return _("尚无居民满意度评价")
    if share < config.satisfaction_threshold:
        return _("居民满意率%(share)s，低于%(threshold)s") % {
            "share": _percent(share),
            "threshold": _percent(config.satisfaction_threshold),
        }
    return None


def register_own_guards() -> None:
    register(rules.PUBLICITY, design_entered)
    register(rules.PUBLICITY, design_within_estimate)
    register(rules.PUBLICITY, basic_needs_covered)
    register(rules.CONSTRUCTION, publicity_period_over)
    register(rules.CONSTRUCTION, design_vote_passed)
    register(rules.CONSTRUCTION, organizations_assigned)
    register(rules.AWAITING_ACCEPTANCE, every_item_complete)
    register(rules.ACCEPTED, every_item_complete)  # a report after the move may have lowered one
    register(rules.ACCEPTED, acceptance_signed)
    register(rules.ACCEPTED, satisfaction_reached)
    register(rules.HANDED_OVER, management_mode_recorded)
