"""`huanxin import_estates FILE [--dry-run] [--region CODE] [--user NAME]`: a ledger in the
foreground, with a progress bar, every error listed, and nothing written if any is found."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from huanxin.accounts.models import User
from huanxin.core.errors import HuanxinError
from huanxin.core.scoping import SYSTEM
from huanxin.estates import services
from huanxin.regions.models import Region


class Command(BaseCommand):
    help = "Import an estate ledger (xlsx, xls, csv). Any error: nothing is written."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show what would change; write nothing"
        )
        parser.add_argument("--region", help="resolve region names under this node (either code form)")
        parser.add_argument(
            "--user", help="import as this user, inside their jurisdiction (default: the system)"
        )

    def handle(
        self, *args: Any, file: Path, dry_run: bool, region: str | None, user: str | None, **options: Any
    ) -> None:
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        by: Any = SYSTEM
        if user:
            try:
                by = User.objects.get(username=user, is_active=True)
            except User.DoesNotExist as error:
                raise CommandError(f"没有用户 {user}") from error
            if not by.can("estates", "import"):
                raise CommandError(f"用户 {user} 的角色不能导入台账")
        root = None
        if region:
            try:
                root = Region.objects.by_code(region)
            except (ValueError, Region.DoesNotExist) as error:
                raise CommandError(f"没有区划代码 {region}") from error
        try:
            parsed = services.ledger_read(
                file_name=file.name, content=file.read_bytes(), progress=self._progress
            )
            sys.stderr.write("\n")
            plan = services.ledger_plan(by=by, parsed=parsed, root=root)
        except HuanxinError as error:
            raise CommandError(error.message) from error
        for notice in plan.notices:
            self.stdout.write(self.style.WARNING(notice))
        summary = plan.summary()
        if plan.errors:
            for problem in plan.errors:
                self.stdout.write(str(problem))
            raise CommandError(f"发现 {len(plan.errors)} 处错误，未导入任何数据")
        line = (
            f"新增 {summary['created']} 个小区，更新 {summary['updated']} 个，{summary['unchanged']} 个无变化"
        )
        if dry_run:
            self.stdout.write(f"试运行（未写入）：{line}")
            return
        try:
            services.ledger_apply(by=by, plan=plan)
        except HuanxinError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"已导入：{line}"))

    @staticmethod
    def _progress(rows: int) -> None:
        sys.stderr.write(f"\r读取中… {rows:,} 行")
        sys.stderr.flush()
