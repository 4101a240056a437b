"""Estate rules: codes (SPEC 4.2: the community's 12 digits, a dash and a 3-digit serial), what
counts as old, and the values of the ledgers streets keep."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huanxin.core.bounds import HOUSEHOLDS_MAX
from huanxin.core.spreadsheets import cell_text

CODE_PATTERN = re.compile(r"^(\d{12})-(\d{3})$")

# SPEC 5.1's exclusions, defined here once: the estate's boolean fields of the same names, the
# form, the API schemas, the list filter and planning's eligibility rules all read this mapping.
# A new exclusion is a new entry here plus its model field (and migration).
EXCLUSION_FLAGS = {
    "in_shantytown_plan": gettext_lazy("纳入棚户区改造计划"),
    "planned_demolition": gettext_lazy("拟拆除新建、改扩建、翻建"),
    "self_built_area": gettext_lazy("居民自建住房为主"),
    "urban_village": gettext_lazy("城中村"),
}


def estate_code(community_code: str, serial: int) -> str:
    if not 1 <= serial <= 999:
        raise ValueError("an estate serial runs from 001 to 999")
    return f"{community_code}-{serial:03d}"


def serial_of(code: str) -> int:
    """The serial after the community code (430802004001-012 → 12); 0 for a code of another form."""
    match = CODE_PATTERN.match(code)
    return int(match.group(2)) if match else 0


def next_serial(existing_codes: list[str]) -> int:
    return max((serial_of(code) for code in existing_codes), default=0) + 1


def is_old(year_built: int | None, cutoff_year: int) -> bool | None:
    """Built no later than the cutoff; None when the year is unknown."""
    if year_built is None:
        return None
    return year_built <= cutoff_year


# ---------------------------------------------------------------------------------------------
# Ledger values (台账): the spellings streets really use, each parsed to one value or refused
# with a reason in Chinese. Pure functions of the cell; `core.spreadsheets.cell_text` has already
# folded full-width characters and spaces.
# ---------------------------------------------------------------------------------------------

EARLIEST_YEAR = 1900
EXCEL_EPOCH = _dt.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_YEAR_PATTERNS = [
    re.compile(r"^(\d{4})(?:年)?$"),
    re.compile(r"^(\d{4})年\d{1,2}月(?:\d{1,2}日)?$"),
    re.compile(r"^(\d{4})[./\-](\d{1,2})(?:[./\-]\d{1,2})?$"),
    re.compile(r"^(\d{4})-\d{2}-\d{2}(?:T[\d:.]+)?$"),
]
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
AREA_UNITS = {"万平方米": Decimal(10_000), "万m2": Decimal(10_000), "平方米": Decimal(1), "m2": Decimal(1)}
MANAGEMENT_MODE_WORDS = {
    "专业物业": "professional",
    "物业公司": "professional",
    "物业管理": "professional",
    "社区托管": "community_custody",
    "产权单位管理": "property_unit",
    "单位管理": "property_unit",
    "业主自治": "self_managed",
    "自治管理": "self_managed",
    "居民自治": "self_managed",
    "委托管理": "entrusted",
    "无管理": "none",
    "无物业": "none",
    "无": "none",
}


class ValueRefused(ValueError):
    """A cell that cannot be read as the column's value; the message is the reason shown."""


def _plain_number(text: str) -> Decimal | None:
    text = text.replace(",", "")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_year(value: Any, *, this_year: int) -> int:
    """1998, '1998', '1998年', '1998.06', '1998/6/1', '1998年6月', a date cell or an Excel serial."""
    if isinstance(value, _dt.datetime | _dt.date):
        year = value.year
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        if EARLIEST_YEAR <= number < 2101:
            year = int(number)  # 1998.06 typed as a number: year 1998, June
        elif 2101 <= number <= 73_050:
            year = (EXCEL_EPOCH + _dt.timedelta(days=int(number))).year
        else:
            raise ValueRefused(_("年份应在%(low)d至%(high)d之间") % {"low": EARLIEST_YEAR, "high": this_year})
    else:
        text = cell_text(value)
        if not text:
            raise ValueRefused(_("不能为空"))
        if "年代" in text:
            raise ValueRefused(_("请填写具体年份，如1995"))
        match = next((m for pattern in _YEAR_PATTERNS if (m := pattern.match(text))), None)
        if match is None:
            raise ValueRefused(_("无法识别的年份，应写作1998、1998年、1998.06或1998/6/1"))
        year = int(match.group(1))
        if len(match.groups()) >= 2 and match.group(2) and not 1 <= int(match.group(2)) <= 12:
            raise ValueRefused(_("月份不正确"))
    if not EARLIEST_YEAR <= year <= this_year:
        raise ValueRefused(_("年份应在%(low)d至%(high)d之间") % {"low": EARLIEST_YEAR, "high": this_year})
    return year


