"""`make demo`'s last step: the web server and one background worker together; Ctrl-C stops both."""

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from huanxin.demo.people import DEMO_PASSWORD, LOGINS


class Command(BaseCommand):
    help = "Serve the demo on 127.0.0.1:8000 with one db_worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(f"焕新 示例城市：http://{addr}/"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in LOGINS:
            self.stdout.write(f"  {login.username:<11} {login.full_name}")
        worker = subprocess.Popen([sys.executable, "-m", "huanxin", "db_worker"])
        try:
            call_command("runserver", addr, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
