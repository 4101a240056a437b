"""`huanxin db_worker`: django-tasks-db's worker, which first takes up the tasks a dead worker
left running (core/worker.py). Huanxin's core app is listed before django_tasks_db, so this
command is the one `db_worker` runs."""

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as Worker

from huanxin.core.worker import tasks_recover


class Command(Worker):
    def handle(self, *args: Any, **options: Any) -> None:
        recovered = tasks_recover()
        if recovered.again or recovered.failed:
            self.stdout.write(f"任务恢复：重新排队 {recovered.again} 个，标记失败 {recovered.failed} 个")
        super().handle(*args, **options)
