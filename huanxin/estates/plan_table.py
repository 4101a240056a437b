"""A county's plan table (区县年度改造计划表) read with the ledger: per estate the works it intends
(改造内容), their estimated cost (投资估算（万元）), where the money is to come from (资金来源) and
when (计划开工、完工). Offices write these as free text; this module reads them into what the
registry keeps (`DistrictEstimate`): yuan exact to the fen, menu codes, first and last days."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core.spreadsheets import cell_text
from huanxin.estates.rules import EXCEL_EPOCH, ValueRefused

WAN = Decimal(10_000)
MAX_YUAN = Decimal("99999999999999.99")  # the field's 16 digits
MONEY_UNITS = {"亿元": Decimal(100_000_000), "万元": WAN, "万": WAN, "元": Decimal(1)}


def money_unit_factor(header: str) -> Decimal:
    """The unit a money header names; a plan table's amounts are in 万元 unless it says 元."""
    folded = cell_text(header).replace(" ", "")
    for word, factor in MONEY_UNITS.items():
        if word in folded:
            return factor
    return WAN


def parse_amount(value: Any, *, header_factor: Decimal = WAN) -> Decimal:
    """Yuan, exact: 123.45 under 万元 is 1,234,500.00 yuan; '86万元', '1,234,500元' say their own
    unit. calamine's floats are read through their shortest text (123.45, not 123.4499…)."""
    if isinstance(value, bool):
        raise ValueRefused(_("应为金额"))
    text = cell_text(value).replace(",", "").replace(" ", "").replace("，", "")
    factor = header_factor
    for word, unit in MONEY_UNITS.items():
        if text.endswith(word):
            text, factor = text.removesuffix(word), unit
            break
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueRefused(_("应为金额，如 123.45（万元）")) from None
    if not number.is_finite() or number <= 0:
        raise ValueRefused(_("金额应大于0"))
    yuan = number * factor
    if yuan > MAX_YUAN:  # before quantizing, which a number past the precision cannot survive
        raise ValueRefused(_("金额过大"))
    yuan = yuan.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if yuan <= 0:
        raise ValueRefused(_("金额应大于0"))
    return yuan


_MONTH = re.compile(r"^(\d{4})(?:[年./\-](\d{1,2})(?:[月./\-](\d{1,2})日?)?月?)?年?$")
_SPAN_WORDS = re.compile(r"至|到|~|～|—+")


def parse_planned_day(value: Any, *, end: bool = False) -> dt.date:
    """2020-03-01, 2020/3/1, 2020年3月, 2020.3, 2020 or a date cell. A month (or a year) means
    its first day for a start and its last day for an end."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 <= value <= 73_050:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))  # an Excel serial kept as a number
    match = _MONTH.match(cell_text(value).replace(" ", ""))
    if match is None:
        raise ValueRefused(_("无法识别的日期，应写作2020-03-01、2020年3月或2020.3"))
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if not 1990 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueRefused(_("日期不存在"))
    if match.group(3):
        try:
            return dt.date(year, month, int(match.group(3)))
        except ValueError:
            raise ValueRefused(_("日期不存在")) from None
    return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)


def parse_planned_span(value: Any) -> tuple[dt.date, dt.date]:
    """计划起止时间 in one cell: 2020.3-2020.10, 2020年3月至2020年10月, 2020-03-01至2020-10-31,
    2020-03-01-2020-10-31. A hyphen inside ISO dates is not the span's: each cut is tried."""
    text = cell_text(value).replace(" ", "")
    parts = [part for part in _SPAN_WORDS.split(text) if part]
    if len(parts) == 2:
        cuts = [(parts[0], parts[1])]
    else:
        cuts = [(text[:index], text[index + 1 :]) for index, char in enumerate(text) if char == "-"]
    for first, last in cuts:
        try:
            start, end = parse_planned_day(first), parse_planned_day(last, end=True)
        except ValueRefused:
            continue
        if end < start:
            raise ValueRefused(_("结束日期早于开始日期"))
        return start, end
    raise ValueRefused(_("应写作开始和结束两个日期，如2020.3-2020.10"))


# Words offices use for the works of the national menu (catalog/data/default_menu.csv), by the
# menu's code. A city that renumbers its menu loses only these hints, never the text.
WORK_WORDS: dict[str, tuple[str, ...]] = {
    "B01": ("供水", "自来水", "给水", "二次供水", "水表"),
    "B02": ("排水", "雨污", "污水", "化粪池", "下水", "管网"),
    "B03": ("供电", "电力", "强电", "电表", "配电"),
    "B04": ("弱电", "光纤", "通信", "线缆", "飞线", "三线"),
    "B05": ("燃气", "天然气", "煤气"),
    "B06": ("道路", "路面", "硬化", "铺装"),
    "B07": ("消防",),
    "B08": ("安防", "门禁", "监控"),
    "B09": ("屋面", "防水", "平改坡"),
    "B10": ("外墙", "楼道", "公共部位", "楼梯", "立面"),
    "I01": ("违建", "违法建设", "拆违"),
    "I02": ("绿化", "环境整治", "垃圾"),
    "I03": ("照明", "路灯", "亮化"),
    "I04": ("停车", "充电"),
    "I05": ("电梯",),
    "I06": ("适老", "无障碍", "扶手"),
    "I07": ("健身", "文化", "休闲"),
    "E01": ("物业用房", "服务用房", "综合服务"),
    "E02": ("养老", "托育", "助餐"),
    "E03": ("便民", "快递", "便利店"),
    "E04": ("智慧", "智能"),
}
_WORK_SPLIT = re.compile(r"[、，,；;。\n/]+|及|和|与")


def works_to_codes(text: str, menu: dict[str, str]) -> tuple[list[str], list[str]]:
    """The menu codes a 改造内容 text names, in the menu's order, and the phrases that named
    none (kept in the text, shown to the officer). `menu`: code → name, the city's own menu."""
    found: set[str] = set()
    unread: list[str] = []
    for phrase in (part.strip() for part in _WORK_SPLIT.split(cell_text(text))):
        if not phrase:
            continue
        codes = {
            code
            for code, name in menu.items()
            if (len(phrase) > 1 and phrase in name)
            or name in phrase
            or any(word in phrase for word in WORK_WORDS.get(code, ()))
        }
        found |= codes
        if not codes:
            unread.append(phrase)
    return [code for code in menu if code in found], unread
