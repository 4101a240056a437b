"""Reading and writing the spreadsheets officials keep: xlsx, the old xls, ods and csv (UTF-8 with
or without BOM, or GBK as Excel on Chinese Windows saves it). Calamine reads; openpyxl writes.
Cell values come back as Python values — calamine gives whole numbers as floats and dates as
`datetime.date` — and every caller normalises them through `cell_text`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import Any

import python_calamine
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from huanxin.core.errors import Invalid
from huanxin.core.sheet_guard import check_table, check_workbook
from huanxin.core.text import for_export, strip_controls

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Table:
    """One sheet as rows of cells. Row i of `rows` is the spreadsheet's row i + 1."""

    sheet: str
    rows: list[list[Any]]
    merged: list[MergedRange] = field(default_factory=list)

    def cell(self, row: int, column: int) -> Any:
        """A cell's value, taking a merged range's value from its top-left cell."""
        for (top, left), (bottom, right) in self.merged:
            if top <= row <= bottom and left <= column <= right:
                row, column = top, left
                break
        if row >= len(self.rows) or column >= len(self.rows[row]):
            return ""
        return self.rows[row][column]

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def fill_merged_from(self, first_row: int) -> None:
        """Below `first_row`, each merged range's value written into every cell it covers: an
        office writes a street or community once for a run of rows and merges the cells down,
        and each of those rows means it. Ranges are clipped to the cells the sheet holds (a
        hostile file may declare a merge to XFD1048576)."""
        last_row, last_column = len(self.rows) - 1, self.width - 1
        for (top, left), (bottom, right) in self.merged:
            if top < first_row or top > last_row or left > last_column:
                continue
            value = self.cell(top, left)
            right = min(right, last_column)
            for row in range(top, min(bottom, last_row) + 1):
                cells = self.rows[row]
                if len(cells) <= right:
                    cells.extend([None] * (right + 1 - len(cells)))
                for column in range(left, right + 1):
                    cells[column] = value


def cell_text(value: Any) -> str:
    """Any cell as clean text: full-width characters folded (１９９８ → 1998, （ → (), stray
    spaces removed at the ends and collapsed inside, whole floats without their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", strip_controls(str(value))).replace("\u3000", " ")
    return " ".join(text.split())


def cell_words(value: Any) -> str:
    """A cell as free text kept as written (Chinese punctuation stays full-width): only the ends
    trimmed, runs of spaces collapsed and line breaks kept."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = strip_controls(str(value)).replace("\u3000", " ").split("\n")
    text = "\n".join(" ".join(line.split()) for line in lines).strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the apostrophe our csv export puts before formula-like text
    return text


def read_tables(*, name: str, content: bytes) -> list[Table]:
    """Every sheet of a workbook, or the one table of a csv file."""
    if content.startswith(ZIP_MAGIC) or content.startswith(OLE_MAGIC):
        return _read_workbook(name, content)
    if name.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise Invalid(_("文件“%(name)s”已损坏或不是有效的电子表格") % {"name": name})
    return [_read_csv(name, content)]


