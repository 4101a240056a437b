"""Background work for large ledgers, run by `huanxin db_worker`."""

from django_tasks import task

from huanxin.core.worker import when_abandoned
from huanxin.estates import services


@task()
def ledger_import_check_task(job_id: str) -> None:
    services.ledger_import_check(job_id=job_id)


@task()
def ledger_import_run_task(job_id: str) -> None:
    services.ledger_import_run(job_id=job_id)


@when_abandoned(ledger_import_check_task)
@when_abandoned(ledger_import_run_task)
def ledger_import_abandoned(job_id: str) -> None:
    services.ledger_import_abandoned(job_id=job_id)
