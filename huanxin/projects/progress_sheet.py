"""A contractor's weekly progress sheet (施工进度周报): one row per item and date with the quantity
done so far. Read with the ledger's rules — headers by meaning, every error at once with sheet,
row, column, value and reason — and written as a template pre-filled with the project's items."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core.spreadsheets import SheetOut, Table, cell_text, cell_words, write_xlsx
from huanxin.estates.ledger import LedgerError, find_header, is_blank_row, synonyms_of
from huanxin.estates.ledger_columns import Column
from huanxin.estates.rules import ValueRefused
from huanxin.projects.models import Project, ProjectItem
from huanxin.projects.querysets import last_reports

COLUMNS = [
    Column("code", "编码", ("编码", "代码", "内容编码")),
    Column("item", "改造内容", ("改造内容", "改造项目", "项目", "内容", "分项", "分项工程")),
    Column("on", "日期", ("日期", "填报日期", "统计日期", "截至日期"), required=True),
    Column(
        "quantity_done",
        "累计完成量",
        ("累计完成量", "累计完成", "完成量", "累计完成工程量", "完成工程量"),
        required=True,
    ),
    Column("note", "说明", ("说明", "备注", "情况说明")),
    # a figure below an earlier week's is refused unless the row says why (SPEC 4.7)
    Column("correction_reason", "更正原因", ("更正原因", "更正说明", "更正")),
]
SYNONYMS = synonyms_of(COLUMNS)
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# Units a builder writes after a quantity ("250平方米"); a percentage is not a quantity.
UNIT_WORDS = (
    "平方米",
    "㎡",
    "m²",
    "m2",
    "延米",
    "米",
    "m",
    "户",
    "个",
    "处",
    "栋",
    "幢",
    "套",
    "台",
    "项",
    "座",
    "吨",
)
# The same allowance as a report typed on the page: measured quantities may run over the design.
OVERRUN = Decimal("1.2")


@dataclass
class ProgressRow:
    sheet: str
    row: int
    item: ProjectItem
    on: dt.date
    quantity_done: Decimal
    note: str
    correction_reason: str = ""


@dataclass
class ParsedProgress:
    rows: list[ProgressRow] = field(default_factory=list)
    errors: list[LedgerError] = field(default_factory=list)


def parse_day(value: Any, *, today: dt.date) -> dt.date:
    """2020-08-31, 2020/8/31, 2020.8.31, 2020年8月31日 or a date cell; not after today."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        match = _DATE.match(cell_text(value).replace(" ", ""))
        if match is None:
            raise ValueRefused(_("无法识别的日期，应写作2020-08-31"))
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueRefused(_("日期不存在")) from None
    if day > today:
        raise ValueRefused(_("不能填报未来日期的进度"))
    return day


def parse_quantity(value: Any, *, item: ProjectItem | None) -> Decimal:
    text = cell_text(value).replace(",", "").replace(" ", "")
    for unit in (item.unit if item else "", *UNIT_WORDS):
        if unit and text.endswith(unit):
            text = text.removesuffix(unit)
            break
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        raise ValueRefused(_("应为数字")) from None
    if not quantity.is_finite() or quantity < 0:
        raise ValueRefused(_("不能为负数"))
    if item is not None and quantity > item.quantity * OVERRUN:
        raise ValueRefused(
            _("超过设计工程量%(quantity)s%(unit)s的120%%")
            % {"quantity": f"{item.quantity.normalize():f}", "unit": item.unit}
        )
    return quantity.quantize(Decimal("0.01"))


