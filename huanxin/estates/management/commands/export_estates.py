"""`huanxin export_estates FILE [--region CODE]`: the ledger as xlsx or csv, by the file's suffix."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.scoping import SYSTEM
from huanxin.core.spreadsheets import export_title
from huanxin.estates import exports
from huanxin.estates.filtersets import filter_estates
from huanxin.estates.querysets import estates_for


class Command(BaseCommand):
    help = "Export the estate ledger in the import template (xlsx or csv)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--region", help="only this node's subtree (either code form)")

    def handle(self, *args: Any, file: Path, region: str | None, **options: Any) -> None:
        estates, filterset = filter_estates(estates_for(SYSTEM), {"region": region} if region else {})
        if file.suffix.lower() == ".csv":
            content = exports.estates_csv(estates.iterator())
        elif file.suffix.lower() == ".xlsx":
            title = export_title(_("小区台账"), filterset.form, clock.today())
            content = exports.estates_xlsx(estates.iterator(), title)
        else:
            raise CommandError("文件名应以 .xlsx 或 .csv 结尾")
        file.write_bytes(content)
        audit_record(
            action="estate.export", actor=SYSTEM, detail={"format": file.suffix, "region": region or ""}
        )
        self.stdout.write(f"已导出 {estates.count()} 个小区到 {file}")
