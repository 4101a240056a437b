"""What a ledger may get wrong while every cell reads well (SPEC 4.2): numbers that are possible
but unlikely, and a new estate that is probably one the registry already holds under a slightly
different name. Both are shown to the officer, who confirms or decides; neither refuses a row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core.text import folded_name

AREA_PER_HOUSEHOLD = (Decimal(15), Decimal(500))  # ㎡: outside it, the unit is usually wrong
EARLIEST_LIKELY_YEAR = 1949


@dataclass(frozen=True)
class Doubt:
    field: str  # the ledger column's key
    reason: str


def doubts_about(values: dict[str, Any], *, this_year: int) -> list[Doubt]:
    """An estate's values after the row is applied (new ones, or the old ones the row leaves as
    they were): what an officer should look at twice before importing."""
    doubts = []
    households, area = values.get("households"), values.get("floor_area_m2")
    if households and area is not None:
        per_household = Decimal(area) / households
        low, high = AREA_PER_HOUSEHOLD
        if not low <= per_household <= high:
            doubts.append(
                Doubt(
                    "floor_area_m2",
                    _(
                        "户均面积 %(per)s ㎡，不在 %(low)d–%(high)d ㎡ 之间：请核对面积单位"
                        "（万平方米与平方米）和户数"
                    )
                    % {"per": f"{per_household:,.1f}", "low": low, "high": high},
                ),
            )
    year = values.get("year_built")
    if year is not None and year < EARLIEST_LIKELY_YEAR:
        doubts.append(Doubt("year_built", _("建成年份早于1949年，请核对")))
    if year is not None and year > this_year:
        doubts.append(
            Doubt("year_built", _("建成年份在今年（%(year)d年）之后，请核对") % {"year": this_year})
        )
    if households and values.get("building_count") == 0:
        doubts.append(Doubt("building_count", _("有住户但楼栋数为0，请核对")))
    return doubts


# （1-6栋）, 11-14栋, 3#楼, 1号楼 — which part of an estate a row is about, not which estate.
BUILDINGS = re.compile(r"\d+\s*([-~～至到、,]\s*\d+)*\s*(栋|幢|号楼|#楼|#|单元|号)")
BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
LOOSE_SUFFIXES = (
    "小区",
    "宿舍区",
    "宿舍楼",
    "宿舍",
    "家属院",
    "家属区",
    "大院",
    "院",
    "片区",
    "住宅区",
    "楼",
)


def likeness_key(name: str) -> str:
    """A name without what offices add or leave off: brackets, building ranges and the
    suffixes 小区, 宿舍, 院. 电力公司宿舍（1-6栋）, 电力公司宿舍11-14栋 and 电力公司 share one key."""
    text = folded_name(name)
    text = BRACKETS.sub("", text)
    text = BUILDINGS.sub("", text)
    stripped = True
    while stripped:
        stripped = False
        for suffix in LOOSE_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, stripped = text[: -len(suffix)], True
                break
    return text
