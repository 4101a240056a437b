"""`huanxin load_regions [--within 43] [--levels 5] [--file PATH]`: the national division table,
whole or one node's subtree (with its ancestors), down to a level; a newer table over an older
one adds, renames (keeping the old names) and retires, and never deletes."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from huanxin.core.errors import HuanxinError
from huanxin.regions.national import TABLE, regions_load_national


class Command(BaseCommand):
    help = "Load the national division table (or one subtree) into the regions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--within", default="", help="a node's 2/4/6/9-digit prefix (or either code form): its subtree"
        )
        parser.add_argument(
            "--levels", type=int, default=5, help="how deep: 1 = provinces … 5 = communities (default)"
        )
        parser.add_argument("--file", type=Path, default=TABLE, help="a code,name .csv.xz table")

    def handle(self, *args: Any, within: str, levels: int, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(_("找不到文件：%(file)s") % {"file": file})
        try:
            report = regions_load_national(path=file, within=within, levels=levels)
        except HuanxinError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _(
                "已载入区划表 %(file)s（范围：%(within)s，%(levels)d 级）：新增 %(added)d，更名 %(renamed)d，"
                "撤销 %(retired)d，恢复 %(restored)d，未变 %(unchanged)d"
            )
            % {
                "file": report.source,
                "within": report.within or _("全国"),
                "levels": report.levels,
                "added": report.added,
                "renamed": report.renamed,
                "retired": report.retired,
                "restored": report.restored,
                "unchanged": report.unchanged,
            }
        )
