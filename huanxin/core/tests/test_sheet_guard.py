"""Hostile spreadsheets, each made the way an attacker would make it, are refused before any
reader allocates what they ask for — with a message naming the limit — through the reader every
import uses, and through the ledger import, the roster import and the weekly progress upload."""

import io
import struct
import zipfile

import pytest
from django.test import override_settings
from openpyxl import Workbook

from huanxin.core.errors import Invalid
from huanxin.core.spreadsheets import read_tables


def workbook(cells: dict[str, object]) -> bytes:
    book = Workbook()
    for ref, value in cells.items():
        book.active[ref] = value  # type: ignore[index]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def far_corner() -> bytes:
    """1.5 KB: A1 and XFD1048576, the whole sheet's 17 billion cells between them."""
    return workbook({"A1": "小区名称", "XFD1048576": 1})


def zip_of(members: dict[str, bytes], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def bomb(megabytes: int) -> bytes:
    """An xlsx whose shared strings expand from a few kilobytes to `megabytes` of zeros."""
    book = zipfile.ZipFile(io.BytesIO(workbook({"A1": "小区名称"})))
    members = {info.filename: book.read(info) for info in book.infolist()}
    members["xl/sharedStrings.xml"] = b"\0" * (megabytes * 2**20)
    return zip_of(members)


def ods(rows_xml: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="台账">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


VALUE_CELL = (
    '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
)


def refusal(content: bytes, name: str = "台账.xlsx") -> str:
    with pytest.raises(Invalid) as refused:
        read_tables(name=name, content=content)
    return refused.value.message


def test_a_sheet_spanning_to_xfd1048576_is_refused_by_the_rows_it_uses() -> None:
    content = far_corner()
    assert len(content) < 8_000
    message = refusal(content)
    assert "用到第 1048576 行" in message and "上限 200000 行" in message and "台账.xlsx" in message


@override_settings(HUANXIN_SHEET_MAX_ROWS=2_000_000)
def test_with_rows_allowed_the_far_corner_is_refused_by_its_columns() -> None:
    assert "用到第 16384 列，超过上限 200 列" in refusal(far_corner())


def test_a_zip_bomb_is_refused_by_its_compression_ratio() -> None:
    content = bomb(50)
    assert len(content) < 200_000  # 50 MB of zeros packs to some 50 KB
    assert "压缩比异常" in refusal(content) and "上限 100 倍" in refusal(content)


@override_settings(HUANXIN_SHEET_MAX_UNPACKED_MB=1, HUANXIN_SHEET_MAX_RATIO=10**9)
def test_a_workbook_expanding_past_the_unpacked_limit_is_refused() -> None:
    assert "解压后达 2 MB，超过上限 1 MB" in refusal(bomb(2))


def test_a_member_whose_header_understates_its_size_is_refused_as_damaged() -> None:
    """The sizes in the zip's headers are the attacker's to write: the bytes must agree."""
    data = bomb(1)
    # shrink the declared size of the shared strings in both headers to one kilobyte
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_length = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))[
                0
            ]
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + name_length] == b"xl/sharedStrings.xml":
                data = data[: start + offset] + struct.pack("<I", 1024) + data[start + offset + 4 :]
            start += 4
    assert "已损坏或不是有效的电子表格" in refusal(data)


@override_settings(HUANXIN_SHEET_MAX_ROWS=50, HUANXIN_SHEET_MAX_COLUMNS=10)
def test_rows_and_columns_are_capped_in_xlsx_and_csv() -> None:
    assert "用到第 60 行，超过上限 50 行" in refusal(workbook({"A1": "x", "A60": "y"}))
    assert "用到第 11 列，超过上限 10 列" in refusal(workbook({"A1": "x", "K1": "y"}))
    many_rows = "\n".join(f"小区{n},1990" for n in range(80)).encode()
    assert "超过上限 50 行" in refusal(many_rows, name="台账.csv")
    wide = (",".join(["x"] * 12) + "\n").encode()
    assert "用到第 12 列，超过上限 10 列" in refusal(wide, name="台账.csv")
    assert len(read_tables(name="ok.xlsx", content=workbook({"A1": "x", "J50": "y"}))[0].rows) == 50


def test_an_ods_row_of_values_repeated_a_million_times_is_refused() -> None:
    rows = f'<table:table-row table:number-rows-repeated="1000000">{VALUE_CELL}</table:table-row>'
    assert "用到第 1000000 行，超过上限 200000 行" in refusal(ods(rows), name="台账.ods")
    cells = VALUE_CELL.replace(
        "<table:table-cell ", '<table:table-cell table:number-columns-repeated="5000" '
    )
    assert "用到第 5000 列" in refusal(ods(f"<table:table-row>{cells}</table:table-row>"), name="台账.ods")


def test_an_ods_with_the_empty_rest_of_the_sheet_repeated_as_libreoffice_writes_it_is_read() -> None:
    rows = (
        f"<table:table-row>{VALUE_CELL}{VALUE_CELL}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    [table] = read_tables(name="台账.ods", content=ods(rows))
    assert table.rows[0][:2] == [1.0, 1.0] and len(table.rows) == 1


def test_every_import_path_refuses_the_far_corner_with_the_limit(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates import services as estates
    from huanxin.estates.models import LedgerImport

    job = estates.ledger_import_start(by=city["yongding"], file_name="台账.xlsx", content=far_corner())
    estates.ledger_import_check(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == LedgerImport.Status.INVALID
    assert "超过上限 200000 行" in str(job.errors)
    estate = make_estate()
    with pytest.raises(Invalid, match="超过上限 200000 行"):
        estates.household_roster_import(
            by=city["shequ"], estate_id=estate.pk, file_name="名册.xlsx", content=far_corner()
        )
