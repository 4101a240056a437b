"""The root of the division tree, the node a request names, and loading the tree from a CSV kept
in the repository (code,name)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core.errors import Invalid, NotFound
from huanxin.regions import rules
from huanxin.regions.models import Region

DEFAULT_CSV = Path(__file__).parent / "data" / "regions.csv"


def national_root() -> Region:
    """The nation (中华人民共和国), made on first need. Provinces loaded before it existed are hung
    under it, so that every tree has one top and national figures are one node's figures."""
    root, _created = Region.objects.get_or_create(
        code=rules.NATION_CODE, defaults={"name": rules.NATION_NAME, "level": rules.Level.NATION.value}
    )
    Region.objects.filter(parent__isnull=True, level=rules.Level.PROVINCE.value).update(parent=root)
    return root


def region_asked(code: str) -> Region:
    """The node a request names (either code form), or the error that says what is wrong."""
    try:
        return Region.objects.by_code(code)
    except ValueError as error:
        raise Invalid(_("区划代码格式错误：%(code)s") % {"code": code}) from error
    except Region.DoesNotExist as error:
        raise NotFound(_("区划代码不存在：%(code)s") % {"code": code}) from error


def top_node() -> Region | None:
    """Where those without a region of their own (the administrator, the auditor) start: the
    nation once loaded, else the first city of a tree loaded without it."""
    root = Region.objects.filter(code=rules.NATION_CODE).first()
    return root or Region.objects.filter(level=rules.Level.CITY.value).order_by("code").first()


def regions_load_csv(*, path: Path = DEFAULT_CSV) -> int:
    """Create or rename the nodes listed; parents are found by code. Returns how many were new."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(rules.full_code(row["code"]), row["name"].strip()) for row in csv.DictReader(handle)]
    rows.sort()
    created = 0
    with transaction.atomic():
        national_root()
        by_code: dict[str, Region] = {region.code: region for region in Region.objects.all()}
        for code, name in rows:
            parent = _parent_of(code, by_code)
            level = rules.level_of(code).value
            region = by_code.get(code)
            if region is None:
                region = Region.objects.create(code=code, name=name, level=level, parent=parent)
                by_code[code] = region
                created += 1
            elif (region.name, region.level, region.parent_id) != (name, level, parent and parent.pk):
                region.name, region.level, region.parent = name, level, parent
                region.save(update_fields=["name", "level", "parent"])
    return created


def _parent_of(code: str, by_code: dict[str, Region]) -> Region | None:
    """The nearest listed ancestor: a county's parent is its city, a street's its county."""
    level = rules.level_of(code)
    order = list(rules.PREFIX_LENGTH)
    for upper in reversed(order[: order.index(level)]):
        candidate = code[: rules.PREFIX_LENGTH[upper]].ljust(12, "0")
        if candidate in by_code:
            return by_code[candidate]
    return None