def read_progress(tables: list[Table], items: list[ProjectItem], *, today: dt.date) -> ParsedProgress:
    parsed = ParsedProgress()
    table = next((t for t in tables if find_header(t, SYNONYMS, minimum=2)), None)
    header = find_header(table, SYNONYMS, minimum=2) if table is not None else None
    if table is None or header is None:
        parsed.errors.append(
            LedgerError("", None, "", "", _("没有找到进度表表头（需包含改造内容、日期、累计完成量列）"))
        )
        return parsed
    present = set(header.columns.values())
    for column in COLUMNS:
        if column.required and column.key not in present:
            parsed.errors.append(
                LedgerError(table.sheet, header.first_row + 1, column.label, "", _("缺少必填列"))
            )
    if not present & {"code", "item"}:
        parsed.errors.append(
            LedgerError(table.sheet, header.first_row + 1, "改造内容", "", _("缺少必填列（改造内容或编码）"))
        )
    if parsed.errors:
        return parsed
    by_code = {item.item.code: item for item in items}
    by_name = {item.item.name: item for item in items}
    seen: dict[tuple[int, dt.date], int] = {}
    for index in range(header.first_row + header.row_count, len(table.rows)):
        cells = table.rows[index]
        if is_blank_row(cells):
            continue
        raw = {key: cells[i] if i < len(cells) else "" for i, key in header.columns.items()}
        labels = {key: header.labels[i] for i, key in header.columns.items()}
        row, errors = _read_row(
            raw, labels, sheet=table.sheet, number=index + 1, items=(by_code, by_name), today=today
        )
        if row is not None:
            named_by = _named_by(raw)
            if (row.item.pk, row.on) in seen:
                reason = _("与第%(row)d行是同一改造内容、同一日期") % {"row": seen[(row.item.pk, row.on)]}
                errors.append(
                    LedgerError(table.sheet, index + 1, labels[named_by], cell_text(raw[named_by]), reason)
                )
            else:
                seen[(row.item.pk, row.on)] = index + 1
                parsed.rows.append(row)
        parsed.errors.extend(errors)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(LedgerError(table.sheet, None, "", "", _("进度表中没有数据行")))
    return parsed


def _named_by(raw: dict[str, Any]) -> str:
    """The code wins where both are given; either column alone will do."""
    return "code" if "code" in raw and (cell_text(raw["code"]) or "item" not in raw) else "item"


def _read_row(
    raw: dict[str, Any],
    labels: dict[str, str],
    *,
    sheet: str,
    number: int,
    items: tuple[dict[str, ProjectItem], dict[str, ProjectItem]],
    today: dt.date,
) -> tuple[ProgressRow | None, list[LedgerError]]:
    errors: list[LedgerError] = []

    def refuse(key: str, reason: str) -> None:
        errors.append(LedgerError(sheet, number, labels[key], cell_text(raw[key]), reason))

    named_by = _named_by(raw)
    written = cell_text(raw[named_by])
    item = items[0 if named_by == "code" else 1].get(written)
    if item is None:
        refuse(named_by, _("不是本项目设计中的改造内容") if written else _("必填项为空"))
    values: dict[str, Any] = {}
    for key in ("on", "quantity_done"):
        if is_blank_row([raw[key]]):
            refuse(key, _("必填项为空"))
            continue
        try:
            if key == "on":
                values[key] = parse_day(raw[key], today=today)
            else:
                values[key] = parse_quantity(raw[key], item=item)
        except ValueRefused as refused:
            refuse(key, str(refused))
    if errors or item is None:
        return None, errors
    note = cell_words(raw.get("note", ""))[:255]
    reason = cell_words(raw.get("correction_reason", ""))[:255]
    return ProgressRow(sheet, number, item, values["on"], values["quantity_done"], note, reason), errors


def progress_template(project: Project, *, today: dt.date) -> bytes:
    """The sheet a builder fills in each week: the project's items with their design quantities
    and the figure last reported for each."""
    items = project.items.select_related("item").order_by("item__code")
    last = {item_id: report.quantity_done for item_id, report in last_reports(project).items()}
    return write_xlsx(
        [
            SheetOut(
                name="进度周报",
                title=f"{project.name} 施工进度周报（累计完成量）",
                header=[
                    "编码",
                    "改造内容",
                    "单位",
                    "设计工程量",
                    "上次填报",
                    "日期",
                    "累计完成量",
                    "说明",
                    "更正原因",
                ],
                rows=[
                    [
                        item.item.code,
                        item.item.name,
                        item.unit,
                        item.quantity,
                        last.get(item.pk),
                        today,
                        None,
                        "",
                        "",
                    ]
                    for item in items
                ],
                widths=[8, 22, 6, 12, 12, 12, 12, 30, 24],
            )
        ]
    )
