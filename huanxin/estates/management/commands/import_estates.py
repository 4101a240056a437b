"""`huanxin import_estates FILE [--dry-run] [--region CODE] [--user NAME] [--accept-warnings]
[--duplicates new|same]`: a ledger in the foreground, with a progress bar, every error listed,
and nothing written if any is found. Doubtful values are listed and need --accept-warnings; new
estates that look like existing ones are listed and need --duplicates (the web page asks row by
row)."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from huanxin.accounts.models import User
from huanxin.core import clock
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
        parser.add_argument(
            "--accept-warnings", action="store_true", help="the doubtful values listed have been checked"
        )
        parser.add_argument(
            "--duplicates",
            choices=[services.NEW, services.SAME],
            help="each new estate that looks like an existing one is: a new estate, or that same estate",
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        dry_run: bool,
        region: str | None,
        user: str | None,
        accept_warnings: bool,
        duplicates: str | None,
        **options: Any,
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
            source = f"{clock.today().isoformat()} {file.name}"
            plan = services.ledger_plan(by=by, parsed=parsed, root=root, source=source)
        except HuanxinError as error:
            raise CommandError(error.message) from error
        for notice in plan.notices:
            self.stdout.write(self.style.WARNING(notice))
        if plan.errors:
            for problem in plan.errors:
                self.stdout.write(str(problem))
            raise CommandError(f"发现 {len(plan.errors)} 处错误，未导入任何数据")
        for warning in plan.warnings:
            self.stdout.write(self.style.WARNING(f"请核对：{warning}"))
        for duplicate in plan.duplicates:
            self.stdout.write(
                self.style.WARNING(
                    f"疑似重复：第{duplicate.create.row.row}行“{duplicate.create.values['name']}”"
                    f"与已有小区“{duplicate.estate.name}”（{duplicate.estate.code}）"
                )
            )
        if plan.duplicates and duplicates is None:
            raise CommandError(
                f"有 {len(plan.duplicates)} 个新小区与已有小区名称相近：用 --duplicates new 作为新小区导入，"
                "或 --duplicates same 更新已有小区"
            )
        plan.decide({duplicate.key: duplicates or "" for duplicate in plan.duplicates})
        summary = plan.summary()
        line = (
            f"新增 {summary['created']} 个小区，更新 {summary['updated']} 个，{summary['unchanged']} 个无变化"
        )
        if dry_run:
            self.stdout.write(f"试运行（未写入）：{line}")
            return
        if plan.warnings and not accept_warnings:
            raise CommandError(
                f"有 {len(plan.warnings)} 处数据需要核对：核对无误后加 --accept-warnings 再导入"
            )
        try:
            services.ledger_apply(by=by, plan=plan, warnings_accepted=accept_warnings, source=source)
        except HuanxinError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"已导入：{line}"))

    @staticmethod
    def _progress(rows: int) -> None:
        sys.stderr.write(f"\r读取中… {rows:,} 行")
        sys.stderr.flush()
