"""Background work for resident identity, run by `huanxin db_worker`."""

import logging

from django_tasks import task

from huanxin.residents import services

logger = logging.getLogger(__name__)


@task()
def resident_codes_prune_task() -> None:
    """Enqueued by the codes themselves (see services._prune_scheduled): no scheduler needed."""
    logger.info("resident codes pruned: %s", services.resident_codes_prune())
