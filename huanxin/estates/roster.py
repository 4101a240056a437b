"""Reading a community's household roster (住户名册) from a spreadsheet: building, unit, room,
floor area, owner's name and phone. Headers by meaning, every error at once, as for ledgers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core.spreadsheets import Table, cell_text, cell_words
from huanxin.estates import rules
from huanxin.estates.ledger import LedgerError, find_header, is_blank_row, synonyms_of
from huanxin.estates.ledger_columns import Column
from huanxin.estates.rules import ValueRefused

COLUMNS = [
    Column("building", "楼栋", ("楼栋", "楼号", "栋号", "幢号", "楼栋号"), required=True),
    Column("unit", "单元", ("单元", "单元号")),
    Column("room", "房号", ("房号", "门牌号", "室号", "房间号"), required=True),
    Column("floor_area_m2", "面积（㎡）", ("面积", "建筑面积", "房屋面积", "住房面积")),
    Column("owner_name", "户主姓名", ("户主", "户主姓名", "姓名", "业主姓名", "业主")),
    Column("owner_phone", "联系电话", ("电话", "联系电话", "手机", "手机号", "联系方式")),
]
SYNONYMS = synonyms_of(COLUMNS)
_PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")


@dataclass
class RosterRow:
    row: int
    values: dict[str, Any]


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[LedgerError] = field(default_factory=list)


def building_name(value: Any) -> str:
    """3 → 3栋; 3号楼 and 3栋 stay as written (the same spelling by hand and by file)."""
    text = cell_words(value)
    return f"{text}栋" if text.isdigit() else text


def unit_name(value: Any) -> str:
    return cell_text(value).removesuffix("单元") or "1"


def room_name(value: Any) -> str:
    return cell_text(value).removesuffix("室").removesuffix("号")


def _phone(value: Any) -> str:
    phone = cell_text(value).replace(" ", "")
    if phone and not _PHONE.match(phone):
        raise ValueRefused(_("电话号码格式不正确"))
    return phone


def read_roster(tables: list[Table]) -> ParsedRoster:
    parsed = ParsedRoster()
    table = next((t for t in tables if find_header(t, SYNONYMS, minimum=2)), None)
    if table is None:
        parsed.errors.append(LedgerError("", None, "", "", _("没有找到名册表头（需包含楼栋、房号等列）")))
        return parsed
    header = find_header(table, SYNONYMS, minimum=2)
    assert header is not None
    present = set(header.columns.values())
    for column in COLUMNS:
        if column.required and column.key not in present:
            parsed.errors.append(
                LedgerError(table.sheet, header.first_row + 1, column.label, "", _("缺少必填列"))
            )
    if parsed.errors:
        return parsed
    parsers = {
        "building": building_name,
        "unit": unit_name,
        "room": room_name,
        "owner_name": cell_words,
        "owner_phone": _phone,
        "floor_area_m2": lambda value: rules.parse_area(value),
    }
    seen: dict[tuple[str, str, str], int] = {}
    for index in range(header.first_row + header.row_count, len(table.rows)):
        cells = table.rows[index]
        if is_blank_row(cells):
            continue
        values: dict[str, Any] = {"unit": "1"}
        ok = True
        for column_index, key in header.columns.items():
            raw = cells[column_index] if column_index < len(cells) else ""
            if is_blank_row([raw]):
                if key in ("building", "room"):
                    parsed.errors.append(
                        LedgerError(table.sheet, index + 1, header.labels[column_index], "", _("必填项为空"))
                    )
                    ok = False
                continue
            try:
                values[key] = parsers[key](raw)
            except ValueRefused as refused:
                parsed.errors.append(
                    LedgerError(
                        table.sheet, index + 1, header.labels[column_index], cell_text(raw), str(refused)
                    )
                )
                ok = False
        if not ok:
            continue
        address = (values["building"], values["unit"], values["room"])
        if address in seen:
            parsed.errors.append(
                LedgerError(
                    table.sheet,
                    index + 1,
                    "房号",
                    values["room"],
                    _("与第%(row)d行是同一户") % {"row": seen[address]},
                )
            )
            continue
        seen[address] = index + 1
        values.setdefault("floor_area_m2", None)
        parsed.rows.append(RosterRow(index + 1, values))
    return parsed
