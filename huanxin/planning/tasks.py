"""Background work of planning, run by `huanxin db_worker`."""

from django_tasks import task

from huanxin.core.worker import when_abandoned
from huanxin.planning import drafting


@task()
def plan_optimize_task(run_id: int) -> None:
    drafting.optimizer_run_perform(run_id=run_id)


@when_abandoned(plan_optimize_task)
def plan_optimize_abandoned(run_id: int) -> None:
    drafting.optimizer_run_abandoned(run_id=run_id)
