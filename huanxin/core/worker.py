"""The background worker's own care. A worker killed in the middle of a task (out of memory, a
deploy, `kill -9`) leaves the task RUNNING for good and the job it serves half-way: so each worker,
as it starts, takes up the tasks left running longer than HUANXIN_TASK_STALE_MINUTES — again, if
they have been tried fewer than HUANXIN_TASK_ATTEMPTS times (our tasks may run twice: a check
reads again, an import writes in one transaction), else failed — and the app that enqueued a
failed one is told, so that its job ends failed with a reason instead of "checking" for ever.
`huanxin tasks_recover` does the same from cron, where workers seldom restart."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# task path → what its app does when the task is given up: (args, kwargs) of the task
Abandoned = Callable[..., None]
_abandoned: dict[str, Abandoned] = {}


def when_abandoned(task: Any) -> Callable[[Abandoned], Abandoned]:
    """Register what to do with a task's job once the task is given up (a decorator)."""

    def register(handler: Abandoned) -> Abandoned:
        _abandoned[task.module_path] = handler
        return handler

    return register


@dataclass
class Recovered:
    again: int = 0
    failed: int = 0


def tasks_recover(*, now: dt.datetime | None = None) -> Recovered:
    now = now or timezone.now()
    stale_before = now - dt.timedelta(minutes=settings.HUANXIN_TASK_STALE_MINUTES)
    recovered = Recovered()
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=stale_before
        )
        for result in stale:
            if len(result.worker_ids) < settings.HUANXIN_TASK_ATTEMPTS:
                result.status, result.started_at = TaskResultStatus.READY, None
                result.save(update_fields=["status", "started_at"])
                recovered.again += 1
                continue
            result.status, result.finished_at = TaskResultStatus.FAILED, now
            result.exception_class_path = "huanxin.core.worker.WorkerDied"
            result.traceback = f"the worker running it stopped ({len(result.worker_ids)} attempts)"
            result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            handler = _abandoned.get(result.task_path)
            if handler is not None:
                handler(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            recovered.failed += 1
    if recovered.again or recovered.failed:
        logger.warning("tasks left running: %d queued again, %d failed", recovered.again, recovered.failed)
    return recovered
