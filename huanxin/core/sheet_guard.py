"""What a spreadsheet may ask of the process before any reader opens it. A reader allocates the
area a sheet spans: a 1.5 KB xlsx with cells at A1 and XFD1048576 spans 17 billion cells and
aborts the process, and a 1 MB zip can expand to gigabytes. So a workbook is checked from the
outside first — each zip member's declared size and compression ratio, then the cell references
its sheets actually use, read by streaming through the XML a chunk at a time — and refused,
naming the limit, before it is read. The limits are settings (HUANXIN_SHEET_*): a province's
ledger fits well inside them."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _

from huanxin.core.errors import Invalid

CHUNK = 1 << 16  # 64 KB of XML at a time
# <c r="XFD1048576"> in xlsx; <row r="1048576"> where a row carries no cell reference
XLSX_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,9})"')
XLSX_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="([0-9]{1,9})"')
# ods repeats a row or a cell by an attribute: a row of values repeated a million times is a bomb
ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="([0-9]{1,12})"')
ODS_ELEMENT = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")


@dataclass(frozen=True)
class SheetLimits:
    rows: int
    columns: int
    cells: int  # rows × columns of the area a sheet spans
    unpacked_bytes: int  # all members of the zip together, uncompressed
    ratio: int  # uncompressed / compressed, for members over a megabyte

    @classmethod
    def from_settings(cls) -> SheetLimits:
        return cls(
            rows=settings.HUANXIN_SHEET_MAX_ROWS,
            columns=settings.HUANXIN_SHEET_MAX_COLUMNS,
            cells=settings.HUANXIN_SHEET_MAX_CELLS,
            unpacked_bytes=settings.HUANXIN_SHEET_MAX_UNPACKED_MB * 2**20,
            ratio=settings.HUANXIN_SHEET_MAX_RATIO,
        )


def check_workbook(name: str, content: bytes, limits: SheetLimits | None = None) -> None:
    """Refuse a zip-based workbook (xlsx, xlsm, ods) that would take more than the limits to read.
    The old binary xls is bounded by the upload's own size limit."""
    limits = limits or SheetLimits.from_settings()
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise Invalid(_("文件“%(name)s”已损坏或不是有效的电子表格") % {"name": name}) from error
    with archive:
        _check_sizes(name, members, limits)
        try:
            for member in members:
                if _is_xlsx_sheet(member.filename):
                    _check_area(name, _sheet_label(member.filename), _xlsx_extent(archive, member), limits)
                elif member.filename == "content.xml":
                    _check_area(name, _sheet_label(member.filename), _ods_extent(archive, member), limits)
                else:
                    # read through once: a member whose header understates its size fails its
                    # checksum here, where only one chunk at a time is held
                    for _chunk in _chunks(archive, member):
                        pass
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise Invalid(_("文件“%(name)s”已损坏或不是有效的电子表格") % {"name": name}) from error


def check_table(name: str, sheet: str, rows: int, columns: int, limits: SheetLimits | None = None) -> None:
    """The same limits on a table already read (a csv, an xls)."""
    _check_area(name, sheet, (rows, columns), limits or SheetLimits.from_settings())


def _check_sizes(name: str, members: list[zipfile.ZipInfo], limits: SheetLimits) -> None:
    total = 0
    for member in members:
        total += member.file_size
        compressed = max(member.compress_size, 1)
        if member.file_size > 2**20 and member.file_size / compressed > limits.ratio:
            raise Invalid(
                _("文件“%(name)s”的压缩比异常（%(ratio)d 倍，上限 %(limit)d 倍），可能是恶意文件，已拒绝读取")
                % {"name": name, "ratio": member.file_size // compressed, "limit": limits.ratio}
            )
    if total > limits.unpacked_bytes:
        raise Invalid(
            _("文件“%(name)s”解压后达 %(size)d MB，超过上限 %(limit)d MB")
            % {"name": name, "size": total // 2**20, "limit": limits.unpacked_bytes // 2**20}
        )


def _sheet_label(path: str) -> str:
    """xl/worksheets/sheet2.xml → sheet2: what the file calls the sheet inside."""
    return path.rsplit("/", 1)[-1].removesuffix(".xml")


def _is_xlsx_sheet(path: str) -> bool:
    return path.startswith(("xl/worksheets/", "xl/macrosheets/")) and path.endswith(".xml")


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes a chunk at a time, each cut after its last '>' (the rest carried into
    the next chunk), so that no tag is cut in two or read twice."""
    with archive.open(member) as stream:
        carried = b""
        while chunk := stream.read(CHUNK):
            chunk = carried + chunk
            cut = chunk.rfind(b">") + 1
            if cut == 0 and len(chunk) > 64 * CHUNK:
                cut = len(chunk)  # no tag ends in 4 MB: not XML a spreadsheet program wrote
            yield chunk[:cut]
            carried = chunk[cut:]
        yield carried


def _xlsx_extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    """The last row and column a worksheet uses (the <dimension> it declares is only a hint)."""
    rows = columns = 0
    for chunk in _chunks(archive, member):
        for letters, number in XLSX_CELL.findall(chunk):
            rows = max(rows, int(number))
            columns = max(columns, _column_number(letters))
        for number in XLSX_ROW.findall(chunk):
            rows = max(rows, int(number))
    return rows, columns


def _ods_extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    """Rows and columns an ods table would expand to, counting repeated rows and cells up to the
    last that holds something (LibreOffice writes the empty rest of a sheet as one repeated row)."""
    rows = columns = 0
    row_index = column_index = 0
    for chunk in _chunks(archive, member):
        for kind, attributes in ODS_ELEMENT.findall(chunk):
            repeat = max((int(value) for _axis, value in ODS_REPEAT.findall(attributes)), default=1)
            if kind == b"table":
                row_index = 0
            elif kind == b"table-row":
                row_index += repeat
                column_index = 0
            else:
                column_index += repeat
                if b"value-type=" in attributes:
                    rows, columns = max(rows, row_index), max(columns, column_index)
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_area(name: str, sheet: str, extent: tuple[int, int], limits: SheetLimits) -> None:
    rows, columns = extent
    if rows > limits.rows:
        raise Invalid(
            _("文件“%(name)s”的工作表“%(sheet)s”用到第 %(rows)d 行，超过上限 %(limit)d 行")
            % {"name": name, "sheet": sheet, "rows": rows, "limit": limits.rows}
        )
    if columns > limits.columns:
        raise Invalid(
            _("文件“%(name)s”的工作表“%(sheet)s”用到第 %(columns)d 列，超过上限 %(limit)d 列")
            % {"name": name, "sheet": sheet, "columns": columns, "limit": limits.columns}
        )
    if rows * columns > limits.cells:
        raise Invalid(
            _("文件“%(name)s”的工作表“%(sheet)s”占 %(rows)d 行 × %(columns)d 列，超过上限 %(limit)d 个单元格")
            % {"name": name, "sheet": sheet, "rows": rows, "columns": columns, "limit": limits.cells}
        )