def _read_workbook(name: str, content: bytes) -> list[Table]:
    if content.startswith(ZIP_MAGIC):
        check_workbook(name, content)  # before the reader allocates what the file asks for
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        tables = []
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            # the old binary xls is checked by the area it declares, before its rows are built
            check_table(name, sheet_name, sheet.total_height, sheet.total_width)
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
            tables.append(Table(sheet=sheet_name, rows=[list(row) for row in rows], merged=merged))
        return tables
    except Invalid:
        raise
    except python_calamine.CalamineError as error:
        raise Invalid(_("无法读取文件“%(name)s”：%(reason)s") % {"name": name, "reason": error}) from error
    except Exception as error:  # calamine raises plain errors for some damaged files
        raise Invalid(_("无法读取文件“%(name)s”：文件已损坏或格式不受支持") % {"name": name}) from error


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM) first; then GB18030, the superset of the GBK that Excel on
    Chinese Windows writes."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError as error:
            raise Invalid(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV")) from error


def _read_csv(name: str, content: bytes) -> Table:
    text = decode_text(content)
    if "\x00" in text:
        raise Invalid(_("文件“%(name)s”不是文本格式的 CSV") % {"name": name})
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    sheet = name.rsplit("/", 1)[-1]
    check_table(name, sheet, text.count("\n"), 0)  # a rough bound before the rows are built
    rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    check_table(name, sheet, len(rows), max((len(row) for row in rows), default=0))
    return Table(sheet=sheet, rows=rows)


@dataclass
class SheetOut:
    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    title: str = ""


# Numbers as an office reads them: thousands separated, the same decimals down a column. A year
# or a code is a number no one adds up: written plain.
WHOLE = "#,##0"
DECIMAL = "#,##0.00"
PLAIN_HEADERS = ("年", "编号", "编码", "代码", "序号", "版本")
MEASURED_ROWS = 200  # the column widths fit the header and the first rows
MAX_WIDTH = 60


def write_xlsx(sheets: Sequence[SheetOut]) -> bytes:
    """A workbook in write-only mode (memory stays flat for large exports): the title row, a bold
    header frozen above the rows, columns as wide as their contents, numbers formatted."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F2")
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        rows = iter(spec.rows)
        first = list(islice(rows, MEASURED_ROWS))
        widths = spec.widths or fitted_widths(spec.header, first)
        for index, width in enumerate(widths):
            sheet.column_dimensions[_column_letter(index)].width = width
        header_row = 2 if spec.title else 1
        sheet.freeze_panes = f"A{header_row + 1}"
        if spec.title:
            sheet.append([_styled(sheet, for_export(spec.title), font=Font(bold=True, size=13))])
        sheet.append([_styled(sheet, for_export(str(label)), font=bold, fill=fill) for label in spec.header])
        formats = [None if any(word in str(label) for word in PLAIN_HEADERS) else "" for label in spec.header]
        for row in chain(first, rows):
            sheet.append(
                [_cell(sheet, value, formats[i] if i < len(formats) else "") for i, value in enumerate(row)]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# How a list is ordered or paged, not which rows it holds: no part of an export's title.
NOT_FILTERS = ("sort", "page")


def export_title(subject: str, form: Any, as_of: dt.date) -> str:
    """The title row of a filtered export: what it is, every filter in force as the list page
    shows it ("区划：永定区；老旧小区：是"), and the day its figures stand on."""
    return titled(subject, filters_in_words(form), as_of)


def titled(subject: str, filters: Sequence[str], as_of: dt.date) -> str:
    """The title row of every export: "改造项目（状态：施工；截至2020-09-20）", or "（全部；…）"
    when nothing narrows it. For an export whose filters are not a form (`filter_words`)."""
    return _("%(subject)s（%(filters)s；截至%(day)s）") % {
        "subject": subject,
        "filters": "；".join(filters) or _("全部"),
        "day": as_of.isoformat(),
    }


def filter_words(label: Any, text: Any) -> str:
    return f"{label}：{text}"


def filters_in_words(form: Any) -> list[str]:
    """Every filter of a list's form in force, in words, not codes: a choice by its label, yes or
    no as 是/否, and a value its field can name (`in_words`: a region's code → its name)."""
    shown = []
    cleaned = getattr(form, "cleaned_data", {}) or {}
    for name, form_field in form.fields.items():
        value = cleaned.get(name)
        if name in NOT_FILTERS or value in (None, "", [], ()):
            continue
        if callable(getattr(form_field, "in_words", None)):
            text = form_field.in_words(value)
        elif isinstance(value, bool):
            text = _("是") if value else _("否")
        elif getattr(form_field, "choices", None):
            choices = {str(key): label for key, label in form_field.choices}
            text = str(choices.get(str(value), value))
        else:
            text = str(value)
        shown.append(filter_words(form_field.label, text))
    return shown


def fitted_widths(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Each column as wide as its widest text among the header and `rows` (a Chinese character
    counts twice), within reason."""
    widths = [_display_width(label) for label in header]
    for row in rows:
        for index, value in enumerate(row):
            shown = _display_width(f"{value:,.2f}" if isinstance(value, Decimal | float) else value)
            if index < len(widths):
                widths[index] = max(widths[index], shown)
            else:
                widths.append(shown)
    return [min(MAX_WIDTH, width + 2) for width in widths]


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell(sheet: Any, value: Any, number_format: str | None) -> Any:
    """A cell of a row: text that Excel would run stays text; a number gets its format (none in
    a column of years or codes: `number_format` None)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or number_format is None:
        return _as_text_if_formula(sheet, value)
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = WHOLE if isinstance(value, int) else DECIMAL
    return cell


FORMULA_STARTS = ("=", "+", "-", "@")


def _as_text_if_formula(sheet: Any, value: Any) -> Any:
    """A resident's comment "=HYPERLINK(…)" stays text: Excel must not run what residents type.
    Text stored before input was cleaned loses what XML cannot hold, rather than the export."""
    if isinstance(value, str):
        value = for_export(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, so that Excel on Chinese Windows opens it without garbling. Text that
    Excel would run as a formula gets a leading apostrophe (dropped again by `cell_words`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                ""
                if value is None
                else ("'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value)
                for value in (for_export(v) if isinstance(v, str) else v for v in row)
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _styled(sheet: Any, value: Any, **style: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    for key, setting in style.items():
        setattr(cell, key, setting)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
