"""`huanxin tasks_recover`: take up the tasks a dead worker left running (for cron, beside the
workers; each worker also does it as it starts)."""

from typing import Any

from django.core.management.base import BaseCommand

from huanxin.core.worker import tasks_recover


class Command(BaseCommand):
    help = "Queue again, or fail, the tasks left running by a worker that stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = tasks_recover()
        self.stdout.write(f"重新排队 {recovered.again} 个，标记失败 {recovered.failed} 个")
