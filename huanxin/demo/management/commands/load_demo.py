from typing import Any

from django.core.management.base import BaseCommand

from huanxin.demo.loader import load_demo
from huanxin.demo.people import DEMO_PASSWORD, LOGINS
from huanxin.demo.pool import demo_access_codes


class Command(BaseCommand):
    help = "Load the demo city (张家界市, DEMO.md). Running it again adds nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo()
        self.stdout.write(
            "示例城市已载入：新增 " + "，".join(f"{name} {count}" for name, count in counts.items())
        )
        self.stdout.write(
            f"演示账号（密码均为 {DEMO_PASSWORD}）：" + " ".join(login.username for login in LOGINS)
        )
        # Printing slips revokes the previous codes: these are the ones that work now.
        codes = demo_access_codes()
        self.stdout.write("居民手机页面（各户通知单上的二维码链接）和入户验证码（示例）：")
        for address, code, link in codes:
            self.stdout.write(f"  {address}  {code}  http://127.0.0.1:8000{link}")
