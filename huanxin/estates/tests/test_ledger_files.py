"""Each shape of ledger that streets really keep, as a real file made in the test."""

import datetime as dt
import io
import os
import zipfile
from decimal import Decimal
from typing import Any

import pytest

from huanxin.estates import services
from huanxin.estates.tests.ledger_files import HEADER, ROWS, convert, csv_bytes, soffice_available, xlsx

pytestmark = pytest.mark.django_db


def read(content: bytes, name: str = "台账.xlsx"):  # type: ignore[no-untyped-def]
    return services.ledger_read(file_name=name, content=content)


def test_title_rows_merged_cells_and_a_two_row_header(city) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[Any]] = [
        ["张家界市永定区老旧小区改造台账"],
        ["填报单位：永定区住建局", None, None, None, "填报日期：2020年8月"],
        [],
        ["序号", "小区名", "所在区域", None, None, "基本情况", None, None, "备注"],
        [
            None,
            None,
            "区县",
            "街道（乡镇）",
            "社区（居委会）",
            "竣工年份",
            "住户数",
            "总建筑面积（万平方米）",
            None,
        ],
        [1, "电力公司宿舍", "永定区", "永定街道", "岩塔社区", "1996年", "84户", 0.895, ""],
        [
            2,
            " 财政局宿舍 ",
            "永定区",
            "官黎坪街道",
            "大庸路社区",
            dt.date(1995, 3, 1),
            96,
            "10780平方米",
            "大庸路南侧",
        ],
        [None, "合计", None, None, None, None, 180, 1.973, None],
    ]
    merges = ["A1:I1", "A4:A5", "B4:B5", "C4:E4", "F4:H4", "I4:I5"]
    parsed = read(xlsx(rows, merges=merges))
    assert parsed.errors == []
    assert [row.row for row in parsed.rows] == [6, 7]
    first, second = (row.values for row in parsed.rows)
    assert first["floor_area_m2"] == Decimal("8950.00")  # 万平方米 in the header
    assert second["floor_area_m2"] == Decimal("10780.00")  # 平方米 in the cell wins
    assert (first["year_built"], second["year_built"]) == (1996, 1995)
    assert (first["households"], second["households"]) == (84, 96)
    assert second["name"] == "财政局宿舍"
    assert second["notes"] == "大庸路南侧"


def test_full_width_digits_blank_rows_and_stray_spaces(city) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADER,
        [],
        ["  电力公司宿舍", "永定区 ", "永定街道", "岩塔社区", "１９９６", "８４", "８９５０㎡"],
        [None] * 7,
    ]
    parsed = read(xlsx(rows))
    assert parsed.errors == []
    assert parsed.rows[0].values | {} == {
        "name": "电力公司宿舍",
        "district": "永定区",
        "street": "永定街道",
        "community": "岩塔社区",
        "year_built": 1996,
        "households": 84,
        "floor_area_m2": Decimal("8950.00"),
    }


def test_an_unknown_column_is_reported_and_ignored(city) -> None:  # type: ignore[no-untyped-def]
    parsed = read(xlsx([[*HEADER, "是否加装电梯"], [*ROWS[0], "否"]]))
    assert parsed.errors == []
    assert any("是否加装电梯" in notice for notice in parsed.notices)


def test_errors_name_sheet_row_column_value_and_reason_all_at_once(city) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADER,
        ["甲", "永定区", "永定街道", "岩塔社区", "很久以前", "很多", "-5"],
        ["乙", "", "永定街道", "岩塔社区", 1990, 5, 5],
    ]
    parsed = read(xlsx(rows, title="台账", sheet="永定区"))
    described = {(e.sheet, e.row, e.column, e.value) for e in parsed.errors}
    assert described == {
        ("永定区", 3, "建成年份", "很久以前"),
        ("永定区", 3, "户数", "很多"),
        ("永定区", 3, "建筑面积（㎡）", "-5"),
        ("永定区", 4, "所属区县", ""),
    }
    assert "第3行" in str(parsed.errors[0]) and "建成年份" in str(parsed.errors[0])


def test_a_file_without_a_ledger_header_is_refused_clearly(city) -> None:  # type: ignore[no-untyped-def]
    parsed = read(xlsx([["姓名", "电话"], ["张三", "138"]]))
    assert len(parsed.errors) == 1
    assert "表头" in parsed.errors[0].reason


