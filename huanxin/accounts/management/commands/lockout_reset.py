"""`huanxin lockout_reset [--address IP] [--username NAME]`: unlock a user early and lift the
per-address throttle of staff logins and of residents' code attempts; with neither, everything."""

from typing import Any

from django.core.management.base import BaseCommand

from huanxin.accounts.services import lockout_reset


class Command(BaseCommand):
    help = "Lift login lockouts and the per-address throttle (all of them when no option is given)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--address", help="a client address (IPv4 or IPv6)")
        parser.add_argument("--username", help="a login name")

    def handle(self, *args: Any, address: str | None, username: str | None, **options: Any) -> None:
        removed = lockout_reset(address=address, username=username)
        self.stdout.write(
            f"已解除：锁定记录 {removed} 条；地址限制：{address or ('全部' if not username else '无')}"
        )