# Beyond any estate (the largest hold some tens of thousands of households): a typing slip or an
# attack, refused before it reaches the database's columns. The area's bound lets ㎡ typed under
# 万平方米 through (a warning the officer confirms or corrects) and stops what the column cannot hold.
MOST_COUNT = HOUSEHOLDS_MAX
MOST_AREA_M2 = Decimal(1_000_000_000)


def parse_count(
    value: Any, *, unit_words: tuple[str, ...] = ("户", "栋", "幢", "个"), most: int = MOST_COUNT
) -> int:
    """A whole count: 84, 84.0, '84', '84户', '1,234'; at most `most`."""
    if isinstance(value, bool):
        raise ValueRefused(_("应为整数"))
    text = cell_text(value)
    if not text:
        raise ValueRefused(_("不能为空"))
    for word in unit_words:
        text = text.removesuffix(word)
    number = _plain_number(text.strip())
    if number is None:
        raise ValueRefused(_("应为整数"))
    if number != number.to_integral_value():
        raise ValueRefused(_("应为整数，不能有小数"))
    if number < 0:
        raise ValueRefused(_("不能为负数"))
    if number > most:
        raise ValueRefused(_("数字过大（不超过%(most)s）") % {"most": f"{most:,}"})
    return int(number)


def area_unit_factor(text: str) -> Decimal | None:
    """The unit a header or a cell names: 万平方米 / 万㎡ → 10,000; 平方米 / ㎡ / m² → 1."""
    folded = cell_text(text).replace(" ", "")
    for word, factor in AREA_UNITS.items():
        if word in folded:
            return factor
    return None


def parse_area(value: Any, *, header_factor: Decimal = Decimal(1)) -> Decimal:
    """Square metres to 0.01: 8950, '8,950㎡', '8950平方米', '0.895万平方米', '8950 m²'. A unit in
    the cell wins over the one in the header."""
    if isinstance(value, bool):
        raise ValueRefused(_("应为数字"))
    text = cell_text(value).replace(" ", "")
    if not text:
        raise ValueRefused(_("不能为空"))
    factor = area_unit_factor(text) or header_factor
    for word in AREA_UNITS:
        text = text.replace(word, "")
    number = _plain_number(text)
    if number is None:
        raise ValueRefused(_("应为数字，单位可写㎡、平方米或万平方米"))
    area = number * factor
    if area > MOST_AREA_M2:  # before quantizing, which a number past the precision cannot survive
        raise ValueRefused(
            _("面积过大（不超过%(most)s万平方米）：请核对单位") % {"most": f"{MOST_AREA_M2 / 10_000:,.0f}"}
        )
    area = area.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if area <= 0:
        raise ValueRefused(_("面积应大于0"))
    return area


def parse_coordinate(value: Any, *, low: Decimal, high: Decimal) -> Decimal:
    number = _plain_number(cell_text(value))
    if number is None:
        raise ValueRefused(_("应为数字"))
    if not low <= number <= high:
        raise ValueRefused(_("应在%(low)s至%(high)s之间") % {"low": low, "high": high})
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def parse_management_mode(value: Any) -> str:
    text = cell_text(value).replace(" ", "")
    if text in MANAGEMENT_MODE_WORDS:
        return MANAGEMENT_MODE_WORDS[text]
    raise ValueRefused(
        _("无法识别的管理模式，应为：%(modes)s")
        % {"modes": "、".join(sorted(set(MANAGEMENT_MODE_WORDS) - {"无"}))}
    )
