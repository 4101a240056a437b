"""Reading a ledger (台账) file into typed rows, with every error found at once.

This module knows the template's columns and the many ways streets write their headers and
values; it touches no database. `services.ledger_plan` then resolves regions and matches
estates, and `services.ledger_apply` writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core.spreadsheets import Table, cell_text, cell_words
from huanxin.estates import plan_table, rules
from huanxin.estates.ledger_columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    IDENTIFYING,
    IGNORED_SILENTLY,
    Column,
)
from huanxin.estates.rules import ValueRefused

HEADER_SCAN_ROWS = 20

# 永定街道小计, 全市小计：, 合 计, 总计（12个）, 小计：3个小区, 其中：1.历下区 — the sheet's own
# sums, whatever the spelling: skipped with their numbers.
SUMMARY_TEXT = re.compile(r"^(其中.*|.{0,30}(小计|合计|总计|共计)([:：].*|\(.*\))?[\d.,]*)$")
# The lines under the table: who filled it in, who checked, the phone, the day, the stamp, notes —
# a label word followed by a colon, a space or nothing (电话局宿舍 is an estate, 电话：… a footer).
FOOTER_LINE = re.compile(
    r"^(填表人|填报人|制表人|审核人|审核|负责人|分管领导|联系人|联系电话|电话|填报日期|填表日期|报送日期|日期"
    r"|填报单位|填表单位|报送单位|单位|盖章|注\d*|备注|说明|填表说明)(\(盖章\))?([:：\s].*)?$"
    r"|^\(盖章\)"
)

_PARENTHESES = re.compile(r"\([^)]*\)")


def _fold(text: str) -> str:
    """Header text compared by meaning: no spaces, no required-marks, ASCII parentheses."""
    return cell_text(text).replace(" ", "").replace("*", "").replace("（", "(").replace("）", ")")


def synonyms_of(columns: list[Column]) -> dict[str, str]:
    """Folded header text → column key, for one kind of sheet (the ledger, a roster)."""
    return {_fold(word): column.key for column in columns for word in column.synonyms}


LEDGER_SYNONYMS = synonyms_of(COLUMNS)


def column_for_header(text: str, synonyms: dict[str, str] = LEDGER_SYNONYMS) -> str | None:
    """A header's meaning: exact synonym first, then without a unit in parentheses
    (建筑面积（万平方米） → 建筑面积)."""
    folded = _fold(text)
    if not folded:
        return None
    if folded in synonyms:
        return synonyms[folded]
    bare = _PARENTHESES.sub("", folded)
    for word in ("万平方米", "平方米", "万m2", "m2", "(户)", "户"):
        bare = bare.replace(word, "") if bare != word else bare
    return synonyms.get(bare)


@dataclass
class LedgerError:
    sheet: str
    row: int | None  # as the spreadsheet shows it (1-based); None for the whole sheet
    column: str  # the file's own header, or ""
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"“{self.column}”列"
        value = f"（{self.value}）" if self.value else ""
        return f"{where}{value}：{self.reason}"


@dataclass
class LedgerRow:
    sheet: str
    row: int
    values: dict[str, Any]
    headers: dict[str, str]  # key → the file's header, for error messages

    def error(self, key: str, reason: str) -> LedgerError:
        """What is wrong with one of the row's cells, under the file's own header (the template's
        label when the file has no such column)."""
        label = self.headers.get(key) or (COLUMNS_BY_KEY[key].label if key in COLUMNS_BY_KEY else key)
        return LedgerError(self.sheet, self.row, label, str(self.values.get(key, "")), reason)


@dataclass
class Header:
    row_count: int  # 1 or 2 rows of header
    first_row: int  # index in the table
    columns: dict[int, str]  # column index → key
    labels: dict[int, str]  # column index → the file's header text
    area_factor: Decimal
    unknown: list[str]
    money_factor: Decimal = plan_table.WAN


@dataclass
class ParsedLedger:
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[LedgerError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # unknown columns ignored, sheets skipped
    columns: set[str] = field(default_factory=set)  # the keys present in the file


def find_header(table: Table, synonyms: dict[str, str] = LEDGER_SYNONYMS, minimum: int = 2) -> Header | None:
    """The header is the row (or pair of rows, for merged two-row headers) whose cells name the
    most known columns, among the first rows of the sheet (title rows come above it)."""
    best: Header | None = None
    best_score = 0
    for first in range(min(HEADER_SCAN_ROWS, len(table.rows))):
        for row_count in (1, 2):
            header = _header_at(table, first, row_count, synonyms)
            score = len(set(header.columns.values()))
            # Two rows must earn their keep: prefer one row when it reads as well.
            if score > best_score:
                best, best_score = header, score
    if best is None or best_score < minimum:
        return None
    return best


def _header_at(table: Table, first: int, row_count: int, synonyms: dict[str, str]) -> Header:
    columns: dict[int, str] = {}
    labels: dict[int, str] = {}
    unknown: list[str] = []
    area_factor = Decimal(1)
    money_factor = plan_table.WAN
    for index in range(table.width):
        # Matched by meaning on folded text, shown back to the user as the file wrote it.
        top = cell_words(table.cell(first, index))
        bottom = cell_words(table.cell(first + 1, index)) if row_count == 2 else ""
        if row_count == 2 and bottom == top:
            bottom = ""  # a vertically merged cell: its one text fills both rows
        candidates = [bottom, top + bottom, top] if bottom else [top]
        key = next((found for text in candidates if (found := column_for_header(text, synonyms))), None)
        label = bottom or top
        if key is None:
            if label and _fold(label) not in IGNORED_SILENTLY:
                unknown.append(label)
            continue
        if key in columns.values():
            unknown.append(label)  # a second column of the same meaning is not guessed at
            continue
        columns[index] = key
        labels[index] = label
        if key == "floor_area_m2":
            area_factor = rules.area_unit_factor(top + bottom) or Decimal(1)
        if key == "cost_yuan":
            money_factor = plan_table.money_unit_factor(top + bottom)
    return Header(row_count, first, columns, labels, area_factor, unknown, money_factor)


def is_summary_row(cells: list[Any]) -> bool:
    """A subtotal or total row (永定街道小计, 其中：1.历下区, 合计): skipped, whatever its numbers."""
    return any(
        isinstance(cell, str) and SUMMARY_TEXT.match(_fold(cell).replace(" ", "")) for cell in cells if cell
    )


def is_footer_row(cells: list[Any]) -> bool:
    """填表人：…  审核人：…  联系电话：… — a line under the table. Its first filled cell says so."""
    first = next((cell_text(cell) for cell in cells if cell_text(cell)), "")
    return FOOTER_LINE.match(first) is not None


def is_blank_row(cells: list[Any]) -> bool:
    return all(cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()) for cell in cells)


Parser = Callable[[Any, Header], Any]


def _text(limit: int) -> Parser:
    def parse(value: Any, header: Header) -> str:
        text = cell_words(value)
        if len(text) > limit:
            raise ValueRefused(_("内容过长（最多%(n)d个字）") % {"n": limit})
        return text

    return parse


# A plan table names its rows as projects: 永安小区老旧小区改造项目 is the estate 永安小区.
PROJECT_SUFFIXES = re.compile(r"(老旧小区)?(综合|提质)?改造(项目|工程)$")


def _estate_name(value: Any, header: Header) -> str:
    name = _text(128)(value, header)
    return PROJECT_SUFFIXES.sub("", name) or name


def read_ledger(
    tables: list[Table], *, this_year: int, progress: Callable[[int], None] | None = None
) -> ParsedLedger:
    """Every sheet with a ledger header, read into typed rows; every error at once. Years are
    read up to 2100 here: one before 1949 or after `this_year` is a warning the plan raises, not
    a refusal (the officer may know better)."""
    del this_year  # plausibility is judged by the plan, against the clock
    parsers: dict[str, Parser] = {
        "code": lambda value, header: _parse_code(value),
        "name": _estate_name,
        "aliases": _text(255),
        "district": _text(64),
        "street": _text(64),
        "community": _text(64),
        "street_community": _text(128),
        "address": _text(255),
        "year_built": lambda value, header: rules.parse_year(value, this_year=LATEST_YEAR),
        "building_count": lambda value, header: rules.parse_count(value),
        "households": lambda value, header: rules.parse_count(value),
        "floor_area_m2": lambda value, header: rules.parse_area(value, header_factor=header.area_factor),
        "property_right_unit": _text(128),
        "management_mode": lambda value, header: rules.parse_management_mode(value),
        "latitude": lambda value, header: rules.parse_coordinate(value, low=Decimal(3), high=Decimal(54)),
        "longitude": lambda value, header: rules.parse_coordinate(value, low=Decimal(73), high=Decimal(136)),
        "notes": _text(2000),
        "works": _text(2000),
        "cost_yuan": lambda value, header: plan_table.parse_amount(value, header_factor=header.money_factor),
        "funding": _text(255),
        "planned_start": lambda value, header: plan_table.parse_planned_day(value),
        "planned_end": lambda value, header: plan_table.parse_planned_day(value, end=True),
        "planned_span": lambda value, header: plan_table.parse_planned_span(value),
    }
    parsed = ParsedLedger()
    read = 0
    for table in tables:
        header = find_header(table)
        if header is None:
            if any(cell_text(cell) for row in table.rows for cell in row):
                parsed.notices.append(_("工作表“%(sheet)s”没有可识别的表头，已跳过") % {"sheet": table.sheet})
            continue
        for label in header.unknown:
            parsed.notices.append(
                _("工作表“%(sheet)s”的“%(column)s”列无法识别，已忽略")
                % {"sheet": table.sheet, "column": label}
            )
        if (problem := missing_columns(table, header)) is not None:
            parsed.errors.append(problem)
            continue
        parsed.columns |= set(header.columns.values())
        identifying = identifying_cells(header)
        table.fill_merged_from(header.first_row + header.row_count)
        for index in range(header.first_row + header.row_count, len(table.rows)):
            cells = table.rows[index]
            read += 1
            if progress is not None and read % 1000 == 0:
                progress(read)
            if is_footer_row(cells):
                break  # nothing under 填表人 or 审核人 is a row of the ledger
            mapped = [cells[i] if i < len(cells) else "" for i in header.columns]
            if is_blank_row(mapped) or is_summary_row([cells[i] for i in identifying if i < len(cells)]):
                continue
            row = _read_row(table.sheet, index, cells, header, parsers, parsed.errors)
            if row is not None:
                parsed.rows.append(row)
    if not parsed.columns and not parsed.errors:
        parsed.errors.append(
            LedgerError(
                "",
                None,
                "",
                "",
                _("文件中没有找到台账表头（需包含小区名称、区县、街道、社区、建成年份、户数、建筑面积等列）"),
            )
        )
    return parsed


LATEST_YEAR = 2100


def missing_columns(table: Table, header: Header) -> LedgerError | None:
    """The columns a sheet lacks to find its estates: the code, or the name and its place (the
    street and community as two columns or one). Named one by one, beside the headers the file
    did have, so that the officer sees at once which heading to rename."""
    present = set(header.columns.values())
    if "code" in present:
        return None
    needed = ["name", "district"]
    if "street_community" not in present:
        needed += ["street", "community"]
    missing = [COLUMNS_BY_KEY[key].label for key in needed if key not in present]
    if not missing:
        return None
    had = [
        text
        for index in range(table.width)
        if (text := cell_words(table.cell(header.first_row + header.row_count - 1, index)))
    ]
    return LedgerError(
        table.sheet,
        header.first_row + 1,
        "",
        "",
        _("缺少列：%(missing)s（或用“小区编码”列指明小区）；本表的表头是：%(had)s")
        % {"missing": "、".join(missing), "had": "、".join(had) or _("（无）")},
    )


def identifying_cells(header: Header) -> list[int]:
    """Where a subtotal's label can stand: the columns that name the estate and its place, and
    the unnamed ones left of them (序号)."""
    named = [index for index, key in header.columns.items() if key in IDENTIFYING or key == "code"]
    first_mapped = min(header.columns, default=0)
    return sorted({*range(first_mapped), *named})


def _read_row(
    sheet: str,
    index: int,
    cells: list[Any],
    header: Header,
    parsers: dict[str, Parser],
    errors: list[LedgerError],
) -> LedgerRow | None:
    """One data row, typed; None (with its errors added) when a cell is refused."""
    raw_by_key = {key: (cells[i] if i < len(cells) else "") for i, key in header.columns.items()}
    labels = {key: header.labels[i] for i, key in header.columns.items()}
    needed = _identifying_needed(raw_by_key)
    values: dict[str, Any] = {}
    row_ok = True
    for key, raw in raw_by_key.items():
        if is_blank_row([raw]):
            if key in needed:
                errors.append(LedgerError(sheet, index + 1, labels[key], "", _("必填项为空")))
                row_ok = False
            continue
        try:
            values[key] = parsers[key](raw, header)
        except ValueRefused as refused:
            errors.append(LedgerError(sheet, index + 1, labels[key], cell_text(raw), str(refused)))
            row_ok = False
    if "planned_span" in values:  # one cell for both days: the separate columns win
        start, end = values.pop("planned_span")
        values.setdefault("planned_start", start)
        values.setdefault("planned_end", end)
    return LedgerRow(sheet, index + 1, values, labels) if row_ok else None


def _identifying_needed(raw_by_key: dict[str, Any]) -> set[str]:
    """The cells a row must fill to be found: none when it has a code; else its name, district
    and place — the street and community, or the one column holding both."""

    def filled(key: str) -> bool:
        return key in raw_by_key and not is_blank_row([raw_by_key[key]])

    if filled("code"):
        return set()
    place = {"street", "community"}
    if filled("street_community") or not place & raw_by_key.keys():
        place = {"street_community"}
    return ({"name", "district"} | place) & raw_by_key.keys()


def _parse_code(value: Any) -> str:
    code = cell_text(value).replace(" ", "")
    if not rules.CODE_PATTERN.match(code):
        raise ValueRefused(_("小区编码应为12位社区代码-3位序号，如430802001001-007"))
    return code
