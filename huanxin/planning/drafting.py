"""The optimizer drafting a plan. On a large pool the solve and its explanations take half a minute
or more, so the plan page asks for a run (`optimizer_run_request`), the background worker performs
it (`optimizer_run_perform`, from planning/tasks.py) and the page follows the run's stage until the
draft is written. The draft changes only if nobody edited the plan meanwhile (its version)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, Invalid, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.planning import optimizer
from huanxin.planning.models import AnnualPlan, OptimizerRun
from huanxin.planning.querysets import candidate_priority
from huanxin.planning.services import (
    available_candidates,
    locked_draft,
    plan_set_entries,
    refuse_unless_planner,
)
from huanxin.regions.models import Region

logger = logging.getLogger(__name__)

LONGEST_TIME_LIMIT_S = 60.0
SHORTEST_TIME_LIMIT_S = 1.0


def plan_draft_with_optimizer(
    *,
    by: Any,
    plan_id: int,
    version: int,
    min_share: dict[str, float] | None = None,
    max_share: dict[str, float] | None = None,
    must_include: list[int] | None = None,
    must_exclude: list[int] | None = None,
    time_limit_s: float = 10,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> optimizer.Solution:
    """The optimizer's pick from the pool becomes the draft's entries, each with its reason; the
    reasons of those left out are kept with the plan."""
    refuse_unless_planner(by)
    plan = get_visible_or_404(AnnualPlan.objects.select_related("program__region"), by, pk=plan_id)
    on_stage(OptimizerRun.Stage.POOL)
    candidates = [c for c in available_candidates(by, plan) if c.estimated_cost_yuan]
    problem = optimizer.Problem(
        budget=float(plan.budget_yuan),
        candidates=[
            optimizer.Candidate(
                c.estate_id,
                c.estate.region.code[:6],
                float(c.estimated_cost_yuan or 0),
                c.estate.households,
                candidate_priority(c).score,
            )
            for c in candidates
        ],
        min_share=min_share or {},
        max_share=max_share or {},
        must_include=frozenset(must_include or []),
        must_exclude=frozenset(must_exclude or []),
        time_limit_s=time_limit_s,
        district_names={r.code[:6]: r.name for r in Region.objects.filter(level="county")},
    )
    solution = optimizer.optimize(problem, on_stage=on_stage)
    if solution.status not in ("optimal", "time_limit"):  # keep the draft as it was
        raise Refused(_("未能生成草案：%(why)s") % {"why": "；".join(solution.conflicts) or solution.status})
    on_stage(OptimizerRun.Stage.SAVE)
    reasons = {int(key): text for key, text in solution.reasons.items()}  # type: ignore[call-overload]
    plan = plan_set_entries(
        by=by,
        plan_id=plan.pk,
        version=version,
        estate_ids=[int(i) for i in solution.selected],  # type: ignore[call-overload]
        reasons=reasons,
    )
    plan.optimizer_summary = {**optimizer.as_dict(solution), "candidates": len(candidates)}
    plan.save(update_fields=["optimizer_summary"])
    return solution


def _bounded_options(
    min_share: dict[str, float], max_share: dict[str, float], time_limit_s: float
) -> dict[str, Any]:
    for share in [*min_share.values(), *max_share.values()]:
        if not (math.isfinite(share) and 0 <= share <= 1):
            raise Invalid(_("份额应为0–100之间的数字"))
    if not math.isfinite(time_limit_s):
        raise Invalid(_("求解时限应为数字（秒）"))
    return {
        "min_share": min_share,
        "max_share": max_share,
        "time_limit_s": min(LONGEST_TIME_LIMIT_S, max(SHORTEST_TIME_LIMIT_S, time_limit_s)),
    }


def optimizer_run_request(
    *,
    by: Any,
    plan_id: int,
    version: int,
    min_share: dict[str, float],
    max_share: dict[str, float],
    time_limit_s: float,
) -> OptimizerRun:
    """Queue a run for the worker; refused while another run of the plan is still working."""
    refuse_unless_planner(by)
    options = _bounded_options(min_share, max_share, time_limit_s)
    with transaction.atomic():
        plan = locked_draft(by, plan_id, version)
        if plan.optimizer_runs.filter(status__in=OptimizerRun.ACTIVE).exists():
            raise Refused(_("优化正在进行中，请等它完成后再运行"))
        run = OptimizerRun.objects.create(
            plan=plan, requested_by=by, plan_version=plan.version, options=options
        )
        audit_record(
            action="plan.optimize",
            actor=by,
            target=plan,
            region_code=plan.program.region.code,
            detail={"run": run.pk, **options},
        )
        from huanxin.planning.tasks import plan_optimize_task  # tasks import this module

        # in this transaction: the run and its task are stored together or not at all
        plan_optimize_task.enqueue(run.pk)
    return run


def _finish(run_id: int, status: str, outcome: str) -> None:
    OptimizerRun.objects.filter(pk=run_id, status__in=OptimizerRun.ACTIVE).update(
        status=status, outcome=outcome, finished_at=timezone.now()
    )


def optimizer_run_perform(*, run_id: int) -> None:
    """The worker's part. A run taken up again after its worker died starts over."""
    claimed = OptimizerRun.objects.filter(pk=run_id, status__in=OptimizerRun.ACTIVE).update(
        status=OptimizerRun.Status.RUNNING, started_at=timezone.now(), stage=OptimizerRun.Stage.POOL
    )
    if not claimed:
        return
    run = OptimizerRun.objects.select_related("requested_by").get(pk=run_id)

    def on_stage(stage: str) -> None:
        OptimizerRun.objects.filter(pk=run_id).update(stage=stage)

    try:
        solution = plan_draft_with_optimizer(
            by=run.requested_by,
            plan_id=run.plan_id,
            version=run.plan_version,
            min_share=run.options.get("min_share"),
            max_share=run.options.get("max_share"),
            time_limit_s=run.time_limit_s,
            on_stage=on_stage,
        )
    except HuanxinError as error:
        _finish(run_id, OptimizerRun.Status.FAILED, error.message)
    except Exception:
        logger.exception("optimizer run %s failed", run_id)
        _finish(run_id, OptimizerRun.Status.FAILED, _("计算出错，草案未改动；请重试，或联系系统管理员"))
    else:
        _finish(
            run_id,
            OptimizerRun.Status.DONE,
            _("已按优化结果生成草案：%(n)d 个小区（求解状态：%(status)s）")
            % {"n": len(solution.selected), "status": optimizer.status_words(solution.status)},
        )


def optimizer_run_abandoned(*, run_id: int) -> None:
    _finish(run_id, OptimizerRun.Status.FAILED, _("后台任务中断，草案未改动；请重新运行优化"))