def test_a_damaged_file_is_refused_clearly(city) -> None:  # type: ignore[no-untyped-def]
    from huanxin.core.errors import Invalid

    with pytest.raises(Invalid) as refused:
        read(b"PK\x03\x04 not really a workbook", "台账.xlsx")
    assert "台账.xlsx" in refused.value.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding(city, encoding: str) -> None:  # type: ignore[no-untyped-def]
    parsed = read(csv_bytes([HEADER, *ROWS], encoding), "台账.csv")
    assert parsed.errors == []
    assert [row.values["name"] for row in parsed.rows] == ["电力公司宿舍", "财政局宿舍"]


@pytest.mark.parametrize("target", ["xls", "ods", "xlsx"])
def test_files_saved_by_libreoffice(city, target: str) -> None:  # type: ignore[no-untyped-def]
    if not soffice_available():
        if os.environ.get("HUANXIN_REQUIRE_SOFFICE") == "1":
            pytest.fail("HUANXIN_REQUIRE_SOFFICE=1 but soffice is missing (libreoffice-calc-nogui)")
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is not installed")
    source = xlsx(
        [
            HEADER,
            ROWS[0],
            ["财政局宿舍", "永定区", "官黎坪街道", "大庸路社区", dt.date(1995, 3, 1), 96, 10780],
        ]
    )
    content = convert(source, source="xlsx", target=target)
    parsed = read(content, f"台账.{target}")
    assert parsed.errors == []
    assert [(r.values["name"], r.values["year_built"], r.values["floor_area_m2"]) for r in parsed.rows] == [
        ("电力公司宿舍", 1996, Decimal("8950.00")),
        ("财政局宿舍", 1995, Decimal("10780.00")),
    ]


def test_a_street_and_community_merged_down_a_run_of_rows_count_for_each_row(city) -> None:  # type: ignore[no-untyped-def]
    """A county clerk writes 永定街道 once and merges the cell down over its estates."""
    rows: list[list[Any]] = [
        ["小区名称", "区县", "街道", "社区", "建成年份", "户数", "建筑面积（平方米）"],
        ["电力公司宿舍", "永定区", "永定街道", "岩塔社区", 1996, 84, 8950],
        ["财政局宿舍", None, None, None, 1995, 96, 10780],
        ["税务局宿舍", None, None, "紫舞社区", 1993, 40, 3200],
        ["农机公司生活区", "永定区", "官黎坪街道", "大庸路社区", 1990, 60, 5100],
    ]
    merges = ["B2:B4", "C2:C4", "D2:D3"]
    parsed = read(xlsx(rows, merges=merges))
    assert parsed.errors == []
    places = [(r.values["district"], r.values["street"], r.values["community"]) for r in parsed.rows]
    assert places == [
        ("永定区", "永定街道", "岩塔社区"),
        ("永定区", "永定街道", "岩塔社区"),
        ("永定区", "永定街道", "紫舞社区"),
        ("永定区", "官黎坪街道", "大庸路社区"),
    ]
    assert [r.row for r in parsed.rows] == [2, 3, 4, 5]  # the rows the officer sees in Excel


def test_an_empty_cell_that_is_not_merged_is_still_an_error(city) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[Any]] = [
        ["小区名称", "区县", "街道", "社区", "建成年份", "户数", "建筑面积（平方米）"],
        ["电力公司宿舍", "永定区", "永定街道", "岩塔社区", 1996, 84, 8950],
        ["财政局宿舍", "永定区", None, "岩塔社区", 1995, 96, 10780],
    ]
    parsed = read(xlsx(rows))
    assert [(e.row, e.column, e.reason) for e in parsed.errors] == [(3, "街道", "必填项为空")]


def _merge_declared_as(content: bytes, made: str, declared: str) -> bytes:
    """The file as a hostile one arrives: a merge declared to the sheet's last cell (openpyxl
    would build every cell of it; the file itself stays a few KB)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(f'ref="{made}"'.encode(), f'ref="{declared}"'.encode())
            archive.writestr(item, data)
    return out.getvalue()


def test_a_merge_declared_far_past_the_data_fills_only_the_rows_there_are(city) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[Any]] = [
        ["小区名称", "区县", "街道", "社区", "建成年份", "户数", "建筑面积（平方米）"],
        ["电力公司宿舍", "永定区", "永定街道", "岩塔社区", 1996, 84, 8950],
        ["财政局宿舍", None, "永定街道", "岩塔社区", 1995, 96, 10780],
    ]
    made = xlsx(rows, merges=["B2:B3"])
    parsed = read(_merge_declared_as(made, "B2:B3", "B2:B1048576"))
    assert parsed.errors == []
    assert [r.values["district"] for r in parsed.rows] == ["永定区", "永定区"]
